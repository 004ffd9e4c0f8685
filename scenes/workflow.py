"""The lifecycle of a micro-project, as one table performed by core.workflow's engine.

    open ──claim──▶ claimed ──release──▶ open
      └────close────┴──────▶ closed ──reopen──▶ open
    care: in place while claimed (a care record; the neglect date moves on)

Claiming locks the micro-project's row, so two people claiming at once get one claim and one
"already claimed" (409); a partial unique index keeps one live claim per micro-project anyway.
"""

from django.utils import timezone

from core.models import Upload
from core.uploads import store_upload
from core.workflow import Action, Conflict, Step, Workflow

from .models import CareRecord, Claim, MicroProject, MicroStatus

OPEN, CLAIMED, CLOSED = MicroStatus.OPEN, MicroStatus.CLAIMED, MicroStatus.CLOSED


def _claim_check(step: Step):
    partner = step.data.get("partner")
    if partner is not None:
        if partner.community_id != step.obj.community_id or partner.deleted_at is not None:
            yield "只有本社区的合伙人可以认领。"
        return
    if not str(step.data.get("name") or "").strip():
        yield "请填写认领人姓名。"
    if not step.data.get("phone"):
        yield "请先验证手机号。"
    if not step.data.get("consent"):
        yield "请阅读并勾选同意个人信息告知。"


def _claim(step: Step) -> None:
    partner, now = step.data.get("partner"), timezone.now()
    claim = Claim.objects.create(
        micro_project=step.obj,
        partner=partner,
        name="" if partner else str(step.data["name"]).strip()[:40],
        phone="" if partner else step.data["phone"],
        consent_at=None if partner else now,
        claimed_at=now,
    )
    step.set(care_due_on=step.obj.due_after(timezone.localdate()))
    step.result = claim
    step.detail.update(
        {"claim": claim.pk, "partner": partner.pk if partner else None, "phone": str(claim.phone)}
    )


def _release_live(step: Step, reason: str) -> None:
    claim = step.obj.claims.live().select_for_update().first()
    if claim is not None:
        claim.released_at, claim.release_reason = timezone.now(), reason[:200]
        claim.save(update_fields=["released_at", "release_reason"])
        step.detail["claim"] = claim.pk
    step.set(care_due_on=None)


def _release(step: Step) -> None:
    _release_live(step, str(step.data.get("reason") or "").strip() or "社区解除认领")


def _close(step: Step) -> None:
    _release_live(step, "微项目已结束")


def _care_check(step: Step):
    claim, day = step.data.get("claim"), step.data.get("date")
    live = step.obj.claims.live().first()
    if claim is None or live is None or live.pk != claim.pk:
        raise Conflict("这次认领已经解除,不能再记录照料。", code="status")
    if day is None:
        yield "请填写照料日期。"
    elif day > timezone.localdate():
        yield "照料日期不能晚于今天。"
    elif day < claim.claimed_at.astimezone(timezone.get_current_timezone()).date():
        yield "照料日期不能早于认领日期。"
    if not str(step.data.get("done") or "").strip():
        yield "请写明做了什么。"


def _care(step: Step) -> None:
    data, claim = step.data, step.data["claim"]
    photo = None
    if data.get("photo"):
        # A resident has no account: the file is filed under the community's publisher.
        photo = store_upload(
            uploaded_file=data["photo"],
            kind=Upload.Kind.IMAGE,
            by=step.obj.created_by,
            owner=step.obj,
        )
    record = CareRecord.objects.create(
        claim=claim, date=data["date"], done=str(data["done"]).strip()[:200], photo=photo
    )
    due = step.obj.due_after(record.date)
    if step.obj.care_due_on is None or due > step.obj.care_due_on:
        step.set(care_due_on=due)
    step.result = record
    step.detail.update({"claim": claim.pk, "care_record": record.pk})


MICRO_WORKFLOW = Workflow(
    MicroProject,
    [
        Action(
            "claim",
            "认领",
            "scenes.claim_microproject",
            frozenset({OPEN}),
            CLAIMED,
            check=_claim_check,
            apply=_claim,
        ),
        Action(
            "care",
            "记录照料",
            "scenes.care_microproject",
            frozenset({CLAIMED}),
            check=_care_check,
            apply=_care,
        ),
        Action(
            "release",
            "解除认领",
            "scenes.change_microproject",
            frozenset({CLAIMED}),
            OPEN,
            apply=_release,
        ),
        Action(
            "close",
            "结束",
            "scenes.change_microproject",
            frozenset({OPEN, CLAIMED}),
            CLOSED,
            apply=_close,
        ),
        Action(
            "reopen",
            "重新开放",
            "scenes.change_microproject",
            frozenset({CLOSED}),
            OPEN,
        ),
    ],
    initial=OPEN,
    noun="微项目",
)
