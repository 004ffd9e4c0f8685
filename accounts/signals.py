"""Every authentication event goes to the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from core import memo
from core.audit import audit
from core.models import AuditEvent

from .middleware import LOGIN_AT, SEEN_AT
from .models import RoleAssignment, User, UserSession


# A person's cached roles (User.scope) are forgotten whenever they may have changed: a role given
# or taken, the account saved (deactivated, password changed), or locked out.
@receiver([post_save, post_delete], sender=RoleAssignment)
def on_role_changed(sender, instance, **kwargs):
    memo.forget("scope", instance.user_id)


@receiver(post_save, sender=User)
def on_user_saved(sender, instance, **kwargs):
    memo.forget("scope", instance.pk)
    memo.forget("user", instance.pk)  # the cached account (accounts.backends.PasswordBackend)
    if not instance.is_active:
        from .services import sessions_end

        sessions_end(user=instance, reason="deactivated")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session["_otp_ok"] = False  # a new login gives its code again (accounts/totp.py)
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.get_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )
    audit(actor=user, action="auth.login")


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        audit(actor=user, action="auth.logout")


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    if sender in ("accounts.forms", "accounts.totp"):
        return  # a wrong old password or code after login, audited where it happened
    # The attempted username is what the person typed; keep only its length-limited form.
    audit(
        actor=None,
        actor_label=str(credentials.get("username", ""))[:150],
        action="auth.login_failed",
        result=AuditEvent.Result.FAILED,
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    from .services import sessions_end

    for user in User.objects.filter(username=username):
        memo.forget("scope", user.pk)
        sessions_end(user=user, reason="locked")
    audit(
        actor=None,
        actor_label=str(username or "")[:150],
        action="auth.lockout",
        result=AuditEvent.Result.DENIED,
        ip=ip_address,
    )
