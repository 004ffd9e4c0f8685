"""The second factor at login: enrolment with an authenticator app, codes, recovery codes, and
the security admin's reset. Codes use core.totp (RFC 6238)."""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import totp
from core.audit import audit
from core.models import AuditEvent

from .models import RecoveryCode, TOTPDevice, User
from .roles import TOTP_ROLES

SESSION_FLAG = "_otp_ok"
WRONG = "动态口令不正确,请看手机上当前显示的6位数字后重试(也可以输入一个恢复码)。"


def totp_roles() -> tuple:
    return tuple(settings.TOTP_ROLES) or tuple(TOTP_ROLES)


def totp_required(user) -> bool:
    """Whether this person must give a code at login (settings and their roles)."""
    return bool(settings.TOTP_REQUIRED) and user.scope.has(*totp_roles())


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


@transaction.atomic
def totp_enrol_start(*, user: User) -> str:
    """A new secret for the person's app (an unconfirmed device replaces any earlier one that
    was never confirmed); returns the secret to show."""
    if has_device(user):
        raise ValidationError("动态口令已启用。如需更换手机,请联系安全管理员重置。")
    secret = totp.new_secret()
    TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret_sealed": totp.seal(secret), "confirmed_at": None}
    )
    return secret


def pending_secret(user: User) -> str | None:
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return totp.unseal(device.secret_sealed) if device else None


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str, request=None) -> list[str]:
    """The first code from the app turns the device on; returns ten recovery codes, shown once."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise ValidationError("没有待确认的动态口令,请重新开始。")
    counter = totp.match(totp.unseal(device.secret_sealed), code)
    if counter is None:
        _failed(user, request, "enrol")
        raise ValidationError(WRONG)
    device.confirmed_at, device.last_counter = timezone.now(), counter
    device.save(update_fields=["confirmed_at", "last_counter"])
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=totp.recovery_hash(c)) for c in codes]
    )
    audit(actor=user, action="totp.enrol")
    return codes


@transaction.atomic
def totp_check(*, user: User, code: str, request=None) -> bool:
    """A code from the app (once) or an unused recovery code. A wrong one counts as a failed
    login (towards the lockout) and is audited."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is not None:
        counter = totp.match(totp.unseal(device.secret_sealed), code, after=device.last_counter)
        if counter is not None:
            device.last_counter = counter
            device.save(update_fields=["last_counter"])
            audit(actor=user, action="totp.verify")
            return True
    used = RecoveryCode.objects.filter(
        user=user, code_hash=totp.recovery_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if used:
        audit(actor=user, action="totp.recovery_code")
        return True
    _failed(user, request, "verify")
    return False


def _failed(user, request, step: str) -> None:
    user_login_failed.send(
        sender="accounts.totp", credentials={"username": user.get_username()}, request=request
    )
    audit(actor=user, action=f"totp.{step}_failed", result=AuditEvent.Result.FAILED)


def totp_reset(*, user: User, by: User) -> None:
    """The security admin takes a lost phone off an account; the next login enrols again. Never
    on their own account (that is the server's management command, `totp_reset`). A refusal is
    audited outside the transaction, so it stays."""
    if not by.has_perm("accounts.reset_totp") or user.pk == by.pk:
        audit(actor=by, action="totp.reset", obj=user, result=AuditEvent.Result.DENIED)
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit(actor=by, action="totp.reset", obj=user)
