import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity, ActivityPhoto, Status
from signups.tests.factories import announced_project, session

from .helpers import held_session

pytestmark = pytest.mark.django_db


def test_the_public_page_says_what_when_where_for_whom_and_how_to_take_part(client, org, people):
    project = announced_project(org, people, target_groups="社区老人和儿童")
    project.compounds.add(org.compound)
    feast = session(project, people, capacity=20)
    session(project, people, capacity=None, days=21, title="包饺子")

    body = client.get(reverse("public:announcement", args=[project.pk])).content.decode()

    assert project.announcement in body and "社区老人和儿童" in body and org.compound.name in body
    assert "还剩 <strong>20</strong> 个" in body
    assert reverse("signups:join", args=[feast.pk]) in body
    assert "不用报名" in body
    assert "13812345678" not in body  # the secretary's phone is never shown


def test_a_project_not_yet_announced_has_no_public_page(client, org, people):
    draft = announced_project(org, people, status=Status.APPROVED)
    assert client.get(reverse("public:announcement", args=[draft.pk])).status_code == 404


def test_results_show_counts_hours_money_by_source_and_only_public_photos(client, org, people):
    project = announced_project(org, people, status=Status.RETROSPECTED)
    project.retrospective = "居民满意,准备每季度办一次。"
    project.save(update_fields=["retrospective"])
    _, shown, hidden = held_session(project, people, participants=30, volunteers=17)
    Activity.objects.create(  # recorded before spending went by budget line
        project=project,
        date=timezone.localdate() - datetime.timedelta(days=30),
        place="活动室",
        participants=10,
        spending=50,
        funding_source="self",
        volunteers=4,
        status=Activity.Status.HELD,
        created_by=people.secretary,
    )

    body = client.get(reverse("public:announcement", args=[project.pk])).content.decode()

    assert "项目成效" in body and project.retrospective in body
    assert ">2</span>场活动" in body and ">40</span>人次居民参加" in body
    # The sessions' own totals, as staff see them per session (17 + 4), and apart from them the
    # two registered partners' rows with their hours.
    assert ">21</span>人次志愿者" in body
    assert "其中登记合伙人 2 人次,服务 5 小时" in body
    assert "街道" in body and "300.00" in body and "自筹" in body and "350.00" in body
    assert str(shown.upload.uuid) in body and str(hidden.upload.uuid) not in body


def test_a_finished_projects_page_promises_no_grades_that_do_not_exist(client, org, people):
    project = announced_project(org, people, status=Status.RETROSPECTED)
    held_session(project, people)
    body = client.get(reverse("public:announcement", args=[project.pk])).content.decode()
    assert "项目成效" in body
    assert "居民评价" not in body and 'id="grades"' not in body


def test_the_photo_view_serves_only_public_photos_of_published_projects(client, org, people):
    project = announced_project(org, people, status=Status.IN_PROGRESS)
    _, shown, hidden = held_session(project, people)

    ok = client.get(reverse("public:photo", args=[shown.upload.uuid]))
    assert ok.status_code == 200 and ok["Cache-Control"].startswith("public")
    assert client.get(reverse("public:photo", args=[hidden.upload.uuid])).status_code == 404

    project.status = Status.APPROVED  # no longer published
    project.save(update_fields=["status"])
    assert client.get(reverse("public:photo", args=[shown.upload.uuid])).status_code == 404


def test_an_upload_that_is_no_session_photo_is_not_served(client, org, people):
    from .helpers import upload

    project = announced_project(org, people)
    other = upload(project, people)
    assert client.get(reverse("public:photo", args=[other.uuid])).status_code == 404


def test_the_calendar_lists_a_communitys_month_and_links_project_and_signup(client, org, people):
    project = announced_project(org, people)
    feast = session(project, people, capacity=10, days=3)
    cancelled = session(project, people, capacity=None, days=3, title="停办的活动")
    cancelled.status = Activity.Status.CANCELLED
    cancelled.save(update_fields=["status"])
    yuehai = announced_project(org, people, community=org.yuehai)
    elsewhere = session(yuehai, people, days=3, title="别处")
    draft = announced_project(org, people, status=Status.APPROVED)
    hidden = session(draft, people, days=3, title="未发布")
    month = feast.date.strftime("%Y-%m")

    response = client.get(reverse("public:calendar"), {"community": org.guoao.pk, "month": month})

    body = response.content.decode()
    assert response.status_code == 200 and "国奥社区活动日历" in body
    assert reverse("public:announcement", args=[project.pk]) in body
    assert reverse("signups:join", args=[feast.pk]) in body
    assert "<del>" in body and "停办的活动" in body
    assert f"session-{elsewhere.pk}" not in body and f"session-{hidden.pk}" not in body


