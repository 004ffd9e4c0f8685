"""Everything that can happen to a project, declared once (core/workflow.py performs it).

Each row: what the action is called, the statuses it may start from, the status it moves to (none
for in-place actions), the permission (a rule on role × object in projects/rules.py), the
timeline event, what must be true first, its own work and who hears of it. Services call
`PROJECT_WORKFLOW.perform`; pages ask `PROJECT_WORKFLOW.available` for their buttons.
"""

from django.utils import timezone

from accounts.roles import COMMUNITY_STAFF, STREET_GROUP
from accounts.selectors import people_holding
from core.dates import years_after
from core.notifications import notify
from core.uploads import store_upload
from core.workflow import Action, Step, Workflow, mark_deleted, mark_restored, stamp

from .models import Activity, Project, ProjectEvent, Status

S, Kind = Status, ProjectEvent.Kind
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# How far ahead a plan may reach: further is a typing slip, and would keep the project off the
# overdue list for ever.
PLAN_HORIZON_YEARS = 3

BASIC_FIELDS = ("title", "summary", "theme", "compound")
PLAN_FIELDS = ("goal", "start_date", "end_date", "budget_total", "target_groups")
PROPOSAL_FIELDS = ("joint_meeting_date", "joint_meeting_attendees", "feasibility", "proposal")
ACTIVITY_FIELDS = ("date", "place", "participants", "volunteers", "spending", "note")


# --- readiness: why an action cannot happen yet -----------------------------------------------
def required(name: str, message: str):
    def check(step: Step):
        if not str(step.data.get(name) or "").strip():
            yield message

    return check


def plan_and_proposal_complete(step: Step):
    project = step.obj
    missing = []
    if not project.plan_complete:
        missing.append("计划(目标、起止日期、预算)")
    if not project.proposal_complete:
        missing.append("方案(联席会日期、参会方、实施方案)")
    if missing:
        yield "提交前请先填写:" + "、".join(missing) + "。"


def edit_is_consistent(step: Step):
    project, data = step.obj, step.data
    compound = data.get("compound")
    if compound is not None and compound.community_id != project.community_id:
        yield "所选小区不属于本社区。"
    if any(n.community_id != project.community_id for n in data.get("needs") or ()):
        yield "只能关联本社区的需求。"
    yield from plan_dates_are_sane(project)


def plan_dates_are_sane(project: Project):
    start, end = project.start_date, project.end_date
    if start and end and end < start:
        yield "结束日期不能早于开始日期。"
    horizon = years_after(timezone.localdate(), PLAN_HORIZON_YEARS)
    if end and end > horizon:
        yield f"计划结束日期不能晚于 {horizon:%Y-%m-%d}(最多安排 {PLAN_HORIZON_YEARS} 年)。"


def activity_within_plan(step: Step):
    project = step.obj
    day = Activity._meta.get_field("date").clean(step.data.get("date"), None)
    start, end = project.start_date, project.end_date
    if day and start and end and not start <= day <= end:
        yield (
            f"活动日期 {day:%Y-%m-%d} 不在项目计划的时间内"
            f"({start:%Y-%m-%d} 至 {end:%Y-%m-%d}),请核对日期。"
        )


def has_activity(step: Step):
    if not step.obj.activities.exists():
        yield "请至少记录一次活动后再复盘。"


def all_of(*checks):
    def check(step: Step):
        for one in checks:
            yield from one(step)

    return check


# --- the work of in-place actions -------------------------------------------------------------
def save_edit(step: Step) -> None:
    data, project = step.data, step.obj
    if "needs" in data:
        project.needs.set(data["needs"])
    names = [f for f in (*BASIC_FIELDS, *PLAN_FIELDS, *PROPOSAL_FIELDS) if f in data]
    names += ["needs"] if "needs" in data else []
    step.note = "、".join(str(Project._meta.get_field(f).verbose_name) for f in names)
    step.detail["fields"] = sorted(names)


def link_partner(step: Step) -> None:
    partner = step.data["partner"]
    step.obj.partners.add(partner)
    step.note, step.detail["partner"] = partner.name, partner.pk


def unlink_partner(step: Step) -> None:
    partner = step.data["partner"]
    step.obj.partners.remove(partner)
    step.note, step.detail["partner"] = partner.name, partner.pk


def partner_of_the_community(step: Step):
    partner = step.data.get("partner")
    if partner is None or partner.community_id != step.obj.community_id or partner.is_deleted:
        yield "只能链接本社区登记的合伙人。"


def partner_is_linked(step: Step):
    partner = step.data.get("partner")
    if partner is None or not step.obj.partners.filter(pk=partner.pk).exists():
        yield "该合伙人没有链接到这个项目,无法移除。"


