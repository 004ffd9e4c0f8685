from celery import shared_task

from .services import reviewers_remind


@shared_task
def remind_reviewers() -> int:
    """Daily, from beat: remind the leading groups of proposals waiting past the configured days
    (one reminder a day per proposal, however often the task runs)."""
    return reviewers_remind()
