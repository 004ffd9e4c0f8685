"""Every state change of a project. Each is one row of the workflow table (projects/workflow.py)
performed by core.workflow, which locks the row, checks the permission (403), the status (409)
and readiness (422), saves, writes the timeline and the audit row and notifies. These functions
only name the action and pass its input."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Community, User
from accounts.roles import STREET_GROUP
from accounts.selectors import people_holding
from core.audit import audit
from core.notifications import notify
from needs.services import need_adopt
from partners.models import Partner

from .models import (
    Activity,
    BudgetLine,
    Contribution,
    JointMeeting,
    Milestone,
    Project,
    ProjectEvent,
    ReviewCondition,
    ReviewRound,
    Supervision,
)
from .workflow import (
    BASIC_FIELDS,
    PLAN_FIELDS,
    PROJECT_WORKFLOW,
    PROPOSAL_FIELDS,
    SUPERVISION_WORKFLOW,
)

EDITABLE_FIELDS = frozenset(BASIC_FIELDS + PLAN_FIELDS + PROPOSAL_FIELDS)


@transaction.atomic
def project_create(
    *,
    by: User,
    community: Community,
    title: str,
    summary: str = "",
    theme: str = Project.Theme.JOY,
    compound=None,
    needs=(),
) -> Project:
    """A community's staff open a new project in draft."""
    if not by.has_perm("projects.add_project", community):
        raise PermissionDenied
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError("所选小区不属于本社区。")
    needs = list(needs)
    if any(n.community_id != community.pk for n in needs):
        raise ValidationError("只能关联本社区的需求。")
    project = Project.objects.create(
        community=community,
        compound=compound,
        title=title,
        summary=summary,
        theme=theme,
        created_by=by,
        status=PROJECT_WORKFLOW.initial,
    )
    project.needs.set(needs)
    for need in needs:  # the needs list shows them adopted (需求 → 已纳入项目)
        need_adopt(need=need, by=by)
    PROJECT_WORKFLOW.created(
        project,
        by=by,
        event=ProjectEvent.Kind.CREATED,
        note=("回应需求:" + "、".join(n.title for n in needs)) if needs else "",
        detail={"needs": [n.pk for n in needs]},
    )
    return project


def project_update(
    *, project: Project, by: User, data: dict, needs=None, compounds=None
) -> Project:
    """Edit the basics, the plan or the proposal (a draft or a returned project)."""
    if not set(data) <= EDITABLE_FIELDS:
        raise ValueError(f"fields not editable: {set(data) - EDITABLE_FIELDS}")
    payload = {
        **data,
        **({"needs": list(needs)} if needs is not None else {}),
        **({"compounds": list(compounds)} if compounds is not None else {}),
    }
    return PROJECT_WORKFLOW.perform(project, "edit", by=by, data=payload).obj


def milestone_add(*, project: Project, by: User, date, title: str, responsible: str) -> Milestone:
    """A dated milestone of the plan, with the person responsible."""
    data = {"date": date, "title": title, "responsible": responsible}
    return PROJECT_WORKFLOW.perform(project, "add_milestone", by=by, data=data).result


def milestone_remove(*, project: Project, by: User, milestone: Milestone) -> Project:
    return PROJECT_WORKFLOW.perform(
        project, "remove_milestone", by=by, data={"milestone": milestone}
    ).obj


def budget_line_add(*, project: Project, by: User, item: str, amount, source: str) -> BudgetLine:
    """One line of the budget: what for, how much, from which source (the funding request)."""
    data = {"item": item, "amount": amount, "source": source}
    return PROJECT_WORKFLOW.perform(project, "add_budget_line", by=by, data=data).result


def budget_line_remove(*, project: Project, by: User, budget_line: BudgetLine) -> Project:
    return PROJECT_WORKFLOW.perform(
        project, "remove_budget_line", by=by, data={"budget_line": budget_line}
    ).obj


def meeting_record(
    *, project: Project, by: User, data: dict, attendances, minutes=None
) -> JointMeeting:
    """Record (or correct) the joint meeting: its date, who attended for which party, the
    feasibility analysis, what it agreed and decided, and the minutes as a file."""
    payload = {**data, "attendances": list(attendances), "minutes": minutes}
    return PROJECT_WORKFLOW.perform(project, "record_meeting", by=by, data=payload).result


def project_link_partner(*, project: Project, partner: Partner, by: User) -> Project:
    """Link a partner of the same community to the project (step 2)."""
    return PROJECT_WORKFLOW.perform(project, "link_partner", by=by, data={"partner": partner}).obj


def project_unlink_partner(*, project: Project, partner: Partner, by: User) -> Project:
    """Remove a partner from the project (and what it was to contribute)."""
    return PROJECT_WORKFLOW.perform(project, "unlink_partner", by=by, data={"partner": partner}).obj


def project_add_contribution(*, project: Project, by: User, data: dict) -> Contribution:
    """Record what a linked partner contributes to the project (step 2): `data` holds the
    partner, one of its resources or None, the kind, a description, a quantity and its unit."""
    return PROJECT_WORKFLOW.perform(project, "add_contribution", by=by, data=data).result


def project_remove_contribution(*, project: Project, contribution: Contribution, by: User) -> None:
    """Take one of step 2's contributions off the project."""
    PROJECT_WORKFLOW.perform(
        project, "remove_contribution", by=by, data={"contribution": contribution}
    )


