from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def tell_signed_up(self, activity_id: int, event: str) -> int:
    """Text every resident signed up for a session that it changed or was cancelled."""
    return services.tell_signed_up(activity_id=activity_id, event=event)
