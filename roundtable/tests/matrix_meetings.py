"""The meetings area's rows of the URL × persona matrix (tests/url_matrix.py explains the notation;
the objects are roundtable/tests/world_meetings.py's).

Meetings exist for community staff of their community, street A's leading group and district
staff; only 国奥社区's own secretary and worker move, close and record their meeting and change its
settings (the street group and district staff read them: 403 on the actions).
"""

import datetime

from roundtable.meetings import add_months, month_start
from tests.url_matrix import ONCE, everyone, row, scoped

_today = datetime.date.today()
# A day of next month other than the 17th: rt_meeting_future may move there.
NEXT_MONTH_DAY = add_months(month_start(_today), 1).replace(day=20).isoformat()
THIS_MONTH = f"{_today:%Y-%m}"

READERS = {"community_staff": 200, "street_group": 200, "district_business": 200}
MEETING = {"kwargs": "rt_meeting"}  # this month, dated today: 正在议事
FUTURE = {"kwargs": "rt_meeting_future"}  # next month: 征集议题
CLOSED = {"kwargs": "rt_meeting_closed"}  # closed in May 2025
COMMUNITY = {"kwargs": "rt_settings_community"}  # 国奥社区, whose settings page opens

RESCHEDULE = {"date": NEXT_MONTH_DAY, "reason": "与社区重阳节活动冲突"}
MINUTES = {"minutes": "本次圆桌会讨论了楼道照明问题,物业承诺两周内更换灯具。"}
ATTENDEE = {
    "once": ONCE,
    "participant": "",
    "name": "李阿姨",
    "capacity": "resident",
    "online": "",
}
SETTINGS = {"holiday_shift": "on", "review_first": "", "starts_at": "19:30", "place": "社区议事厅"}

MATRIX = {
    "roundtable:index": {"GET": row(403, **READERS)},
    "roundtable:index@filtered": {
        "query": {"phase": "discussing", "month": THIS_MONTH, "community": "@community"},
        "GET": row(403, **READERS),
    },
    "roundtable:meeting": {**MEETING, "GET": scoped(200)},
    "roundtable:meeting@future": {**FUTURE, "GET": scoped(200)},
    "roundtable:meeting@closed": {**CLOSED, "GET": scoped(200)},
    "roundtable:meeting_reschedule": {
        **FUTURE,
        "data": RESCHEDULE,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    # A date in the past, or after the month following the meeting's.
    "roundtable:meeting_reschedule@bad_date": {
        **FUTURE,
        "data": {**RESCHEDULE, "date": "2025-01-05"},
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:meeting_reschedule@closed": {
        **CLOSED,
        "data": RESCHEDULE,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:meeting_close": {
        **MEETING,
        "data": MINUTES,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    "roundtable:meeting_close@no_minutes": {
        **MEETING,
        "data": {"minutes": ""},
        "POST": scoped(403, community_staff=422),
    },
    # Not before the meeting's day.
    "roundtable:meeting_close@future": {
        **FUTURE,
        "data": MINUTES,
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:meeting_close@closed": {
        **CLOSED,
        "data": MINUTES,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:attendance_add": {
        **MEETING,
        "data": ATTENDEE,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    "roundtable:attendance_add@no_name": {
        **MEETING,
        "data": {**ATTENDEE, "name": ""},
        "POST": scoped(403, community_staff=422),
    },
    # Before the meeting's day, and long after closing: the sign-in sheet is not open.
    "roundtable:attendance_add@future": {
        **FUTURE,
        "data": ATTENDEE,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:attendance_add@closed": {
        **CLOSED,
        "data": ATTENDEE,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:attendance_remove": {
        **MEETING,
        "data": {"attendance": "@rt_attendance"},
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    # Before the meeting's day the sign-in sheet is not open.
    "roundtable:attendance_remove@future": {
        **FUTURE,
        "data": {"attendance": "@rt_attendance"},
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:settings": {
        **COMMUNITY,
        "GET": scoped(200),
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:settings@valid": {
        **COMMUNITY,
        "data": SETTINGS,
        "POST": scoped(403, community_staff=302),
    },
}

FUZZ = {
    "roundtable:meeting_reschedule": ("secretary", RESCHEDULE),
    "roundtable:meeting_close": ("secretary", MINUTES),
    "roundtable:attendance_add": ("secretary", ATTENDEE),
    "roundtable:attendance_remove": ("secretary", {"attendance": "@rt_attendance"}),
    "roundtable:settings": ("secretary", SETTINGS),
}

SCOPED = {"rt_meeting", "rt_meeting_future", "rt_meeting_closed", "rt_settings_community"}
