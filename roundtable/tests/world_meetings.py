"""Objects the meetings rows of the URL matrix open (roundtable/tests/matrix_meetings.py): 国奥社区's
meeting of this month dated today (正在议事), next month's (征集议题), a meeting closed long ago
(May 2025: clear of the other areas' months, 2025-06 to 2025-08), a typed attendance row of
today's meeting, and 国奥社区 itself for its settings page."""

import datetime

from django.utils import timezone

from roundtable.meetings import add_months, month_start
from roundtable.models import Attendance, AttendanceCapacity, Meeting, MeetingStatus


def objects(org, people) -> dict:
    today = timezone.localdate()
    this_month = month_start(today)
    next_month = add_months(this_month, 1)
    meeting = Meeting.objects.create(community=org.guoao, month=this_month, date=today)
    closed_on = datetime.date(2025, 5, 19)
    return {
        "rt_meeting": meeting,
        "rt_meeting_future": Meeting.objects.create(
            community=org.guoao, month=next_month, date=next_month.replace(day=17)
        ),
        "rt_meeting_closed": Meeting.objects.create(
            community=org.guoao,
            month=closed_on.replace(day=1),
            date=closed_on,
            moved_reason="holiday",
            status=MeetingStatus.CLOSED,
            minutes="讨论了楼道杂物清理,物业负责两周内清理。",
            closed_at=timezone.make_aware(datetime.datetime(2025, 5, 19, 21, 0)),
            closed_by=people.secretary,
        ),
        # The community whose settings page (roundtable:settings) the rows open.
        "rt_settings_community": org.guoao,
        "rt_attendance": Attendance.objects.create(
            meeting=meeting, name="王大爷", capacity=AttendanceCapacity.RESIDENT, online=False
        ),
    }
