"""Writes to the needs list. Every state change checks permission, locks the row and writes the
audit log. Apps above (surveys, outreach, projects) call these; needs never calls them back except
through needs.hooks.

Shared API used by the step-1 sources:
    need_create(by=, community=, data=, origin="")           → Need (with its first NeedMention)
    need_mention(need=, by=, source=, count=1, note="", origin="") → NeedMention (locks the need)
    receipt_issue(community=, kind=, text=)                   → (Receipt, code shown once)
    receipt_link(receipt=, need=, by=)                        a suggestion filed under a need
    receipt_decline(receipt=, reason=, by=)                   closed without a need, with why
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit

from .models import Need, NeedMention, Receipt

# Receipt codes: 12 characters from 30 unambiguous ones (no 0/O, 1/I/L, U), about 59 bits; shown
# as XXXX-XXXX-XXXX. Only a hash is kept (a plain SHA-256 suffices for a random code of this size,
# and survives a SECRET_KEY rotation); lookups are rate-limited.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 12


def normalise_receipt(code) -> str:
    """A typed receipt code as issued: no spaces or dashes, upper case; "" if it cannot be one."""
    code = "".join(str(code or "").split()).replace("-", "").upper()
    ok = len(code) == RECEIPT_LENGTH and all(c in RECEIPT_ALPHABET for c in code)
    return code if ok else ""


def receipt_hash(code: str) -> str:
    return hashlib.sha256(f"receipt:{code}".encode()).hexdigest()


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def receipt_for(code) -> Receipt | None:
    """The receipt a resident typed, or None (a malformed code never reaches the database)."""
    code = normalise_receipt(code)
    if not code:
        return None
    return Receipt.objects.select_related("need").filter(code_hash=receipt_hash(code)).first()


def receipt_issue(*, community, kind: str, text: str) -> tuple[Receipt, str]:
    """A receipt for what a resident just left (call inside the caller's transaction). Returns
    the row and the code, formatted, to show once: it is never stored."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    excerpt = " ".join(str(text).split())
    excerpt = excerpt if len(excerpt) <= 40 else excerpt[:39] + "…"
    receipt = Receipt.objects.create(
        community=community, kind=kind, excerpt=excerpt, code_hash=receipt_hash(code)
    )
    return receipt, format_receipt(code)


def _check_staff(by, community) -> None:
    if not by.has_perm("needs.add_need", community):
        raise PermissionDenied


@transaction.atomic
def need_create(*, by, community, data: dict, origin: str = "") -> Need:
    """Record one need in a community's needs list, with its first source."""
    _check_staff(by, community)
    data = dict(data)
    compound = data.get("compound")
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError("所选小区不属于本社区。")
    category = data.get("category")
    if category is not None and not getattr(category, "active", True):
        raise ValidationError("这个类别已停用,请选择其他类别。")
    data.setdefault("mentions", 1)
    need = Need.objects.create(community=community, created_by=by, **data)
    NeedMention.objects.create(
        need=need,
        source=need.source,
        count=need.mentions,
        noted_on=timezone.localdate(need.created_at),
        created_by=by,
        origin=origin,
    )
    audit(actor=by, action="need.create", obj=need)
    return need


@transaction.atomic
def need_mention(
    *, need: Need, by, source: str, count: int = 1, note: str = "", origin: str = ""
) -> NeedMention:
    """Residents raised an existing need again (a visit, a meeting, a box…): one more source row,
    and the need's count goes up. Refused on a need that is merged or deleted."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    _check_staff(by, need.community)
    if need.deleted_at is not None:
        raise ValidationError("这条需求已删除或已合并,不能再添加反映。")
    if source not in Need.Source.values:
        raise ValidationError("来源不正确。")
    if not isinstance(count, int) or count < 1:
        raise ValidationError("反映人次至少为1。")
    mention = NeedMention.objects.create(
        need=need, source=source, count=count, note=note[:200], created_by=by, origin=origin
    )
    Need.objects.filter(pk=need.pk).update(mentions=F("mentions") + count)
    audit(actor=by, action="need.mention", obj=need, detail={"source": source, "count": count})
    return mention


@transaction.atomic
def receipt_link(*, receipt: Receipt, need: Need, by) -> Receipt:
    """File what a resident left under a need: the receipt page follows the need from now on."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    _check_staff(by, receipt.community)
    if need.community_id != receipt.community_id:
        raise ValidationError("只能记入本社区的需求。")
    receipt.need = need
    receipt.declined_reason = ""
    receipt.handled_at = timezone.now()
    receipt.save(update_fields=["need", "declined_reason", "handled_at"])
    audit(actor=by, action="receipt.link", obj=receipt, detail={"need": need.pk})
    return receipt


@transaction.atomic
def receipt_decline(*, receipt: Receipt, reason: str, by) -> Receipt:
    """Close what a resident left without a need, with the reason they will read."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    _check_staff(by, receipt.community)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请写明不予采纳的理由,居民凭回执码可以看到。")
    receipt.need = None
    receipt.declined_reason = reason[:1000]
    receipt.handled_at = timezone.now()
    receipt.save(update_fields=["need", "declined_reason", "handled_at"])
    audit(actor=by, action="receipt.decline", obj=receipt)
    return receipt
