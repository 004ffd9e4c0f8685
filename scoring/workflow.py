"""The lifecycles of a scoring round and of a score sheet, as tables performed by core.workflow.

Round:  draft ──open──▶ open ──close──▶ closed ──publish──▶ published
        in place while draft: edit; while draft or open: add / remove projects, choose a
        community's entrant (competitions), assign / unassign judges.
Sheet:  draft ──submit──▶ submitted ──reopen (district, with a reason)──▶ draft
        in place while draft: save.

A judge scores only while the round is open and today is within its dates (Round.accepting_on,
computed from the dates): the sheet actions' readiness checks say so (422).
"""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from core.notifications import notify
from core.workflow import Action, Step, Workflow
from projects.models import Project, Status

from .access import JUDGE_ROLES
from .models import (
    FULL_MARKS,
    Entry,
    Judge,
    Round,
    RoundStatus,
    Score,
    ScoreSheet,
    SheetStatus,
)

DRAFT, OPEN, CLOSED = RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED
PREPARING = frozenset({DRAFT, OPEN})
# A review round scores finished projects; a competition's entrants may still be running.
REVIEWABLE = frozenset({Status.RETROSPECTED})
ENTRANT_STATUSES = frozenset({Status.IN_PROGRESS, Status.RETROSPECTED})


def judge_candidates():
    """Active people who may be assigned as judges."""
    roles = [str(r) for r in JUDGE_ROLES]
    holders = User.objects.filter(role_assignments__role__in=roles).values("pk")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("display_name", "pk")


# --- round --------------------------------------------------------------------------------------
def _dates(step: Step):
    round_ = step.obj
    if round_.closes_on < round_.opens_on:
        yield "截止评分日期不能早于开始评分日期。"


def _edit(step: Step) -> None:
    step.detail["fields"] = sorted(name for name in step.data if name != "note")


def _project_check(step: Step):
    project: Project = step.data["project"]
    round_ = step.obj
    if project.deleted_at is not None:
        yield "这个项目已被删除。"
    elif project.status not in REVIEWABLE:
        yield f"“{project.title}”还没有完成复盘,不能参加评审。"
    if Entry.objects.filter(round=round_, project=project).exists():
        yield f"“{project.title}”已在本轮评审中。"
    if round_.is_competition:
        yield "擂台比武的参赛项目由各街道领导小组组长为每个社区选定。"


def _add_entry(step: Step) -> None:
    project = step.data["project"]
    entry = Entry.objects.create(
        round=step.obj,
        project=project,
        community_id=project.community_id,
        competition=step.obj.is_competition,
        chosen_by=step.by,
    )
    step.result = entry
    step.detail.update(entry=entry.pk, project=project.pk)


def _remove_check(step: Step):
    entry = step.data["entry"]
    if entry.round_id != step.obj.pk:
        yield "这个项目不在本轮评审中。"
    elif entry.sheets.exists():
        yield "评委已为这个项目填写评分表,不能移出。"


def _remove_entry(step: Step) -> None:
    entry = step.data["entry"]
    step.detail.update(entry=entry.pk, project=entry.project_id)
    entry.delete()


def _entrant_check(step: Step):
    project: Project = step.data["project"]
    community = step.data["community"]
    if not step.obj.is_competition:
        yield "只有擂台比武由街道选定参赛项目。"
        return
    if project.community_id != community.pk or project.deleted_at is not None:
        yield "参赛项目须是本社区的项目。"
    elif project.status not in ENTRANT_STATUSES:
        yield f"“{project.title}”还没有开始实施,不能参加擂台比武。"
    current = Entry.objects.filter(round=step.obj, community=community).first()
    if current is not None and current.project_id != project.pk and current.sheets.exists():
        yield "评委已为本社区原参赛项目打分,不能更换。"


def _choose_entrant(step: Step) -> None:
    project, community = step.data["project"], step.data["community"]
    current = Entry.objects.filter(round=step.obj, community=community).first()
    if current is not None and current.project_id == project.pk:
        step.result = current
        return
    if current is not None:
        step.detail["replaced"] = current.project_id
        current.delete()
    entry = Entry.objects.create(
        round=step.obj,
        project=project,
        community=community,
        competition=True,
        chosen_by=step.by,
    )
    step.result = entry
    step.detail.update(entry=entry.pk, project=project.pk, community=community.pk)


