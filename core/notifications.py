"""notify(recipient, event, obj): an inbox entry now, an e-mail through a task after commit."""

from django.db import transaction

from . import memo
from .models import Notification


def notify(
    recipient, event: str, obj=None, *, title: str, body: str = "", url: str = ""
) -> Notification:
    """Put a notification in the recipient's inbox and queue its e-mail once the transaction commits."""
    if not url and obj is not None and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    memo.drop("unread", recipient.pk)
    notification = Notification.objects.create(
        recipient=recipient,
        event=event,
        title=" ".join(title.split())[:200],
        body=body,
        url=url[:300],
    )
    from .tasks import send_notification_email  # tasks import services; keep the import local

    def committed():
        memo.drop("unread", recipient.pk)  # a count read meanwhile did not include it
        send_notification_email.delay(notification.pk)

    transaction.on_commit(committed)
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    from django.utils import timezone

    qs = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    memo.forget("unread", user.pk)
    return qs.update(read_at=timezone.now())
