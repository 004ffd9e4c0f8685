"""Everything that can happen to a project, declared once (core/workflow.py performs it).

Each row: what the action is called, the statuses it may start from, the status it moves to (none
for in-place actions), the permission (a rule on role × object in projects/rules.py), the
timeline event, what must be true first, its own work and who hears of it. Services call
`PROJECT_WORKFLOW.perform`; pages ask `PROJECT_WORKFLOW.available` for their buttons.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from accounts.roles import COMMUNITY_STAFF, STREET_GROUP, STREET_RECOMMENDERS
from accounts.selectors import people_holding
from core.dates import years_after
from core.notifications import notify
from core.uploads import store_upload
from core.workflow import Action, Step, Workflow, mark_deleted, mark_restored, stamp
from needs.services import need_adopt
from partners.models import PartnerStatus, ResourceKind

from .models import (
    MONEY_UNIT,
    Activity,
    ActivityPhoto,
    BudgetLine,
    Contribution,
    Decision,
    FundingGrant,
    FundingSource,
    JointMeeting,
    MeetingAttendance,
    Milestone,
    Project,
    ProjectEvent,
    Recommendation,
    ReviewComment,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from .notice import notice_allows_start, open_notice
from .review import snapshot

S, Kind = Status, ProjectEvent.Kind
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Money may be granted from the submission until the project is closed.
FUNDED = frozenset({S.SUBMITTED, S.APPROVED, S.ANNOUNCED, S.IN_PROGRESS})
# How far ahead a plan may reach: further is a typing slip, and would keep the project off the
# overdue list for ever.
PLAN_HORIZON_YEARS = 3

BASIC_FIELDS = ("title", "summary", "theme", "compound")
PLAN_FIELDS = (
    "goal",
    "start_date",
    "end_date",
    "target_groups",
    "public_space",
    "outdoor_category",
    "micro_kind",
    "project_class",
    "changes_shared_property",
)
PROPOSAL_FIELDS = ("proposal", "no_partner_reason")
ACTIVITY_FIELDS = (
    "date",
    "place",
    "participants",
    "volunteers",
    "spending",
    "funding_source",
    "note",
)
MILESTONE_FIELDS = ("date", "title", "responsible")
BUDGET_FIELDS = ("item", "amount", "source")
MEETING_FIELDS = (
    "date",
    "place",
    "feasibility",
    "agreed_goal",
    "agreed_budget",
    "volunteers_needed",
    "venues_needed",
    "skills_needed",
    "decisions",
)
# The most conditions one approval may carry, and attendees one meeting may list.
MAX_CONDITIONS = 10
MAX_ATTENDEES = 30


# --- readiness: why an action cannot happen yet -----------------------------------------------
def required(name: str, message: str):
    def check(step: Step):
        if not str(step.data.get(name) or "").strip():
            yield message

    return check


def readiness(project: Project) -> list[str]:
    """What the first four steps still lack before the street can review the project, in
    Chinese, one reason per missing piece (the project page lists them too)."""
    missing = []
    if not project.needs.exists():
        missing.append("第 1 步 摸清需求:至少关联一条需求。")
    if not project.partners.exists() and not project.no_partner_reason.strip():
        missing.append("第 2 步 链接资源:至少链接一位合伙人,或写明不需要链接资源的原因。")
    plan = [
        name
        for name, present in (
            ("项目目标", project.goal.strip()),
            ("起止日期", project.start_date and project.end_date),
            ("预算明细", project.budget_lines.exists()),
        )
        if not present
    ]
    if plan:
        missing.append("第 3 步 定好计划:请填写" + "、".join(plan) + "。")
    if not JointMeeting.objects.filter(project=project).exists():
        missing.append("第 4 步 制定方案:请记录联席会(日期、参会各方、可行性分析、会议决定)。")
    if not project.proposal.strip():
        missing.append("第 4 步 制定方案:请填写实施方案。")
    return missing


def ready_to_submit(step: Step):
    yield from readiness(step.obj)


def edit_is_consistent(step: Step):
    project, data = step.obj, step.data
    compound = data.get("compound")
    if compound is not None and compound.community_id != project.community_id:
        yield "所选小区不属于本社区。"
    if any(c.community_id != project.community_id for c in data.get("compounds") or ()):
        yield "服务的小区只能选本社区的小区。"
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


def milestone_is_sane(step: Step):
    day = Milestone._meta.get_field("date").clean(step.data.get("date"), None)
    horizon = years_after(timezone.localdate(), PLAN_HORIZON_YEARS)
    if day and day > horizon:
        yield f"节点日期不能晚于 {horizon:%Y-%m-%d}。"
    if step.obj.milestones.count() >= 50:
        yield "一个项目最多 50 个计划节点。"


def budget_line_is_sane(step: Step):
    if step.obj.budget_lines.count() >= 50:
        yield "一个项目最多 50 条预算明细。"


def _belongs(model, key: str, message: str):
    """A check: data[key] is a row of `model` that belongs to this project."""

    def check(step: Step):
        row = step.data.get(key)
        if not isinstance(row, model) or row.project_id != step.obj.pk:
            yield message

    return check


def meeting_is_complete(step: Step):
    data = step.data
    for name, message in (
        ("date", "请填写联席会日期。"),
        ("feasibility", "请填写可行性分析。"),
        ("decisions", "请填写会议决定。"),
    ):
        if not str(data.get(name) or "").strip():
            yield message
    attendances = data.get("attendances") or []
    if not attendances:
        yield "请至少填写一位参会人及其代表的一方。"
    if len(attendances) > MAX_ATTENDEES:
        yield f"参会人最多填写 {MAX_ATTENDEES} 位。"
    day = (
        JointMeeting._meta.get_field("date").clean(data.get("date"), None)
        if data.get("date")
        else None
    )
    if day and day > timezone.localdate():
        yield "联席会日期不能晚于今天:请在开过会后记录。"


def conditions_are_sane(step: Step):
    conditions = step.data.get("conditions") or []
    if len(conditions) > MAX_CONDITIONS:
        yield f"批准条件最多 {MAX_CONDITIONS} 条。"
    if any(len(c) > 300 for c in conditions):
        yield "每条批准条件不能超过 300 字。"


def recommendation_is_allowed(step: Step):
    """Members recommend approve or return; experts comment only (the 组长 decides)."""
    yield from required("note", "请填写意见内容。")(step)
    if step.data.get("recommendation") and not step.by.scope.has(*STREET_RECOMMENDERS):
        yield "专家顾问只提意见,不作批准或退回的建议。"


def conditions_confirmed(step: Step):
    waiting = [c.text for c in step.obj.conditions.filter(confirmed_at__isnull=True)]
    if waiting:
        yield "以下批准条件还没有确认落实,落实后才能发布预告:" + ";".join(waiting) + "。"


def condition_evidence(step: Step):
    yield from _belongs(ReviewCondition, "condition", "该批准条件不属于这个项目。")(step)
    condition = step.data.get("condition")
    if isinstance(condition, ReviewCondition) and condition.confirmed_at is not None:
        yield "该条件已经确认落实。"
    if not str(step.data.get("evidence") or "").strip():
        yield "请写明条件是如何落实的。"


def grant_is_sane(step: Step):
    try:
        amount = Decimal(str(step.data.get("amount")))
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e8"):
        yield "请填写核定金额(0 至 1 亿元之间)。"


def supervision_is_sane(step: Step):
    yield from required("question", "请填写督办事项。")(step)
    day = step.data.get("due_date")
    if day is None:
        yield "请填写回复期限。"
    elif day < timezone.localdate():
        yield "回复期限不能早于今天。"
    elif day > timezone.localdate() + timedelta(days=366):
        yield "回复期限不能超过一年。"


def has_activity(step: Step):
    if not step.obj.activities.filter(status=Activity.Status.HELD).exists():
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
        linked = set(project.needs.values_list("pk", flat=True))
        project.needs.set(data["needs"])
        for need in data["needs"]:  # a need the project gains is adopted (needs/workflow.py)
            if need.pk not in linked:
                need_adopt(need=need, by=step.by)
    if "compounds" in data:
        project.compounds.set(data["compounds"])
    names = [f for f in (*BASIC_FIELDS, *PLAN_FIELDS, *PROPOSAL_FIELDS) if f in data]
    names += [m for m in ("needs", "compounds") if m in data]
    step.note = "、".join(str(Project._meta.get_field(f).verbose_name) for f in names)
    step.detail["fields"] = sorted(names)


def link_partner(step: Step) -> None:
    partner = step.data["partner"]
    step.obj.partners.add(partner)
    step.note, step.detail["partner"] = partner.name, partner.pk


def unlink_partner(step: Step) -> None:
    """The partner leaves the project, and what it was to contribute with it."""
    partner = step.data["partner"]
    step.obj.partners.remove(partner)
    dropped, _ = Contribution.objects.filter(project=step.obj, partner=partner).delete()
    step.note = partner.name + (f"(及其 {dropped} 项贡献)" if dropped else "")
    step.detail.update({"partner": partner.pk, "contributions": dropped})


def partner_of_the_community(step: Step):
    partner = step.data.get("partner")
    if partner is None or partner.community_id != step.obj.community_id or partner.is_deleted:
        yield "只能链接本社区登记的合伙人。"
    elif partner.status != PartnerStatus.ACTIVE:
        yield f"“{partner.name}”的状态为“{partner.get_status_display()}”,不能再链接到项目。"


def partner_is_linked(step: Step):
    partner = step.data.get("partner")
    if partner is None or not step.obj.partners.filter(pk=partner.pk).exists():
        yield "该合伙人没有链接到这个项目,无法移除。"


# Step 2's contributions: what each linked partner gives the project (projects/contributions.py
# reads them with the hours and contributions the sessions recorded).
MAX_CONTRIBUTIONS = 100
MAX_QUANTITY = Decimal("1e10")


def contribution_is_sane(step: Step):
    """A linked partner, one of its own active resources or none, a kind, a description and a
    quantity that is not negative."""
    data, project = step.data, step.obj
    partner, resource = data.get("partner"), data.get("resource")
    if partner is None or not project.partners.filter(pk=partner.pk).exists():
        yield "请先链接该合伙人,再登记它的贡献。"
        return
    if resource is not None and (resource.partner_id != partner.pk or not resource.active):
        yield "只能选用该合伙人正在提供的资源。"
    if data.get("kind") not in ResourceKind.values:
        yield "请选择贡献类型。"
    if not str(data.get("description") or "").strip():
        yield "请写明贡献的内容,如“提供会议室两次”。"
    quantity = data.get("quantity")
    if quantity is not None and not (
        isinstance(quantity, Decimal) and quantity.is_finite() and 0 <= quantity < MAX_QUANTITY
    ):
        yield "数量应为不小于 0 的数字。"
    if project.contributions.count() >= MAX_CONTRIBUTIONS:
        yield f"一个项目最多登记 {MAX_CONTRIBUTIONS} 项贡献。"


def add_contribution(step: Step) -> None:
    data = step.data
    kind = data["kind"]
    contribution = Contribution.objects.create(
        project=step.obj,
        partner=data["partner"],
        resource=data.get("resource"),
        kind=kind,
        description=str(data["description"]).strip()[:200],
        quantity=data.get("quantity"),
        unit=MONEY_UNIT if kind == ResourceKind.MONEY else str(data.get("unit") or "")[:10],
        created_by=step.by,
    )
    step.result = contribution
    step.note = f"{contribution.partner.name}:{contribution.get_kind_display()} · " + (
        f"{contribution.description} {contribution.amount_label}".strip()
    )
    step.detail.update(
        {
            "contribution": contribution.pk,
            "partner": contribution.partner_id,
            "resource": contribution.resource_id,
        }
    )


def remove_contribution(step: Step) -> None:
    contribution = step.data["contribution"]
    step.note = f"{contribution.partner.name}:{contribution.get_kind_display()} · " + (
        contribution.description
    )
    step.detail.update({"contribution": contribution.pk, "partner": contribution.partner_id})
    contribution.delete()


def add_milestone(step: Step) -> None:
    fields = {k: step.data[k] for k in MILESTONE_FIELDS}
    milestone = Milestone(project=step.obj, **fields)
    milestone.full_clean()
    milestone.save()
    step.result, step.note = milestone, f"新增节点:{milestone.date:%Y-%m-%d} {milestone.title}"
    step.detail["milestone"] = milestone.pk


def remove_milestone(step: Step) -> None:
    milestone = step.data["milestone"]
    step.note = f"删除节点:{milestone.date:%Y-%m-%d} {milestone.title}"
    step.detail["milestone"] = milestone.pk
    milestone.delete()


def _budget_total(step: Step) -> None:
    total = step.obj.budget_lines.aggregate(total=Sum("amount"))["total"]
    step.set(budget_total=total)


def add_budget_line(step: Step) -> None:
    fields = {k: step.data[k] for k in BUDGET_FIELDS}
    line = BudgetLine(project=step.obj, **fields)
    line.full_clean()
    line.save()
    _budget_total(step)
    step.result = line
    step.note = f"新增预算:{line.item} {line.amount} 元({line.get_source_display()})"
    step.detail["budget_line"] = line.pk


def remove_budget_line(step: Step) -> None:
    line = step.data["budget_line"]
    step.note = f"删除预算:{line.item} {line.amount} 元"
    step.detail["budget_line"] = line.pk
    line.delete()
    _budget_total(step)


def record_meeting(step: Step) -> None:
    """Create or replace the project's joint meeting record with its attendees."""
    data, project = step.data, step.obj
    fields = {k: data.get(k) for k in MEETING_FIELDS if k in data}
    meeting = JointMeeting.objects.filter(project=project).first() or JointMeeting(
        project=project, recorded_by=step.by
    )
    for name, value in fields.items():
        setattr(meeting, name, value)
    minutes = data.get("minutes")
    if minutes:
        meeting.minutes = store_upload(
            uploaded_file=minutes, kind="document", by=step.by, owner=project
        )
    meeting.recorded_by, meeting.recorded_at = step.by, timezone.now()
    meeting.full_clean(exclude=["project"])
    meeting.save()
    meeting.attendances.all().delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, party=party, name=name)
        for party, name in data["attendances"]
    )
    step.result = meeting
    step.note = f"{meeting.date:%Y-%m-%d} 联席会,参会 {len(data['attendances'])} 人"
    step.detail["meeting"] = meeting.pk


