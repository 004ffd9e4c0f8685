"""The staff pages: the list (drafts first, late ones marked, constant queries), one publication
with its foreword and sign-off, the setting and compiling by hand."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Delegation
from core.models import AuditEvent
from core.workdays import ensure_calendar
from publications import services
from publications.models import Kind, Publication, PublicationSettings, PublicationStatus

D = datetime.date
OCTOBER = D(2026, 10, 1)


@pytest.fixture(autouse=True)
def _calendar(db):
    ensure_calendar()


def draft(org, kind=Kind.PREVIEW, month=OCTOBER, street="a"):
    street = {"a": org.street_a, "b": org.street_b, None: None}[street]
    return services.publication_compile(
        kind=kind, district=org.district, street=street, month=month, today=D(2027, 6, 1)
    )[0]


def months(n):
    return [services.add_months(D(2024, 1, 1), i) for i in range(n)]


def test_street_sees_its_drafts_first_with_late_ones_marked(client, org, people):
    late = draft(org, Kind.SUMMARY, D(2020, 1, 1))
    old = draft(org, Kind.SUMMARY, D(2020, 2, 1))
    services.publication_sign_off(publication=old, by=people.street)
    other = draft(org, street="b")
    client.force_login(people.street)
    response = client.get(reverse("publications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-publication="{other.pk}"' not in html
    assert html.index(f'data-publication="{late.pk}"') < html.index(f'data-publication="{old.pk}"')
    assert "已逾期" in html
    only_late = client.get(reverse("publications:list"), {"late": "on"}).content.decode()
    assert f'data-publication="{late.pk}"' in only_late
    assert f'data-publication="{old.pk}"' not in only_late


def test_district_sees_every_streets_draft_and_the_digest(client, org, people):
    rows = [draft(org), draft(org, street="b"), draft(org, Kind.DIGEST, D(2026, 9, 1), street=None)]
    client.force_login(people.district)
    html = client.get(reverse("publications:list")).content.decode()
    for p in rows:
        assert f'data-publication="{p.pk}"' in html
    assert "自动发布设置" in html and "手动汇编" in html


def test_secretary_reads_street_drafts_but_has_no_buttons(client, org, people):
    p = draft(org)
    client.force_login(people.secretary)
    html = client.get(p.get_absolute_url()).content.decode()
    assert "签发并发布" not in html and "重新汇编" not in html and "保存导语" not in html
    digest = draft(org, Kind.DIGEST, D(2026, 9, 1), street=None)
    assert client.get(digest.get_absolute_url()).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_queries_do_not_grow_with_the_publications(client, org, people):
    client.force_login(people.district)
    url = reverse("publications:list")
    for month in months(3):
        draft(org, Kind.SUMMARY, month)
    client.get(url)  # warm the session and the caches
    few = _queries(client, url)
    for month in months(9)[3:]:
        draft(org, Kind.SUMMARY, month)
        draft(org, Kind.SUMMARY, month, street="b")
    assert _queries(client, url) == few <= 8


def test_detail_queries_are_bounded(client, org, people):
    p = draft(org)
    client.force_login(people.street)
    client.get(p.get_absolute_url())
    assert _queries(client, p.get_absolute_url()) <= 10


def test_street_leader_adds_a_foreword_and_signs_off(client, org, people):
    p = draft(org)
    client.force_login(people.street)
    html = client.get(p.get_absolute_url()).content.decode()
    assert "签发并发布" in html and "data-confirm" in html
    response = client.post(
        reverse("publications:foreword", args=[p.pk]), {"foreword": "十月好戏连台"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.foreword == "十月好戏连台" and p.status == PublicationStatus.DRAFT
    response = client.post(
        reverse("publications:sign_off", args=[p.pk]), {"foreword": "十月好戏连台!"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == PublicationStatus.PUBLISHED and p.signed_off_by == people.street
    page = client.get(p.get_absolute_url()).content.decode()
    assert "已发布" in page and "十月好戏连台!" in page and p.get_public_url() in page
    again = client.post(reverse("publications:sign_off", args=[p.pk]), {"foreword": "改"})
    assert again.status_code == 409
    assert "不能签发" in again.content.decode()


def test_too_long_foreword_is_422_and_nothing_changes(client, org, people):
    p = draft(org)
    client.force_login(people.street)
    response = client.post(reverse("publications:sign_off", args=[p.pk]), {"foreword": "长" * 2001})
    assert response.status_code == 422
    p.refresh_from_db()
    assert p.status == PublicationStatus.DRAFT and p.foreword == ""


def test_member_may_not_sign_off(client, org, people):
    p = draft(org)
    client.force_login(people.member)
    assert client.post(reverse("publications:sign_off", args=[p.pk]), {}).status_code == 403
    p.refresh_from_db()
    assert p.status == PublicationStatus.DRAFT


def test_recompile_on_a_published_one_is_409(client, org, people):
    p = draft(org)
    client.force_login(people.street)
    assert client.post(reverse("publications:recompile", args=[p.pk])).status_code == 302
    services.publication_sign_off(publication=p, by=people.street)
    assert client.post(reverse("publications:recompile", args=[p.pk])).status_code == 409


def test_district_turns_auto_publish_on(client, org, people):
    client.force_login(people.district)
    url = reverse("publications:settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"auto_publish": "on", "auto_publish_hour": "9"})
    assert response.status_code == 302
    row = PublicationSettings.objects.get(district=org.district)
    assert row.auto_publish and row.auto_publish_hour == 9
    assert AuditEvent.objects.filter(action="publicationsettings.update").exists()
    assert client.post(url, {"auto_publish_hour": "25"}).status_code == 422


def test_district_compiles_a_month_by_hand_and_a_future_month_is_refused(client, org, people):
    client.force_login(people.district)
    url = reverse("publications:compile")
    response = client.post(url, {"kind": "summary", "month": "2026-09", "street": ""})
    assert response.status_code == 302
    assert Publication.objects.filter(kind=Kind.SUMMARY).count() == 2
    again = client.post(url, {"kind": "summary", "month": "2026-09", "street": org.street_a.pk})
    assert again.status_code == 302 and Publication.objects.count() == 2
    future = client.post(url, {"kind": "summary", "month": "2099-01", "street": ""})
    assert future.status_code == 422 and "起才能汇编" in future.content.decode()


def _wecom_links(client, person) -> set[str]:
    client.force_login(person)
    html = client.get(reverse("publications:list")).content.decode()
    return set(re.findall(r'href="(/publications/manage/wecom/\d+/)"', html))


def test_the_list_links_the_wecom_robot_to_whoever_may_set_it(client, org, people):
    robot_a = reverse("publications:wecom", args=[org.street_a.pk])
    robot_b = reverse("publications:wecom", args=[org.street_b.pk])
    # The 组长: their own street's robot; district staff: each street's.
    assert _wecom_links(client, people.street) == {robot_a}
    assert _wecom_links(client, people.street_b) == {robot_b}
    assert _wecom_links(client, people.district) == {robot_a, robot_b}
    # Who reads the list but may not set a robot sees no link.
    for person in (people.member, people.expert, people.secretary, people.worker):
        assert _wecom_links(client, person) == set(), person
    # And each link opens for its reader.
    client.force_login(people.street)
    assert client.get(robot_a).status_code == 200
    client.force_login(people.member)
    assert client.get(robot_a).status_code == 403


def test_the_member_deciding_for_the_street_today_gets_the_wecom_link(client, org, people):
    today = timezone.localdate()
    Delegation.objects.create(
        street=org.street_a,
        delegate=people.member,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        reason="组长外出学习",
        created_by=people.street,
    )
    robot_a = reverse("publications:wecom", args=[org.street_a.pk])
    assert _wecom_links(client, people.member) == {robot_a}
    assert client.get(robot_a).status_code == 200
