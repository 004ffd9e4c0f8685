"""Objects the moderation rows of the URL matrix open (roundtable/tests/matrix_moderation.py):
a meeting of 国奥社区 of its own (August 2025, clear of the other areas' months; dated today), a
held, a published and a hidden topic, on the published one a held, a published and a hidden post
(by 国奥's verified resident), and a word of the district's list. The moderation tests build
their rows with the same helpers."""

import datetime

from django.utils import timezone

from roundtable.models import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantStatus,
    Post,
    PostStatus,
    SensitiveWord,
    Topic,
)

MONTH = datetime.date(2025, 8, 1)


def meeting(community, month=MONTH) -> Meeting:
    """The community's meeting of `month`, dated today (正在议事)."""
    return Meeting.objects.create(
        community=community, month=month, date=timezone.localdate(), status=MeetingStatus.SCHEDULED
    )


def resident_participant(org, people) -> Participant:
    """国奥's resident in its round table, verified (the topics area may have made it first)."""
    participant, _ = Participant.objects.get_or_create(
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
        },
    )
    return participant


def topic(meeting, title="楼下烧烤摊油烟太大", moderation=PostStatus.PUBLISHED, **fields) -> Topic:
    """A topic of the meeting; pass `participant` and `author` (the author is required)."""
    return Topic.objects.create(
        meeting=meeting,
        community=meeting.community,
        title=title,
        body=f"{title}:希望大家一起商量个办法。",
        moderation=moderation,
        **fields,
    )


def post(
    topic, body="晚上十点以后还在营业,睡不着。", status=PostStatus.PUBLISHED, **fields
) -> Post:
    """A post in the topic's thread; pass `participant` and `author`."""
    return Post.objects.create(topic=topic, body=body, status=status, **fields)


def hidden_by(person, reason="含有人身攻击内容") -> dict:
    return {"moderated_by": person, "moderated_at": timezone.now(), "hidden_reason": reason}


def objects(org, people) -> dict:
    made = meeting(org.guoao)
    by_resident = {"participant": resident_participant(org, people), "author": people.resident}
    held = {"held_reason": "含敏感词:乱收费"}
    published = topic(made, posts_count=1, **by_resident)
    hidden = hidden_by(people.secretary)
    return {
        "rt_mod_meeting": made,
        "rt_mod_topic": published,
        "rt_mod_topic_held": topic(made, "物业乱收费", PostStatus.HELD, **held, **by_resident),
        "rt_mod_topic_hidden": topic(made, "广告", PostStatus.HIDDEN, **hidden, **by_resident),
        "rt_mod_post": post(published, **by_resident),
        "rt_mod_post_held": post(
            published, "这事就是物业乱收费。", PostStatus.HELD, **held, **by_resident
        ),
        "rt_mod_post_hidden": post(
            published, "加微信领红包", PostStatus.HIDDEN, **hidden, **by_resident
        ),
        "rt_word": SensitiveWord.objects.get_or_create(
            district=org.district, word="乱收费", defaults={"created_by": people.district}
        )[0],
    }
