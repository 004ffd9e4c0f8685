"""The public 幸福账单: a community's year from its records, distinct households served, money by
source, grades; the page, the PDF, the cache and the rate limit; nothing personal."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from figures import bill as bills
from projects.models import Status, Theme
from signups.models import SignUp, SignUpStatus
from tests import factories as f

from .factories import at, grade, households, project, session, spend, volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def year_world(org, people):
    by = people.secretary
    w = type("World", (), {})()
    w.done = project(
        org.guoao,
        by,
        status=Status.RETROSPECTED,
        created=at(2026, 2, 1),
        retrospected_at=at(2026, 9, 1),
        theme=Theme.HEALTH,
        title="国奥社区邻居节",
    )
    project(
        org.guoao,
        by,
        status=Status.RETROSPECTED,
        created=at(2025, 2, 1),
        retrospected_at=at(2025, 9, 1),
        title="去年的项目",
    )
    running = project(org.guoao, by, status=Status.IN_PROGRESS, created=at(2026, 3, 1))
    partner = f.PartnerFactory(community=org.guoao, created_by=by, name="张阿姨")
    first = session(w.done, by, date=datetime.date(2026, 5, 1), participants=40, volunteers=4)
    spend(first, Decimal("300"), source="street")
    spend(first, Decimal("100"), source="partner")
    volunteer(first, partner, Decimal("3"))
    second = session(
        running,
        by,
        date=datetime.date(2026, 6, 1),
        participants=10,
        volunteers=1,
        spending=Decimal("50"),
        source="district",
    )
    session(running, by, date=datetime.date(2025, 6, 1), participants=500, volunteers=50)
    homes = households(org.compound, 3)
    # Two households signed up with their codes, one of them also graded; a third only graded.
    for n, home in enumerate(homes[:2]):
        SignUp.objects.create(
            cancel_code_hash=f"code-{n}",
            activity=second,
            household=home,
            name="居民",
            status=SignUpStatus.CONFIRMED,
            consented_at=at(2026, 5, 20),
            consent_version="2026-01",
        )
    grade(w.done, "satisfied", household=homes[0], when=at(2026, 9, 5))
    grade(w.done, "dissatisfied", household=homes[2], when=at(2026, 9, 5))
    grade(w.done, "satisfied", household=None, when=at(2026, 9, 5))  # unverified: not counted
    return w


def test_the_bill_counts_the_communitys_year(org, year_world):
    bill = bills.compute(org.guoao, 2026)
    assert bill.projects == [("国奥社区邻居节", "健")]
    assert bill.themes == [("健", 1)]
    assert (bill.held, bill.participants, bill.volunteers) == (2, 50, 5)
    assert bill.hours == Decimal("3")
    assert bill.households == 3  # distinct: signed up or graded with a household code
    assert dict(bill.spent) == {
        "街道": Decimal("300.00"),
        "合伙人": Decimal("100.00"),
        "区级": Decimal("50.00"),
    }
    assert bill.spent_total == Decimal("450.00")
    assert (bill.graded, bill.rate) == (2, "50.0%")
    assert bills.compute(org.yuehai, 2026).empty


def test_a_resident_reads_the_bill_on_a_page_without_personal_data(client, org, year_world):
    response = client.get(f"/p/bills/{org.guoao.pk}/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "国奥社区2026年幸福账单" in html and "国奥社区邻居节" in html
    assert "张阿姨" not in html  # a volunteer's name is not part of the bill
    assert "统计于" in html and 'id="bill-pdf"' in html and "data-print" in html
    assert client.get(f"/p/bills/{org.guoao.pk}/1999/").status_code == 404
    assert client.get("/p/bills/999999/2026/").status_code == 404


def test_wechat_readers_are_told_how_to_download(client, org, year_world):
    agent = "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50"
    html = client.get(f"/p/bills/{org.guoao.pk}/2026/", HTTP_USER_AGENT=agent).content.decode()
    assert "在浏览器打开" in html and "data-print" not in html


def test_the_pdf_is_a_chinese_a4_made_once_per_computation(client, org, year_world, monkeypatch):
    from figures import public_views

    made = []
    real = public_views.pdf_bytes
    monkeypatch.setattr(public_views, "pdf_bytes", lambda *a: made.append(1) or real(*a))
    response = client.get(f"/p/bills/{org.guoao.pk}/2026/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "inline" in response["Content-Disposition"]
    assert client.get(f"/p/bills/{org.guoao.pk}/2026/pdf/").content == response.content
    assert made == [1]


def test_the_index_offers_every_community_and_the_remembered_one_first(client, org):
    client.cookies["bsbj_place"] = str(org.haiyun.pk)
    html = client.get("/p/bills/").content.decode()
    assert "看海韵社区" in html and "国奥社区" in html and "悦海社区" in html


def test_the_bill_is_cached_and_fresh_within_five_minutes(org, year_world, monkeypatch):
    from figures import selectors

    now = [2_000_000.0]
    monkeypatch.setattr(selectors, "_clock", lambda: now[0])
    first = bills.bill_for(org.guoao, 2026)
    session(
        year_world.done,
        year_world.done.created_by,
        date=datetime.date(2026, 7, 1),
        participants=1,
        volunteers=0,
    )
    assert bills.bill_for(org.guoao, 2026).value.held == first.value.held == 2
    now[0] += selectors.FRESH
    assert bills.bill_for(org.guoao, 2026).value.held == 3


def test_reading_bills_is_rate_limited(client, org, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "bill_pdf": {"device": "2/10m", "ip": "100/10m"},
    }
    url = f"/p/bills/{org.guoao.pk}/2026/pdf/"
    # The first answer hands the device its cookie (that visit counted by address); then the
    # device's own two, and the third is refused.
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(f"/p/bills/{org.guoao.pk}/2026/").status_code == 200  # the page has its own


def test_the_residents_front_page_links_the_bills(client, org):
    html = client.get("/p/").content.decode()
    assert "/p/bills/" in html