def _assign_check(step: Step):
    person = step.data["user"]
    if not judge_candidates().filter(pk=person.pk).exists():
        yield "评委须是区级工作人员或专家顾问。"
    elif Judge.objects.filter(round=step.obj, user=person).exists():
        yield f"{person}已是本轮评委。"


def _assign(step: Step) -> None:
    person = step.data["user"]
    judge = Judge.objects.create(round=step.obj, user=person, assigned_by=step.by)
    step.result = judge
    step.detail.update(judge=person.pk)


def _assign_notify(step: Step) -> None:
    notify(
        step.data["user"],
        "scoring.assigned",
        step.obj,
        title=f"您被指派为“{step.obj.name}”的评委",
        body=f"评分时间:{step.obj.opens_on:%Y-%m-%d} 至 {step.obj.closes_on:%Y-%m-%d}。",
    )


def _unassign_check(step: Step):
    judge = step.data["judge"]
    if judge.round_id != step.obj.pk:
        yield "这位评委不在本轮评审中。"
    elif ScoreSheet.objects.filter(round=step.obj, judge_id=judge.user_id).exists():
        yield "这位评委已经填写了评分表,不能取消指派。"


def _unassign(step: Step) -> None:
    judge = step.data["judge"]
    step.detail.update(judge=judge.user_id)
    judge.delete()


def _open_check(step: Step):
    round_ = step.obj
    yield from _dates(step)
    if round_.closes_on < timezone.localdate():
        yield "截止评分日期已过,请先修改日期。"
    if not round_.entries.exists():
        yield "请先加入参评项目。" if not round_.is_competition else "还没有社区选定参赛项目。"
    if not round_.judges.exists():
        yield "请先指派评委。"
    points = sum(c.points for c in round_.rubric.criteria.all())
    if points != FULL_MARKS:
        yield f"评分细则各项满分之和为 {points} 分,应为 {FULL_MARKS} 分。"


def _publish_check(step: Step):
    if not ScoreSheet.objects.filter(round=step.obj, status=SheetStatus.SUBMITTED).exists():
        yield "还没有评委提交评分表,没有可公布的结果。"


def _published(step: Step) -> None:
    step.set(published_at=timezone.now())


ROUND_WORKFLOW = Workflow(
    Round,
    [
        Action(
            "edit",
            "修改",
            "scoring.manage_round",
            frozenset({DRAFT}),
            fields=("name", "year", "description", "rubric", "opens_on", "closes_on", "tie_break"),
            check=_dates,
            apply=_edit,
        ),
        Action(
            "add_entry",
            "加入参评项目",
            "scoring.manage_round",
            PREPARING,
            check=_project_check,
            apply=_add_entry,
        ),
        Action(
            "remove_entry",
            "移出参评项目",
            "scoring.manage_round",
            PREPARING,
            check=_remove_check,
            apply=_remove_entry,
        ),
        Action(
            "choose_entrant",
            "选定参赛项目",
            "scoring.view_round",  # the service first asks scoring.choose_entrant of the community
            PREPARING,
            check=_entrant_check,
            apply=_choose_entrant,
        ),
        Action(
            "assign_judge",
            "指派评委",
            "scoring.manage_round",
            PREPARING,
            check=_assign_check,
            apply=_assign,
            notify=_assign_notify,
        ),
        Action(
            "unassign_judge",
            "取消指派评委",
            "scoring.manage_round",
            PREPARING,
            check=_unassign_check,
            apply=_unassign,
        ),
        Action(
            "open",
            "开始评分",
            "scoring.manage_round",
            frozenset({DRAFT}),
            target=OPEN,
            check=_open_check,
        ),
        Action("close", "结束评分", "scoring.manage_round", frozenset({OPEN}), target=CLOSED),
        Action(
            "publish",
            "公布结果",
            "scoring.manage_round",
            frozenset({CLOSED}),
            target=RoundStatus.PUBLISHED,
            check=_publish_check,
            apply=_published,
        ),
    ],
    initial=DRAFT,
    noun="评审轮次",
)


