"""Writes to the needs list. Every state change checks permission, locks the row and writes the
audit log. Apps above (surveys, outreach, projects) call these; needs never calls them back except
through needs.hooks.

Shared API used by the step-1 sources:
    need_create(by=, community=, data=, origin="")           → Need (with its first NeedMention)
    need_mention(need=, by=, source=, count=1, note="", origin="", noted_on=None) → NeedMention
    need_adopt(need=, by=)                                    a project took it up (projects calls it)
    receipt_issue(community=, kind=, text=)                   → (Receipt, code shown once)
    receipt_link(receipt=, need=, by=)                        a suggestion filed under a need
    receipt_decline(receipt=, reason=, by=)                   closed without a need, with why

The need's own lifecycle (needs/workflow.py): need_update, need_set_status, need_delete; two
needs at once: need_merge (runs needs.hooks.MERGE_HOOKS). The district's categories:
category_create, category_rename, category_move, category_set_active, category_delete.
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.audit import audit
from core.privacy import mask_personal
from core.workflow import Conflict

from . import hooks
from .models import Category, Need, NeedEvent, NeedMention, Receipt
from .workflow import EDIT_FIELDS, NEED_WORKFLOW, STATUS_ACTIONS

# Receipt codes: 12 characters from 30 unambiguous ones (no 0/O, 1/I/L, U), about 59 bits; shown
# as XXXX-XXXX-XXXX. Only a hash is kept (a plain SHA-256 suffices for a random code of this size,
# and survives a SECRET_KEY rotation); lookups are rate-limited.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 12
# One mention row stands for at most this many residents (a typing slip beyond it).
MAX_COUNT = 100_000


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
    # Staff read it on the need's page: a phone or ID number the resident left stays masked.
    excerpt = mask_personal(" ".join(str(text).split()))
    excerpt = excerpt if len(excerpt) <= 40 else excerpt[:39] + "…"
    receipt = Receipt.objects.create(
        community=community, kind=kind, excerpt=excerpt, code_hash=receipt_hash(code)
    )
    return receipt, format_receipt(code)


def _masked(data: dict) -> dict:
    """A need's free text as it is kept: no mobile or ID-card number (needs/privacy.py)."""
    data = dict(data)
    for name in ("title", "description"):
        if isinstance(data.get(name), str):
            # Masking may widen full-width characters: still within the column.
            data[name] = mask_personal(data[name])[: Need._meta.get_field(name).max_length]
    return data


def _check_staff(by, community) -> None:
    if not by.has_perm("needs.add_need", community):
        raise PermissionDenied


@transaction.atomic
def need_create(*, by, community, data: dict, origin: str = "") -> Need:
    """Record one need in a community's needs list, with its first source."""
    _check_staff(by, community)
    data = _masked(data)
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
    # The first line of the need's history: who recorded it, from where.
    NeedEvent.objects.create(
        need=need,
        action="create",
        label="记入需求清单",
        note=f"首次来源:{need.get_source_display()},{need.mentions} 人次",
        actor=by,
        at=need.created_at,
    )
    audit(actor=by, action="need.create", obj=need)
    return need


