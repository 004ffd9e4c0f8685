"""The topics area's services (roundtable/topics.py): who may raise a topic, support one and
post; moderation by the district's words and the community's 先审后发; the counters; refusals
(403 PermissionDenied with the reason, 409 Conflict, 422 ValidationError) that leave nothing
behind."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from roundtable import access, topics
from roundtable.models import (
    CommunitySettings,
    MeetingStatus,
    Participant,
    ParticipantKind,
    ParticipantStatus,
    Post,
    PostStatus,
    SensitiveWord,
    Support,
    Topic,
)
from roundtable.tests import world_topics as w
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(org):
    access.forget_words(org.district.pk)  # ids repeat across tests: no list of another test
    return w.meeting(org.guoao)


@pytest.fixture
def resident(org, people):
    return w.resident_participant(org, people)


@pytest.fixture
def neighbour(org):
    """Another verified resident of 国奥, with an account."""
    user = f.make_user(Role.RESIDENT, org.guoao, username="neighbour")
    return w.participant(org.guoao, user, name="赵建国", building=org.household.building)


def _property_partner(org, people):
    return f.PartnerFactory(
        community=org.guoao, user=people.partner, name="金地物业", created_by=people.secretary
    )


# --- raising a topic ------------------------------------------------------------------------
def test_verified_resident_raises_a_published_topic_and_it_is_audited(meeting, resident, people):
    topic = topics.topic_create(
        meeting=meeting, by=people.resident, title=" 楼道堆物 ", body="3单元楼道堆满纸箱。"
    )

    assert topic.moderation == PostStatus.PUBLISHED and topic.held_reason == ""
    assert topic.participant == resident and topic.author == people.resident
    assert topic.title == "楼道堆物" and topic.community == meeting.community
    event = AuditEvent.objects.get(action="roundtable.topic_create")
    assert event.actor == people.resident and event.object_id == str(topic.pk)
    assert event.detail["held"] is False and event.detail["participant"] == resident.pk


def test_unverified_resident_is_refused_until_the_community_verifies(meeting, resident, people):
    Participant.objects.filter(pk=resident.pk).update(status=ParticipantStatus.PENDING)

    with pytest.raises(PermissionDenied, match="核实通过后可以发言"):
        topics.topic_create(meeting=meeting, by=people.resident, title="噪音", body="太吵")
    assert not Topic.objects.exists()


def test_anonymous_and_unregistered_people_are_told_to_sign_in_or_register(meeting, people):
    with pytest.raises(PermissionDenied, match="登录"):
        topics.topic_create(meeting=meeting, by=AnonymousUser(), title="噪音", body="太吵")
    with pytest.raises(PermissionDenied, match="登记"):
        topics.topic_create(meeting=meeting, by=people.resident, title="噪音", body="太吵")


def test_resident_who_withdrew_consent_may_not_post(meeting, resident, people):
    Participant.objects.filter(pk=resident.pk).update(consent_withdrawn_at=timezone.now())

    with pytest.raises(PermissionDenied, match="撤回"):
        topics.topic_create(meeting=meeting, by=people.resident, title="噪音", body="太吵")


def test_staff_raise_a_topic_for_a_resident_without_a_phone_published_at_once(meeting, people, org):
    CommunitySettings.objects.create(community=org.guoao, review_first=True)
    SensitiveWord.objects.create(district=org.district, word="收费")

    topic = topics.topic_create(
        meeting=meeting,
        by=people.worker,
        title="停车收费不透明",
        body="居民反映",
        on_behalf_of=" 5号楼 张奶奶 ",
    )

    assert topic.moderation == PostStatus.PUBLISHED
    assert topic.participant is None and topic.on_behalf_of == "5号楼 张奶奶"
    assert topics.author_label(topic, "国奥社区") == "社区代发 · 5号楼 张奶奶"
    own = topics.topic_create(meeting=meeting, by=people.secretary, title="议题", body="说明")
    assert topics.author_label(own, "国奥社区") == "社区 · 国奥社区"


def test_staff_of_another_community_or_the_street_may_not_raise_one(meeting, people):
    for person in (people.secretary2, people.secretary_haiyun, people.street, people.district):
        with pytest.raises(PermissionDenied):
            topics.topic_create(meeting=meeting, by=person, title="议题", body="说明")
    assert not Topic.objects.exists()


def test_a_sensitive_word_holds_the_topic_and_tells_the_community_staff(
    meeting, resident, people, org
):
    SensitiveWord.objects.create(district=org.district, word="乱收费")

    topic = topics.topic_create(
        meeting=meeting, by=people.resident, title="物业 乱·收 费", body="大家评评理"
    )

    assert topic.moderation == PostStatus.HELD and "乱收费" in topic.held_reason
    told = Notification.objects.filter(event="roundtable.topic_held")
    assert set(told.values_list("recipient", flat=True)) == {people.secretary.pk, people.worker.pk}
    assert told.first().url == topic.get_absolute_url()
    assert AuditEvent.objects.get(action="roundtable.topic_create").detail["held"] is True


def test_review_first_holds_every_residents_topic(meeting, resident, people, org):
    CommunitySettings.objects.create(community=org.guoao, review_first=True)

    topic = topics.topic_create(meeting=meeting, by=people.resident, title="绿化", body="草坪秃了")

    assert topic.moderation == PostStatus.HELD and topic.held_reason == "本社区圆桌会先审后发"


def test_no_topic_once_the_meeting_is_closed(meeting, resident, people):
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])

    with pytest.raises(Conflict, match="已闭会"):
        topics.topic_create(meeting=meeting, by=people.resident, title="噪音", body="太吵")
    with pytest.raises(Conflict):
        topics.topic_admit(meeting=meeting, by=people.secretary)


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "说明", "请填写议题"),
        ("长" * 61, "说明", "最多 60 个字"),
        ("议题", "长" * 2001, "2000"),
    ],
)
def test_bad_title_or_body_is_refused_before_anything_is_written(
    meeting, resident, people, title, body, message
):
    with pytest.raises(ValidationError, match=message):
        topics.topic_create(meeting=meeting, by=people.resident, title=title, body=body)
    assert not Topic.objects.exists() and not AuditEvent.objects.exists()


def test_the_property_company_takes_part_as_an_organisation(meeting, people, org):
    _property_partner(org, people)

    topic = topics.topic_create(meeting=meeting, by=people.partner, title="电梯维修", body="下周")

    assert topic.participant.kind == ParticipantKind.PROPERTY
    assert topic.participant.public_name == "物业 · 金地物业"


def test_a_refused_partner_post_leaves_no_participant_behind(meeting, people, org):
    _property_partner(org, people)
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])

    with pytest.raises(Conflict):
        topics.topic_create(meeting=meeting, by=people.partner, title="电梯", body="维修")
    assert not Participant.objects.filter(user=people.partner).exists()


# --- supporting -----------------------------------------------------------------------------
def test_support_is_counted_once_and_a_second_time_is_a_conflict(
    meeting, resident, neighbour, people
):
    topic = w.topic(meeting, people.secretary)

    assert topics.topic_support(topic=topic, by=people.resident) == 1
    assert topics.topic_support(topic=topic, by=neighbour.user) == 2
    with pytest.raises(Conflict, match="您已经附议过"):
        topics.topic_support(topic=topic, by=people.resident)

    topic.refresh_from_db()
    assert topic.supports == 2 and Support.objects.filter(topic=topic).count() == 2
    assert AuditEvent.objects.filter(action="roundtable.topic_support").count() == 2


def test_nobody_supports_their_own_topic(meeting, resident, people):
    topic = w.topic(meeting, people.resident, participant=resident)

    with pytest.raises(ValidationError, match="自己"):
        topics.topic_support(topic=topic, by=people.resident)
    assert Topic.objects.get(pk=topic.pk).supports == 0


def test_held_topics_and_closed_meetings_take_no_support(meeting, resident, people):
    held = w.topic(meeting, people.secretary, moderation=PostStatus.HELD)
    with pytest.raises(Conflict, match="没有公开"):
        topics.topic_support(topic=held, by=people.resident)
    topic = w.topic(meeting, people.secretary)
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    with pytest.raises(Conflict, match="已闭会"):
        topics.topic_support(topic=topic, by=people.resident)
    assert not Support.objects.exists()


def test_staff_and_unverified_people_may_not_support(meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    with pytest.raises(PermissionDenied, match="工作人员"):
        topics.topic_support(topic=topic, by=people.secretary)
    Participant.objects.filter(pk=resident.pk).update(status=ParticipantStatus.REJECTED)
    with pytest.raises(PermissionDenied, match="未通过"):
        topics.topic_support(topic=topic, by=people.resident)


# --- posting --------------------------------------------------------------------------------
def test_posts_count_published_posts_only(meeting, resident, people, org):
    topic = w.topic(meeting, people.secretary)
    SensitiveWord.objects.create(district=org.district, word="骗子")

    first = topics.post_create(topic=topic, by=people.resident, body="同意")
    held = topics.post_create(topic=topic, by=people.resident, body="物业是骗 子")

    assert first.status == PostStatus.PUBLISHED
    assert held.status == PostStatus.HELD and "骗子" in held.held_reason
    assert Topic.objects.get(pk=topic.pk).posts_count == 1
    told = Notification.objects.filter(event="roundtable.post_held")
    assert told.count() == 2 and told.first().url == f"{topic.get_absolute_url()}#post-{held.pk}"
    assert AuditEvent.objects.filter(action="roundtable.post_create").count() == 2


def test_staff_post_on_behalf_of_a_resident(meeting, people):
    topic = w.topic(meeting, people.secretary)

    made = topics.post_create(
        topic=topic, by=people.secretary, body="他说同意", on_behalf_of="3号楼 王大爷"
    )

    assert made.participant is None and made.status == PostStatus.PUBLISHED
    assert topics.author_label(made, "国奥社区") == "社区代发 · 3号楼 王大爷"


def test_the_thread_is_read_only_after_the_meeting_closes(meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])

    with pytest.raises(Conflict, match="已闭会"):
        topics.post_create(topic=topic, by=people.resident, body="还想说一句")
    with pytest.raises(Conflict):
        topics.post_create(topic=topic, by=people.secretary, body="社区补充")
    assert not Post.objects.exists() and Topic.objects.get(pk=topic.pk).posts_count == 0


def test_no_post_on_a_topic_that_is_not_published(meeting, resident, people):
    held = w.topic(meeting, people.resident, participant=resident, moderation=PostStatus.HELD)

    with pytest.raises(Conflict, match="没有公开"):
        topics.post_create(topic=held, by=people.resident, body="补充")


def test_a_post_too_long_or_empty_is_refused(meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    for body in ("   ", "长" * 1001, "a\x00b"):
        with pytest.raises(ValidationError):
            topics.post_create(topic=topic, by=people.resident, body=body)
    assert not Post.objects.exists()


def test_other_communities_staff_may_not_post(meeting, people):
    topic = w.topic(meeting, people.secretary)
    with pytest.raises(PermissionDenied):
        topics.post_create(topic=topic, by=people.secretary2, body="路过")


# --- reads ----------------------------------------------------------------------------------
def test_thread_shows_hidden_posts_as_hidden_and_held_ones_only_to_their_author(
    meeting, resident, neighbour, people
):
    topic = w.topic(meeting, people.secretary)
    shown = w.post(topic, people.resident, participant=resident)
    hidden = w.post(topic, neighbour.user, participant=neighbour, status=PostStatus.HIDDEN)
    held = w.post(topic, neighbour.user, participant=neighbour, status=PostStatus.HELD)

    def ids(user, **kwargs):
        return [p.pk for p in topics.thread_posts(topic, user, **kwargs)[0]]

    assert ids(AnonymousUser()) == [shown.pk, hidden.pk]
    assert ids(people.resident) == [shown.pk, hidden.pk]
    assert ids(neighbour.user) == [shown.pk, hidden.pk, held.pk]
    assert ids(people.secretary, moderator=True) == [shown.pk, hidden.pk, held.pk]
    newer = topics.thread_news(topic, AnonymousUser(), after=shown.pk)
    assert [p.pk for p in newer.posts] == [hidden.pk] and newer.changed == []
    posts, _ = topics.thread_posts(topic, AnonymousUser())
    assert posts[0].label == "王** · 3号楼"


def test_thread_shows_the_newest_page_and_says_older_ones_exist(meeting, people):
    topic = w.topic(meeting, people.secretary)
    made = [w.post(topic, people.secretary, body=f"第{n}条") for n in range(5)]

    posts, more = topics.thread_posts(topic, AnonymousUser(), limit=3)
    assert [p.pk for p in posts] == [p.pk for p in made[2:]] and more
    older, more = topics.thread_posts(topic, AnonymousUser(), limit=3, before=made[2].pk)
    assert [p.pk for p in older] == [made[0].pk, made[1].pk] and not more


def test_poll_is_fast_on_the_day_slow_before_it_and_off_once_closed(meeting):
    assert topics.poll_seconds(meeting) == 5
    meeting.date = meeting.date + datetime.timedelta(days=3)
    assert topics.poll_seconds(meeting) == 30
    meeting.status = MeetingStatus.CLOSED
    assert topics.poll_seconds(meeting) is None