# --- score sheet --------------------------------------------------------------------------------
def _accepting(step: Step):
    round_ = step.obj.round
    if not round_.accepting_on():
        if round_.status != RoundStatus.OPEN:
            yield f"“{round_.name}”{round_.get_status_display()},不能再评分。"
        else:
            yield (
                f"评分时间为 {round_.opens_on:%Y-%m-%d} 至 {round_.closes_on:%Y-%m-%d},"
                "现在不在评分时间内。"
            )


def _points(step: Step) -> dict:
    """criterion id → points (or None), bounded by each criterion's full marks (422)."""
    return step.data.get("points") or {}


def _points_check(step: Step, *, complete: bool):
    given = _points(step)
    # Submitting: every criterion needs points, given now or saved before (and not cleared now).
    stored = set(step.obj.scores.values_list("criterion_id", flat=True)) if complete else set()
    for criterion in step.obj.round.rubric.criteria.all():
        value = given.get(criterion.pk)
        if value is None:
            if complete and (criterion.pk in given or criterion.pk not in stored):
                yield f"请为“{criterion.name}”打分。"
            continue
        if not (Decimal("0") <= value <= criterion.points):
            yield f"“{criterion.name}”的得分应在 0 到 {criterion.points} 分之间。"
    unknown = set(given) - {c.pk for c in step.obj.round.rubric.criteria.all()}
    if unknown:
        yield "评分项不属于本轮的评分细则。"


def _save_check(step: Step):
    yield from _accepting(step)
    yield from _points_check(step, complete=False)


def _submit_check(step: Step):
    yield from _accepting(step)
    yield from _points_check(step, complete=True)


def _write_scores(step: Step) -> None:
    sheet = step.obj
    given = {k: v for k, v in _points(step).items() if v is not None}
    cleared = [k for k, v in _points(step).items() if v is None]
    if cleared:
        sheet.scores.filter(criterion_id__in=cleared).delete()
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    for criterion_id, value in given.items():
        score = existing.get(criterion_id)
        if score is None:
            Score.objects.create(sheet=sheet, criterion_id=criterion_id, points=value)
        elif score.points != value:
            score.points = value
            score.save(update_fields=["points"])
    total = sum((s.points for s in sheet.scores.all()), Decimal("0"))
    step.set(total=total)
    if "comment" in step.data:
        step.set(comment=str(step.data["comment"] or "")[:1000])
    step.detail.update(round=sheet.round_id, entry=sheet.entry_id, total=str(total))


def _submitted(step: Step) -> None:
    _write_scores(step)
    step.set(submitted_at=timezone.now(), reopen_reason="")


def _reopen_check(step: Step):
    if not str(step.data.get("reason") or "").strip():
        yield "请填写退回重评的原因。"
    if step.obj.round.status != RoundStatus.OPEN:
        yield f"“{step.obj.round.name}”{step.obj.round.get_status_display()},不能退回评分表。"


def _reopened(step: Step) -> None:
    reason = str(step.data["reason"]).strip()[:200]
    step.set(reopen_reason=reason, submitted_at=None)
    step.detail.update(round=step.obj.round_id, entry=step.obj.entry_id, reason=reason)


def _reopen_notify(step: Step) -> None:
    sheet = step.obj
    notify(
        sheet.judge,
        "scoring.sheet_reopened",
        sheet,
        title=f"您对“{sheet.entry.project.title}”的评分表被退回重评",
        body=f"原因:{sheet.reopen_reason}",
        url=sheet_url(sheet.entry_id),
    )


def sheet_url(entry_id) -> str:
    from core.links import object_url

    return object_url("scoring:sheet", entry_id)


SHEET_WORKFLOW = Workflow(
    ScoreSheet,
    [
        Action(
            "save",
            "保存",
            "scoring.score_sheet",
            frozenset({SheetStatus.DRAFT}),
            check=_save_check,
            apply=_write_scores,
        ),
        Action(
            "submit",
            "提交",
            "scoring.score_sheet",
            frozenset({SheetStatus.DRAFT}),
            target=SheetStatus.SUBMITTED,
            check=_submit_check,
            apply=_submitted,
        ),
        Action(
            "reopen",
            "退回重评",
            "scoring.reopen_sheet",
            frozenset({SheetStatus.SUBMITTED}),
            target=SheetStatus.DRAFT,
            check=_reopen_check,
            apply=_reopened,
            notify=_reopen_notify,
        ),
    ],
    initial=SheetStatus.DRAFT,
    noun="评分表",
)
