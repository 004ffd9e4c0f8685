"""The residents' pages of the monthly rhythm: the archive by street and month, a publication's
page (the stamp, the foreword, the snapshot, the PDF link and WeChat's hint), and what never
shows there (drafts, the district's 红色专递)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publications.models import Kind
from publications.public_views import PLACE_COOKIE
from signups.tests.factories import announced_project, session

from .world_public import make_publication, this_month

pytestmark = pytest.mark.django_db

WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20230805 "
    "MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 NetType/WIFI Language/zh_CN"
)
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


def months_ago(n: int) -> datetime.date:
    month = this_month()
    for _ in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def test_a_published_preview_shows_street_month_stamp_foreword_and_its_projects(
    client, org, people
):
    project = announced_project(org, people, title="楼道微更新")
    session(project, people, days=3)
    preview = make_publication(org, people, foreword="请居民朋友们踊跃参加。")

    response = client.get(reverse("publications_public:detail", args=[preview.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "长江路街道" in body and f"{preview.month.year}年{preview.month.month}月" in body
    assert "汇编于" in body and "签发于" in body and "到期自动发布" not in body
    assert "请居民朋友们踊跃参加。" in body
    assert "楼道微更新" in body  # the snapshot, through the compile helper's partial
    assert reverse("publications_public:pdf", args=[preview.pk]) in body
    assert "打印 / 下载PDF" in body and "data-print" in body


def test_an_auto_published_one_says_so(client, org, people):
    preview = make_publication(org, people, compiled=False, auto_published=True)
    body = client.get(reverse("publications_public:detail", args=[preview.pk])).content.decode()
    assert "到期自动发布" in body


def test_drafts_and_the_red_digest_do_not_exist_for_residents(client, org, people):
    draft = make_publication(org, people, compiled=False, published=False)
    digest = make_publication(org, people, kind=Kind.DIGEST, compiled=False)
    for publication in (draft, digest):
        for name in ("publications_public:detail", "publications_public:pdf"):
            assert client.get(reverse(name, args=[publication.pk])).status_code == 404
    # Not even for the district's staff, who read them on their own pages.
    client.force_login(people.district)
    assert client.get(reverse("publications_public:detail", args=[digest.pk])).status_code == 404


def test_the_wechat_hint_shows_only_in_wechats_browser(client, org, people):
    preview = make_publication(org, people, compiled=False)
    url = reverse("publications_public:detail", args=[preview.pk])
    hint = "点右上角 ··· 选择「在浏览器打开」后再下载"

    in_wechat = client.get(url, headers={"user-agent": WECHAT})
    elsewhere = client.get(url, headers={"user-agent": PHONE})

    assert hint in in_wechat.content.decode()
    assert hint not in elsewhere.content.decode()
    assert "User-Agent" in in_wechat["Vary"]  # a cache must not hand one to the other


def test_the_archive_lists_only_published_previews_and_summaries_of_the_street(client, org, people):
    preview = make_publication(org, people, compiled=False)
    summary = make_publication(org, people, kind=Kind.SUMMARY, month=months_ago(1), compiled=False)
    draft = make_publication(org, people, month=months_ago(2), compiled=False, published=False)
    digest = make_publication(org, people, kind=Kind.DIGEST, compiled=False)
    other = make_publication(org, people, street=org.street_b, compiled=False)

    response = client.get(reverse("publications_public:archive"), {"street": org.street_a.pk})

    body = response.content.decode()
    shown = {p.pk for _, *pair in response.context["months"] for p, _ in filter(None, pair)}
    assert shown == {preview.pk, summary.pk}
    for hidden in (draft, digest, other):
        assert reverse("publications_public:detail", args=[hidden.pk]) not in body
    # Months newest first.
    assert [m for m, *_ in response.context["months"]] == [this_month(), months_ago(1)]


def test_the_archive_starts_with_the_remembered_street(client, org, people):
    make_publication(org, people, street=org.street_b, compiled=False)
    client.cookies[PLACE_COOKIE] = str(org.yuehai.pk)
    response = client.get(reverse("publications_public:archive"))
    assert response.context["street"] == org.street_b
    assert response.context["streets"][0] == org.street_b
    # Another street picked by hand wins over the remembered one; junk is ignored.
    picked = client.get(reverse("publications_public:archive"), {"street": org.street_a.pk})
    assert picked.context["street"] == org.street_a
    client.cookies[PLACE_COOKIE] = "junk²"
    assert client.get(reverse("publications_public:archive")).context["street"] is None


def test_the_archive_without_a_street_lists_the_latest_of_the_district(client, org, people):
    preview = make_publication(org, people, compiled=False)
    draft = make_publication(org, people, month=months_ago(1), compiled=False, published=False)
    body = client.get(reverse("publications_public:archive")).content.decode()
    assert reverse("publications_public:detail", args=[preview.pk]) in body
    assert reverse("publications_public:detail", args=[draft.pk]) not in body
    assert "请选择街道" in body


def _count(client, url, **query) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.content)


def _months_of_publications(org, people, start: int, n: int) -> None:
    for i in range(start, start + n):
        make_publication(org, people, month=months_ago(i), compiled=False)
        make_publication(org, people, kind=Kind.SUMMARY, month=months_ago(i + 1), compiled=False)


def test_archive_and_page_cost_the_same_queries_for_more_months(client, org, people):
    archive = reverse("publications_public:archive")
    _months_of_publications(org, people, 0, 3)
    preview = make_publication(org, people, street=org.street_b, compiled=False)
    detail = reverse("publications_public:detail", args=[preview.pk])
    few = (_count(client, archive, street=org.street_a.pk)[0], _count(client, archive)[0])
    few_detail = _count(client, detail)[0]
    _months_of_publications(org, people, 4, 16)
    many = (_count(client, archive, street=org.street_a.pk)[0], _count(client, archive)[0])
    assert many == few and max(few) <= 8
    assert _count(client, detail)[0] == few_detail <= 10


def test_the_designs_addresses_lead_to_the_residents_pages_under_p(client, org, people):
    """/publications/ and /publications/<id>/ (DESIGN.md) send a visitor on to /p/, the only
    part of the site that faces the internet; the query string goes along."""
    preview = make_publication(org, people)
    response = client.get(f"/publications/?street={org.street_a.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/p/publications/?street={org.street_a.pk}"
    response = client.get(f"/publications/{preview.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/p/publications/{preview.pk}/"
    assert client.get(response["Location"]).status_code == 200
