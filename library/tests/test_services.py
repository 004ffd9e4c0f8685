"""The library's services: nominating, selecting and declining (the workflow table), keeping
the write-up, the guidance, and starting a community's project from the library."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from library import services
from library.models import LibraryEntry, Nomination, ProjectOrigin
from projects.models import BudgetLine, OutdoorCategory, Project, PublicSpaceKind, Status
from tests import factories as f

from . import factories as lf

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(org, people):
    return lf.completed_project(org.guoao, people, title="国奥百家宴")


def test_street_member_nominates_a_completed_project_and_the_district_hears_of_it(
    completed, people
):
    nomination = services.nomination_create(
        by=people.member, project=completed, item=lf.item("百家宴"), reason="三年不断,居民自办"
    )
    assert nomination.status == Nomination.Status.PENDING
    assert nomination.nominated_by == people.member
    assert AuditEvent.objects.filter(action="nomination.create", object_id=str(nomination.pk))
    assert Notification.objects.filter(
        recipient=people.district, event="nomination.created"
    ).exists()


def test_only_a_completed_project_can_be_nominated(org, people):
    running = f.ProjectFactory(community=org.guoao, ready=True, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="已完成复盘"):
        services.nomination_create(by=people.street, project=running, item=lf.item(), reason="好")
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("who", ["expert", "street_b", "secretary", "district"])
def test_experts_other_streets_communities_and_the_district_cannot_nominate(completed, people, who):
    with pytest.raises(PermissionDenied):
        services.nomination_create(
            by=getattr(people, who), project=completed, item=lf.item(), reason="好"
        )


def test_a_project_waits_in_one_pending_nomination_at_most(completed, people):
    services.nomination_create(by=people.member, project=completed, item=lf.item(), reason="好")
    with pytest.raises(Conflict, match="等待区级遴选"):
        services.nomination_create(
            by=people.street, project=completed, item=lf.item(), reason="也好"
        )
    assert Nomination.objects.count() == 1


def test_a_nomination_needs_a_reason(completed, people):
    with pytest.raises(ValidationError, match="推荐理由"):
        services.nomination_create(by=people.member, project=completed, item=lf.item(), reason=" ")


def test_district_selects_with_the_write_up_and_the_street_hears_of_it(completed, people):
    nomination = lf.nomination(completed, people.member)
    entry = services.nomination_select(
        nomination=nomination,
        by=people.district,
        item=lf.item("邻里节"),
        reason="新老居民熟络起来",
        case_study="背景\n做法\n成效",
    )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SELECTED
    assert nomination.decided_by == people.district
    assert entry.project == completed and entry.item.name == "邻里节"
    assert entry.year == timezone.localdate().year
    assert entry.case_paragraphs == ["背景", "做法", "成效"]
    told = Notification.objects.filter(event="nomination.select")
    assert set(told.values_list("recipient__username", flat=True)) == {"street", "member"}
    assert AuditEvent.objects.filter(action="nomination.select").exists()


def test_selecting_needs_the_case_study_and_changes_nothing_without_it(completed, people):
    nomination = lf.nomination(completed, people.member)
    with pytest.raises(ValidationError, match="典型案例"):
        services.nomination_select(
            nomination=nomination, by=people.district, item=lf.item(), reason="好", case_study=""
        )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING
    assert not LibraryEntry.objects.exists()


def test_a_decided_nomination_cannot_be_decided_again(completed, people):
    nomination = lf.nomination(completed, people.member)
    services.nomination_decline(nomination=nomination, by=people.district, reason="材料不全")
    with pytest.raises(Conflict, match="未入选"):
        services.nomination_select(
            nomination=nomination, by=people.district, item=lf.item(), reason="好", case_study="x"
        )


def test_street_cannot_decide_its_own_nomination(completed, people):
    nomination = lf.nomination(completed, people.member)
    with pytest.raises(PermissionDenied):
        services.nomination_decline(nomination=nomination, by=people.street, reason="撤回")


def test_declined_with_a_reason_the_street_reads_and_may_nominate_again(completed, people):
    nomination = lf.nomination(completed, people.member)
    with pytest.raises(ValidationError, match="理由"):
        services.nomination_decline(nomination=nomination, by=people.district, reason="")
    services.nomination_decline(nomination=nomination, by=people.district, reason="材料不全")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED
    assert Notification.objects.filter(
        recipient=people.member, event="nomination.decline", body="材料不全"
    ).exists()
    again = services.nomination_create(
        by=people.member, project=completed, item=lf.item(), reason="补充了材料"
    )
    assert again.status == Nomination.Status.PENDING


def test_a_project_in_the_library_cannot_be_nominated_or_selected_again(completed, people):
    lf.entry(completed, people.district)
    with pytest.raises(ValidationError, match="已经入库"):
        services.nomination_create(by=people.member, project=completed, item=lf.item(), reason="再")


def test_the_photo_must_be_a_public_photo_of_the_project(completed, people, org):
    from core.models import Upload
    from projects.models import ActivityPhoto

    other = lf.completed_project(org.guoao, people, title="别的项目")
    upload = Upload.objects.create(
        kind="image",
        original_name="a.png",
        content_type="image/png",
        size=1,
        uploaded_by=people.secretary,
        file="uploads/a.png",
    )
    photo = ActivityPhoto.objects.create(
        activity=other.activities.first(),
        upload=upload,
        public=True,
        consent_by=people.secretary,
        consent_at=timezone.now(),
    )
    entry = lf.entry(completed, people.district)
    with pytest.raises(ValidationError, match="案例照片"):
        services.entry_update(entry=entry, by=people.district, data={"photo": photo})


def test_district_keeps_the_write_up_up_to_date_and_it_is_audited(completed, people):
    entry = lf.entry(completed, people.district)
    services.entry_update(entry=entry, by=people.district, data={"case_study": "新的案例"})
    entry.refresh_from_db()
    assert entry.case_study == "新的案例"
    event = AuditEvent.objects.get(action="libraryentry.update")
    assert event.detail == {"fields": ["case_study"]}
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=entry, by=people.secretary, data={"case_study": "改"})


def test_secretary_starts_a_draft_from_an_item_with_its_origin(org, people):
    item = lf.item("家门口便民集市")
    project = services.project_start_from_item(
        by=people.secretary, community=org.guoao, item=item, title="国奥便民集市"
    )
    assert project.status == Status.DRAFT and project.community == org.guoao
    assert project.title == "国奥便民集市" and "家门口便民集市" in project.summary
    origin = ProjectOrigin.objects.get(project=project)
    assert origin.item == item and origin.entry is None
    assert AuditEvent.objects.filter(action="project.create", object_id=str(project.pk)).exists()


def test_secretary_cannot_start_a_project_in_another_community(org, people):
    with pytest.raises(PermissionDenied):
        services.project_start_from_item(
            by=people.secretary, community=org.yuehai, item=lf.item(), title="别人的"
        )
    assert not ProjectOrigin.objects.exists()


def test_cloning_copies_title_theme_plan_budget_and_proposal_into_a_draft(org, people):
    source = lf.completed_project(org.yuehai, people, created_by=people.secretary2, theme="health")
    source.public_space = PublicSpaceKind.objects.get_or_create(name="广场内")[0]
    source.outdoor_category = OutdoorCategory.objects.get_or_create(name="邻里宴席")[0]
    source.save(update_fields=["public_space", "outdoor_category"])
    BudgetLine.objects.create(project=source, item="桌椅租赁", amount=800, source="street")
    entry = lf.entry(source, people.district)

    project = services.project_clone_entry(
        by=people.worker, community=org.guoao, entry=entry, title=""
    )

    assert project.pk != source.pk and project.community == org.guoao
    assert project.status == Status.DRAFT and project.title == source.title
    assert project.theme == "health"
    for name in ("goal", "target_groups", "proposal", "public_space_id", "outdoor_category_id"):
        assert getattr(project, name) == getattr(source, name), name
    assert project.start_date is None  # dates are the community's own
    lines = sorted(project.budget_lines.values_list("item", "amount"))
    assert lines == sorted(source.budget_lines.values_list("item", "amount"))
    assert project.budget_total == sum(line.amount for line in source.budget_lines.all())
    assert ProjectOrigin.objects.get(project=project).entry == entry
    source.refresh_from_db()
    assert source.community == org.yuehai and source.status == Status.RETROSPECTED


def test_guidance_is_published_with_its_links_and_an_attachment(people):
    spaces = list(PublicSpaceKind.objects.all()[:2])
    categories = list(OutdoorCategory.objects.all())
    guidance = services.guidance_create(
        by=people.district,
        data={
            "kind": "guide",
            "title": "拓展社区服务场景工作指南",
            "body": "第一条\n第二条",
            "issued_on": None,
            "order": 1,
            "public_spaces": spaces,
            "outdoor_categories": categories,
        },
    )
    assert guidance.outdoor_categories.count() == len(categories) == 12
    pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    attachment = services.guidance_attach(
        guidance=guidance, by=people.district, title="正文", uploaded_file=pdf
    )
    assert attachment.upload.owner == guidance
    with pytest.raises(PermissionDenied):
        services.guidance_update(guidance=guidance, by=people.secretary, data={"title": "改"})


def test_a_project_deleted_after_nomination_cannot_be_selected(completed, people):
    nomination = lf.nomination(completed, people.member)
    Project.objects.filter(pk=completed.pk).update(deleted_at=timezone.now())
    with pytest.raises(ValidationError, match="已删除"):
        services.nomination_select(
            nomination=nomination, by=people.district, item=lf.item(), reason="好", case_study="x"
        )
