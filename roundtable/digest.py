"""The round table's section of the district's 红色专递 (publications/compile.py's DIGEST_SECTIONS
hook, registered by publications: roundtable never imports it).

    digest_section(district, month) -> dict | None

A "list" section in compile's format: the district's overdue resolutions (community, topic,
who, due date, days overdue), the longest overdue first, with the month's solved topics in its
title; with nothing overdue, the same section carries the figures instead ("rows"). None when
there is nothing to say. Two queries at most (one when nothing is overdue), whatever the data.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from .models import Resolution, ResolutionStatus, Topic, TopicStatus

SHOWN = 10


def _month_bounds(month: datetime.date):
    first = month.replace(day=1)
    until = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(until, datetime.time.min, tzinfo=tz),
    )


def _figure(label: str, value: int, unit: str) -> dict:
    return {"label": label, "value": value, "unit": unit, "previous": None, "change": None}


def digest_section(district, month: datetime.date, today=None) -> dict | None:
    """The district's round tables in the month's 红色专递, or None when nothing is overdue and
    nothing was solved."""
    today = today or timezone.localdate()
    since, until = _month_bounds(month)
    solved = Q(status=TopicStatus.SOLVED)
    tally = Topic.objects.filter(community__street__district=district).aggregate(
        solved_month=Count(
            "pk", filter=solved & Q(solved_at__gte=since, solved_at__lt=until), distinct=True
        ),
        solved_total=Count("pk", filter=solved, distinct=True),
        overdue=Count(
            "resolutions",
            filter=Q(resolutions__status=ResolutionStatus.OPEN, resolutions__due_on__lt=today),
        ),
    )
    if not (tally["overdue"] or tally["solved_month"]):
        return None
    section = {
        "type": "list",
        "key": "roundtable",
        "title": f"幸福家园圆桌会:{month.month}月解决问题 {tally['solved_month']} 个,"
        f"决议超期未办结 {tally['overdue']} 项",
        "note": f"经圆桌会累计解决问题 {tally['solved_total']} 个。"
        "超期:决议的完成时限已过仍未登记办结。",
        "items": [],
        "more": 0,
        "rows": [
            _figure(f"{month.month}月经圆桌会解决的问题", tally["solved_month"], "个"),
            _figure("累计解决的问题", tally["solved_total"], "个"),
            _figure("超期未办结的决议", tally["overdue"], "项"),
        ],
    }
    if tally["overdue"]:
        overdue = (
            Resolution.objects.overdue(today)
            .filter(topic__community__street__district=district)
            .select_related("topic__community__street")
            .order_by("due_on", "id")[:SHOWN]
        )
        section["items"] = [
            {
                "title": r.topic.title,
                "meta": f"{r.topic.community.street.name} · {r.topic.community.name}",
                "text": f"{r.responsible}:{r.action}。期限 {r.due_on:%Y-%m-%d},"
                f"已超期 {(today - r.due_on).days} 天",
                "link": r.get_absolute_url(),
            }
            for r in overdue
        ]
        section["more"] = max(tally["overdue"] - SHOWN, 0)
    return section
