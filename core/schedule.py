"""The beat schedule (settings.CELERY_BEAT_SCHEDULE) kept in-process, for the embedded default.

Production runs Celery beat beside a worker on Redis. `make run` has neither: tasks run in the
web process (CELERY_TASK_ALWAYS_EAGER) and nothing would ever fire the daily jobs, so the monthly
publications would never be compiled, reminders never sent and failed deliveries never retried.
`manage.py run_schedule` (started by `make run` beside the development server) keeps the same
schedule with this class: each entry fires when its crontab comes due after its last run, in the
same process, one after the other. Every scheduled task is idempotent (STYLE.md), so firing one
late or after a restart is safe; an entry missed while the laptop slept fires once on waking,
never once per missed slot.
"""

import datetime
import logging
from dataclasses import dataclass

from celery import current_app

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    name: str
    task: str
    schedule: object  # a celery.schedules.crontab (or schedule): anything with remaining_delta
    last_run: datetime.datetime

    def next_run(self) -> datetime.datetime:
        """When this entry is next due: its crontab's first slot after the last run."""
        start, delta, _now = self.schedule.remaining_delta(self.last_run)
        return start + delta


class InProcessBeat:
    def __init__(self, beat_schedule: dict, *, started: datetime.datetime):
        # Registers every app's tasks (the Celery app discovers them lazily, on first import).
        current_app.autodiscover_tasks(force=True)
        self.entries = [
            Entry(name, spec["task"], spec["schedule"], started)
            for name, spec in beat_schedule.items()
        ]

    def due(self, now: datetime.datetime) -> list[Entry]:
        return [entry for entry in self.entries if entry.next_run() <= now]

    def tick(self, now: datetime.datetime, *, run=None) -> list[str]:
        """Fire every entry due at `now` (in schedule order) and return their names. A task that
        fails is logged and counted as run: it fires again at its next slot, as beat would."""
        run = run or run_task
        fired = []
        for entry in self.due(now):
            entry.last_run = now
            fired.append(entry.name)
            try:
                run(entry.task)
            except Exception:
                logger.exception("scheduled task %s (%s) failed", entry.name, entry.task)
        return fired


def run_task(name: str) -> None:
    """Run a registered Celery task here and now (its retries, if any, run in-process too)."""
    current_app.autodiscover_tasks(force=True)
    current_app.tasks[name].apply(throw=True)
