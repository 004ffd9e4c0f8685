"""Household code slips (户码条, 线上投票评): a community prints one slip per household of a
compound or of one building, as a PDF made by a background task (evaluation/tasks.py).

The batch's lifecycle is one table (`SLIP_WORKFLOW`): preparing → ready (the task made the PDF)
or failed (it could not; staff retry it); ready → preparing when a download finds the file
missing (the demo's batches, a lost disk: the task makes it again); preparing or ready → voided, which gives every household
of the batch a new code, deletes the PDF and starts a replacement batch. Grades already given
stay counted: a grade references its household, not the code.

One live batch (preparing or ready) covers a household at a time: a second batch for the same
households is refused, not made by voiding the first silently, because voiding changes every
code and makes the slips already handed out worthless; that must be a decision with a reason
(作废并重新打印), never a side effect of pressing "打印" twice.

Household codes are read in one place, `slip_rows()`, for the PDF only: never in pages, audit
rows, task arguments, errors or logs.
"""

import logging
import math
import secrets

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Building, Community, Compound, Household, new_household_code
from core.workflow import Action, Step, Workflow

from . import slip_rules  # noqa: F401  (registers the permissions asked below)
from .models import CodeBatch

logger = logging.getLogger(__name__)

Status = CodeBatch.Status
LIVE = frozenset({Status.PREPARING, Status.READY})
# Eight slips on an A4 page: two across, four down, cut along the dashed lines.
SLIPS_PER_PAGE = 8
# New codes for a voided batch: tries before giving up on collisions (31^8 codes: ~never twice).
CODE_TRIES = 5


def grade_link() -> str:
    """The address printed on the slips and in their QR code: the residents' online grading
    page (evaluation:online), where the code is typed, never carried in the link."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("evaluation:online")


def where_label(batch: CodeBatch) -> str:
    """ "国奥花园 3号楼" or "国奥花园(全部楼栋)"."""
    if batch.building_id:
        return f"{batch.compound.name} {batch.building.number}"
    return f"{batch.compound.name}(全部楼栋)"


def _households_of(compound_id: int, building_id: int | None):
    rows = Household.objects.filter(building__compound_id=compound_id)
    return rows.filter(building_id=building_id) if building_id else rows


def _covering(compound_id: int, building_id: int | None) -> Q:
    """Batches that print any household this one prints: the compound's whole-compound
    batches, and the same building's (or, for a whole compound, any building's)."""
    if building_id is None:
        return Q(compound_id=compound_id)
    return Q(compound_id=compound_id) & (Q(building=None) | Q(building_id=building_id))


def _live_overlap(compound_id: int, building_id: int | None, *, exclude=None):
    batches = CodeBatch.objects.filter(_covering(compound_id, building_id), status__in=LIVE)
    if exclude is not None:
        batches = batches.exclude(pk=exclude)
    return batches.select_related("building").first()


def _overlap_reason(batch: CodeBatch) -> str:
    return (
        f"{where_label(batch)}已有一批户码条({batch.get_status_display()},"
        f"{timezone.localtime(batch.created_at):%Y-%m-%d %H:%M} 创建)。"
        "同一户同时只能有一批有效的户码条;如需重新打印,请先作废那一批。"
    )


# --- the workflow table -----------------------------------------------------------------------
def _store_pdf(step: Step) -> None:
    """finish: keep the PDF the task made (under a random name) and the number of slips."""
    batch = step.obj
    batch.pdf.save(
        f"{secrets.token_urlsafe(16)}.pdf", ContentFile(step.data["content"]), save=False
    )
    step.set(pdf=batch.pdf, households=step.data["households"], error="")
    step.detail.update(households=step.data["households"])


def _no_other_live(step: Step):
    batch = step.obj
    if other := _live_overlap(batch.compound_id, batch.building_id, exclude=batch.pk):
        yield _overlap_reason(other)


def _retry(step: Step) -> None:
    step.set(error="")


def _reason_given(step: Step):
    if not step.obj.void_reason.strip():
        yield "请填写作废原因(例如:户码条丢失、被他人拿到)。"


def _void(step: Step) -> None:
    """void: new codes for every household of the batch, the PDF deleted once committed."""
    batch = step.obj
    renewed = _renew_codes(batch.compound_id, batch.building_id)
    if batch.pdf:
        name, storage = batch.pdf.name, batch.pdf.storage
        transaction.on_commit(lambda: storage.delete(name))
    step.set(pdf="", voided_by=step.by, voided_at=timezone.now())
    step.detail.update(households=renewed)


def _forget_file(step: Step) -> None:
    """remake: the file is missing; the task makes it again from the current codes, which are
    the batch's (only voiding changes them)."""
    step.set(pdf="", error="")


