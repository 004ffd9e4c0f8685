from celery import shared_task

from .services import user_sessions_purge


@shared_task
def purge_user_sessions() -> int:
    """Daily, from beat: forget records of sessions past the absolute limit."""
    return user_sessions_purge()