def test_the_districts_month_lists_its_first_sessions_then_asks_for_a_street(client, org, people):
    """The whole district's month shows DISTRICT_CAP sessions and the picker; a community's
    month shows all of its own."""
    from public.selectors import DISTRICT_CAP

    project = announced_project(org, people)
    first = session(project, people, capacity=None, days=3)
    Activity.objects.bulk_create(
        Activity(
            project=project,
            title=f"第{i}场",
            date=first.date,
            place="广场",
            status=Activity.Status.SCHEDULED,
            created_by=people.secretary,
        )
        for i in range(DISTRICT_CAP + 5)
    )
    month = first.date.strftime("%Y-%m")
    district = client.get(reverse("public:calendar"), {"month": month})
    shown = sum(len(day) for _, day in district.context["days"])
    assert shown == DISTRICT_CAP and district.context["more"]
    assert "请选择街道或社区" in district.content.decode()
    mine = client.get(reverse("public:calendar"), {"community": org.guoao.pk, "month": month})
    assert sum(len(day) for _, day in mine.context["days"]) == DISTRICT_CAP + 6
    assert not mine.context["more"]


def test_the_calendar_takes_any_month_parameter_without_error(client, org):
    for month in ("", "2026-13", "abc", "9999-01", "2026-02-30", "-1", "2026-1-1"):
        assert client.get(reverse("public:calendar"), {"month": month}).status_code == 200
    for pick in ({"street": "x"}, {"community": "99999999"}, {"street": "9" * 40}):
        assert client.get(reverse("public:calendar"), pick).status_code == 200


def test_the_calendar_picks_a_street_then_its_communities(client, org):
    body = client.get(reverse("public:calendar"), {"street": org.street_a.pk}).content.decode()
    assert "长江路街道活动日历" in body and "海韵社区" in body and "悦海社区" not in body


def test_picking_another_street_drops_the_community_of_the_old_one(client, org):
    """The plain form sends the old street's community along with the new street."""
    response = client.get(
        reverse("public:calendar"),
        {"month": "2026-12", "street": org.street_a.pk, "community": org.yuehai.pk},
    )
    body = response.content.decode()
    assert response.context["street"] == org.street_a and response.context["community"] is None
    assert "长江路街道活动日历" in body and "悦海社区" not in body
    # A community of the street picked (or with no street) is kept.
    kept = client.get(
        reverse("public:calendar"), {"street": org.street_a.pk, "community": org.guoao.pk}
    )
    assert kept.context["community"] == org.guoao
    alone = client.get(reverse("public:calendar"), {"community": org.yuehai.pk})
    assert alone.context["community"] == org.yuehai and alone.context["street"] == org.street_b


def test_home_filters_the_announcements_by_street_then_community(client, org, people):
    guoao = announced_project(org, people, title="国奥的项目")
    haiyun = announced_project(org, people, community=org.haiyun, title="海韵的项目")
    yuehai = announced_project(org, people, community=org.yuehai, title="悦海的项目")
    url = reverse("public:home")

    def shown(**query):
        page = client.get(url, query)
        assert page.status_code == 200
        return {p.pk for p in page.context["page"]}, page.content.decode()

    everything, body = shown()
    assert everything == {guoao.pk, haiyun.pk, yuehai.pk}
    assert 'name="street"' in body and 'method="get"' in body
    street_a, body = shown(street=org.street_a.pk)
    assert street_a == {guoao.pk, haiyun.pk} and 'name="community"' in body
    assert "长江路街道的项目预告" in body
    one, body = shown(street=org.street_a.pk, community=org.haiyun.pk)
    assert one == {haiyun.pk} and "海韵社区的项目预告" in body
    # Another street picked while the old community is still selected: the new street's list.
    moved, _ = shown(street=org.street_b.pk, community=org.haiyun.pk)
    assert moved == {yuehai.pk}
    for junk in ({"street": "x"}, {"community": "99999999"}, {"street": "9" * 40}):
        assert shown(**junk)[0] == everything