def open_round(step: Step) -> None:
    """Submitting opens a review round that keeps the version submitted."""
    project = step.obj
    number = (project.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    due = timezone.localdate() + timedelta(days=settings.REVIEW_COMMENT_DAYS)
    ReviewRound.objects.create(
        project=project,
        number=number,
        submitted_by=step.by,
        comments_due=due,
        snapshot=snapshot(project),
    )
    step.note = f"第 {number} 轮审核,意见截止 {due:%Y-%m-%d}"
    step.detail["round"] = number


def _pending_round(project) -> ReviewRound | None:
    return project.rounds.select_for_update().filter(decision=Decision.PENDING).first()


def add_comment(step: Step) -> None:
    review = _pending_round(step.obj)
    recommendation = step.data.get("recommendation") or ""
    if review is not None:
        step.result = ReviewComment.objects.create(
            round=review, author=step.by, text=step.note, recommendation=recommendation
        )
    if recommendation:
        step.note = f"【{Recommendation(recommendation).label}】{step.note}"
        step.detail["recommendation"] = recommendation


def decide(decision: str):
    """apply= of approve and return: the round's decision, and an approval's conditions."""

    def apply(step: Step) -> None:
        review = _pending_round(step.obj)
        conditions = [c for c in step.data.get("conditions") or [] if c]
        chosen = Decision.CONDITIONAL if decision == Decision.APPROVED and conditions else decision
        if review is not None:
            review.decision, review.decided_by = chosen, step.by
            review.decided_at, review.decision_note = timezone.now(), step.note
            review.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
            ReviewCondition.objects.bulk_create(
                ReviewCondition(project=step.obj, round=review, text=text) for text in conditions
            )
        if conditions:
            listed = ";".join(f"{i}. {c}" for i, c in enumerate(conditions, 1))
            step.note = (
                step.note + "\n" if step.note else ""
            ) + f"附 {len(conditions)} 项条件:{listed}"
            step.detail["conditions"] = len(conditions)
        step.detail["decision"] = str(chosen)

    return apply


def confirm_condition(step: Step) -> None:
    condition = step.data["condition"]
    upload = step.data.get("evidence_file")
    if upload:
        condition.evidence_file = store_upload(
            uploaded_file=upload, kind="document", by=step.by, owner=step.obj
        )
    condition.evidence = step.data["evidence"]
    condition.confirmed_by, condition.confirmed_at = step.by, timezone.now()
    condition.save(update_fields=["evidence", "evidence_file", "confirmed_by", "confirmed_at"])
    step.note = f"{condition.text}:{condition.evidence}"
    step.detail["condition"] = condition.pk


def grant(source: str):
    def apply(step: Step) -> None:
        amount = Decimal(step.data["amount"]).quantize(Decimal("0.01"))
        note = (step.data.get("grant_note") or "")[:200]
        FundingGrant.objects.update_or_create(
            project=step.obj,
            source=source,
            defaults={
                "amount": amount,
                "note": note,
                "granted_by": step.by,
                "granted_at": timezone.now(),
            },
        )
        step.note = f"{FundingSource(source).label}核定经费 {amount} 元" + (
            f"({note})" if note else ""
        )
        step.detail.update({"source": source, "amount": str(amount)})

    return apply


def raise_supervision(step: Step) -> None:
    item = Supervision.objects.create(
        project=step.obj,
        question=step.data["question"],
        due_date=step.data["due_date"],
        raised_by=step.by,
    )
    step.result = item
    step.note = f"{item.question}(请于 {item.due_date:%Y-%m-%d} 前回复)"
    step.detail["supervision"] = item.pk


def record_activity(step: Step) -> None:
    fields = {k: step.data[k] for k in ACTIVITY_FIELDS if k in step.data}
    photo = step.data.get("photo")
    upload = (
        store_upload(uploaded_file=photo, kind="image", by=step.by, owner=step.obj)
        if photo
        else None
    )
    activity = Activity.objects.create(
        project=step.obj,
        status=Activity.Status.HELD,
        created_by=step.by,
        **fields,
    )
    if upload is not None:  # not public until staff confirm consent (projects/sessions.py)
        ActivityPhoto.objects.create(activity=activity, upload=upload)
    step.result = activity
    step.note = f"{activity.date} {activity.place}"
    step.detail["activity"] = activity.pk


def announce_and_open_notice(step: Step) -> None:
    """Announcing stamps the time and opens a 公示 period where one is due."""
    stamp("announced_at")(step)
    open_notice(step)


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


def tell_deciders(event: str, title: str):
    """Notify the street's 组长 and any deputy deciding for them now."""

    def notify_step(step: Step) -> None:
        from accounts.selectors import street_deciders

        project = step.obj
        heading = title.format(project=project, community=project.community.name)
        for person in street_deciders(project.community.street):
            notify(person, event, project, title=heading, body=step.note)

    return notify_step


def timeline(step: Step) -> None:
    ProjectEvent.objects.create(
        project=step.obj,
        kind=step.action.event,
        actor=step.by,
        note=step.note,
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
            "add_contribution",
            "登记合伙人贡献",
            "projects.change_project",
            EDITABLE,
            event=Kind.CONTRIBUTION_ADDED,
            check=contribution_is_sane,
            apply=add_contribution,
        ),
        Action(
            "remove_contribution",
            "删除合伙人贡献",
            "projects.change_project",
            EDITABLE,
            event=Kind.CONTRIBUTION_REMOVED,
            check=_belongs(Contribution, "contribution", "该贡献不属于这个项目。"),
            apply=remove_contribution,
        ),
        Action(
            "add_milestone",
            "添加计划节点",
            "projects.change_project",
            EDITABLE,
            event=Kind.UPDATED,
            check=milestone_is_sane,
            apply=add_milestone,
        ),
        Action(
            "remove_milestone",
            "删除计划节点",
            "projects.change_project",
            EDITABLE,
            event=Kind.UPDATED,
            check=_belongs(Milestone, "milestone", "该节点不属于这个项目。"),
            apply=remove_milestone,
        ),
        Action(
            "add_budget_line",
            "添加预算明细",
            "projects.change_project",
            EDITABLE,
            event=Kind.UPDATED,
            check=budget_line_is_sane,
            apply=add_budget_line,
        ),
        Action(
            "remove_budget_line",
            "删除预算明细",
            "projects.change_project",
            EDITABLE,
            event=Kind.UPDATED,
            check=_belongs(BudgetLine, "budget_line", "该预算明细不属于这个项目。"),
            apply=remove_budget_line,
        ),
        Action(
            "record_meeting",
            "记录联席会",
            "projects.change_project",
            EDITABLE,
            event=Kind.MEETING,
            check=meeting_is_complete,
            apply=record_meeting,
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
            check=ready_to_submit,
            apply=open_round,
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
            check=recommendation_is_allowed,
            apply=add_comment,
            notify=tell(COMMUNITY_STAFF, "project.commented", "审核意见:“{project.title}”"),
        ),
        Action(
            "approve",
            "批准",
            "projects.decide_project",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            Kind.APPROVED,
            check=conditions_are_sane,
            apply=decide(Decision.APPROVED),
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
            apply=decide(Decision.RETURNED),
            notify=tell(COMMUNITY_STAFF, "project.returned", "项目被退回修改:“{project.title}”"),
        ),
        # Funding (经费支持): the street's 组长 and district staff record what they grant.
        Action(
            "grant_street",
            "核定街道经费",
            "projects.grant_street_funds",
            FUNDED,
            event=Kind.GRANTED,
            check=grant_is_sane,
            apply=grant(FundingSource.STREET),
            notify=tell(COMMUNITY_STAFF, "project.granted", "街道核定经费:“{project.title}”"),
        ),
        Action(
            "grant_district",
            "核定区级经费",
            "projects.grant_district_funds",
            FUNDED,
            event=Kind.GRANTED,
            check=grant_is_sane,
            apply=grant(FundingSource.DISTRICT),
            notify=tell(COMMUNITY_STAFF, "project.granted", "区级核定经费:“{project.title}”"),
        ),
        # An approval's conditions, each confirmed with evidence before the announcement.
        Action(
            "confirm_condition",
            "确认落实批准条件",
            "projects.announce_project",
            frozenset({S.APPROVED}),
            event=Kind.CONDITION_CONFIRMED,
            check=condition_evidence,
            apply=confirm_condition,
            notify=tell_deciders("project.condition", "批准条件已落实:“{project.title}”"),
        ),
        # 督办: the district asks; the community answers on the supervision's own page.
        Action(
            "supervise",
            "督办",
            "projects.supervise_project",
            frozenset(S.values) - {S.DRAFT},
            event=Kind.SUPERVISED,
            check=supervision_is_sane,
            apply=raise_supervision,
            notify=tell(COMMUNITY_STAFF, "project.supervised", "区级督办:“{project.title}”"),
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
            check=all_of(required("announcement", "请填写预告内容。"), conditions_confirmed),
            apply=announce_and_open_notice,
        ),
        # An upheld 公示 objection sends the project back to the proposal (projects/notice.py).
        Action(
            "reopen_after_objection",
            "因异议成立退回",
            "projects.decide_project",
            frozenset({S.ANNOUNCED}),
            S.RETURNED,
            Kind.RETURNED,
            check=required("note", "请写明退回的理由。"),
            notify=tell(
                COMMUNITY_STAFF, "project.returned", "公示异议成立,项目退回:“{project.title}”"
            ),
        ),
        # Step 6: the first activity starts implementation, once any 公示 period is over.
        Action(
            "start",
            "开始实施",
            "projects.log_activity",
            frozenset({S.ANNOUNCED}),
            S.IN_PROGRESS,
            Kind.STARTED,
            check=notice_allows_start,
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
            fields=("retro_worked", "retro_missed", "retro_changes"),
            check=all_of(
                required("retro_worked", "请填写做得好的地方。"),
                required("retro_changes", "请填写下次要改进的地方。"),
                has_activity,
            ),
            apply=stamp("retrospected_at"),
        ),
    ],
    initial=S.DRAFT,
    timeline=timeline,
    noun="项目",
)


# --- 督办: a district question about a project, answered by the community ---------------------
def stamp_reply(step: Step) -> None:
    step.set(replied_by=step.by, replied_at=timezone.now())
    step.note = f"{step.obj.question[:60]} → {step.obj.reply}"
    step.detail["project"] = step.obj.project_id


def supervision_timeline(step: Step) -> None:
    ProjectEvent.objects.create(
        project_id=step.obj.project_id, kind=step.action.event, actor=step.by, note=step.note
    )


def tell_who_asked(step: Step) -> None:
    item = step.obj
    notify(
        item.raised_by,
        "supervision.replied",
        item,
        title=f"督办已回复:“{item.project.title}”",
        body=item.reply,
    )


SUPERVISION_WORKFLOW = Workflow(
    Supervision,
    [
        Action(
            "reply",
            "回复",
            "projects.reply_supervision",
            frozenset({Supervision.Status.OPEN}),
            Supervision.Status.ANSWERED,
            Kind.SUPERVISION_REPLIED,
            fields=("reply",),
            check=required("reply", "请填写回复内容。"),
            apply=stamp_reply,
            notify=tell_who_asked,
        ),
    ],
    initial=Supervision.Status.OPEN,
    timeline=supervision_timeline,
    noun="督办事项",
)
