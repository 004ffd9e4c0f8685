"""State changes of the platform layer."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .audit import audit
from .models import Notification


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """E-mail a notification once; a retry or a second worker finds it sent and does nothing."""
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.email:
        return False
    link = f"{settings.PUBLIC_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    send_mail(
        subject=" ".join(f"[百社百景] {notification.title}".split()),
        message=f"{notification.body}\n\n{link}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient.email],
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def soft_delete(*, obj, by, permission: str) -> None:
    """Hide a business record; it stays in the database and can be restored."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if not by.has_perm(permission, locked):  # judged on the locked row: its status may have moved
        raise PermissionDenied
    if locked.deleted_at is None:
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at"])
        audit(actor=by, action=f"{obj._meta.model_name}.delete", obj=obj)
    obj.deleted_at = locked.deleted_at


@transaction.atomic
def soft_restore(*, obj, by, permission: str) -> None:
    """Bring a soft-deleted record back."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if not by.has_perm(permission, locked):  # judged on the locked row: its status may have moved
        raise PermissionDenied
    if locked.deleted_at is not None:
        locked.deleted_at = None
        locked.save(update_fields=["deleted_at"])
        audit(actor=by, action=f"{obj._meta.model_name}.restore", obj=obj)
    obj.deleted_at = None