def test_home_filter_costs_the_same_queries_for_more_announcements(client, org, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(
                reverse("public:home"), {"street": org.street_a.pk, "community": org.guoao.pk}
            )
        assert page.status_code == 200
        return len(captured.captured_queries), len(page.context["page"].object_list)

    for _ in range(3):
        announced_project(org, people)
    few = count()
    for _ in range(20):
        announced_project(org, people)
    many = count()
    assert few[0] == many[0] <= 8 and many[1] == 12


def test_after_an_objection_the_resident_lands_where_the_message_is(
    client, org, people, monkeypatch
):
    from core.workdays import ensure_calendar
    from projects import notice, services
    from tests import factories as f

    ensure_calendar()
    monkeypatch.setattr(notice, "today", lambda: datetime.date(2026, 9, 28))
    project = f.ProjectFactory(
        community=org.guoao,
        created_by=people.secretary,
        ready=True,
        status=Status.APPROVED,
        changes_shared_property=True,
    )
    project = services.project_announce(
        project=project, by=people.secretary, announcement="加装充电桩,欢迎提意见。"
    )
    url = reverse("public:objection_create", args=[project.pk])
    token = client.get(url).context["objection_form"]["once"].value()

    posted = client.post(url, {"once": token, "text": "挡住消防通道", "phone": ""})

    page_url = reverse("public:announcement", args=[project.pk])
    assert posted.status_code == 302 and posted["Location"] == page_url  # no "#notice"
    body = client.get(page_url).content.decode()
    assert body.index("您的意见已提交") < body.index('id="notice"')


def test_home_links_the_calendar(client, org):
    assert reverse("public:calendar") in client.get(reverse("public:home")).content.decode()


def test_the_poster_carries_a_qr_code_of_the_public_page(client, settings, org, people):
    """The stairwell poster: the announcement, and a QR code that opens the project's public
    page at the portal's public address (residents scan it in WeChat)."""
    settings.PUBLIC_BASE_URL = "https://bsbj.example.gov.cn/"
    project = announced_project(org, people)
    response = client.get(reverse("public:poster", args=[project.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    link = f"https://bsbj.example.gov.cn/p/announcements/{project.pk}/"
    assert link in body and "每月一次百家宴" in body
    assert 'src="data:image/svg+xml' in body
    draft = announced_project(org, people, status=Status.DRAFT)
    assert client.get(reverse("public:poster", args=[draft.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_results_are_kept_between_visits_and_forgotten_when_a_session_changes(client, org, people):
    """告知成效 is read once and kept (fewer queries on the next visit); holding a session or
    publishing a photo shows at once, because the change forgets it."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects import sessions

    cache.clear()
    today_ = timezone.localdate()
    project = announced_project(
        org,
        people,
        status=Status.IN_PROGRESS,
        start_date=today_ - datetime.timedelta(days=30),
        end_date=today_ + datetime.timedelta(days=30),
    )
    held_session(project, people, participants=30, public_photo=False)
    url = reverse("public:announcement", args=[project.pk])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).context["results"]["participants"] == 30
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert len(again) < len(first)

    today = session(project, people, capacity=None, days=0)
    sessions.session_hold(session=today, by=people.secretary, data={"participants": 12})
    assert client.get(url).context["results"]["participants"] == 42

    photo = ActivityPhoto.objects.filter(activity__project=project).first()
    assert client.get(url).context["results"]["photos"] == []
    sessions.photo_publish(session=photo.activity, photo=photo, by=people.secretary, consent=True)
    assert [p.pk for p in client.get(url).context["results"]["photos"]] == [photo.pk]
    cache.clear()


def test_ids_that_are_digits_only_to_unicode_are_ignored_not_an_error(client):
    """ "²".isdigit() is true in Python; such a street or community is simply not picked."""
    for path in ("/p/", "/p/calendar/"):
        for pick in ({"street": "²"}, {"community": "²"}, {"community": "١٢"}):
            assert client.get(path, pick).status_code == 200, (path, pick)


def test_a_public_photo_whose_file_is_gone_is_a_404(client, org, people):
    project = announced_project(org, people, status=Status.IN_PROGRESS)
    held_session(project, people)
    photo = ActivityPhoto.objects.filter(activity__project=project, public=True).first()
    photo.upload.file.delete(save=False)
    assert client.get(reverse("public:photo", args=[photo.upload.uuid])).status_code == 404


def test_the_inbox_link_shows_only_when_signed_in_and_costs_anonymous_visitors_nothing(
    client, people
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def home():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("public:home")).content.decode()
        return page, [q["sql"] for q in captured.captured_queries]

    page, anonymous = home()
    assert "public-inbox" not in page
    assert not any("core_notification" in sql for sql in anonymous)
    client.force_login(people.resident)
    page, _ = home()
    assert f'id="public-inbox" href="{reverse("core:inbox")}"' in page
