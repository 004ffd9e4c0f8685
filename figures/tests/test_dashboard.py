"""The dashboards: the seed's figures counted live for a place, who reaches which place, the links
each person may open, the charts with their tables, the coverage gaps, the comparison with the
district's average, and a cached figure that is fresh again within five minutes."""

import datetime

import pytest
from django.core.cache import cache

from figures import live, selectors, views
from figures.places import district_place, street_place
from partners.models import PracticalTask, TaskStatus
from projects.models import Status, Theme
from tests import factories as f

from .factories import at, grade, households, project, session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _values(figures):
    return {figure.key: figure.value for figure in figures}


def test_the_seed_figures_count_the_places_records(org, people):
    by = people.secretary
    for community in (org.guoao, org.guoao, org.yuehai):
        f.NeedFactory(community=community, created_by=by)
    f.PartnerFactory(community=org.guoao, created_by=by)
    PracticalTask.objects.create(
        community=org.guoao,
        title="法律援助",
        kind="legal_aid",
        date=datetime.date(2026, 11, 3),
        status=TaskStatus.CLAIMED,
        created_by=by,
    )
    district = _values(live.seed_figures(district_place(org.district)))
    street = _values(live.seed_figures(street_place(org.street_a)))
    assert (district["needs"], street["needs"]) == (3, 2)
    assert (district["partners"], street["partners"]) == (1, 1)
    assert (district["tasks_claimed"], street["tasks_claimed"]) == (1, 1)
    assert district["training"] == "—"  # no session held: no rate rather than 0 %


def test_the_district_sees_the_seed_beside_each_figure_and_a_street_does_not(org):
    district = {f.key: f.seed for f in live.seed_figures(district_place(org.district))}
    street = {f.key: f.seed for f in live.seed_figures(street_place(org.street_a))}
    assert district["partners"] == "9 类 4568 名" and district["tasks_claimed"] == "659 件"
    assert not any(street.values())


def test_each_role_reaches_its_own_place_and_no_other(client, org, people):
    client.force_login(people.district)
    page = client.get("/figures/")
    assert page.status_code == 200 and page.context["place"].kind == "district"
    assert client.get(f"/figures/?street={org.street_b.pk}").context["place"].name == "八角街道"
    client.force_login(people.street)
    assert client.get("/figures/").context["place"].name == "长江路街道"
    assert client.get(f"/figures/?community={org.haiyun.pk}").context["place"].name == "海韵社区"
    assert client.get(f"/figures/?street={org.street_b.pk}").status_code == 404
    assert client.get(f"/figures/?community={org.yuehai.pk}").status_code == 404
    client.force_login(people.secretary)
    assert client.get("/figures/").context["place"].name == "国奥社区"
    assert client.get(f"/figures/?community={org.haiyun.pk}").status_code == 404
    for outsider in (people.resident, people.partner, people.auditor, people.nobody):
        client.force_login(outsider)
        assert client.get("/figures/").status_code == 403


def test_a_figure_links_its_list_only_for_those_who_may_open_it(client, org, people):
    client.force_login(people.secretary)
    figures = {f.key: f for f in client.get("/figures/").context["figures"]}
    assert figures["needs"].url.startswith("/needs/")
    assert figures["training"].url == ""  # the attendance report is the district's and streets'
    client.force_login(people.district)
    figures = {f.key: f for f in client.get("/figures/").context["figures"]}
    assert figures["training"].url.startswith("/training/attendance/")


def test_the_page_shows_every_chart_with_a_table_of_its_numbers(client, org, people):
    by = people.secretary
    project(org.guoao, by, status=Status.IN_PROGRESS, created=at(2026, 5, 1), theme=Theme.HEALTH)
    project(org.yuehai, by, status=Status.DRAFT, created=at(2026, 5, 1), theme=Theme.JOY)
    running = project(org.guoao, by, status=Status.IN_PROGRESS, created=at(2026, 5, 1))
    session(running, by, date=datetime.date.today(), participants=12, volunteers=2)
    households_ = households(org.compound, 1)
    grade(running, "satisfied", household=households_[0], when=at(2026, 9, 1))
    client.force_login(people.district)
    page = client.get("/figures/")
    html = page.content.decode()
    charts = {chart["key"]: chart for chart in page.context["charts"]}
    assert set(charts) == {"steps", "themes", "activity", "satisfaction"}
    assert charts["themes"]["labels"] == ["八角街道", "长江路街道"]
    health = next(d for d in charts["themes"]["datasets"] if d["label"] == "健")
    assert health["data"] == [0, 1]
    steps = {d["label"]: d["data"] for d in charts["steps"]["datasets"]}
    assert steps["1. 摸清需求"] == [1, 0] and steps["6. 组织实施"] == [0, 2]
    assert len(charts["activity"]["labels"]) == 12
    assert charts["activity"]["datasets"][1]["data"][-1] == 12  # this month's participants
    # Every street in the satisfaction chart, 八角街道 without a grade as no bar ("—").
    assert charts["satisfaction"]["labels"] == ["八角街道", "长江路街道"]
    assert charts["satisfaction"]["datasets"][0]["data"] == [None, 100.0]
    for key in charts:
        assert f'data-figures-chart="{key}"' in html
    assert html.count("查看数据") == 4 and 'id="figures-chart-data"' in html


