"""/p/ knows where a resident lives (issue 14, item 10): the community picked once on
public:place is remembered on the device (a cookie holding its id) and /p/ then shows its
announcements, its sessions soon and the street's publications of the month first, the rest of
the street below; a bad or stale cookie is ignored."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity, Project, Status
from publications.models import Kind
from publications.public_views import PLACE_COOKIE
from publications.tests.world_public import make_publication
from signups.tests.factories import announced_project, session

pytestmark = pytest.mark.django_db


def test_picking_a_community_remembers_it_on_the_device(client, org):
    chooser = client.get(reverse("public:place")).content.decode()
    assert '<optgroup label="长江路街道">' in chooser and "国奥社区" in chooser

    response = client.post(reverse("public:place"), {"community": org.guoao.pk})

    assert response.status_code == 302 and response["Location"] == reverse("public:home")
    cookie = response.cookies[PLACE_COOKIE]
    assert cookie.value == str(org.guoao.pk)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    # The chooser shows the remembered one, ready to change or clear.
    again = client.get(reverse("public:place")).content.decode()
    assert f'<option value="{org.guoao.pk}" selected>' in again and "清除" in again


def test_a_bad_pick_is_a_message_not_a_cookie(client, org):
    for data in ({}, {"community": "999999"}, {"community": "x"}, {"community": "²"}):
        response = client.post(reverse("public:place"), data)
        assert response.status_code == 422, data
        assert PLACE_COOKIE not in response.cookies
    assert "请选择您住的社区" in client.post(reverse("public:place")).content.decode()


def test_clearing_forgets_the_community(client, org):
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)
    response = client.post(reverse("public:place"), {"clear": "1"})
    assert response.status_code == 302
    assert response.cookies[PLACE_COOKIE].value == ""  # expired
    assert response.cookies[PLACE_COOKIE]["max-age"] == 0


def test_home_shows_the_residents_community_and_street_first(client, org, people):
    mine = announced_project(org, people, title="国奥的项目")
    feast = session(mine, people, capacity=None, days=5, title="百家宴")
    later = session(mine, people, capacity=None, days=40, title="下个月的活动")
    neighbour = announced_project(org, people, community=org.haiyun, title="海韵的项目")
    far = announced_project(org, people, community=org.yuehai, title="悦海的项目")
    preview = make_publication(org, people, compiled=False)
    other_street = make_publication(org, people, street=org.street_b, compiled=False)
    draft = make_publication(org, people, kind=Kind.SUMMARY, compiled=False, published=False)
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)

    response = client.get(reverse("public:home"))

    body = response.content.decode()
    assert response.status_code == 200 and response.context["mine"] == org.guoao
    assert "我的社区:长江路街道 · 国奥社区" in body and "换一个社区" in body
    detail = reverse("publications_public:detail", args=[preview.pk])
    assert detail in body
    for hidden in (other_street, draft):
        assert reverse("publications_public:detail", args=[hidden.pk]) not in body
    assert [p.pk for p in response.context["mine_announcements"]] == [mine.pk]
    assert [s.pk for s in response.context["sessions"]] == [feast.pk]
    assert later.pk not in {s.pk for s in response.context["sessions"]}
    assert {p.pk for p in response.context["page"]} == {neighbour.pk}  # the rest of the street
    assert "悦海的项目" not in body and far.pk not in {p.pk for p in response.context["page"]}
    # Their community first, then the street's other communities.
    assert body.index(detail) < body.index("国奥的项目") < body.index("海韵的项目")
    assert f"{reverse('public:home')}?all=1" in body  # all of the district
    assert reverse("publications_public:archive") in body


def test_the_street_publications_are_this_months_preview_and_last_months_summary(
    client, org, people
):
    """Last month's preview is over: /p/ keeps only what is current (the walkthrough)."""
    import datetime

    month = timezone.localdate().replace(day=1)
    last = (month - datetime.timedelta(days=1)).replace(day=1)
    current = make_publication(org, people, compiled=False, month=month)
    summary = make_publication(org, people, kind=Kind.SUMMARY, compiled=False, month=last)
    stale = make_publication(org, people, compiled=False, month=last)
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)

    body = client.get(reverse("public:home")).content.decode()

    for shown in (current, summary):
        assert reverse("publications_public:detail", args=[shown.pk]) in body
    assert reverse("publications_public:detail", args=[stale.pk]) not in body


def test_all_of_the_district_and_a_pick_by_hand_still_work_with_a_place(client, org, people):
    announced_project(org, people, community=org.yuehai, title="悦海的项目")
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)
    everything = client.get(reverse("public:home"), {"all": "1"})
    assert "mine" not in everything.context and "悦海的项目" in everything.content.decode()
    assert "看我的社区" in everything.content.decode()
    picked = client.get(reverse("public:home"), {"community": org.yuehai.pk})
    assert picked.context["community"] == org.yuehai


def test_without_a_place_home_offers_to_choose_one_and_links_the_publications(client, org):
    body = client.get(reverse("public:home")).content.decode()
    assert reverse("public:place") in body and "选择我的社区" in body
    assert reverse("publications_public:archive") in body


@pytest.mark.parametrize("junk", ["999999", "abc", "²", "-1", "1" * 40, ""])
def test_a_bad_or_stale_cookie_is_ignored(client, org, junk):
    client.cookies[PLACE_COOKIE] = junk
    response = client.get(reverse("public:home"))
    assert response.status_code == 200 and "mine" not in response.context
    assert client.get(reverse("public:place")).status_code == 200
    assert client.get(reverse("publications_public:archive")).status_code == 200


def _more(org, people, n: int) -> None:
    """n published projects in each community of street A and in the other street, each with
    two sessions soon, and a month of publications."""
    projects = Project.objects.bulk_create(
        Project(
            community=community,
            title=f"项目{community.pk}-{i}",
            status=Status.IN_PROGRESS,
            announced_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            created_by=people.secretary,
        )
        for community in (org.guoao, org.haiyun, org.yuehai)
        for i in range(n)
    )
    soon = datetime.date.today() + datetime.timedelta(days=3)
    Activity.objects.bulk_create(
        Activity(project=p, date=soon, place="广场", created_by=people.secretary)
        for p in projects
        for _ in range(2)
    )


def test_home_with_a_place_costs_the_same_queries_for_more_projects(client, org, people):
    from publications.tests.test_public import months_ago

    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)
    make_publication(org, people, compiled=False)
    make_publication(org, people, kind=Kind.SUMMARY, month=months_ago(1), compiled=False)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("public:home"))
        assert response.status_code == 200 and response.context["mine"] == org.guoao
        rows = (
            len(response.context["mine_announcements"]),
            len(response.context["sessions"]),
            len(response.context["page"].object_list),
        )
        return len(captured.captured_queries), rows

    _more(org, people, 4)
    few = count()
    _more(org, people, 40)
    many = count()
    assert few[0] == many[0] <= 10, (few, many)
    assert many[1] == (6, 10, 12)


def test_a_project_over_several_years_shows_its_years(client, org, people):
    """邻居节 runs 2013-11-10 to 2027-11-10: "11月10日 至 11月10日" said nothing (the walkthrough)."""
    import datetime

    project = announced_project(org, people, title="邻居节")
    project.start_date, project.end_date = datetime.date(2013, 11, 10), datetime.date(2027, 11, 10)
    project.save(update_fields=["start_date", "end_date"])
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)

    body = client.get(reverse("public:home")).content.decode()

    assert "2013年11月10日 至 2027年11月10日" in body
    assert "11月10日 至 11月10日" not in body.replace("2013年11月10日 至 2027年11月10日", "")
