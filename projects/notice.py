"""The 公示 period of step 5 and the residents' objections (异议).

A project needs a period when it spends public money above the district's threshold, or changes
shared property (充电桩, 外墙保温, 维修基金). Public money is the larger of what the plan's
budget lines ask of the street and the district, and what the street and the district granted:
the request may be cut, and a grant may exceed it; either is what residents would see spent.

Announcing opens the period (`open_notice`, work of PROJECT_WORKFLOW's `announce`): a new round,
starting on the announcement day if that is a working day, else on the next one, and ending
after `NoticePolicy.working_days` working days (core/workdays.py). Implementation may not start
(`notice_allows_start`, the check of `start`) until the period is over and every objection of
the project is decided or hidden.

An objection: a resident raises it on the public page while the period runs (`objection_raise`);
the community answers publicly; staff hide abuse with a stated reason; the street's decider then
upholds (the project goes back to the proposal step, `reopen_after_objection`, and
re-announcing opens a new round) or dismisses it. OBJECTION_WORKFLOW declares those actions.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.roles import COMMUNITY_STAFF
from accounts.selectors import people_holding, street_deciders
from core.audit import audit
from core.notifications import notify
from core.phone import mask_phone, reveal_phone
from core.workdays import add_working_days, working_day_on_or_after, working_days_between
from core.workflow import Action, Step, Workflow

from .models import (
    GRANTED_SOURCES,
    FundingGrant,
    NoticePolicy,
    Objection,
    Project,
    Status,
)

OS = Objection.Status


def today():
    """The local date every rule here reads (tests move it)."""
    return timezone.localdate()


# --- does a project need a period, and is it running ------------------------------------------
def public_money(project: Project) -> Decimal:
    """What the project spends of the street's and the district's money: the larger of the plan's
    request and the grants."""
    asked = project.budget_lines.filter(source__in=GRANTED_SOURCES).aggregate(t=Sum("amount"))["t"]
    granted = FundingGrant.objects.filter(project=project, source__in=GRANTED_SOURCES).aggregate(
        t=Sum("amount")
    )["t"]
    return max(asked or Decimal(0), granted or Decimal(0))


def needs_notice(project: Project, policy: NoticePolicy | None = None) -> bool:
    """A 公示 period is due: shared property changes, or public money above the threshold."""
    policy = policy or NoticePolicy.current()
    return project.changes_shared_property or public_money(project) > policy.amount_threshold


def notice_is_open(project: Project) -> bool:
    """Residents may raise objections: announced, in a period, and not past its last day."""
    return (
        project.status == Status.ANNOUNCED
        and project.notice_ends_on is not None
        and project.notice_round > 0
        and today() <= project.notice_ends_on
    )


def open_notice(step: Step) -> None:
    """Part of `announce`: open a new period when the project needs one."""
    project = step.obj
    policy = NoticePolicy.current()
    if not needs_notice(project, policy):
        if project.notice_ends_on is not None:
            # A project that needed a period once but no longer does (the plan changed).
            step.set(notice_starts_on=None, notice_ends_on=None)
        return
    first = working_day_on_or_after(today())
    last = add_working_days(first, policy.working_days - 1)
    step.set(
        notice_round=project.notice_round + 1,
        notice_starts_on=first,
        notice_ends_on=last,
    )
    step.note = (
        step.note + "\n" if step.note else ""
    ) + f"公示期:{period_text(first, last, policy.working_days)}"
    step.detail.update({"notice_round": project.notice_round, "notice_ends_on": str(last)})


def period_text(first, last, days: int | None = None) -> str:
    """ "2026年12月1日至12月7日,共5个工作日" """
    end = (
        f"{last.month}月{last.day}日"
        if first.year == last.year
        else f"{last:%Y}年{last.month}月{last.day}日"
    )
    text = f"{first.year}年{first.month}月{first.day}日至{end}"
    return f"{text},共{days}个工作日" if days else text


def notice_period(project: Project) -> str:
    """The project's period as residents read it, counted from the calendar as it is now."""
    first, last = project.notice_starts_on, project.notice_ends_on
    if first is None or last is None:
        return ""
    return period_text(first, last, working_days_between(first, last))


def notice_allows_start(step: Step):
    """The check of `start`: no implementation while the period runs or an objection waits."""
    project = step.obj
    if project.notice_ends_on is not None and today() <= project.notice_ends_on:
        yield (
            f"公示期至 {project.notice_ends_on:%Y年%m月%d日} 结束,公示期内不能开始实施;"
            "请在公示期满后再开始。"
        )
    waiting = Objection.objects.filter(project=project).undecided().count()
    if waiting:
        yield f"还有 {waiting} 条居民异议等待答复或街道决定,决定后才能开始实施。"


