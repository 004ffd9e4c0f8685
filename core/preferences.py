"""How each staff user wants to hear of each kind of event by e-mail: every time (the default), in
one daily digest, or not at all (inbox only). The inbox keeps every notification either way.

A notification's `event` is "<app>.<what>"; events are grouped into a few kinds a person
understands, by prefix (the longest registered prefix wins; anything unregistered is "other").
A person's choices are rows of NotificationPreference, one per kind chosen otherwise than the
default. The master switch on accounts:preferences (User.email_notifications) still turns every
e-mail off.

Reading a person's choices costs one query, kept on the user object: `email_mode()` in a loop over
one user costs one query, and `prime_email_modes(users)` reads a whole list of recipients in one.
"""

from dataclasses import dataclass

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.roles import STAFF

from .audit import audit
from .models import NotificationPreference

EMAIL_EACH, EMAIL_DAILY, EMAIL_NONE = "each", "daily", "none"
MODE_CHOICES = (
    (EMAIL_EACH, "每次发邮件"),
    (EMAIL_DAILY, "每日汇总一封"),
    (EMAIL_NONE, "只在站内通知"),
)
MODES = frozenset(value for value, _label in MODE_CHOICES)

# Staff choose; residents and partners are not offered the page and keep the default.
CHOOSE = "core.choose_notification_preferences"


@rules.predicate
def is_staff_member(user) -> bool:
    return user.is_authenticated and user.scope.has(*STAFF)


rules.add_perm(CHOOSE, is_staff_member)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    examples: str
    prefixes: tuple[str, ...]
    # Always e-mailed each time: they concern the person's own powers.
    locked: bool = False


KINDS = (
    Kind(
        "projects",
        "项目审核与进度",
        "项目提交、审核意见、批准与退回、经费核定、审核催办、督办及其回复",
        ("project.", "supervision."),
    ),
    Kind("objections", "公示异议", "居民对公示项目提出的异议和街道的答复", ("objection.",)),
    Kind(
        "partners",
        "合伙人与战时响应",
        "合伙人申请与退出、导入结果、优秀合伙人推荐、实事认领与完成、战时响应",
        ("partners.", "partner.", "excellent.", "task."),
    ),
    Kind("library", "百社百景库", "入库推荐和遴选结果", ("nomination.",)),
    Kind(
        "evaluation",
        "评价与考核",
        "述职报告、年度考核结果、评分评委的指派与重开",
        ("report.", "assessment.", "scoring."),
    ),
    Kind("publications", "月度晾晒", "月初预告、月末总结和红色专递的发布", ("publications.",)),
    Kind(
        "roundtable",
        "幸福家园圆桌会",
        "圆桌会会前提醒、居民核实和待审发言、决议到期",
        ("roundtable.",),
    ),
    Kind(
        "account",
        "账号与授权",
        "领导小组审批的委托代行和撤销",
        ("delegation.",),
        locked=True,
    ),
)
OTHER = Kind("other", "其他通知", "以上类别之外的系统通知", ())
ALL_KINDS = (*KINDS, OTHER)
KIND_BY_KEY = {kind.key: kind for kind in ALL_KINDS}
CHOOSABLE = tuple(kind for kind in ALL_KINDS if not kind.locked)
_PREFIXES = sorted(
    ((prefix, kind) for kind in KINDS for prefix in kind.prefixes),
    key=lambda pair: -len(pair[0]),
)


def kind_of(event: str) -> Kind:
    """The kind an event belongs to: its longest registered prefix, else OTHER."""
    return next((kind for prefix, kind in _PREFIXES if event.startswith(prefix)), OTHER)


def kind_filter(kind: Kind, field: str = "event") -> Q:
    """A condition on a notification's event: it belongs to this kind."""
    if kind is OTHER:
        condition = Q()
        for prefix, _kind in _PREFIXES:
            condition &= ~Q(**{f"{field}__startswith": prefix})
        return condition
    # A longer prefix of another kind inside this one (none today) would take its events.
    condition = Q()
    for prefix in kind.prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    for prefix, other in _PREFIXES:
        if other is not kind and any(prefix.startswith(mine) for mine in kind.prefixes):
            condition &= ~Q(**{f"{field}__startswith": prefix})
    return condition


# --- reading a person's choices -----------------------------------------------------------------
_CACHE = "_notification_modes"


def modes_of(user) -> dict[str, str]:
    """Kind key → mode for every kind this person chose otherwise than the default."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = {}
        if user.pk is not None:
            cached = dict(
                NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "mode")
            )
        setattr(user, _CACHE, cached)
    return cached


def prime_email_modes(users) -> None:
    """Read the choices of many users in one query, so that email_mode() in a loop over them
    costs none."""
    users = [user for user in users if user.pk is not None]
    found: dict[int, dict[str, str]] = {user.pk: {} for user in users}
    rows = NotificationPreference.objects.filter(user_id__in=list(found)).values_list(
        "user_id", "kind", "mode"
    )
    for user_id, kind, mode in rows:
        found[user_id][kind] = mode
    for user in users:
        setattr(user, _CACHE, found[user.pk])


def forget_modes(user) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def email_mode(user, event: str) -> str:
    """EMAIL_EACH, EMAIL_DAILY or EMAIL_NONE for this user and this notification event."""
    if not getattr(user, "email_notifications", True):
        return EMAIL_NONE  # every e-mail switched off on accounts:preferences
    kind = kind_of(event)
    if kind.locked:
        return EMAIL_EACH
    return modes_of(user).get(kind.key, EMAIL_EACH)


def preference_rows(user) -> list[dict]:
    """Every kind with this person's mode, for the page."""
    modes = modes_of(user)
    return [
        {"kind": kind, "mode": EMAIL_EACH if kind.locked else modes.get(kind.key, EMAIL_EACH)}
        for kind in ALL_KINDS
    ]


# --- changing them --------------------------------------------------------------------------------
@transaction.atomic
def notification_preferences_update(*, user, modes: dict[str, str]) -> dict[str, str]:
    """Save a staff member's choice per kind; returns what changed (kind → mode), audited."""
    if not user.has_perm(CHOOSE):
        raise PermissionDenied("只有工作人员可以设置通知方式。")
    unknown = set(modes) - {kind.key for kind in CHOOSABLE}
    if unknown or not set(modes.values()) <= MODES:
        raise ValidationError("通知类别或方式无效,请刷新页面后重试。")
    # The person's row serialises two saves of the same form (two tabs).
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
    rows = {
        row.kind: row
        for row in NotificationPreference.objects.select_for_update().filter(user_id=user.pk)
    }
    now = timezone.now()
    changed = {}
    for key, mode in modes.items():
        row = rows.get(key)
        if (row.mode if row else EMAIL_EACH) == mode:
            continue
        changed[key] = mode
        if mode == EMAIL_EACH:
            row.delete()
        elif row is None:
            NotificationPreference.objects.create(user_id=user.pk, kind=key, mode=mode)
        else:
            row.mode, row.chosen_at = mode, now
            row.save(update_fields=["mode", "chosen_at"])
    forget_modes(user)
    if changed:
        audit(actor=user, action="notification.preferences", obj=user, detail=changed)
    return changed
