from celery import shared_task

from .services import reviewers_remind


@shared_task
def remind_reviewers() -> int:
    """Daily, from beat: remind the leading groups of proposals waiting past the configured days
    (one reminder a day per proposal, however often the task runs)."""
    return reviewers_remind()


@shared_task
def extend_series(day: str | None = None) -> int:
    """Daily, from beat: keep every live series of sessions twelve months ahead of `day`
    (ISO date; today in Shanghai when beat sends none). Idempotent: a retry makes nothing."""
    import datetime

    from .sessions import series_extend_all

    today = datetime.date.fromisoformat(day) if day else None
    return series_extend_all(today=today)