# --- raising an objection (public, no account) -------------------------------------------------
@transaction.atomic
def objection_raise(*, project: Project, text: str, phone: str = "") -> Objection:
    """A resident raises an objection on the public page while the period runs."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not notice_is_open(locked):
        raise ValidationError("该项目当前不在公示期内,不能提出异议。", code="closed")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写异议内容。")
    if len(text) > 1000:
        raise ValidationError("异议内容不能超过 1000 字。")
    objection = Objection(project=locked, notice_round=locked.notice_round, text=text)
    objection.phone = phone or ""
    objection.save()
    detail = {"project": locked.pk, "round": locked.notice_round}
    if phone:
        detail["phone"] = mask_phone(phone)
    audit(actor=None, actor_label="居民", action="objection.create", obj=objection, detail=detail)
    for person in people_holding(COMMUNITY_STAFF, community=locked.community):
        notify(
            person,
            "objection.raised",
            objection,
            title=f"公示异议:“{locked.title}”",
            body=text[:200],
        )
    return objection


# --- the objection's own workflow ---------------------------------------------------------------
def required(name: str, message: str):
    def check(step: Step):
        if not str(step.data.get(name) or "").strip():
            yield message

    return check


def stamp_answer(step: Step) -> None:
    step.set(answered_by=step.by, answered_at=timezone.now())
    step.detail["project"] = step.obj.project_id


def stamp_hidden(step: Step) -> None:
    step.set(hidden_by=step.by)
    step.detail.update({"project": step.obj.project_id, "reason": step.obj.hidden_reason})


def stamp_decision(step: Step) -> None:
    step.set(decided_by=step.by, decided_at=timezone.now())
    step.detail["project"] = step.obj.project_id


def uphold(step: Step) -> None:
    """An upheld objection sends the project back to the proposal step, in this transaction."""
    from .workflow import PROJECT_WORKFLOW

    stamp_decision(step)
    objection = step.obj
    PROJECT_WORKFLOW.perform(
        objection.project,
        "reopen_after_objection",
        by=step.by,
        data={"note": f"公示异议成立:{objection.text[:100]}\n街道意见:{objection.decision_note}"},
    )


def tell_deciders(step: Step) -> None:
    project = step.obj.project
    for person in street_deciders(project.community.street):
        notify(
            person,
            "objection.answered",
            step.obj,
            title=f"公示异议已答复,请决定:“{project.title}”",
            body=step.obj.answer[:200],
        )


def tell_community(step: Step) -> None:
    project = step.obj.project
    for person in people_holding(COMMUNITY_STAFF, community=project.community):
        notify(
            person,
            "objection.decided",
            step.obj,
            title=f"公示异议{step.obj.get_status_display()}:“{project.title}”",
            body=step.obj.decision_note[:200],
        )


UNDECIDED = frozenset({OS.OPEN, OS.ANSWERED})

OBJECTION_WORKFLOW = Workflow(
    Objection,
    [
        Action(
            "answer",
            "答复",
            "projects.answer_objection",
            frozenset({OS.OPEN}),
            OS.ANSWERED,
            fields=("answer",),
            check=required("answer", "请填写答复内容。"),
            apply=stamp_answer,
            notify=tell_deciders,
        ),
        Action(
            "hide",
            "屏蔽",
            "projects.hide_objection",
            UNDECIDED,
            OS.HIDDEN,
            fields=("hidden_reason",),
            check=required("hidden_reason", "屏蔽时请写明理由。"),
            apply=stamp_hidden,
        ),
        Action(
            "uphold",
            "认定异议成立",
            "projects.decide_objection",
            frozenset({OS.ANSWERED}),
            OS.UPHELD,
            fields=("decision_note",),
            check=required("decision_note", "请写明决定意见。"),
            apply=uphold,
            notify=tell_community,
        ),
        Action(
            "dismiss",
            "认定异议不成立",
            "projects.decide_objection",
            frozenset({OS.ANSWERED}),
            OS.DISMISSED,
            fields=("decision_note",),
            check=required("decision_note", "请写明决定意见。"),
            apply=stamp_decision,
            notify=tell_community,
        ),
    ],
    initial=OS.OPEN,
    noun="异议",
)


# --- services: one line each ---------------------------------------------------------------------
def objection_answer(*, objection: Objection, by, answer: str) -> Objection:
    """The community answers an objection publicly."""
    return OBJECTION_WORKFLOW.perform(objection, "answer", by=by, data={"answer": answer}).obj


def objection_hide(*, objection: Objection, by, reason: str) -> Objection:
    """Staff hide an abusive objection from the public page, with the reason (audited)."""
    return OBJECTION_WORKFLOW.perform(objection, "hide", by=by, data={"hidden_reason": reason}).obj


def objection_decide(*, objection: Objection, by, upheld: bool, note: str) -> Objection:
    """The street decides: upheld (the project goes back to the proposal) or dismissed."""
    name = "uphold" if upheld else "dismiss"
    return OBJECTION_WORKFLOW.perform(objection, name, by=by, data={"decision_note": note}).obj


def objection_phone_reveal(*, objection: Objection, by) -> str:
    """The full number a resident left with an objection, for the community staff who call them
    back (audited, core.phone.reveal_phone)."""
    return reveal_phone(
        objection,
        by=by,
        permission="projects.reveal_objection_phone",
        missing="这条异议没有留联系电话。",
        detail={"project": objection.project_id},
    )


# --- reads for the pages ----------------------------------------------------------------------
def objection_get(*, user, pk: int) -> Objection:
    """One objection for the staff page; 404 (audited) outside the user's scope."""
    from core.scope import get_visible_or_404

    queryset = Objection.objects.select_related(
        "project__community__street", "answered_by", "decided_by", "hidden_by"
    )
    return get_visible_or_404(queryset, user, pk=pk)


def objection_queue(*, user):
    """Undecided objections the user sees, oldest first: what the street must decide."""
    return (
        Objection.objects.visible_to(user)
        .undecided()
        .select_related("project__community")
        .order_by("raised_at", "id")
    )


def project_objections(project: Project):
    """Every objection of a project, hidden ones included (staff see the reason)."""
    return project.objections.select_related("answered_by", "decided_by", "hidden_by").order_by(
        "-notice_round", "raised_at", "id"
    )


def public_objections(project: Project, limit: int = 50):
    """What residents see: objections not hidden, newest round first, at most `limit`."""
    return list(
        project.objections.shown()
        .only(
            "id",
            "project_id",
            "notice_round",
            "text",
            "raised_at",
            "status",
            "answer",
            "answered_at",
            "decision_note",
            "decided_at",
        )
        .order_by("-notice_round", "raised_at", "id")[:limit]
    )
