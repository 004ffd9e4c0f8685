"""Celery tasks of the round table (each area's in tasks_<area>.py, gathered here for autodiscovery)."""

from .tasks_schedule import *  # noqa: F401,F403
