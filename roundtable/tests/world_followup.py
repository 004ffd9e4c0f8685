"""Objects the follow-up rows of the URL matrix open (roundtable/tests/matrix_followup.py), and the
small builders the follow-up tests share.

国奥社区's meeting of July 2025 (its day is past, still 筹备中: resolutions may be recorded) with
an open topic, a topic with an overdue open resolution and a done one, a topic already turned into
a need, a topic set aside; and a meeting of July 2024 closed long ago (too late to type up a
resolution). The months keep clear of the other areas' meetings (one per community and month).
"""

import datetime

from django.utils import timezone

from roundtable.models import (
    Meeting,
    MeetingStatus,
    PostStatus,
    Resolution,
    ResolutionStatus,
    Topic,
    TopicStatus,
)
from tests import factories as f


def meeting(community, month: datetime.date, *, date=None, **fields) -> Meeting:
    return Meeting.objects.create(
        community=community, month=month, date=date or month.replace(day=17), **fields
    )


def topic(meeting, author, *, title="楼下广场舞噪音太大", **fields) -> Topic:
    fields.setdefault("body", "每晚八点后音响声音很大,影响老人和孩子休息。")
    return Topic.objects.create(
        meeting=meeting, community=meeting.community, title=title, author=author, **fields
    )


def resolution(topic, by, *, due_on=None, **fields) -> Resolution:
    fields.setdefault("action", "与广场舞队协商音量和结束时间")
    fields.setdefault("responsible", "社区网格员")
    return Resolution.objects.create(
        topic=topic,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=14),
        created_by=by,
        **fields,
    )


def objects(org, people) -> dict:
    by = people.secretary
    today = timezone.localdate()
    july = meeting(org.guoao, datetime.date(2025, 7, 1))
    resolved = topic(july, by, title="单元门禁损坏", status=TopicStatus.RESOLVED)
    needed = topic(
        july,
        by,
        title="小区缺少充电桩",
        need=f.NeedFactory(community=org.guoao, created_by=by, title="增设电动车充电桩"),
    )
    closed = meeting(
        org.guoao,
        datetime.date(2024, 7, 1),
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=300),
        closed_by=by,
        minutes="议定三项。",
    )
    return {
        "rt_follow_meeting": july,
        "rt_follow_topic": topic(july, by),
        "rt_follow_topic_resolved": resolved,
        "rt_resolution": resolution(
            resolved, by, due_on=today - datetime.timedelta(days=5), responsible="物业公司"
        ),
        "rt_resolution_done": resolution(
            resolved,
            by,
            status=ResolutionStatus.DONE,
            done_note="已更换门禁",
            done_at=timezone.now(),
            done_by=by,
        ),
        "rt_follow_topic_needed": needed,
        "rt_follow_topic_set_aside": topic(
            july, by, title="与议题重复", status=TopicStatus.SET_ASIDE
        ),
        "rt_follow_topic_held": topic(
            july, by, title="待审核的议题", moderation=PostStatus.HELD, held_reason="先审后发"
        ),
        "rt_follow_topic_late": topic(closed, by, title="去年的议题"),
    }
