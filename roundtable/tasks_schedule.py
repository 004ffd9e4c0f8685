"""Celery tasks of the round table's meetings: the daily job (roundtable/schedule.py; beat runs it
every morning) and telling the followers a meeting's new date (roundtable/reminders.py). Both are
idempotent: every reminder is a unique row, so a retry or a second worker sends nothing twice."""

import datetime

from celery import shared_task

from . import reminders, schedule

__all__ = ["roundtable_daily", "tell_meeting_moved"]


@shared_task(name="roundtable.tasks_schedule.roundtable_daily", acks_late=True)
def roundtable_daily(day: str | None = None) -> dict:
    """The daily job; `day` (YYYY-MM-DD) only to replay a date, else the Shanghai date now."""
    return schedule.roundtable_daily(datetime.date.fromisoformat(day) if day else None)


@shared_task(
    name="roundtable.tasks_schedule.tell_meeting_moved",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def tell_meeting_moved(self, meeting_id: int, day: str) -> int:
    """Text and notify the followers of a meeting moved to `day` (the worker reads the numbers;
    they never go on the queue)."""
    return reminders.meeting_moved_tell(
        meeting_id=meeting_id, date=datetime.date.fromisoformat(day)
    )