def test_coverage_names_the_gaps(org, people):
    by = people.secretary
    project(org.guoao, by, status=Status.DRAFT, created=at(2026, 5, 1), theme=Theme.HEALTH)
    households(org.compound, 199)  # 200 households in 国奥社区 with the fixture's one
    f.PartnerFactory(community=org.guoao, created_by=by)
    board = selectors.dashboard(district_place(org.district)).value["coverage"]
    gaps = {gap.theme: gap for gap in board["themes"]}
    assert "长江路街道 · 国奥社区" not in gaps["健"].communities
    assert "长江路街道 · 海韵社区" in gaps["健"].communities
    assert gaps["健"].streets == ["八角街道"] and gaps["美"].streets == ["八角街道", "长江路街道"]
    # One partner for 200 households is 0.5 per 100: thin in its category; the others too.
    thin = {row.category: row.communities for row in board["thin"]}
    assert thin["物业"] == [("国奥社区", 1, 200)] and thin["业委会"] == [("国奥社区", 0, 200)]
    assert board["uncovered"]["total"]["compounds"] == 1
    assert [p["title"] for p in board["stuck"]] and board["stuck"][0]["community"] == "国奥社区"


def test_a_street_is_compared_with_the_districts_average_street(client, org, people):
    by = people.secretary
    for community in (org.guoao, org.guoao, org.yuehai):
        f.NeedFactory(community=community, created_by=by)
    client.force_login(people.street)
    compare = {line["label"]: line for line in client.get("/figures/").context["compare"]}
    assert compare["需求条数"]["mine"] == 2 and compare["需求条数"]["average"] == 1.5
    client.force_login(people.secretary)
    compare = {line["label"]: line for line in client.get("/figures/").context["compare"]}
    assert compare["需求条数"]["mine"] == 2 and compare["需求条数"]["average"] == 1.0
    client.force_login(people.district)
    assert client.get("/figures/").context["compare"] == []


def test_a_change_shows_within_five_minutes_and_the_page_says_when_it_was_counted(
    client, org, people, monkeypatch
):
    now = [1_000_000.0]
    monkeypatch.setattr(selectors, "_clock", lambda: now[0])
    client.force_login(people.secretary)

    def needs_shown():
        page = client.get("/figures/")
        return {f.key: f.value for f in page.context["figures"]}["needs"], page

    assert needs_shown()[0] == 0
    f.NeedFactory(community=org.guoao, created_by=people.secretary)
    now[0] += selectors.FRESH - 1
    count, page = needs_shown()
    assert count == 0  # still the stored figure, and the page says since when
    assert "数据更新于" in page.content.decode()
    now[0] += 2  # five minutes after it was counted
    assert needs_shown()[0] == 1


def test_the_home_fragment_shows_a_few_figures_from_the_same_store(client, org, people):
    client.force_login(people.secretary)
    response = client.get("/figures/summary/")
    keys = [f.key for f in response.context["figures"]]
    assert keys and set(keys) <= set(views.SUMMARY)
    assert "数据更新于" in response.content.decode()


def test_the_dashboard_costs_the_same_queries_for_more_records(client, org, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    by = people.secretary

    def count():
        cache.clear()
        client.force_login(people.district)
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/figures/").status_code == 200
        return len(seen.captured_queries)

    project(org.guoao, by, status=Status.IN_PROGRESS, created=at(2026, 5, 1))
    f.NeedFactory(community=org.guoao, created_by=by)
    few = count()
    for community in (org.guoao, org.haiyun, org.yuehai):
        for theme in Theme.values:
            project(community, by, status=Status.IN_PROGRESS, created=at(2026, 6, 1), theme=theme)
        f.NeedFactory(community=community, created_by=by)
        f.PartnerFactory(community=community, created_by=by)
    assert count() == few


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999", "-1", "1 OR 1=1", ""])
def test_a_malformed_place_is_never_an_error_page(client, people, value):
    client.force_login(people.district)
    for name in ("street", "community"):
        response = client.get("/figures/", {name: value})
        assert response.status_code in (200, 404), (name, value, response.status_code)
