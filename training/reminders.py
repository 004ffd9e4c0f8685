"""The one reminder the day before a session (beat's "training-daily", the command
`training_daily`): each person invited who has not asked for leave hears once, whatever the
retries or a second worker: the row is claimed by a conditional update before the notice."""

import datetime

from django.db import transaction
from django.utils import timezone

from core.notifications import notify

from .models import Attendance, Reply, SessionStatus


def _day_bounds(day: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def training_daily(today: datetime.date | None = None) -> dict:
    """Remind everybody invited to a session of tomorrow (not on leave, not yet reminded)."""
    today = today or timezone.localdate()
    start, end = _day_bounds(today + datetime.timedelta(days=1))
    due = (
        Attendance.objects.filter(
            session__status=SessionStatus.PLANNED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
            reminded_at__isnull=True,
            user__is_active=True,
        )
        .exclude(reply=Reply.LEAVE)
        .select_related("session", "user")
        .order_by("pk")
    )
    sent = 0
    for attendance in due:
        with transaction.atomic():
            claimed = Attendance.objects.filter(pk=attendance.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            session = attendance.session
            when = timezone.localtime(session.starts_at)
            where = session.place or session.online_url
            notify(
                attendance.user,
                "training.reminder",
                session,
                title=f"明天培训:{session.title}({when:%m月%d日 %H:%M},{where})",
                body="请准时参加;如不能参加,请在培训页面请假。"
                if attendance.reply == Reply.PENDING
                else "请准时参加。",
            )
            sent += 1
    return {"reminded": sent}