@transaction.atomic
def need_mention(
    *,
    need: Need,
    by,
    source: str,
    count: int = 1,
    note: str = "",
    origin: str = "",
    noted_on=None,
) -> NeedMention:
    """Residents raised an existing need again (a visit, a meeting, a box…): one more source row,
    and the need's count goes up. Refused on a need that is merged or deleted."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    _check_staff(by, need.community)
    if need.deleted_at is not None:
        raise ValidationError("这条需求已删除或已合并,不能再添加反映。")
    if source not in Need.Source.values:
        raise ValidationError("来源不正确。")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise ValidationError(f"反映人次应在 1 至 {MAX_COUNT} 之间。")
    today = timezone.localdate()
    noted_on = noted_on or today
    if noted_on > today or noted_on.year < 2000:
        raise ValidationError("日期不正确:不能晚于今天。")
    mention = NeedMention.objects.create(
        need=need,
        source=source,
        count=count,
        note=mask_personal(str(note or ""))[:200],
        created_by=by,
        origin=origin,
        noted_on=noted_on,
    )
    Need.objects.filter(pk=need.pk).update(mentions=F("mentions") + count)
    if not origin:  # added by hand on the need's page: its history says by whom
        said = f"{Need.Source(source).label} {count} 人次"
        NeedEvent.objects.create(
            need=need,
            action="mention",
            label="添加来源",
            note=f"{said}:{mention.note}" if mention.note else said,
            actor=by,
        )
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
    receipt.declined_reason = mask_personal(reason)[:1000]
    receipt.handled_at = timezone.now()
    receipt.save(update_fields=["need", "declined_reason", "handled_at"])
    audit(actor=by, action="receipt.decline", obj=receipt)
    return receipt


# --- a need's lifecycle (needs/workflow.py) -----------------------------------------------------
def need_update(*, need: Need, by, data: dict) -> Need:
    """Edit a need's title, description, category and compound (its own community's staff)."""
    unknown = set(data) - set(EDIT_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable: {sorted(unknown)}")
    return NEED_WORKFLOW.perform(need, "edit", by=by, data=_masked(data)).obj


def need_set_status(*, need: Need, by, action: str, note: str = "") -> Need:
    """Study, solve (with how), decline (with why) or reopen a need; residents read the note."""
    if action not in STATUS_ACTIONS:
        raise ValidationError("没有这个操作。")
    # Residents read the note with their receipt: never anybody's phone number.
    note = mask_personal(str(note or ""))
    return NEED_WORKFLOW.perform(need, action, by=by, data={"note": note}).obj


def need_delete(*, need: Need, by) -> Need:
    """Soft-delete a need recorded by mistake (one holding residents' receipts is merged instead)."""
    return NEED_WORKFLOW.perform(need, "delete", by=by).obj


@transaction.atomic
def need_adopt(*, need: Need, by) -> Need:
    """A project took the need up: it moves to adopted. Called by projects whenever a project
    gains a need; a need already adopted or solved stays as it is, and one deleted is refused."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.deleted_at is not None:
        raise NEED_WORKFLOW.conflict(NEED_WORKFLOW["adopt"], need)
    if not NEED_WORKFLOW.allows(NEED_WORKFLOW["adopt"], need):
        return need
    return NEED_WORKFLOW.perform(need, "adopt", by=by).obj


@transaction.atomic
def need_merge(*, old: Need, new: Need, by) -> Need:
    """Merge the duplicate `old` into `new`: its sources, counts and receipts move to `new`,
    every app re-points its own links (needs.hooks.MERGE_HOOKS), and `old` is soft-deleted
    pointing at `new` (its page and its receipts lead there). Returns `new`."""
    if old.pk == new.pk:
        raise ValidationError("不能把一条需求合并到它自己。")
    # Both rows locked in one statement, in pk order: two merges of the same pair, in either
    # direction, queue behind each other instead of deadlocking.
    rows = (
        Need.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk__in=[old.pk, new.pk])
        .order_by("pk")
    )
    locked = {n.pk: n for n in rows}
    old, new = locked.get(old.pk), locked.get(new.pk)
    if old is None or new is None:
        raise ValidationError("需求不存在。")
    for need in (old, new):
        if not by.has_perm("needs.merge_need", need):
            raise PermissionDenied
    if old.community_id != new.community_id:
        raise ValidationError("只能合并同一社区的需求。")
    for need in (old, new):
        if need.deleted_at is not None:
            raise Conflict(f"需求“{need.title}”已被删除或合并,不能再合并。请刷新页面。")
    # What moves is what the rows hold: the kept need's count stays the sum of its sources.
    count = NeedMention.objects.filter(need=old).aggregate(n=Sum("count"))["n"] or 0
    moved = NeedMention.objects.filter(need=old).update(need=new)
    receipts = Receipt.objects.filter(need=old).update(need=new)
    now = timezone.now()
    Need.objects.filter(pk=new.pk).update(mentions=F("mentions") + count, updated_at=now)
    Need.objects.filter(pk=old.pk).update(merged_into=new, deleted_at=now, updated_at=now)
    for hook in hooks.MERGE_HOOKS:
        hook(old, new, by)
    NeedEvent.objects.bulk_create(
        [
            NeedEvent(
                need=old,
                action="merge",
                label="合并到另一条需求",
                note=f"已合并到“{new.title}”(#{new.pk})",
                actor=by,
                at=now,
            ),
            NeedEvent(
                need=new,
                action="merge",
                label="合并了重复需求",
                note=f"“{old.title}”(#{old.pk}):{count} 人次,{receipts} 份回执",
                actor=by,
                at=now,
            ),
        ]
    )
    detail = {"into": new.pk, "mentions": count, "rows": moved, "receipts": receipts}
    audit(actor=by, action="need.merge", obj=old, detail=detail)
    new.refresh_from_db()
    return new


# --- the district's categories ------------------------------------------------------------------
def _check_categories(by) -> None:
    if not by.has_perm("needs.manage_categories"):
        raise PermissionDenied


def _category_name(name, *, exclude=None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError("请填写类别名称。")
    if len(name) > 20:
        raise ValidationError("类别名称最多 20 个字。")
    clash = Category.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(f"已有名为“{name}”的类别。")
    return name


@transaction.atomic
def category_create(*, by, name: str) -> Category:
    """A new category at the end of the list, open for every community at once."""
    _check_categories(by)
    name = _category_name(name)
    last = Category.objects.select_for_update().order_by("-order").first()
    try:
        with transaction.atomic():  # two people adding one name at once: the second is told
            category = Category.objects.create(
                code=f"c{secrets.token_hex(4)}", name=name, order=(last.order + 1) if last else 1
            )
    except IntegrityError as exc:
        raise ValidationError(f"已经有名为“{name}”的类别。") from exc
    audit(actor=by, action="category.create", obj=category)
    return category


@transaction.atomic
def category_rename(*, category: Category, by, name: str) -> Category:
    """A new name for a category; its needs keep it (they hold the code, not the name)."""
    _check_categories(by)
    category = Category.objects.select_for_update().get(pk=category.pk)
    category.name = _category_name(name, exclude=category)
    try:
        with transaction.atomic():  # another rename to the same name committed meanwhile
            category.save(update_fields=["name"])
    except IntegrityError as exc:
        raise ValidationError(f"已经有名为“{category.name}”的类别。") from exc
    audit(actor=by, action="category.rename", obj=category)
    return category


@transaction.atomic
def category_move(*, category: Category, by, up: bool) -> Category:
    """Swap the category with its neighbour above (up) or below; the list is renumbered 1…n."""
    _check_categories(by)
    rows = list(Category.objects.select_for_update().order_by("order", "id"))
    index = next((i for i, c in enumerate(rows) if c.pk == category.pk), None)
    if index is None:
        raise ValidationError("类别不存在。")
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for order, row in enumerate(rows, start=1):
        row.order = order
    Category.objects.bulk_update(rows, ["order"])
    audit(actor=by, action="category.move", obj=category, detail={"up": bool(up)})
    return rows[other if 0 <= other < len(rows) else index]


@transaction.atomic
def category_set_active(*, category: Category, by, active: bool) -> Category:
    """Stop offering a category for new needs (its needs keep it), or offer it again. The last
    active category stays: a need must have one to choose."""
    _check_categories(by)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if not active and not Category.objects.filter(active=True).exclude(pk=category.pk).exists():
        raise ValidationError("至少要保留一个启用的类别。")
    category.active = bool(active)
    category.save(update_fields=["active"])
    audit(actor=by, action="category.activate" if active else "category.deactivate", obj=category)
    return category


@transaction.atomic
def category_delete(*, category: Category, by) -> None:
    """Remove a category nobody ever used (one in use is deactivated instead)."""
    _check_categories(by)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if Need.objects.filter(category=category).exists():
        raise ValidationError("这个类别下有需求(包括已删除的),不能删除,可以停用。")
    if (
        category.active
        and not Category.objects.filter(active=True).exclude(pk=category.pk).exists()
    ):
        raise ValidationError("至少要保留一个启用的类别。")
    audit(actor=by, action="category.delete", obj=category, detail={"name": category.name})
    category.delete()
