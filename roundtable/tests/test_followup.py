"""The follow-up services (roundtable/followup.py): resolutions added, corrected and done, a topic
solved with its last resolution, set aside, turned into a need; and the reads the list, the
dashboards and the residents' pages count with."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.workflow import Conflict
from needs.models import Need, NeedMention
from roundtable import followup
from roundtable.models import (
    MeetingStatus,
    Participant,
    ParticipantStatus,
    PostStatus,
    ResolutionStatus,
    TopicStatus,
)
from roundtable.tests.world_followup import meeting, resolution, topic
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def held_meeting(org):
    """国奥社区's meeting of last month's 17th (its day is past, not yet closed)."""
    return meeting(org.guoao, datetime.date(2025, 7, 1))


@pytest.fixture
def open_topic(held_meeting, people):
    return topic(held_meeting, people.secretary)


def _add(topic_, by, **fields):
    data = {"action": "关闭广场音响", "responsible": "物业公司", "due_on": TODAY + 7 * DAY}
    return followup.resolution_add(topic=topic_, by=by, **{**data, **fields})


def _audits(action):
    return AuditEvent.objects.filter(action=action)


# --- resolution_add ------------------------------------------------------------------------------
def test_secretary_records_a_resolution_and_the_topic_is_resolved(open_topic, people):
    made = _add(open_topic, people.secretary)

    open_topic.refresh_from_db()
    assert open_topic.status == TopicStatus.RESOLVED
    assert (made.responsible, made.status, made.created_by) == (
        "物业公司",
        ResolutionStatus.OPEN,
        people.secretary,
    )
    event = _audits("topic.resolution_add").get()
    assert event.detail["resolution"] == made.pk and event.detail["to"] == "resolved"


def test_a_second_resolution_may_be_added_to_a_resolved_topic(open_topic, people):
    _add(open_topic, people.secretary)
    _add(open_topic, people.worker, responsible="业委会")
    assert open_topic.resolutions.count() == 2


@pytest.mark.parametrize(
    "who", ["street", "district", "secretary_haiyun", "secretary2", "resident"]
)
def test_only_the_communitys_staff_record_resolutions(open_topic, people, who):
    with pytest.raises(PermissionDenied):
        _add(open_topic, getattr(people, who))
    assert not open_topic.resolutions.exists()


def test_a_resolution_waits_for_the_meeting_day(org, people):
    coming = meeting(org.guoao, TODAY.replace(day=1), date=TODAY + DAY)
    with pytest.raises(ValidationError) as refused:
        _add(topic(coming, people.secretary), people.secretary)
    assert "会上形成决议后再记录" in refused.value.messages[0]


def test_a_resolution_may_be_typed_up_within_a_week_of_closing_then_no_more(org, people):
    closed = meeting(
        org.guoao,
        datetime.date(2025, 6, 1),
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now() - 6 * DAY,
    )
    late = topic(closed, people.secretary)
    _add(late, people.secretary)

    closed.closed_at = timezone.now() - 9 * DAY
    closed.save()
    with pytest.raises(Conflict) as refused:
        _add(topic(closed, people.secretary, title="另一个"), people.secretary)
    assert "闭会 7 天后不能再补记决议" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_on": TODAY - DAY}, "完成时限不能早于今天。"),
        ({"due_on": TODAY + 400 * DAY}, "完成时限不能超过一年。"),
        ({"due_on": "2026-01-01"}, "请填写完成时限(日期)。"),
        ({"due_on": None}, "请填写完成时限(日期)。"),
        ({"action": "  "}, "请填写做什么。"),
        ({"responsible": "长" * 61}, "谁来做最多 60 个字。"),
        ({"action": None}, "请填写做什么。"),
    ],
)
def test_bad_resolutions_are_refused_and_nothing_is_saved(open_topic, people, fields, message):
    with pytest.raises(ValidationError) as refused:
        _add(open_topic, people.secretary, **fields)
    assert message in refused.value.messages
    open_topic.refresh_from_db()
    assert open_topic.status == TopicStatus.OPEN and not open_topic.resolutions.exists()


def test_a_held_topic_gets_no_resolution(held_meeting, people):
    held = topic(held_meeting, people.secretary, moderation=PostStatus.HELD)
    with pytest.raises(ValidationError, match="议题尚未公开"):
        _add(held, people.secretary)


@pytest.mark.parametrize("status", [TopicStatus.SET_ASIDE, TopicStatus.SOLVED])
def test_a_set_aside_or_solved_topic_gets_no_resolution(held_meeting, people, status):
    done = topic(held_meeting, people.secretary, status=status)
    with pytest.raises(Conflict, match="不能记录决议"):
        _add(done, people.secretary)


# --- resolution_done and solving -------------------------------------------------------------------
def test_the_topic_is_solved_when_its_last_resolution_is_done(open_topic, people):
    first = _add(open_topic, people.secretary)
    second = _add(open_topic, people.secretary, responsible="业委会")

    followup.resolution_done(resolution=first, by=people.worker, note="已与舞队约定九点结束")
    open_topic.refresh_from_db()
    assert open_topic.status == TopicStatus.RESOLVED and open_topic.solved_at is None

    followup.resolution_done(resolution=second, by=people.secretary, note="业委会已公告")
    open_topic.refresh_from_db()
    first.refresh_from_db()
    assert open_topic.status == TopicStatus.SOLVED and open_topic.solved_at is not None
    assert (first.status, first.done_note, first.done_by) == (
        ResolutionStatus.DONE,
        "已与舞队约定九点结束",
        people.worker,
    )
    assert first.done_at is not None
    assert _audits("resolution.done").count() == 2
    assert _audits("topic.solve").get().detail == {"from": "resolved", "to": "solved"}


def test_done_needs_a_note_and_happens_once(open_topic, people):
    made = _add(open_topic, people.secretary)
    with pytest.raises(ValidationError, match="请填写办结情况"):
        followup.resolution_done(resolution=made, by=people.secretary, note=" ")
    with pytest.raises(ValidationError, match="最多 300 个字"):
        followup.resolution_done(resolution=made, by=people.secretary, note="长" * 301)
    followup.resolution_done(resolution=made, by=people.secretary, note="已办")
    with pytest.raises(Conflict, match="已办结"):
        followup.resolution_done(resolution=made, by=people.secretary, note="再办")


@pytest.mark.parametrize("who", ["street", "district", "secretary2"])
def test_only_the_communitys_staff_mark_resolutions_done(open_topic, people, who):
    made = _add(open_topic, people.secretary)
    with pytest.raises(PermissionDenied):
        followup.resolution_done(resolution=made, by=getattr(people, who), note="已办")
    made.refresh_from_db()
    assert made.status == ResolutionStatus.OPEN


# --- resolution_edit -----------------------------------------------------------------------------
def test_an_overdue_resolution_is_moved_with_a_reason_kept_in_the_audit(open_topic, people):
    made = _add(open_topic, people.secretary)
    made.due_on = TODAY - 3 * DAY
    made.save()

    followup.resolution_edit(
        resolution=made, by=people.secretary, due_on=TODAY + 30 * DAY, reason="材料到货推迟"
    )

    made.refresh_from_db()
    assert made.due_on == TODAY + 30 * DAY
    detail = _audits("resolution.edit").get().detail
    assert detail["reason"] == "材料到货推迟" and detail["changed"] == ["due_on"]


def test_an_edit_needs_a_reason_a_change_and_an_open_resolution(open_topic, people):
    made = _add(open_topic, people.secretary)
    with pytest.raises(ValidationError, match="请填写修改理由"):
        followup.resolution_edit(resolution=made, by=people.secretary, action="改", reason="")
    with pytest.raises(ValidationError, match="都没有改动"):
        followup.resolution_edit(resolution=made, by=people.secretary, reason="没改")
    with pytest.raises(ValidationError, match="不能早于今天"):
        followup.resolution_edit(
            resolution=made, by=people.secretary, due_on=TODAY - DAY, reason="改早"
        )
    followup.resolution_done(resolution=made, by=people.secretary, note="已办")
    with pytest.raises(Conflict):
        followup.resolution_edit(resolution=made, by=people.secretary, action="改", reason="x")
    with pytest.raises(PermissionDenied):
        followup.resolution_edit(resolution=made, by=people.street, action="改", reason="x")


# --- topic_set_aside -----------------------------------------------------------------------------
def test_a_topic_set_aside_keeps_its_reason_for_the_page(open_topic, people):
    followup.topic_set_aside(topic=open_topic, by=people.secretary, reason="与3号议题重复")

    open_topic.refresh_from_db()
    assert open_topic.status == TopicStatus.SET_ASIDE
    assert followup.set_aside_reason(open_topic) == "与3号议题重复"
    panel = followup.topic_panel(open_topic, people.secretary)
    assert panel["set_aside_reason"] == "与3号议题重复" and not panel["can_set_aside"]


def test_a_set_aside_reason_masks_a_phone_number(open_topic, people):
    followup.topic_set_aside(topic=open_topic, by=people.secretary, reason="请联系13812345678")
    assert "13812345678" not in followup.set_aside_reason(open_topic)


def test_set_aside_needs_a_reason_an_open_topic_and_the_communitys_staff(open_topic, people):
    with pytest.raises(ValidationError, match="请填写理由"):
        followup.topic_set_aside(topic=open_topic, by=people.secretary, reason="")
    with pytest.raises(PermissionDenied):
        followup.topic_set_aside(topic=open_topic, by=people.street, reason="重复")
    _add(open_topic, people.secretary)
    with pytest.raises(Conflict, match="已形成决议"):
        followup.topic_set_aside(topic=open_topic, by=people.secretary, reason="重复")


# --- topic_to_need -------------------------------------------------------------------------------
def test_a_topic_becomes_one_need_linked_both_ways(org, held_meeting, people):
    resident = Participant.objects.create(
        community=org.guoao,
        user=people.resident,
        name="王芳",
        compound=org.compound,
        status=ParticipantStatus.VERIFIED,
    )
    asked = topic(held_meeting, people.resident, participant=resident, supports=4)

    need = followup.topic_to_need(topic=asked, by=people.secretary)

    asked.refresh_from_db()
    assert asked.need == need
    assert (need.community, need.compound, need.source, need.mentions) == (
        org.guoao,
        org.compound,
        Need.Source.ROUND_TABLE,
        5,
    )
    assert need.category_id == "neighbourhood" and need.title == asked.title
    assert asked.body in need.description and "圆桌会议题“楼下广场舞噪音太大”" in need.description
    mention = NeedMention.objects.get(need=need)
    assert mention.origin == f"roundtable.topic:{asked.pk}" and mention.count == 5
    assert _audits("topic.to_need").get().detail == {"need": need.pk}

    with pytest.raises(Conflict, match=f"已转为需求“{need.title}”"):
        followup.topic_to_need(topic=asked, by=people.secretary)
    assert Need.objects.filter(community=org.guoao).count() == 1


def test_staff_may_pick_the_needs_category(open_topic, people):
    from needs.models import Category

    need = followup.topic_to_need(
        topic=open_topic, by=people.secretary, category=Category.objects.get(code="environment")
    )
    assert need.category_id == "environment"


def test_a_long_body_still_ends_with_the_link_text(held_meeting, people):
    long = topic(held_meeting, people.secretary, body="吵" * 2000)
    need = followup.topic_to_need(topic=long, by=people.secretary)
    assert len(need.description) <= 2000 and need.description.endswith("附议 0 人。")


def test_to_need_is_the_communitys_staffs_and_not_for_a_held_topic(held_meeting, people):
    held = topic(held_meeting, people.secretary, moderation=PostStatus.HELD)
    with pytest.raises(PermissionDenied):
        followup.topic_to_need(topic=held, by=people.district)
    with pytest.raises(ValidationError, match="议题尚未公开"):
        followup.topic_to_need(topic=held, by=people.secretary)
    assert not Need.objects.exists()


def test_a_set_aside_topic_may_still_become_a_need(held_meeting, people):
    aside = topic(held_meeting, people.secretary, status=TopicStatus.SET_ASIDE)
    assert followup.topic_to_need(topic=aside, by=people.worker).pk


def test_the_needs_page_links_back_to_the_topic(client, open_topic, people):
    need = followup.topic_to_need(topic=open_topic, by=people.secretary)
    client.force_login(people.secretary)

    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()

    assert reverse("roundtable:topic", args=[open_topic.pk]) in page
    assert f"圆桌会议题:{open_topic.title}" in page


# --- reads ---------------------------------------------------------------------------------------
def _solved(community, by, n, **fields):
    m = meeting(community, datetime.date(2024, 1 + community.pk % 12, 1))
    for i in range(n):
        topic(m, by, title=f"已解决{i}", status=TopicStatus.SOLVED, solved_at=timezone.now())
    topic(m, by, title="待讨论")


def test_solved_counts_per_community_street_and_district_in_scope(org, people):
    _solved(org.guoao, people.secretary, 3)
    _solved(org.haiyun, people.secretary, 2)
    _solved(org.yuehai, people.secretary, 1)

    everyone = followup.solved_counts()
    assert everyone.total == 6
    assert everyone.street(org.street_a.pk) == 5 and everyone.street(org.street_b.pk) == 1
    assert everyone.community(org.guoao.pk) == 3 and everyone.community(org.haiyun.pk) == 2
    assert followup.solved_counts(people.district).total == 6
    street = followup.solved_counts(people.street)
    assert (street.total, [r[1] for r in street.streets]) == (5, ["长江路街道"])
    assert followup.solved_counts(people.secretary).total == 3
    assert followup.solved_counts(people.resident).total == 0
    assert followup.solved_counts(district=f.DistrictFactory(name="另一个区")).total == 0


def test_solved_counts_is_one_query(org, people, django_assert_num_queries):
    _solved(org.guoao, people.secretary, 3)
    _solved(org.yuehai, people.secretary, 2)
    followup.solved_counts(people.district)  # the user's scope is read once per request
    with django_assert_num_queries(1):
        followup.solved_counts(people.district)


def test_overdue_resolutions_are_open_past_due_and_in_scope(org, open_topic, people):
    late = resolution(open_topic, people.secretary, due_on=TODAY - 2 * DAY)
    resolution(open_topic, people.secretary, due_on=TODAY)  # due today: not yet overdue
    resolution(open_topic, people.secretary, due_on=TODAY - 9 * DAY, status=ResolutionStatus.DONE)
    elsewhere = topic(meeting(org.yuehai, datetime.date(2025, 7, 1)), people.secretary2)
    far = resolution(elsewhere, people.secretary2, due_on=TODAY - 20 * DAY)

    assert list(followup.overdue_resolutions(people.secretary)) == [late]
    assert list(followup.overdue_resolutions(people.district)) == [far, late]
    assert list(followup.overdue_resolutions(people.street_b)) == [far]
    assert list(followup.overdue_resolutions(people.resident)) == []
    figures = followup.followup_figures(people.district)
    assert figures == {"overdue": 2, "solved": 0}


def test_the_follow_up_list_puts_what_is_still_to_do_first(open_topic, people):
    done_long_ago = resolution(
        open_topic, people.secretary, due_on=TODAY - 300 * DAY, status=ResolutionStatus.DONE
    )
    coming = resolution(open_topic, people.secretary, due_on=TODAY + 5 * DAY)
    late = resolution(open_topic, people.secretary, due_on=TODAY - 3 * DAY)

    rows = list(followup.resolution_list(people.secretary))
    assert rows == [late, coming, done_long_ago]
    assert list(followup.resolution_list(people.secretary, state="done")) == [done_long_ago]


def test_the_panel_offers_the_forms_to_the_communitys_staff_only(open_topic, people):
    mine = followup.topic_panel(open_topic, people.secretary)
    assert mine["can_add"] and mine["can_set_aside"] and mine["can_to_need"]
    assert not mine["read_only"]

    theirs = followup.topic_panel(open_topic, people.street)
    assert not (theirs["can_add"] or theirs["can_set_aside"] or theirs["can_to_need"])
    assert theirs["read_only"]


def test_the_panel_says_when_resolutions_may_be_recorded(org, people):
    coming = topic(meeting(org.guoao, TODAY.replace(day=1), date=TODAY + DAY), people.secretary)
    panel = followup.topic_panel(coming, people.secretary)
    assert not panel["can_add"] and "会上形成决议后再记录" in panel["window"]
