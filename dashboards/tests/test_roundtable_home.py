"""The 圆桌会 on the home pages: the community's card (this month's meeting with what waits for
the staff, and the overdue resolutions), the street's and the district's figures; all in a
constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.models import (
    Participant,
    ParticipantStatus,
    Post,
    PostStatus,
    ResolutionStatus,
    TopicStatus,
)
from roundtable.tests.world_followup import meeting, resolution, topic

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
THIS_MONTH = TODAY.replace(day=1)


def _this_month(community, by, *, topics=2, held=1, held_posts=1, pending=1):
    m = meeting(community, THIS_MONTH, date=THIS_MONTH.replace(day=17))
    for i in range(topics):
        t = topic(m, by, title=f"议题{i}")
    for i in range(held):
        topic(m, by, title=f"待审{i}", moderation=PostStatus.HELD)
    for _ in range(held_posts):
        Post.objects.create(topic=t, author=by, body="待审发言", status=PostStatus.HELD)
    for i in range(pending):
        Participant.objects.create(community=community, name=f"居民{i}")
    return m


def _overdue(community, by, n, month=datetime.date(2024, 2, 1)):
    t = topic(meeting(community, month), by, title="楼道灯不亮", status=TopicStatus.RESOLVED)
    return [
        resolution(t, by, due_on=TODAY - (i + 1) * DAY, responsible=f"物业{i}") for i in range(n)
    ]


def test_the_community_home_shows_this_months_meeting_and_overdue_resolutions(client, org, people):
    mine = _this_month(org.guoao, people.secretary, topics=3, held=2, held_posts=1, pending=4)
    _this_month(org.yuehai, people.secretary2)
    late = _overdue(org.guoao, people.secretary, 7)
    _overdue(org.yuehai, people.secretary2, 1)
    client.force_login(people.secretary)

    response = client.get("/")

    card = response.context["roundtable"]
    assert [m.pk for m in card["meetings"]] == [mine.pk]
    shown = card["meetings"][0]
    assert (shown.topics_n, shown.held_topics, shown.held_posts, shown.pending) == (3, 2, 1, 4)
    assert card["overdue"] == late[::-1][:5] and card["more_overdue"]
    page = response.content.decode()
    assert 'id="roundtable-card"' in page and "待核实居民 <strong" in page
    assert "查看全部超期决议" in page and reverse("roundtable:resolutions") in page
    assert mine.get_absolute_url() in page and "悦海社区" not in page


def test_the_card_says_when_nothing_is_scheduled_or_overdue(client, people):
    client.force_login(people.worker)
    page = client.get("/").content.decode()
    assert "本月的圆桌会还没有安排" in page and "没有超期的决议" in page


def test_a_resolution_done_or_due_today_is_not_overdue_on_the_card(client, org, people):
    [late] = _overdue(org.guoao, people.secretary, 1)
    resolution(late.topic, people.secretary, due_on=TODAY)
    resolution(late.topic, people.secretary, due_on=TODAY - DAY, status=ResolutionStatus.DONE)
    client.force_login(people.secretary)
    assert client.get("/").context["roundtable"]["overdue"] == [late]


@pytest.mark.parametrize(
    ("who", "overdue", "solved"), [("street", 2, 1), ("district", 3, 2), ("street_b", 1, 1)]
)
def test_street_and_district_homes_count_overdue_and_solved_in_scope(
    client, org, people, who, overdue, solved
):
    _overdue(org.guoao, people.secretary, 2)
    _overdue(org.yuehai, people.secretary2, 1)
    for community in (org.haiyun, org.yuehai):
        topic(
            meeting(community, datetime.date(2024, 3, 1)),
            people.secretary,
            status=TopicStatus.SOLVED,
        )
    client.force_login(getattr(people, who))

    response = client.get("/")

    assert response.context["roundtable"] == {"overdue": overdue, "solved": solved}
    page = response.content.decode()
    assert 'id="roundtable-figures"' in page
    assert f'超期未办结的决议 <strong class="text-danger">{overdue}</strong>' in page


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_the_homes_round_table_parts_keep_their_query_count(client, org, people, who):
    client.force_login(getattr(people, who))
    _this_month(org.guoao, people.secretary)
    _overdue(org.guoao, people.secretary, 1)
    client.get("/")  # warm-up
    with CaptureQueriesContext(connection) as small:
        client.get("/")

    _this_month(org.haiyun, people.secretary, topics=6, held=3, held_posts=4, pending=5)
    _overdue(org.guoao, people.secretary, 9, month=datetime.date(2024, 5, 1))
    _overdue(org.yuehai, people.secretary2, 4)
    Participant.objects.create(community=org.guoao, name="又一位", status=ParticipantStatus.PENDING)
    with CaptureQueriesContext(connection) as large:
        client.get("/")

    assert len(large.captured_queries) == len(small.captured_queries)
