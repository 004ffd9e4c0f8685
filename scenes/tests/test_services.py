"""Scenes and micro-projects: who may record them, the claim → care → neglect → release cycle,
and one live claim per plot."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import AuditEvent
from core.workflow import Conflict
from scenes import services
from scenes.models import CONSENT_NOTICE_VERSION, Claim, MicroProject, Scene, SceneKind
from scenes.tests.factories import MicroProjectFactory, SceneFactory, cared, claimed
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _scene_data(org, **extra):
    return {
        "compound": org.compound,
        "kind": SceneKind.DELIBERATION,
        "name": "楼道议事角",
        "location": "3号楼一层",
        **extra,
    }


def test_secretary_records_a_scene_with_its_project(org, people):
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    scene = services.scene_create(
        by=people.secretary, community=org.guoao, data={**_scene_data(org), "projects": [project]}
    )
    assert list(scene.projects.all()) == [project]
    assert AuditEvent.objects.filter(action="scene.create", object_id=str(scene.pk)).exists()


def test_secretary_cannot_record_a_scene_in_another_community(org, people):
    with pytest.raises(PermissionDenied):
        services.scene_create(by=people.secretary2, community=org.guoao, data=_scene_data(org))


def test_a_scene_cannot_link_another_communitys_project(org, people):
    other = f.ProjectFactory(community=org.yuehai, created_by=people.secretary2)
    with pytest.raises(ValidationError):
        services.scene_create(
            by=people.secretary, community=org.guoao, data={**_scene_data(org), "projects": [other]}
        )
    assert not Scene.objects.exists()


def test_an_outdoor_scene_needs_its_public_space_kind(org, people):
    with pytest.raises(ValidationError):
        services.scene_create(
            by=people.secretary,
            community=org.guoao,
            data=_scene_data(org, kind=SceneKind.PUBLIC_SPACE),
        )


def test_scenes_are_visible_in_scope_only(org, people):
    scene = SceneFactory(compound=org.compound, created_by=people.secretary)
    assert list(Scene.objects.visible_to(people.street)) == [scene]
    assert list(Scene.objects.visible_to(people.district)) == [scene]
    assert not Scene.objects.visible_to(people.secretary2).exists()
    assert not Scene.objects.visible_to(people.partner).exists()
    services.scene_delete(scene=scene, by=people.secretary)
    assert not Scene.objects.visible_to(people.district).exists()


def test_a_photo_is_public_only_with_the_staffs_consent(org, people, tiny_png):
    scene = SceneFactory(compound=org.compound, created_by=people.secretary)
    photo = services.scene_photo_add(scene=scene, by=people.secretary, photo=tiny_png)
    assert (photo.public, photo.consent_by) == (False, None)
    photo = services.scene_photo_consent(
        scene=scene, by=people.secretary, photo_id=photo.pk, public=True
    )
    assert (photo.public, photo.consent_by) == (True, people.secretary)


# --- claims -----------------------------------------------------------------------------------
@pytest.fixture
def plot(org, people):
    return MicroProjectFactory(compound=org.compound, created_by=people.secretary, neglect_days=7)


def test_a_resident_claims_with_a_verified_phone_and_the_number_is_kept_encrypted(plot):
    claim = services.micro_claim_by_resident(
        micro=plot, name="张阿姨", phone="13900002222", consent=True
    )
    plot.refresh_from_db()
    assert plot.status == MicroProject.Status.CLAIMED
    assert plot.care_due_on == TODAY() + datetime.timedelta(days=7)
    assert str(claim.phone) == "139****2222" and claim.consent_at is not None
    assert claim.consent_version == CONSENT_NOTICE_VERSION  # which notice text was agreed to
    event = AuditEvent.objects.get(action="microproject.claim")
    assert "13900002222" not in str(event.detail) and event.actor is None


def test_a_resident_must_consent_and_give_a_name(plot):
    with pytest.raises(ValidationError) as exc:
        services.micro_claim_by_resident(micro=plot, name=" ", phone="13900002222", consent=False)
    assert len(exc.value.messages) == 2
    assert not Claim.objects.exists()


def test_a_partner_claims_as_their_profile_of_the_plots_community(org, people, plot):
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner
    )
    claim = services.micro_claim_by_partner(micro=plot, by=people.partner)
    assert claim.partner == partner


def test_a_partner_of_another_community_cannot_claim(org, people, plot):
    f.PartnerFactory(community=org.yuehai, created_by=people.secretary2, user=people.partner)
    with pytest.raises(PermissionDenied):
        services.micro_claim_by_partner(micro=plot, by=people.partner)


def test_a_claimed_plot_cannot_be_claimed_again(plot):
    services.micro_claim_by_resident(micro=plot, name="张", phone="13900002222", consent=True)
    with pytest.raises(Conflict):
        services.micro_claim_by_resident(micro=plot, name="李", phone="13900003333", consent=True)
    assert Claim.objects.count() == 1


def test_the_database_keeps_one_live_claim_per_plot(plot):
    claimed(plot)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(micro_project=plot, name="李", phone="13900003333")


def test_care_moves_the_neglect_date_and_refuses_the_future(plot):
    claim = claimed(plot, days_ago=3)
    with pytest.raises(ValidationError, match="晚于今天"):
        services.micro_care(claim=claim, date=TODAY() + datetime.timedelta(days=1), done="浇水")
    record = services.micro_care(claim=claim, date=TODAY(), done="浇水、除草")
    plot.refresh_from_db()
    assert plot.care_due_on == TODAY() + datetime.timedelta(days=7)
    assert list(claim.care_records.all()) == [record]


def test_care_with_a_photo_stores_it_through_the_upload_service(plot, tiny_png):
    claim = claimed(plot)
    record = services.micro_care(claim=claim, date=TODAY(), done="松土", photo=tiny_png)
    assert record.photo.owner == plot


def test_a_plot_without_care_past_its_days_is_neglected(org, people):
    fresh = MicroProjectFactory(compound=org.compound, created_by=people.secretary, neglect_days=7)
    stale = MicroProjectFactory(compound=org.compound, created_by=people.secretary, neglect_days=7)
    tended = MicroProjectFactory(compound=org.compound, created_by=people.secretary, neglect_days=7)
    claimed(fresh, days_ago=3)
    claimed(stale, days_ago=10)
    cared(claimed(tended, days_ago=20), days_ago=2)
    MicroProjectFactory(compound=org.compound, created_by=people.secretary)  # open
    assert list(MicroProject.objects.neglected()) == [stale]
    flags = dict(MicroProject.objects.with_neglect().values_list("title", "is_neglected"))
    assert flags[stale.title] and not flags[fresh.title] and not flags[tended.title]


def test_staff_release_a_neglected_plot_and_the_old_claimant_can_no_longer_record_care(
    people, plot
):
    claim = claimed(plot, days_ago=30)
    services.micro_release(micro=plot, by=people.secretary, reason="长期未照料")
    plot.refresh_from_db()
    claim.refresh_from_db()
    assert plot.status == MicroProject.Status.OPEN and claim.released_at is not None
    with pytest.raises(Conflict):
        services.micro_care(claim=claim, date=TODAY(), done="浇水")


def test_only_the_communitys_staff_release_or_close(people, plot):
    claimed(plot)
    for outsider in (people.secretary2, people.street, people.partner):
        with pytest.raises(PermissionDenied):
            services.micro_release(micro=plot, by=outsider)
    services.micro_close(micro=plot, by=people.worker)
    plot.refresh_from_db()
    assert plot.status == MicroProject.Status.CLOSED
    assert not plot.claims.live().exists()
    services.micro_reopen(micro=plot, by=people.secretary)


# --- editing a micro-project -------------------------------------------------------------------
def _micro_data(org, **extra):
    return {
        "compound": org.compound,
        "kind": MicroProject.Kind.PLOT,
        "title": "5号楼前责任田A块",
        "description": "种点小葱",
        "location": "5号楼南侧",
        "neglect_days": 7,
        **extra,
    }


def test_staff_edit_a_micro_project_and_the_audit_names_the_changed_fields(org, people, plot):
    services.micro_update(
        micro=plot, by=people.worker, data=_micro_data(org, kind=MicroProject.Kind.TASK)
    )
    plot.refresh_from_db()
    assert (plot.title, plot.kind, plot.location) == ("5号楼前责任田A块", "task", "5号楼南侧")
    event = AuditEvent.objects.get(action="microproject.edit", object_id=str(plot.pk))
    assert sorted(event.detail["fields"]) == ["description", "kind", "location", "title"]
    assert event.actor == people.worker


def test_only_the_communitys_staff_edit_a_micro_project(org, people, plot):
    for outsider in (people.secretary2, people.secretary_haiyun, people.street, people.partner):
        with pytest.raises(PermissionDenied):
            services.micro_update(micro=plot, by=outsider, data={"title": "改了"})
    plot.refresh_from_db()
    assert plot.title != "改了"


def test_an_edit_cannot_move_a_micro_project_to_another_communitys_compound(org, people, plot):
    other = f.CompoundFactory(community=org.yuehai)
    with pytest.raises(ValidationError, match="国奥社区的小区"):
        services.micro_update(micro=plot, by=people.secretary, data={"compound": other})
    plot.refresh_from_db()
    assert plot.compound == org.compound


def test_an_edit_refuses_a_bad_neglect_interval_and_changes_nothing(org, people, plot):
    with pytest.raises(ValidationError, match="照料间隔"):
        services.micro_update(
            micro=plot, by=people.secretary, data=_micro_data(org, neglect_days=0)
        )
    plot.refresh_from_db()
    assert plot.neglect_days == 7 and plot.title != "5号楼前责任田A块"


def test_while_claimed_the_title_changes_but_the_kind_and_compound_stay(org, people, plot):
    claimed(plot)
    other = f.CompoundFactory(community=org.guoao)
    for change in ({"kind": MicroProject.Kind.TASK}, {"compound": other}):
        with pytest.raises(ValidationError, match="有人认领中"):
            services.micro_update(micro=plot, by=people.secretary, data=change)
    services.micro_update(micro=plot, by=people.secretary, data=_micro_data(org))
    plot.refresh_from_db()
    assert plot.title == "5号楼前责任田A块" and plot.status == MicroProject.Status.CLAIMED


def test_a_new_neglect_interval_moves_the_due_date_of_a_claimed_plot(org, people, plot):
    cared(claimed(plot, days_ago=10), days_ago=5)  # due 7 days after the care: in 2 days
    assert plot.care_due_on == TODAY() + datetime.timedelta(days=2)
    services.micro_update(micro=plot, by=people.secretary, data={"neglect_days": 3})
    plot.refresh_from_db()
    assert plot.care_due_on == TODAY() - datetime.timedelta(days=2)
    assert list(MicroProject.objects.neglected()) == [plot]


def test_an_edit_of_an_open_plot_leaves_it_without_a_due_date(org, people, plot):
    services.micro_update(micro=plot, by=people.secretary, data={"neglect_days": 30})
    plot.refresh_from_db()
    assert (plot.neglect_days, plot.care_due_on) == (30, None)


# --- giving up one's own claim ----------------------------------------------------------------
def test_the_claimant_gives_up_and_the_plot_is_open_again(plot):
    claim = claimed(plot, days_ago=3)
    services.micro_give_up(claim=claim, reason="搬家了")
    plot.refresh_from_db()
    claim.refresh_from_db()
    assert plot.status == MicroProject.Status.OPEN and plot.care_due_on is None
    assert claim.released_at is not None and claim.release_reason == "认领人放弃:搬家了"
    event = AuditEvent.objects.get(action="microproject.give_up")
    assert event.actor is None
    assert event.detail["claim"] == claim.pk and event.detail["to"] == "open"
    assert "13900002222" not in str(event.detail)
    # Open again: the next neighbour claims it.
    services.micro_claim_by_resident(micro=plot, name="李", phone="13900003333", consent=True)


def test_a_partner_gives_up_their_claim(org, people, plot):
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner
    )
    claim = claimed(plot, partner=partner)
    services.micro_give_up(claim=claim, by=people.partner)
    claim.refresh_from_db()
    assert claim.release_reason == "认领人放弃认领"
    assert AuditEvent.objects.get(action="microproject.give_up").actor == people.partner


def test_a_claim_staff_released_cannot_be_given_up_nor_the_next_claim_with_it(people, plot):
    old = claimed(plot)
    services.micro_release(micro=plot, by=people.secretary, reason="长期未照料")
    with pytest.raises(Conflict):
        services.micro_give_up(claim=old)
    services.micro_claim_by_resident(micro=plot, name="李", phone="13900003333", consent=True)
    with pytest.raises(Conflict, match="已经解除"):
        services.micro_give_up(claim=old)  # the old claim never ends the new one
    assert plot.claims.live().get().name == "李"


def test_one_phone_holds_at_most_three_live_claims(org, people):
    """Nobody takes every open plot at once: a fourth claim with the same phone is refused,
    and giving one up makes room again."""
    from scenes.workflow import MAX_LIVE_CLAIMS_PER_PHONE

    plots = [
        MicroProjectFactory(compound=org.compound, created_by=people.secretary)
        for _ in range(MAX_LIVE_CLAIMS_PER_PHONE + 1)
    ]
    for plot in plots[:-1]:
        services.micro_claim_by_resident(
            micro=plot, name="张阿姨", phone="13900002222", consent=True
        )
    with pytest.raises(ValidationError, match="最多同时认领"):
        services.micro_claim_by_resident(
            micro=plots[-1], name="张阿姨", phone="13900002222", consent=True
        )
    plots[-1].refresh_from_db()
    assert plots[-1].status == MicroProject.Status.OPEN
    # Another phone may still claim it.
    services.micro_claim_by_resident(
        micro=plots[-1], name="李大爷", phone="13900003333", consent=True
    )