def record_activity(step: Step) -> None:
    fields = {k: step.data[k] for k in ACTIVITY_FIELDS if k in step.data}
    photo = step.data.get("photo")
    upload = (
        store_upload(uploaded_file=photo, kind="image", by=step.by, owner=step.obj)
        if photo
        else None
    )
    activity = Activity.objects.create(project=step.obj, photo=upload, created_by=step.by, **fields)
    step.result = activity
    step.note = f"{activity.date} {activity.place}"
    step.detail["activity"] = activity.pk


# --- who hears of it: inbox entries now, e-mail once the transaction commits --------------------
def tell(group, event: str, title: str):
    """Notify everyone holding a role of `group` over the project's community (for a street
    group: over the street that holds it)."""

    def notify_step(step: Step) -> None:
        project = step.obj
        heading = title.format(project=project, community=project.community.name)
        for person in people_holding(group, community=project.community):
            notify(person, event, project, title=heading, body=step.note)

    return notify_step


def timeline(step: Step) -> None:
    ProjectEvent.objects.create(
        project=step.obj, kind=step.action.event, actor=step.by, note=step.note
    )


PROJECT_WORKFLOW = Workflow(
    Project,
    [
        # Steps 1–4 while the community writes: basics, needs, partners, plan and proposal.
        Action(
            "edit",
            "修改",
            "projects.change_project",
            EDITABLE,
            event=Kind.UPDATED,
            fields=BASIC_FIELDS + PLAN_FIELDS + PROPOSAL_FIELDS,
            check=edit_is_consistent,
            apply=save_edit,
        ),
        Action(
            "link_partner",
            "链接合伙人",
            "projects.change_project",
            EDITABLE,
            event=Kind.PARTNER_LINKED,
            check=partner_of_the_community,
            apply=link_partner,
        ),
        Action(
            "unlink_partner",
            "移除合伙人",
            "projects.change_project",
            EDITABLE,
            event=Kind.PARTNER_UNLINKED,
            check=partner_is_linked,
            apply=unlink_partner,
        ),
        Action(
            "delete",
            "删除草稿",
            "projects.delete_project",
            frozenset({S.DRAFT}),
            apply=mark_deleted,
        ),
        Action(
            "restore",
            "恢复",
            "projects.restore_project",
            frozenset(S.values),
            apply=mark_restored,
            on_deleted=True,
        ),
        # Step 4: the street's review (审核).
        Action(
            "submit",
            "提交街道审核",
            "projects.submit_project",
            EDITABLE,
            S.SUBMITTED,
            Kind.SUBMITTED,
            check=plan_and_proposal_complete,
            notify=tell(
                STREET_GROUP,
                "project.submitted",
                "待审核:{community}“{project.title}”",
            ),
        ),
        Action(
            "comment",
            "发表审核意见",
            "projects.comment_project",
            frozenset({S.SUBMITTED}),
            event=Kind.COMMENTED,
            check=required("note", "请填写意见内容。"),
            notify=tell(COMMUNITY_STAFF, "project.commented", "审核意见:“{project.title}”"),
        ),
        Action(
            "approve",
            "批准",
            "projects.decide_project",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            Kind.APPROVED,
            notify=tell(COMMUNITY_STAFF, "project.approved", "项目已批准:“{project.title}”"),
        ),
        Action(
            "return",
            "退回修改",
            "projects.decide_project",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            Kind.RETURNED,
            check=required("note", "退回时请写明修改意见。"),
            notify=tell(COMMUNITY_STAFF, "project.returned", "项目被退回修改:“{project.title}”"),
        ),
        # Step 5: the announcement on the residents' pages.
        Action(
            "announce",
            "发布预告",
            "projects.announce_project",
            frozenset({S.APPROVED}),
            S.ANNOUNCED,
            Kind.ANNOUNCED,
            fields=("announcement",),
            check=required("announcement", "请填写预告内容。"),
            apply=stamp("announced_at"),
        ),
        # Step 6: the first activity starts implementation.
        Action(
            "start",
            "开始实施",
            "projects.log_activity",
            frozenset({S.ANNOUNCED}),
            S.IN_PROGRESS,
            Kind.STARTED,
        ),
        Action(
            "log_activity",
            "记录活动",
            "projects.log_activity",
            frozenset({S.ANNOUNCED, S.IN_PROGRESS}),
            event=Kind.ACTIVITY,
            check=activity_within_plan,
            apply=record_activity,
            prelude="start",
        ),
        # Step 7: the community's own retrospective (复盘).
        Action(
            "retrospect",
            "复盘",
            "projects.retrospect_project",
            frozenset({S.IN_PROGRESS}),
            S.RETROSPECTED,
            Kind.RETROSPECTED,
            fields=("retrospective",),
            check=all_of(required("retrospective", "请填写复盘总结。"), has_activity),
            apply=stamp("retrospected_at"),
        ),
    ],
    initial=S.DRAFT,
    timeline=timeline,
    noun="项目",
)
