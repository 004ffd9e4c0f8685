"""Celery task of the training programme: the daily reminders (training/reminders.py; beat runs
it every morning). Idempotent: each reminder claims its row first."""

import datetime

from celery import shared_task

from . import reminders


@shared_task(name="training.tasks.training_daily", acks_late=True)
def training_daily(day: str | None = None) -> dict:
    """`day` (YYYY-MM-DD) only to replay a date, else the Shanghai date now."""
    return reminders.training_daily(datetime.date.fromisoformat(day) if day else None)