SLIP_WORKFLOW = Workflow(
    CodeBatch,
    [
        Action(
            "finish",
            "完成生成",
            "evaluation.render_slips",
            frozenset({Status.PREPARING}),
            target=Status.READY,
            apply=_store_pdf,
        ),
        Action(
            "fail",
            "标记生成失败",
            "evaluation.render_slips",
            frozenset({Status.PREPARING}),
            target=Status.FAILED,
            fields=("error",),
        ),
        Action(
            "retry",
            "重新生成",
            "evaluation.print_slips",
            frozenset({Status.FAILED}),
            target=Status.PREPARING,
            check=_no_other_live,
            apply=_retry,
        ),
        Action(
            "void",
            "作废",
            "evaluation.print_slips",
            LIVE,
            target=Status.VOIDED,
            fields=("void_reason",),
            check=_reason_given,
            apply=_void,
        ),
        Action(
            "download",
            "下载",
            "evaluation.print_slips",
            frozenset({Status.READY}),
        ),
        # A ready batch whose file is missing (the demo's, or one lost from the disk), on its
        # download: back to 生成中 while the task makes the file again.
        Action(
            "remake",
            "重新生成",
            "evaluation.print_slips",
            frozenset({Status.READY}),
            target=Status.PREPARING,
            apply=_forget_file,
        ),
    ],
    initial=Status.PREPARING,
    noun="户码条批次",
)


# --- services ---------------------------------------------------------------------------------
def _queue(batch_id: int) -> None:
    from .tasks import render_code_slips

    transaction.on_commit(lambda: render_code_slips.delay(batch_id))


@transaction.atomic
def batch_create(
    *,
    community: Community,
    compound: Compound,
    building: Building | None = None,
    by,
    replaces: CodeBatch | None = None,
) -> CodeBatch:
    """Start printing the slips of a compound (or one of its buildings): the batch is made now,
    its PDF by a task once this commits. Refused while a live batch covers the same households."""
    if not by.has_perm("evaluation.print_slips", community):
        raise PermissionDenied
    if compound.community_id != community.pk:
        raise ValidationError("请选择本社区的小区。", code="compound")
    if building is not None and building.compound_id != compound.pk:
        raise ValidationError("所选楼栋不属于这个小区。", code="building")
    # Two presses at once: the compound's row is the lock, the second sees the first's batch.
    Compound.objects.select_for_update().filter(pk=compound.pk).first()
    building_id = building.pk if building else None
    if other := _live_overlap(compound.pk, building_id):
        raise ValidationError(_overlap_reason(other), code="live")
    count = _households_of(compound.pk, building_id).count()
    if not count:
        raise ValidationError("这里还没有登记住户,没有户码条可打印。", code="empty")
    now = timezone.now()
    batch = CodeBatch.objects.create(
        community=community,
        compound=compound,
        building=building,
        households=count,
        replaces=replaces,
        created_by=by,
        created_at=now,
        status_changed_at=now,
    )
    detail = {"compound": compound.pk, "building": building_id, "households": count}
    if replaces is not None:
        detail["replaces"] = replaces.pk
    SLIP_WORKFLOW.created(batch, by=by, event=None, detail=detail)
    _queue(batch.pk)
    return batch


def batch_void(*, batch: CodeBatch, reason: str, by) -> CodeBatch:
    """Void a batch (new codes for its households, its PDF deleted) and start the replacement
    batch for the same households; returns the replacement."""
    with transaction.atomic():
        step = SLIP_WORKFLOW.perform(batch, "void", by=by, data={"void_reason": reason[:200]})
        voided = step.obj
        return batch_create(
            community=voided.community,
            compound=voided.compound,
            building=voided.building,
            by=by,
            replaces=voided,
        )


def batch_retry(*, batch: CodeBatch, by) -> CodeBatch:
    """Make a failed batch's PDF again."""
    with transaction.atomic():
        step = SLIP_WORKFLOW.perform(batch, "retry", by=by)
        _queue(step.obj.pk)
    return step.obj


def has_file(batch: CodeBatch) -> bool:
    """The batch's PDF is on the disk."""
    return bool(batch.pdf) and batch.pdf.storage.exists(batch.pdf.name)


