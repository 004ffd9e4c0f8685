"""State changes of the platform layer."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

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
    # Switched off on the person's preferences page (accounts:preferences): the inbox only.
    if not recipient.email or not recipient.email_notifications:
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
