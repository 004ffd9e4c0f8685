"""The lifecycle of a micro-project, as one table performed by core.workflow's engine.

    open ──claim──▶ claimed ──release (staff) / give_up (the claimant)──▶ open
      └────close────┴──────▶ closed ──reopen──▶ open
    care: in place while claimed (a care record; the neglect date moves on)
    edit: in place in any status (the kind and the compound stay while someone holds a claim)

Claiming locks the micro-project's row, so two people claiming at once get one claim and one
"already claimed" (409); a partial unique index keeps one live claim per micro-project anyway.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Upload
from core.phone import phone_hash
from core.uploads import store_upload
from core.workflow import Action, Conflict, Step, Workflow

from .models import CONSENT_NOTICE_VERSION, CareRecord, Claim, MicroProject, MicroStatus

OPEN, CLAIMED, CLOSED = MicroStatus.OPEN, MicroStatus.CLAIMED, MicroStatus.CLOSED


# A resident tends what they claim: one verified phone holds at most this many live claims, so
# nobody can take every open plot of the district at once.
MAX_LIVE_CLAIMS_PER_PHONE = 3


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
    elif (
        Claim.objects.live().filter(phone_hash=phone_hash(step.data["phone"])).count()
        >= MAX_LIVE_CLAIMS_PER_PHONE
    ):
        yield (
            f"一个手机号最多同时认领 {MAX_LIVE_CLAIMS_PER_PHONE} 块责任田或微任务,"
            "请先照料好已认领的,或放弃其中一个。"
        )
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
        consent_version="" if partner else CONSENT_NOTICE_VERSION,
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


def _own_live_claim(step: Step, refusal: str) -> None:
    """The claim the caller holds must still be the live one (staff may have released it)."""
    claim, live = step.data.get("claim"), step.obj.claims.live().first()
    if claim is None or live is None or live.pk != claim.pk:
        raise Conflict(refusal, code="status")


def _give_up_check(step: Step):
    _own_live_claim(step, "这次认领已经解除,不用再放弃。")
    return ()


def _give_up(step: Step) -> None:
    reason = str(step.data.get("reason") or "").strip()
    _release_live(step, f"认领人放弃:{reason}" if reason else "认领人放弃认领")
    step.detail["by_claimant"] = True


def _close(step: Step) -> None:
    _release_live(step, "微项目已结束")


def _care_check(step: Step):
    claim, day = step.data.get("claim"), step.data.get("date")
    _own_live_claim(step, "这次认领已经解除,不能再记录照料。")
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


# What an edit may change. Not through Action.fields: the engine would set them before the check,
# and the check and the neglect date need the row as it was (its compound, kind, neglect_days).
EDITABLE = ("compound", "kind", "title", "description", "location", "neglect_days")
# A claimant claimed this kind of project in this compound: neither moves under them.
FIXED_WHILE_CLAIMED = ("compound", "kind")


def _typed(micro: MicroProject, name: str, value):
    """The value as the model's field takes it (typed, choices and validators applied)."""
    field = MicroProject._meta.get_field(name)
    return value if field.is_relation else field.clean(value, micro)


def _edit_check(step: Step):
    micro, data = step.obj, step.data
    for name in EDITABLE:
        if name not in data:
            continue
        try:
            value = _typed(micro, name, data[name])
        except ValidationError as exc:
            label = MicroProject._meta.get_field(name).verbose_name
            yield from (f"{label}:{m}" for m in exc.messages)
            continue
        if name == "compound" and (value is None or value.community_id != micro.community_id):
            yield f"请选择{micro.community.name}的小区。"
        elif (
            name in FIXED_WHILE_CLAIMED
            and micro.status == CLAIMED
            and not _same(micro, name, value)
        ):
            label = MicroProject._meta.get_field(name).verbose_name
            yield f"有人认领中,不能修改{label}:请先解除认领,或结束后重新发布。"


def _same(micro: MicroProject, name: str, value) -> bool:
    current = getattr(micro, MicroProject._meta.get_field(name).attname)
    return current == (value.pk if hasattr(value, "pk") else value)


def _edit(step: Step) -> None:
    micro, old_days = step.obj, step.obj.neglect_days
    for name in EDITABLE:
        if name in step.data:
            value = _typed(micro, name, step.data[name])
            if not _same(micro, name, value):
                step.set(**{name: value})
    if "neglect_days" in step.changed and micro.care_due_on is not None:
        # The due date counts neglect_days from the claim or the last care: move that day's count.
        step.set(care_due_on=micro.care_due_on + timedelta(days=micro.neglect_days - old_days))
    step.detail["fields"] = [name for name in step.changed if name in EDITABLE]


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
            "give_up",
            "放弃认领",
            "scenes.give_up_microproject",
            frozenset({CLAIMED}),
            OPEN,
            check=_give_up_check,
            apply=_give_up,
        ),
        Action(
            "edit",
            "修改",
            "scenes.change_microproject",
            frozenset(MicroStatus.values),
            check=_edit_check,
            apply=_edit,
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
