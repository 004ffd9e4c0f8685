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
from scenes.models import Claim, MicroProject, Scene, SceneKind
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
