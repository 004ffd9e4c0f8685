"""The workflow engine (core/workflow.py), on a small table of its own over the Project model:
the order of its refusals, what it saves and writes, and the buttons it lists."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from core.workflow import Action, Conflict, Workflow, mark_deleted, mark_restored, stamp
from projects.models import Project, ProjectEvent, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Status
heard = []


def _timeline(step):
    ProjectEvent.objects.create(
        project=step.obj, kind=step.action.event, actor=step.by, note=step.note
    )


def _needs_goal(step):
    if not step.obj.goal:
        yield "请先写目标。"
    if not step.obj.budget_total:
        yield "请先写预算。"


TOY = Workflow(
    Project,
    [
        Action(
            "submit",
            "提交",
            "projects.submit_project",
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            ProjectEvent.Kind.SUBMITTED,
            check=_needs_goal,
            notify=lambda step: heard.append((step.action.name, step.obj.status)),
        ),
        Action(
            "announce",
            "发布",
            "projects.announce_project",
            frozenset({S.APPROVED}),
            S.ANNOUNCED,
            ProjectEvent.Kind.ANNOUNCED,
            fields=("announcement",),
            apply=stamp("announced_at"),
        ),
        Action("start", "开始", "projects.log_activity", frozenset({S.ANNOUNCED}), S.IN_PROGRESS),
        Action(
            "note",
            "记一笔",
            "projects.log_activity",
            frozenset({S.ANNOUNCED, S.IN_PROGRESS}),
            event=ProjectEvent.Kind.ACTIVITY,
            prelude="start",
        ),
        Action("edit", "修改", "projects.change_project", frozenset({S.DRAFT}), fields=("goal",)),
        Action("delete", "删除", "projects.delete_project", frozenset(S), apply=mark_deleted),
        Action(
            "restore",
            "恢复",
            "projects.restore_project",
            frozenset(S),
            apply=mark_restored,
            on_deleted=True,
        ),
    ],
    initial=S.DRAFT,
    timeline=_timeline,
    noun="项目",
)


def test_permission_is_judged_before_status_so_outsiders_learn_nothing(org, people):
    project = f.ProjectFactory(community=org.guoao, status=S.APPROVED)
    with pytest.raises(PermissionDenied):
        TOY.perform(project, "submit", by=people.secretary2)  # wrong community, wrong status
    with pytest.raises(Conflict, match="当前状态为“已批准”,不能提交。请刷新页面"):
        TOY.perform(project, "submit", by=people.secretary)
    assert not AuditEvent.objects.filter(action="project.submit").exists()


def test_readiness_gives_every_reason_and_saves_nothing(org, people):
    project = f.ProjectFactory(community=org.guoao)
    with pytest.raises(ValidationError) as refused:
        TOY.perform(project, "submit", by=people.secretary)
    assert not isinstance(refused.value, Conflict)
    assert refused.value.messages == ["请先写目标。", "请先写预算。"]
    project.refresh_from_db()
    assert project.status == S.DRAFT and not project.events.exists()


def test_an_action_moves_the_status_writes_timeline_and_audit_and_notifies(org, people):
    heard.clear()
    project = f.ProjectFactory(community=org.guoao, ready=True)
    before = project.status_changed_at
    step = TOY.perform(project, "submit", by=people.secretary)
    project.refresh_from_db()
    assert project.status == S.SUBMITTED and project.status_changed_at > before
    assert step.obj.pk == project.pk and step.source == S.DRAFT
    assert list(project.events.values_list("kind", "actor")) == [("submitted", people.secretary.pk)]
    audit = AuditEvent.objects.get(action="project.submit")
    assert audit.detail == {"from": "draft", "to": "submitted"}
    assert audit.object_id == str(project.pk)
    assert heard == [("submit", S.SUBMITTED)]  # notify sees the row as saved


def test_declared_fields_are_saved_with_update_fields_only(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=S.APPROVED)
    Project.objects.filter(pk=project.pk).update(title="别人刚改的标题")  # not ours to overwrite
    TOY.perform(project, "announce", by=people.secretary, data={"announcement": "周六见"})
    project.refresh_from_db()
    assert project.title == "别人刚改的标题"
    assert project.announcement == "周六见" and project.announced_at is not None
    draft = f.ProjectFactory(community=org.guoao)
    TOY.perform(draft, "edit", by=people.secretary, data={"goal": "新目标", "title": "不在表里"})
    draft.refresh_from_db()
    assert draft.goal == "新目标" and draft.title != "不在表里"


def test_dates_given_as_text_are_typed_by_the_model_before_checks(org, people):
    workflow = Workflow(
        Project,
        [
            Action(
                "plan",
                "计划",
                "projects.change_project",
                frozenset({S.DRAFT}),
                fields=("start_date",),
                check=lambda step: [] if step.obj.start_date.year == 2026 else ["年份不对"],
            )
        ],
        initial=S.DRAFT,
    )
    project = f.ProjectFactory(community=org.guoao)
    workflow.perform(project, "plan", by=people.secretary, data={"start_date": "2026-12-01"})
    with pytest.raises(ValidationError):
        workflow.perform(project, "plan", by=people.secretary, data={"start_date": "not a date"})


def test_a_prelude_runs_first_when_the_status_allows_it(org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True)
    TOY.perform(project, "note", by=people.secretary, data={"note": "第一次"})
    TOY.perform(project, "note", by=people.secretary, data={"note": "第二次"})
    project.refresh_from_db()
    assert project.status == S.IN_PROGRESS
    kinds = list(project.events.values_list("kind", "note"))
    assert kinds == [("activity", "第一次"), ("activity", "第二次")]  # start writes no event
    assert AuditEvent.objects.filter(action="project.start").count() == 1


def test_deleted_rows_take_only_actions_made_for_the_trash(org, people):
    project = f.ProjectFactory(community=org.guoao)
    TOY.perform(project, "delete", by=people.secretary)
    with pytest.raises(Conflict, match="已被删除"):
        TOY.perform(project, "edit", by=people.secretary, data={"goal": "x"})
    TOY.perform(project, "restore", by=people.secretary)
    with pytest.raises(Conflict):
        TOY.perform(project, "restore", by=people.secretary)  # a second tab restoring again
    assert Project.objects.alive().filter(pk=project.pk).exists()


def test_available_lists_what_this_person_may_press_now(org, people):
    project = f.ProjectFactory(community=org.guoao)
    mine = TOY.available(people.secretary, project)
    assert {name for name, ok in mine.items() if ok} == {"submit", "edit", "delete"}
    assert not any(TOY.available(people.secretary2, project).values())
    assert not any(TOY.available(people.street, project).values())


def test_graph_and_reachability_come_from_the_table():
    assert TOY.graph() == {
        S.DRAFT: {S.SUBMITTED},
        S.APPROVED: {S.ANNOUNCED},
        S.ANNOUNCED: {S.IN_PROGRESS},
    }
    assert TOY.reachable_from(S.APPROVED) == {S.APPROVED, S.ANNOUNCED, S.IN_PROGRESS}
    assert TOY.reachable_from(S.APPROVED, avoiding={S.IN_PROGRESS}) == {S.APPROVED, S.ANNOUNCED}
    assert [a.name for a in TOY.actions_writing(ProjectEvent.Kind.ACTIVITY)] == ["note"]


def test_a_table_naming_an_unknown_prelude_is_refused_at_import():
    with pytest.raises(ValueError, match="unknown prelude"):
        Workflow(
            Project,
            [Action("x", "x", "projects.change_project", frozenset(), prelude="nope")],
            initial=S.DRAFT,
        )


def test_declared_fields_pass_the_models_validators_before_anything_is_saved(org, people):
    workflow = Workflow(
        Project,
        [
            Action(
                "plan",
                "计划",
                "projects.change_project",
                frozenset({S.DRAFT}),
                fields=("end_date", "theme", "budget_total"),
            )
        ],
        initial=S.DRAFT,
    )
    project = f.ProjectFactory(community=org.guoao)
    for bad in ({"end_date": "9999-12-31"}, {"theme": "evil"}, {"budget_total": "-5"}):
        with pytest.raises(ValidationError) as refused:
            workflow.perform(project, "plan", by=people.secretary, data=bad)
        assert not isinstance(refused.value, Conflict), bad
    project.refresh_from_db()
    assert project.end_date is None and project.theme == "joy" and project.budget_total is None
