"""State changes in the base layer: unlocks, roles, phone reveals."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import audit
from core.phone import reveal_phone

from .models import RoleAssignment, User
from .roles import SEPARATED_ADMINS


@transaction.atomic
def lockout_release(*, attempt_id: int, by: User) -> None:
    """Unlock one (username, IP) pair before its 30 minutes are up."""
    if not by.has_perm("accounts.unlock_account"):
        raise PermissionDenied
    attempt = AccessAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise ValidationError("该锁定记录已不存在,可能已被解锁或已过期。")
    axes_reset(ip=attempt.ip_address, username=attempt.username)
    audit(actor=by, action="auth.unlock", detail={"attempt": attempt_id})


SEPARATION_MESSAGE = "系统管理员、安全管理员、审计员三员分立,只能由不兼任其他角色的专用账号担任。"


def separation_conflict(user: User, role: str) -> bool:
    """三员分立: an admin role stands alone on its account, and no account holds two of them."""
    held = set(user.role_assignments.values_list("role", flat=True)) - {role}
    return bool(held) and (role in SEPARATED_ADMINS or any(r in SEPARATED_ADMINS for r in held))


@transaction.atomic
def role_assign(
    *, user: User, role: str, by: User, district=None, street=None, community=None
) -> RoleAssignment:
    """Give a person a role over part of the tree, keeping 三员分立."""
    if not by.has_perm("accounts.assign_role"):
        raise PermissionDenied
    User.objects.select_for_update().get(pk=user.pk)
    if user.pk == by.pk:
        raise ValidationError("不能给自己授予角色。")
    if separation_conflict(user, role):
        raise ValidationError(SEPARATION_MESSAGE)
    assignment = RoleAssignment(
        user=user, role=role, district=district, street=street, community=community
    )
    assignment.full_clean()
    assignment.save()
    audit(actor=by, action="role.assign", obj=assignment, detail={"user": user.pk, "role": role})
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User) -> None:
    """Take a role away."""
    if not by.has_perm("accounts.assign_role"):
        raise PermissionDenied
    audit(
        actor=by,
        action="role.revoke",
        obj=assignment,
        detail={"user": assignment.user_id, "role": assignment.role},
    )
    assignment.delete()


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    """Set a new password the form has validated; other sessions of this person end."""
    from django.utils import timezone

    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(new_password)
    locked.password_changed_at = timezone.now()
    locked.password_temporary = False
    locked.save(update_fields=["password", "password_changed_at", "password_temporary"])
    user.password = locked.password
    user.password_changed_at = locked.password_changed_at
    user.password_temporary = False
    audit(actor=user, action="auth.password_change")


def phone_reveal(*, person: User, by: User) -> str:
    """The full number, for someone who must call the person; every reveal is audited."""
    return reveal_phone(person, by=by, permission="accounts.reveal_phone")


def sessions_end(*, user, keep: str | None = None, reason: str) -> int:
    """End every open session of a person (but `keep`, the one making the change), in the
    session store and its cache alike; audited."""
    from importlib import import_module

    from django.conf import settings

    from .models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep or "")
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    if keys:
        audit(
            actor=None,
            action="auth.sessions_ended",
            obj=user,
            detail={"n": len(keys), "reason": reason},
        )
    return len(keys)


def session_rekeyed(*, old: str | None, new: str | None) -> None:
    """A session that goes on under a new key (after a password change) stays known as its
    person's."""
    from .models import UserSession

    if old and new and old != new:
        UserSession.objects.filter(session_key=old).update(session_key=new)


def user_sessions_purge(*, now=None) -> int:
    """Forget the records of sessions older than the absolute limit: they have ended anyway."""
    from django.conf import settings
    from django.utils import timezone

    from .models import UserSession

    cutoff = (now or timezone.now()) - settings.SESSION_ABSOLUTE_TIMEOUT
    return UserSession.objects.filter(created_at__lt=cutoff).delete()[0]


@transaction.atomic
def preferences_update(*, user: User, email_notifications: bool) -> User:
    """A person switches e-mail notifications on or off for their own account; the inbox keeps
    every notification either way (core.services.notification_send_email reads the switch)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_notifications == email_notifications:
        return user
    user.email_notifications = email_notifications
    user.save(update_fields=["email_notifications"])
    audit(
        actor=user,
        action="account.preferences",
        obj=user,
        detail={"email_notifications": email_notifications},
    )
    return user
