from datetime import datetime

from celery import shared_task

from . import once
from .notifications import email_digests_send, notification_email_now


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification's e-mail if its recipient wants this kind each time (idempotent: an
    already sent one is skipped)."""
    return notification_email_now(notification_id=notification_id)


@shared_task(acks_late=True)
def send_email_digests(now: str | None = None) -> int:
    """The day's digest e-mails (daily, from beat; idempotent: one per person and day). `now`, an
    ISO date-time, only to replay a run."""
    return email_digests_send(now=datetime.fromisoformat(now) if now else None)


@shared_task
def ping() -> str:
    """Round-trip check for smoke tests."""
    return "pong"


@shared_task
def form_submissions_purge() -> int:
    """Forget the claims of one-time form tokens long expired (daily, from beat)."""
    return once.form_submissions_purge()
