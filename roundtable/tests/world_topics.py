"""Objects the topics rows of the URL matrix open (roundtable/tests/matrix_topics.py), and the
small builders the topics tests share.

国奥社区's meeting of June 2025 (clear of the other areas' months; dated today: 正在议事) with a
topic the community raised for a resident (published, with one post by 国奥's verified
resident), a topic of that resident (published: they may not support it) and one held for
review; and a meeting of June 2024, closed, with a published topic (its thread is read-only).
The `resident` persona is 国奥's verified participant (made here unless another area's world made
it first); the `partner` persona is 国奥's 物业 partner (tests/url_matrix.py), so it posts as an
organisation.
"""

import datetime

from django.utils import timezone

from roundtable.models import (
    CONSENT_NOTICE_VERSION,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantStatus,
    Post,
    PostStatus,
    Topic,
)

MONTH = datetime.date(2025, 6, 1)
CLOSED_MONTH = datetime.date(2024, 6, 1)


def meeting(community, month=MONTH, *, date=None, **fields) -> Meeting:
    """The community's meeting of `month`, dated today unless told (正在议事)."""
    return Meeting.objects.create(
        community=community, month=month, date=date or timezone.localdate(), **fields
    )


def participant(community, user, *, name="李秀英", building=None, **fields) -> Participant:
    """A resident in the community's round table, verified unless told (consent recorded)."""
    fields.setdefault("status", ParticipantStatus.VERIFIED)
    return Participant.objects.create(
        community=community,
        user=user,
        name=name,
        building=building,
        consent_version=CONSENT_NOTICE_VERSION,
        consented_at=timezone.now(),
        **fields,
    )


def resident_participant(org, people) -> Participant:
    """国奥's resident in its round table, verified (another area's world may have made it)."""
    found, _ = Participant.objects.get_or_create(
        community=org.guoao,
        user=people.resident,
        defaults={
            "name": "王秀英",
            "compound": org.compound,
            "building": org.household.building,
            "household": org.household,
            "status": ParticipantStatus.VERIFIED,
            "decided_by": people.secretary,
            "decided_at": timezone.now(),
            "consent_version": CONSENT_NOTICE_VERSION,
            "consented_at": timezone.now(),
        },
    )
    return found


def topic(meeting, author, *, title="楼下烧烤摊油烟太大", **fields) -> Topic:
    fields.setdefault("body", f"{title}:希望大家一起商量个办法。")
    return Topic.objects.create(
        meeting=meeting, community=meeting.community, title=title, author=author, **fields
    )


def post(topic, author, *, body="晚上十点以后还在营业,睡不着。", **fields) -> Post:
    return Post.objects.create(topic=topic, author=author, body=body, **fields)


def objects(org, people) -> dict:
    made = meeting(org.guoao)
    resident = resident_participant(org, people)
    mine = {"participant": resident}
    raised = topic(
        made, people.secretary, title="3号楼前路灯不亮", on_behalf_of="3号楼 王大爷", posts_count=1
    )
    closed = meeting(
        org.guoao,
        CLOSED_MONTH,
        date=datetime.date(2024, 6, 17),
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now(),
        closed_by=people.secretary,
    )
    return {
        "rt_topics_meeting": made,
        "rt_topic": raised,
        "rt_topic_own": topic(made, people.resident, title="小区里电动车乱停", **mine),
        "rt_topic_held": topic(
            made,
            people.resident,
            title="物业费怎么花的",
            moderation=PostStatus.HELD,
            held_reason="本社区圆桌会先审后发",
            **mine,
        ),
        "rt_post": post(raised, people.resident, participant=resident),
        "rt_topics_closed_meeting": closed,
        "rt_topic_closed": topic(closed, people.secretary, title="垃圾分类点太远"),
    }
