"""Every change in scoring: keyword-only, atomic, permission first, the row locked, audited.
Round and sheet changes go through their workflow tables (scoring/workflow.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.audit import audit
from core.workflow import Conflict

from .models import Criterion, Entry, Round, RoundStatus, Rubric, ScoreSheet
from .workflow import ROUND_WORKFLOW, SHEET_WORKFLOW


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


# --- rubrics ------------------------------------------------------------------------------------
def rubric_in_use(rubric: Rubric) -> bool:
    """Used by a round that has been opened: its criteria can no longer change."""
    return rubric.rounds.exclude(status=RoundStatus.DRAFT).exists()


def _write_criteria(rubric: Rubric, criteria: list[dict]) -> None:
    rubric.criteria.all().delete()
    Criterion.objects.bulk_create(
        [
            Criterion(
                rubric=rubric,
                order=index,
                name=row["name"],
                points=row["points"],
                description=row.get("description", ""),
            )
            for index, row in enumerate(criteria, 1)
        ]
    )


@transaction.atomic
def rubric_create(*, by, name: str, description: str = "", criteria: list[dict]) -> Rubric:
    """A new rubric with its criteria (the form has checked they add up to 100)."""
    _require(by, "scoring.manage_rubric")
    if Rubric.objects.filter(name=name).exists():
        raise ValidationError("已有同名的评分细则。", code="name")
    rubric = Rubric.objects.create(name=name, description=description, created_by=by)
    _write_criteria(rubric, criteria)
    audit(actor=by, action="rubric.create", obj=rubric, detail={"criteria": len(criteria)})
    return rubric


@transaction.atomic
def rubric_update(*, rubric: Rubric, by, name: str, description: str, criteria: list[dict]):
    """Change a rubric no opened round uses (else copy it: 409)."""
    _require(by, "scoring.manage_rubric", rubric)
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric_in_use(locked):
        raise Conflict("这份评分细则已被开始评分的评审轮次使用,不能修改;请复制一份再修改。")
    if Rubric.objects.filter(name=name).exclude(pk=locked.pk).exists():
        raise ValidationError("已有同名的评分细则。", code="name")
    locked.name, locked.description = name, description
    locked.save(update_fields=["name", "description", "updated_at"])
    _write_criteria(locked, criteria)
    audit(actor=by, action="rubric.update", obj=locked, detail={"criteria": len(criteria)})
    return locked


@transaction.atomic
def rubric_copy(*, rubric: Rubric, by) -> Rubric:
    """A copy to change (of a rubric in use, say), named “…(副本)”."""
    _require(by, "scoring.manage_rubric", rubric)
    base = f"{rubric.name[:52]}(副本)"
    name, n = base, 1
    while Rubric.objects.filter(name=name).exists():
        n += 1
        name = f"{rubric.name[:50]}(副本{n})"
    copy = Rubric.objects.create(
        name=name, description=rubric.description, copied_from=rubric, created_by=by
    )
    _write_criteria(
        copy,
        [
            {"name": c.name, "points": c.points, "description": c.description}
            for c in rubric.criteria.all()
        ],
    )
    audit(actor=by, action="rubric.copy", obj=copy, detail={"from": rubric.pk})
    return copy


# --- rounds -------------------------------------------------------------------------------------
ROUND_FIELDS = ("name", "year", "description", "rubric", "opens_on", "closes_on", "tie_break")


@transaction.atomic
def round_create(*, by, kind: str, data: dict) -> Round:
    """A new round (or competition), in draft."""
    _require(by, "scoring.manage_round")
    if data["closes_on"] < data["opens_on"]:
        raise ValidationError("截止评分日期不能早于开始评分日期。", code="dates")
    round_ = Round.objects.create(kind=kind, created_by=by, **{f: data[f] for f in ROUND_FIELDS})
    ROUND_WORKFLOW.created(round_, by=by, event=None, detail={"kind": kind})
    return round_


def round_update(*, round: Round, by, data: dict) -> Round:
    """Change a draft round's name, rubric, dates or tie-break rule."""
    return ROUND_WORKFLOW.perform(
        round, "edit", by=by, data={f: data[f] for f in ROUND_FIELDS if f in data}
    ).obj


def round_add_entry(*, round: Round, by, project) -> Entry:
    """Put a retrospected project into a review round."""
    return ROUND_WORKFLOW.perform(round, "add_entry", by=by, data={"project": project}).result


def round_remove_entry(*, round: Round, by, entry: Entry) -> None:
    """Take a project nobody has scored out of the round."""
    ROUND_WORKFLOW.perform(round, "remove_entry", by=by, data={"entry": entry})


@transaction.atomic
def entrant_choose(*, round: Round, by, community, project) -> Entry:
    """The street's 组长 chooses (or changes) a community's entrant in a competition."""
    _require(by, "scoring.choose_entrant", community)
    return ROUND_WORKFLOW.perform(
        round, "choose_entrant", by=by, data={"community": community, "project": project}
    ).result


def judge_assign(*, round: Round, by, user):
    """Assign a person (district staff or an expert) to judge the round."""
    return ROUND_WORKFLOW.perform(round, "assign_judge", by=by, data={"user": user}).result


def judge_unassign(*, round: Round, by, judge) -> None:
    """Take back an assignment before the judge scored anything."""
    ROUND_WORKFLOW.perform(round, "unassign_judge", by=by, data={"judge": judge})


def round_open(*, round: Round, by) -> Round:
    """Open the round: its judges score from its first day, its projects open to them."""
    return ROUND_WORKFLOW.perform(round, "open", by=by).obj


def round_close(*, round: Round, by) -> Round:
    """End scoring (drafts stay drafts and do not count)."""
    return ROUND_WORKFLOW.perform(round, "close", by=by).obj


def round_publish(*, round: Round, by) -> Round:
    """Publish the results (a competition's on the residents' pages)."""
    return ROUND_WORKFLOW.perform(round, "publish", by=by).obj


# --- score sheets -------------------------------------------------------------------------------
@transaction.atomic
def sheet_save(*, entry: Entry, by, points: dict, comment: str = "", submit: bool = False):
    """Save the judge's sheet for this entry (created on its first save), and submit it if
    asked: a submitted sheet is locked. `points`: criterion id → points or None."""
    _require(by, "scoring.score_sheet", entry)
    locked = Entry.objects.select_for_update().select_related("round").get(pk=entry.pk)
    sheet = ScoreSheet.objects.filter(entry=locked, judge=by).first()
    if sheet is None:
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(round_id=locked.round_id, entry=locked, judge=by)
        except IntegrityError:  # a second tab created it first (SQLite has no row lock)
            sheet = ScoreSheet.objects.get(entry=locked, judge=by)
        else:
            SHEET_WORKFLOW.created(
                sheet, by=by, event=None, detail={"round": locked.round_id, "entry": locked.pk}
            )
    step = SHEET_WORKFLOW.perform(
        sheet, "submit" if submit else "save", by=by, data={"points": points, "comment": comment}
    )
    return step.obj


def sheet_reopen(*, sheet: ScoreSheet, by, reason: str) -> ScoreSheet:
    """Send a submitted sheet back to its judge, with the reason (audited, the judge told)."""
    return SHEET_WORKFLOW.perform(sheet, "reopen", by=by, data={"reason": reason}).obj
