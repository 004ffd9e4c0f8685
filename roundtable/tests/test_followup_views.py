"""The follow-up pages: the panel's forms posted from the staff topic page, the refused form page,
the correction page and the follow-up list (its filters, its solved counts and its constant
number of queries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.once import new_token
from needs.models import Need
from roundtable.models import Resolution, ResolutionStatus, TopicStatus
from roundtable.tests.world_followup import meeting, resolution, topic
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def open_topic(org, people):
    return topic(meeting(org.guoao, datetime.date(2025, 7, 1)), people.secretary)


def _page(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _add_data(**fields):
    data = {
        "once": new_token(),
        "responsible": "物业公司",
        "action": "夜间十点后关闭广场音响",
        "due_on": (TODAY + 7 * DAY).isoformat(),
    }
    return {**data, **fields}


# --- the panel's forms ---------------------------------------------------------------------------
def test_secretary_adds_a_resolution_from_the_topic_page(client, open_topic, people):
    client.force_login(people.secretary)
    url = reverse("roundtable:resolution_add", args=[open_topic.pk])

    response = client.post(url, _add_data(), follow=True)

    assert response.redirect_chain[-1][0] == open_topic.get_absolute_url() + "#followup"
    assert "决议已记录。" in _messages(response)
    page = _page(response)
    assert "夜间十点后关闭广场音响" in page and "办理中" in page
    done_url = reverse("roundtable:resolution_done", args=[Resolution.objects.get().pk])
    assert f'action="{done_url}"' in page
    open_topic.refresh_from_db()
    assert open_topic.status == TopicStatus.RESOLVED


def test_the_same_resolution_form_posted_twice_saves_once(client, open_topic, people):
    client.force_login(people.secretary)
    url = reverse("roundtable:resolution_add", args=[open_topic.pk])
    data = _add_data()
    client.post(url, data)
    second = client.post(url, data)
    assert second.status_code == 302 and Resolution.objects.count() == 1


def test_a_refused_resolution_comes_back_on_its_form_with_422(client, open_topic, people):
    client.force_login(people.secretary)
    url = reverse("roundtable:resolution_add", args=[open_topic.pk])

    response = client.post(url, _add_data(due_on=(TODAY - DAY).isoformat(), action="关音响"))

    assert response.status_code == 422
    page = _page(response)
    assert "完成时限不能早于今天。" in page and 'value="物业公司"' in page and "关音响" in page
    assert open_topic.get_absolute_url() in page  # the way back
    assert not Resolution.objects.exists()


def test_a_resolution_done_solves_the_topic_and_the_page_says_so(client, open_topic, people):
    made = resolution(open_topic, people.secretary)
    open_topic.status = TopicStatus.RESOLVED
    open_topic.save()
    client.force_login(people.worker)

    response = client.post(
        reverse("roundtable:resolution_done", args=[made.pk]), {"note": "已协商"}, follow=True
    )

    assert "已登记办结。" in _messages(response)
    page = _page(response)
    assert "办结情况:已协商" in page and "议题于" in page
    open_topic.refresh_from_db()
    assert open_topic.status == TopicStatus.SOLVED


def test_done_without_a_note_is_422_and_names_the_field(client, open_topic, people):
    made = resolution(open_topic, people.secretary)
    client.force_login(people.secretary)
    response = client.post(reverse("roundtable:resolution_done", args=[made.pk]), {"note": ""})
    assert response.status_code == 422 and "办结情况" in _page(response)
    made.refresh_from_db()
    assert made.status == ResolutionStatus.OPEN


def test_overdue_resolutions_are_red_on_the_panel_and_street_reads_only(client, open_topic, people):
    resolution(open_topic, people.secretary, due_on=TODAY - 3 * DAY, responsible="业委会")
    client.force_login(people.street)

    page = _page(client.get(open_topic.get_absolute_url()))

    assert "list-group-item-danger" in page and "已超期 3 天" in page
    for name in ("resolution_add", "topic_set_aside", "topic_to_need"):
        assert reverse(f"roundtable:{name}", args=[open_topic.pk]) not in page
    assert "决议由本社区工作人员记录和登记办结" in page


def test_set_aside_shows_the_reason_on_the_topic_page(client, open_topic, people):
    client.force_login(people.secretary)
    response = client.post(
        reverse("roundtable:topic_set_aside", args=[open_topic.pk]),
        {"reason": "与“单元门禁”议题重复"},
        follow=True,
    )
    assert "议题已标记为暂不讨论。" in _messages(response)
    assert "暂不讨论:与“单元门禁”议题重复" in _page(response)


def test_to_need_links_the_need_from_the_topic_page(client, open_topic, people):
    client.force_login(people.secretary)
    url = reverse("roundtable:topic_to_need", args=[open_topic.pk])

    response = client.post(url, {"category": "environment"}, follow=True)

    need = Need.objects.get()
    assert need.category_id == "environment"
    assert f'href="{need.get_absolute_url()}"' in _page(response)
    again = client.post(url, {"category": ""})
    assert again.status_code == 409 and "不能重复转入" in _page(again)
    assert Need.objects.count() == 1


def test_a_category_that_does_not_exist_is_422(client, open_topic, people):
    client.force_login(people.secretary)
    response = client.post(
        reverse("roundtable:topic_to_need", args=[open_topic.pk]), {"category": "nope"}
    )
    assert response.status_code == 422 and not Need.objects.exists()


def test_the_edit_page_moves_a_due_date_with_a_reason(client, open_topic, people):
    made = resolution(open_topic, people.secretary, due_on=TODAY - DAY)
    client.force_login(people.secretary)
    url = reverse("roundtable:resolution_edit", args=[made.pk])

    form = client.get(url)
    assert form.status_code == 200 and (TODAY - DAY).isoformat() in _page(form)

    moved = TODAY + 20 * DAY
    response = client.post(
        url,
        {
            "responsible": made.responsible,
            "action": made.action,
            "due_on": moved.isoformat(),
            "reason": "材料到货推迟",
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.due_on == moved


# --- the follow-up list --------------------------------------------------------------------------
def _world(org, people, n: int):
    """n topics per community of both streets, each with an overdue, an open and a done one."""
    for community, by in ((org.guoao, people.secretary), (org.yuehai, people.secretary2)):
        month = datetime.date(2023, 1, 1) + datetime.timedelta(days=32 * (n + community.pk))
        m = meeting(community, month.replace(day=1))
        for i in range(n):
            t = topic(m, by, title=f"{community.name}议题{i}", status=TopicStatus.RESOLVED)
            resolution(t, by, due_on=TODAY - (i + 1) * DAY, responsible="物业公司")
            resolution(t, by, responsible="网格员")
            resolution(t, by, status=ResolutionStatus.DONE, done_at=timezone.now())
            topic(m, by, title=f"已解决{i}", status=TopicStatus.SOLVED)


def test_the_list_filters_by_state_and_community_within_scope(client, org, people):
    _world(org, people, 2)
    client.force_login(people.secretary)
    url = reverse("roundtable:resolutions")

    everything = client.get(url)
    assert everything.status_code == 200
    assert len(everything.context["page"]) == 6  # 国奥's only
    assert "悦海社区" not in _page(everything)
    assert everything.context["solved"].total == 2

    overdue = client.get(url, {"state": "overdue"}).context["page"]
    assert [r.responsible for r in overdue] == ["物业公司", "物业公司"]
    assert [r.due_on for r in overdue] == sorted(r.due_on for r in overdue)
    done = client.get(url, {"state": "done"}).context["page"]
    assert {r.status for r in done} == {ResolutionStatus.DONE}


def test_district_filters_by_street_and_reads_solved_per_street(client, org, people):
    _world(org, people, 1)
    client.force_login(people.district)
    url = reverse("roundtable:resolutions")

    page = client.get(url, {"street": org.street_b.pk})

    assert {r.topic.community for r in page.context["page"]} == {org.yuehai}
    text = _page(page)
    assert 'id="f-street"' in text and "长江路街道" in text and "八角街道" in text
    assert page.context["solved"].total == 2
    other = client.get(url, {"community": org.guoao.pk, "state": "open"}).context["page"]
    assert {r.topic.community for r in other} == {org.guoao}


def test_a_bad_filter_shows_everything_with_a_note(client, org, people):
    _world(org, people, 1)
    client.force_login(people.secretary)
    response = client.get(reverse("roundtable:resolutions"), {"community": "abc"})
    assert response.status_code == 200 and "筛选条件不正确" in _page(response)


def test_htmx_gets_only_the_rows(client, org, people):
    _world(org, people, 1)
    client.force_login(people.secretary)
    response = client.get(reverse("roundtable:resolutions"), HTTP_HX_REQUEST="true")
    page = _page(response)
    assert page.lstrip().startswith('<div id="rows">') and "<html" not in page


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_the_list_takes_the_same_number_of_queries_whatever_the_data(client, org, people, who):
    client.force_login(getattr(people, who))
    url = reverse("roundtable:resolutions")
    _world(org, people, 1)
    client.get(url)  # warm-up: caches that fill once
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    _world(org, people, 4)
    f.CommunityFactory(street=org.street_a, name="新社区")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries) <= 8


def test_the_topic_pages_panel_is_constant_in_queries(client, open_topic, people):
    client.force_login(people.secretary)
    url = open_topic.get_absolute_url()
    resolution(open_topic, people.secretary)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(6):
        resolution(open_topic, people.secretary, due_on=TODAY - DAY)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
