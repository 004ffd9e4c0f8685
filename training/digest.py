"""The training programme's section of the district's 红色专递 (publications/compile.py's
DIGEST_SECTIONS hook, registered by publications: training never imports it).

    digest_section(district, month) -> dict | None

A "list" section in compile's format: the month's classes and quarterly session, each with its
date, cohort, place and attendance (held) or invitations (planned), in date order, and the month's
attendance rate in its title. None when the month has no session. One query, whatever the data.
"""

import datetime

from django.utils import timezone

from core.links import object_url

from .models import SessionStatus
from .selectors import month_sessions

SHOWN = 12


def digest_section(district, month: datetime.date) -> dict | None:
    sessions = month_sessions(district, month)
    if not sessions:
        return None
    held = [s for s in sessions if s.status == SessionStatus.HELD]
    expected = sum(s.invited for s in held)
    came = sum(s.came for s in held)
    rate = f",出勤率 {came / expected * 100:.0f}%" if expected else ""
    items = []
    for s in sessions[:SHOWN]:
        when = timezone.localtime(s.starts_at)
        who = s.cohort.name if s.cohort else "全体社区书记"
        if s.status == SessionStatus.HELD:
            text = f"{s.get_topic_display()} · 授课:{s.trainer} · 出席 {s.came}/{s.invited} 人"
        else:
            text = f"{s.get_topic_display()} · 授课:{s.trainer} · 已通知 {s.invited} 人"
        items.append(
            {
                "title": s.title,
                "meta": f"{when:%m月%d日 %H:%M} · {who} · {s.place or '线上'}",
                "text": text,
                "link": object_url("training:session", s.pk),
            }
        )
    return {
        "type": "list",
        "key": "training",
        "title": f"头雁工程培训:{month.month}月 {len(sessions)} 场,已举办 {len(held)} 场{rate}",
        "note": "小班实训每月轮训三分之一的社区书记,每班不超过12人;每季度一次全体专题培训。",
        "items": items,
        "more": max(len(sessions) - SHOWN, 0),
    }