def batch_download(*, batch: CodeBatch, by) -> CodeBatch:
    """Check and audit one download of a ready batch's PDF; returns the batch, whose `pdf` the
    view streams. A ready batch without its file (the demo's, or one lost from the disk) is
    not rendered here, inside the request and under the batch's lock: it goes back to 生成中
    and the task makes the file once this commits; the batch returned is then preparing."""
    with transaction.atomic():
        locked = CodeBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == Status.READY and not has_file(locked):
            step = SLIP_WORKFLOW.perform(locked, "remake", by=by)
            _queue(locked.pk)
            return step.obj
        return SLIP_WORKFLOW.perform(locked, "download", by=by).obj


def batch_render(*, batch_id: int) -> str:
    """The task's work: render the PDF of a preparing batch and mark it ready, or failed with
    the reason. Idempotent: a batch no longer preparing (done, voided meanwhile) is left alone.
    Returns the batch's status."""
    batch = CodeBatch.objects.select_related("compound", "building", "created_by").get(pk=batch_id)
    if batch.status != Status.PREPARING:
        return batch.status
    try:
        content, count = render_pdf(batch)
    except Exception as exc:  # any failure of rendering is the batch's, shown to staff
        logger.exception("code slips of batch %s could not be rendered", batch_id)
        error = f"生成 PDF 时出错({type(exc).__name__}),请重新生成;多次失败请联系系统管理员。"
        return _settle(batch, "fail", {"error": error[:200]})
    if not count:
        return _settle(batch, "fail", {"error": "这里已没有登记的住户。"})
    return _settle(batch, "finish", {"content": content, "households": count})


def _settle(batch: CodeBatch, action: str, data: dict) -> str:
    from core.workflow import Conflict

    try:
        return SLIP_WORKFLOW.perform(batch, action, by=batch.created_by, data=data).obj.status
    except Conflict:  # voided while the PDF was being made: the slips are thrown away
        batch.refresh_from_db(fields=["status"])
        return batch.status


def _renew_codes(compound_id: int, building_id: int | None) -> int:
    """New unique codes for the households of a voided batch, their rows locked (a grade being
    given with an old code waits, then finds it no longer valid). Retries on a collision."""
    rows = list(_households_of(compound_id, building_id).select_for_update().only("id", "code"))
    for _attempt in range(CODE_TRIES):
        codes = {new_household_code() for _ in range(len(rows) + 8)}
        codes -= set(Household.objects.filter(code__in=codes).values_list("code", flat=True))
        if len(codes) < len(rows):
            continue
        for row, code in zip(rows, codes, strict=False):
            row.code = code
        try:
            with transaction.atomic():
                Household.objects.bulk_update(rows, ["code"], batch_size=500)
        except IntegrityError:  # another code taken meanwhile: draw again
            continue
        return len(rows)
    raise ValidationError("暂时无法生成新的户码,请稍后再试。", code="codes")


# --- the PDF ----------------------------------------------------------------------------------
def slip_rows(batch: CodeBatch) -> list[dict]:
    """One slip per household: where it is and its code (the only read of the codes)."""
    rows = (
        _households_of(batch.compound_id, batch.building_id)
        .select_related("building")
        .order_by("building__number", "unit", "room")
        .values_list("building__number", "unit", "room", "code")
    )
    return [
        {"building": number, "unit": unit, "room": room, "code": code}
        for number, unit, room, code in rows.iterator(chunk_size=1000)
    ]


def slips_html(batch: CodeBatch, rows: list[dict]) -> str:
    """The print-ready HTML of the slips, SLIPS_PER_PAGE to an A4 page."""
    link = grade_link()
    pages = [rows[start : start + SLIPS_PER_PAGE] for start in range(0, len(rows), SLIPS_PER_PAGE)]
    return render_to_string(
        "evaluation/slips_pdf.html",
        {
            "batch": batch,
            "compound": batch.compound,
            "pages": pages,
            "link": link,
            "qr": segno.make(link, error="m").svg_data_uri(scale=4, border=1),
            "count": len(rows),
            "page_count": math.ceil(len(rows) / SLIPS_PER_PAGE),
        },
    )


def render_pdf(batch: CodeBatch) -> tuple[bytes, int]:
    """The batch's PDF and its number of slips."""
    from weasyprint import HTML

    rows = slip_rows(batch)
    html = slips_html(batch, rows)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(), len(rows)
