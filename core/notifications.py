"""notify(recipient, event, obj): an inbox entry now, an e-mail through a task after commit."""

from django.db import transaction

from .models import Notification


def notify(
    recipient, event: str, obj=None, *, title: str, body: str = "", url: str = ""
) -> Notification:
    """Put a notification in the recipient's inbox and queue its e-mail once the transaction commits."""
    if not url and obj is not None and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    notification = Notification.objects.create(
        recipient=recipient,
        event=event,
        title=" ".join(title.split())[:200],
        body=body,
        url=url[:300],
    )
    from .tasks import send_notification_email  # tasks import services; keep the import local

    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    from django.utils import timezone

    qs = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