def project_submit(*, project: Project, by: User) -> Project:
    """Send the plan and proposal to the street leading group (also used to resubmit)."""
    return PROJECT_WORKFLOW.perform(project, "submit", by=by).obj


def project_comment(
    *, project: Project, by: User, comment: str, recommendation: str = ""
) -> Project:
    """A member or expert of the street's leading group comments on a proposal in review;
    members may recommend approve or return."""
    data = {"note": comment, "recommendation": recommendation}
    return PROJECT_WORKFLOW.perform(project, "comment", by=by, data=data).obj


def project_approve(*, project: Project, by: User, comment: str = "", conditions=()) -> Project:
    """The street 组长 (or the deputy while delegated) approves, with conditions or without."""
    data = {"note": comment, "conditions": [c.strip() for c in conditions if c.strip()]}
    return PROJECT_WORKFLOW.perform(project, "approve", by=by, data=data).obj


def condition_confirm(
    *, project: Project, by: User, condition: ReviewCondition, evidence: str, evidence_file=None
) -> Project:
    """The community confirms one condition of the approval, with evidence."""
    data = {"condition": condition, "evidence": evidence, "evidence_file": evidence_file}
    return PROJECT_WORKFLOW.perform(project, "confirm_condition", by=by, data=data).obj


def funds_grant(*, project: Project, by: User, source: str, amount, note: str = "") -> Project:
    """The street's 组长 (source street) or district staff (source district) record the grant."""
    action = {"street": "grant_street", "district": "grant_district"}.get(source)
    if action is None:
        raise ValidationError("只能核定街道或区级经费。")
    data = {"amount": amount, "grant_note": note}
    return PROJECT_WORKFLOW.perform(project, action, by=by, data=data).obj


def supervision_raise(*, project: Project, by: User, question: str, due_date) -> Supervision:
    """District staff flag a project with a question and a reply deadline (督办)."""
    data = {"question": question, "due_date": due_date}
    return PROJECT_WORKFLOW.perform(project, "supervise", by=by, data=data).result


def supervision_reply(*, item: Supervision, by: User, reply: str) -> Supervision:
    """The community answers a 督办 item."""
    return SUPERVISION_WORKFLOW.perform(item, "reply", by=by, data={"reply": reply}).obj


def project_return(*, project: Project, by: User, comment: str) -> Project:
    """The street 组长 sends the proposal back with a comment."""
    return PROJECT_WORKFLOW.perform(project, "return", by=by, data={"note": comment}).obj


def project_announce(*, project: Project, by: User, announcement: str) -> Project:
    """Publish the announcement on the residents' pages."""
    return PROJECT_WORKFLOW.perform(
        project, "announce", by=by, data={"announcement": announcement}
    ).obj


def activity_log(*, project: Project, by: User, data: dict, photo=None) -> Activity:
    """Record one activity session (step 6); the first one starts implementation."""
    step = PROJECT_WORKFLOW.perform(project, "log_activity", by=by, data={**data, "photo": photo})
    return step.result


def project_retrospect(
    *,
    project: Project,
    by: User,
    retro_worked: str,
    retro_changes: str,
    retro_missed: str = "",
) -> Project:
    """The community's structured 复盘 closes implementation: what worked, what did not, what to
    change (money, participation and residents' grades are read, not written)."""
    data = {
        "retro_worked": retro_worked,
        "retro_missed": retro_missed,
        "retro_changes": retro_changes,
    }
    return PROJECT_WORKFLOW.perform(project, "retrospect", by=by, data=data).obj


def project_delete(*, project: Project, by: User) -> Project:
    """Soft-delete a draft; it waits in the community's trash."""
    return PROJECT_WORKFLOW.perform(project, "delete", by=by).obj


def project_restore(*, project: Project, by: User) -> Project:
    """Bring a deleted draft back from the trash."""
    return PROJECT_WORKFLOW.perform(project, "restore", by=by).obj


def reviewers_remind(*, now=None) -> int:
    """Remind every member of the leading group of each proposal that has waited longer than
    REVIEW_REMIND_AFTER_DAYS, at most once a day per proposal: the round's `reminded_on` is set
    under a row lock in the same transaction as the inbox entries, so two workers (or a retry)
    send one reminder. Returns the number of rounds reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = now - timedelta(days=settings.REVIEW_REMIND_AFTER_DAYS)
    due = ReviewRound.objects.waiting().filter(submitted_at__lte=cutoff).exclude(reminded_on=today)
    reminded = 0
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            review = (
                ReviewRound.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("project__community__street")
                .waiting()
                .filter(pk=pk)
                .exclude(reminded_on=today)
                .first()
            )
            if review is None:
                continue
            review.reminded_on = today
            review.save(update_fields=["reminded_on"])
            project = review.project
            days = (today - timezone.localdate(review.submitted_at)).days
            for person in people_holding(STREET_GROUP, community=project.community):
                notify(
                    person,
                    "project.review_reminder",
                    project,
                    title=f"催办:“{project.title}”已等待审核 {days} 天",
                    body=f"{project.community.name}于 {timezone.localtime(review.submitted_at):%Y-%m-%d} "
                    f"提交第 {review.number} 轮审核,请尽快提出意见或作出决定。",
                )
            audit(
                actor=None,
                actor_label="system",
                action="reviewround.remind",
                obj=review,
                detail={"project": project.pk, "days": days},
            )
            reminded += 1
    return reminded
