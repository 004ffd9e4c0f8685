from celery import shared_task

from . import once
from .services import notification_send_email


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification's e-mail (idempotent: an already sent one is skipped)."""
    return notification_send_email(notification_id=notification_id)


@shared_task
def ping() -> str:
    """Round-trip check for smoke tests."""
    return "pong"


@shared_task
def form_submissions_purge() -> int:
    """Forget the claims of one-time form tokens long expired (daily, from beat)."""
    return once.form_submissions_purge()
