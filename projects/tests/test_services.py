import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from projects import services
from projects.models import Project, ProjectEvent, Status
from projects.workflow import PROJECT_WORKFLOW
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_status_is_reachable_and_retrospected_is_final():
    table = PROJECT_WORKFLOW.graph()
    reachable = {Status.DRAFT} | {t for targets in table.values() for t in targets}
    assert reachable == set(Status.values)
    assert Status.RETROSPECTED not in table
    assert PROJECT_WORKFLOW.reachable_from(PROJECT_WORKFLOW.initial) == set(Status.values)


def test_secretary_files_and_submits_and_street_is_notified(
    org, people, django_capture_on_commit_callbacks
):
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    project = services.project_create(
        by=people.secretary, community=org.guoao, title="邻居节", needs=[need]
    )
    services.project_update(
        project=project,
        by=people.secretary,
        data={
            "goal": "熟悉邻里",
            "start_date": "2026-12-01",
            "end_date": "2026-12-31",
        },
    )
    services.budget_line_add(
        project=project, by=people.secretary, item="物料", amount="3000", source="street"
    )
    services.project_update(
        project=project,
        by=people.secretary,
        data={"proposal": "三场活动", "no_partner_reason": "志愿者自办"},
    )
    services.meeting_record(
        project=project,
        by=people.secretary,
        data={"date": "2026-11-20", "feasibility": "可行", "decisions": "同意"},
        attendances=[("branch", "党支部"), ("property", "物业")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.project_submit(project=project, by=people.secretary)
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    notified = set(
        Notification.objects.filter(event="project.submitted").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"street", "member", "expert"}
    assert {m.to[0] for m in mail.outbox} == {
        "street@example.org",
        "member@example.org",
        "expert@example.org",
    }
    assert AuditEvent.objects.filter(action="project.submit", object_id=str(project.pk)).exists()
    assert project.events.filter(kind=ProjectEvent.Kind.SUBMITTED).exists()


def test_submit_refuses_incomplete_project_and_saves_nothing(org, people):
    project = f.ProjectFactory(community=org.guoao)
    with pytest.raises(ValidationError, match="定好计划") as refused:
        services.project_submit(project=project, by=people.secretary)
    # Every missing piece of the first four steps, in Chinese.
    assert len(refused.value.messages) == 5
    assert "联席会" in " ".join(refused.value.messages)
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert not AuditEvent.objects.filter(action="project.submit").exists()


def test_street_returns_then_secretary_resubmits_then_street_approves(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    services.project_return(project=project, by=people.street, comment="预算请细化")
    assert Notification.objects.filter(
        recipient=people.secretary, event="project.returned"
    ).exists()
    services.project_update(project=project, by=people.secretary, data={"goal": "更细的目标"})
    services.project_submit(project=project, by=people.secretary)
    services.project_approve(project=project, by=people.street)
    project.refresh_from_db()
    assert project.status == Status.APPROVED
    kinds = list(project.events.values_list("kind", flat=True))
    assert kinds == ["returned", "updated", "submitted", "approved"]


def test_return_needs_a_comment(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.project_return(project=project, by=people.street, comment="  ")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["member", "expert", "street_b", "secretary", "district"])
def test_only_the_streets_leader_approves(org, people, who):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.project_approve(project=project, by=getattr(people, who))
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_secretary_of_other_community_cannot_submit(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True)
    with pytest.raises(PermissionDenied):
        services.project_submit(project=project, by=people.secretary2)


def test_approving_twice_gives_a_clear_message(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    services.project_approve(project=project, by=people.street)
    stale = Project.objects.get(pk=project.pk)
    stale.status = Status.SUBMITTED  # the page the second click came from
    with pytest.raises(Conflict, match="已批准"):
        services.project_return(project=stale, by=people.street, comment="晚了一步")


def test_expert_comments_but_cannot_decide(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    services.project_comment(project=project, by=people.expert, comment="建议增加老年人专场")
    assert project.events.filter(kind="commented", note__contains="老年人").exists()
    assert Notification.objects.filter(
        recipient=people.secretary, event="project.commented"
    ).exists()


def test_announce_activity_and_retrospective_complete_the_seven_steps(org, people, tiny_png):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.APPROVED)
    services.project_announce(project=project, by=people.secretary, announcement="周六上午广场见")
    assert Project.objects.published().filter(pk=project.pk).exists()
    with pytest.raises(ValidationError):
        services.project_retrospect(
            project=project, by=people.secretary, retro_worked="还没办活动", retro_changes="先办"
        )
    activity = services.activity_log(
        project=project,
        by=people.secretary,
        data={"date": "2026-12-05", "place": "小区广场", "participants": 80},
        photo=tiny_png,
    )
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    photo = activity.photos.get()
    assert photo.upload.owner == project and not photo.public
    services.project_retrospect(
        project=project,
        by=people.secretary,
        retro_worked="居民反响热烈",
        retro_missed="宣传不够",
        retro_changes="提前一周发预告",
    )
    project.refresh_from_db()
    assert project.status == Status.RETROSPECTED and project.retrospected_at
    assert (project.retro_worked, project.retro_missed, project.retro_changes) == (
        "居民反响热烈",
        "宣传不够",
        "提前一周发预告",
    )


def test_fields_posted_by_a_client_cannot_include_status(org, people):
    project = f.ProjectFactory(community=org.guoao)
    with pytest.raises(ValueError):
        services.project_update(
            project=project, by=people.secretary, data={"status": Status.APPROVED}
        )


def test_workflow_table_names_a_declared_permission_for_every_action():
    from rules import perm_exists

    for action in PROJECT_WORKFLOW:
        assert perm_exists(action.permission), action.name
