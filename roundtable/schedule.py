"""The round table's daily job: `roundtable_daily(today=…)` decides from the Shanghai date and the
database what is due, and does each thing once however often it runs.

Run by beat every morning (roundtable.tasks_schedule.roundtable_daily; settings'
CELERY_BEAT_SCHEDULE) and by hand (`manage.py roundtable_daily --date YYYY-MM-DD`). Safe to run
twice a day, on two workers at once, or after days of downtime:

- meetings: every community's meeting of the current month and the next exists (the 17th, or
  the next working day with the community's holiday shift; roundtable/meetings.py). A run on any
  day makes whatever is missing, so a missed day catches up.
- the day before a meeting, and on its day before it starts (a run missed on the 16th), its
  followers and staff are reminded (roundtable/reminders.py: one Reminder row per person).
- resolutions falling due remind the community's staff, once per resolution and person.

Each meeting and resolution is handled in its own transactions: one that fails is logged and
counted, the others go on.
"""

import datetime
import logging

from django.utils import timezone

from . import meetings, reminders

log = logging.getLogger(__name__)


def roundtable_daily(today: datetime.date | None = None) -> dict:
    """The daily job (see the module); returns what this run did, as counts.

    With an explicit `today` other than the real date (a run by hand for another day), the run
    stands at the start of that day: a meeting on that day counts as not yet started."""
    now = timezone.localtime()
    today = today or now.date()
    clock = now.time() if today == now.date() else datetime.time.min
    counts = {
        "meetings_created": 0,
        "meetings_existing": 0,
        "meetings_reminded": 0,
        "residents_reminded": 0,
        "staff_reminded": 0,
        "resolutions_due": 0,
        "due_reminders": 0,
        "errors": 0,
    }
    try:
        created, existing = meetings.meetings_ensure(today=today)
        counts["meetings_created"], counts["meetings_existing"] = len(created), existing
    except Exception:  # the reminders below still go out
        log.exception("roundtable: making meetings failed")
        counts["errors"] += 1
    for meeting in reminders.meetings_to_remind(today, clock):
        try:
            told = reminders.meeting_remind(meeting)
        except Exception:
            log.exception("roundtable: reminding meeting %s failed", meeting.pk)
            counts["errors"] += 1
            continue
        counts["meetings_reminded"] += 1
        counts["residents_reminded"] += told["residents"]
        counts["staff_reminded"] += told["staff"]
    staff_of = reminders.staff_reader()
    for resolution in reminders.resolutions_due(today):
        try:
            told = reminders.resolution_remind(resolution, today, staff_of)
        except Exception:
            log.exception("roundtable: reminding resolution %s failed", resolution.pk)
            counts["errors"] += 1
            continue
        counts["resolutions_due"] += bool(told)
        counts["due_reminders"] += told
    log.info("roundtable_daily %s %s", today, counts)
    return counts


def describe(today: datetime.date, counts: dict) -> str:
    """The run's counts in Chinese (the command prints it)."""
    return (
        f"{today:%Y-%m-%d} 圆桌会每日任务:新建圆桌会 {counts['meetings_created']} 个,"
        f"已有 {counts['meetings_existing']} 个;会前提醒 {counts['meetings_reminded']} 个会,"
        f"居民 {counts['residents_reminded']} 人、社区工作人员 {counts['staff_reminded']} 人;"
        f"到期决议 {counts['resolutions_due']} 条,提醒 {counts['due_reminders']} 人次;"
        f"出错 {counts['errors']} 项"
    )
