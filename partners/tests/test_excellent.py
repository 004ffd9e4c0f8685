"""Excellent partners (优秀幸福家园合伙人): the community nominates (once per partner and year), only
the street's 组长 approves or declines, district staff publish the year (idempotently, and again
for later approvals); residents see only published names, grouped, with the count."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from partners import excellence
from partners.models import Excellent, PartnerKind, PartnerStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

NOMINATED, APPROVED, DECLINED, PUBLISHED = (
    Excellent.Status.NOMINATED,
    Excellent.Status.APPROVED,
    Excellent.Status.DECLINED,
    Excellent.Status.PUBLISHED,
)
YEAR = timezone.localdate().year


@pytest.fixture
def partner(org, people):
    return f.PartnerFactory(community=org.guoao, created_by=people.secretary, name="张三丰")


def nominate(people, partner, year=YEAR, reason="全年认领实事12件"):
    return excellence.excellent_nominate(
        by=people.secretary, partner=partner, year=year, reason=reason
    )


def test_the_community_nominates_and_the_streets_leader_hears(org, people, partner):
    excellent = nominate(people, partner)

    assert excellent.status == NOMINATED and excellent.nominated_by == people.secretary
    event = AuditEvent.objects.get(action="excellent.create")
    assert event.detail == {"partner": partner.pk, "year": YEAR}
    heard = Notification.objects.get(event="excellent.nominated")
    assert heard.recipient == people.street and "张三丰" in heard.title


def test_a_partner_is_nominated_once_a_year(org, people, partner):
    nominate(people, partner)
    with pytest.raises(ValidationError, match="每人每年只能推荐一次"):
        nominate(people, partner)
    nominate(people, partner, year=YEAR - 1)
    assert Excellent.objects.filter(partner=partner).count() == 2


def test_nominations_are_refused_for_others_outsiders_and_bad_input(org, people, partner):
    with pytest.raises(PermissionDenied):
        excellence.excellent_nominate(by=people.secretary2, partner=partner, year=YEAR, reason="x")
    with pytest.raises(PermissionDenied):
        excellence.excellent_nominate(by=people.street, partner=partner, year=YEAR, reason="x")
    with pytest.raises(ValidationError, match="推荐理由"):
        nominate(people, partner, reason=" ")
    with pytest.raises(ValidationError, match="年度"):
        nominate(people, partner, year=YEAR + 1)
    partner.status = PartnerStatus.LEFT
    partner.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="在册"):
        nominate(people, partner)
    assert not Excellent.objects.exists()


def test_only_the_streets_leader_approves(org, people, partner):
    excellent = nominate(people, partner)
    for user in (people.member, people.expert, people.secretary, people.district):
        with pytest.raises(PermissionDenied):
            excellence.excellent_approve(excellent=excellent, by=user)
    with pytest.raises(PermissionDenied):
        excellence.excellent_approve(excellent=excellent, by=people.street_b)

    excellence.excellent_approve(excellent=excellent, by=people.street, note="事迹突出")

    excellent.refresh_from_db()
    assert excellent.status == APPROVED and excellent.reviewed_by == people.street
    assert excellent.review_note == "事迹突出" and excellent.reviewed_at
    heard = Notification.objects.filter(event="excellent.approve")
    assert {n.recipient for n in heard} == {people.secretary, people.worker}
    with pytest.raises(Conflict):
        excellence.excellent_approve(excellent=excellent, by=people.street)


def test_declining_needs_a_note_the_community_reads(org, people, partner):
    excellent = nominate(people, partner)
    with pytest.raises(ValidationError, match="未通过的理由"):
        excellence.excellent_decline(excellent=excellent, by=people.street, note="")
    excellence.excellent_decline(excellent=excellent, by=people.street, note="事迹不够具体")
    excellent.refresh_from_db()
    assert excellent.status == DECLINED
    assert Notification.objects.filter(event="excellent.decline", body="事迹不够具体").exists()


def test_the_district_publishes_the_year_once_and_later_approvals_on_a_second_press(
    org, people, partner
):
    first = nominate(people, partner)
    excellence.excellent_approve(excellent=first, by=people.street)
    waiting = nominate(people, f.PartnerFactory(community=org.guoao, name="李四"))
    other_year = nominate(people, f.PartnerFactory(community=org.guoao), year=YEAR - 1)
    excellence.excellent_approve(excellent=other_year, by=people.street)
    with pytest.raises(PermissionDenied):
        excellence.excellent_publish_year(by=people.street, year=YEAR)

    assert excellence.excellent_publish_year(by=people.district, year=YEAR) == 1
    assert excellence.excellent_publish_year(by=people.district, year=YEAR) == 0

    first.refresh_from_db()
    assert first.status == PUBLISHED and first.published_at
    assert Excellent.objects.get(pk=waiting.pk).status == NOMINATED
    assert Excellent.objects.get(pk=other_year.pk).status == APPROVED
    assert AuditEvent.objects.filter(action="excellent.publish").count() == 1
    summaries = AuditEvent.objects.filter(action="excellent.publish_year").order_by("id")
    assert [e.detail["published"] for e in summaries] == [1, 0]
    excellence.excellent_approve(excellent=waiting, by=people.street)
    assert excellence.excellent_publish_year(by=people.district, year=YEAR) == 1
    assert Excellent.objects.get(pk=waiting.pk).status == PUBLISHED


# --- pages ---------------------------------------------------------------------------------------
def test_the_whole_flow_through_the_pages(client, org, people, partner):
    client.force_login(people.secretary)
    search = client.get("/partners/excellent/new/?q=张", headers={"HX-Request": "true"})
    assert f'value="{partner.pk}"' in search.content.decode()
    page = client.get("/partners/excellent/new/?q=张").content.decode()
    assert f'value="{partner.pk}"' in page
    missing = client.post(
        "/partners/excellent/new/?q=张", {"once": f.once(), "partner": partner.pk, "year": YEAR}
    )
    assert missing.status_code == 422 and "请填写推荐理由" in missing.content.decode()
    assert f'value="{partner.pk}" checked' in missing.content.decode()  # kept ticked
    made = client.post(
        "/partners/excellent/new/",
        {"once": f.once(), "partner": partner.pk, "year": YEAR, "reason": "全年认领实事12件"},
    )
    excellent = Excellent.objects.get(partner=partner)
    assert made.status_code == 302 and made["Location"] == f"/partners/excellent/{excellent.pk}/"
    again = client.post(
        "/partners/excellent/new/",
        {"once": f.once(), "partner": partner.pk, "year": YEAR, "reason": "再推荐一次"},
    )
    assert again.status_code == 422 and "每人每年只能推荐一次" in again.content.decode()

    client.force_login(people.member)
    assert client.post(f"/partners/excellent/{excellent.pk}/approve/").status_code == 403
    client.force_login(people.street)
    detail = client.get(f"/partners/excellent/{excellent.pk}/").content.decode()
    assert "审核通过" in detail
    approved = client.post(f"/partners/excellent/{excellent.pk}/approve/", {"note": "同意"})
    assert approved.status_code == 302

    client.force_login(people.district)
    listing = client.get(f"/partners/excellent/?year={YEAR}").content.decode()
    assert re.search(r"尚未公布的有 <strong>1</strong> 名", listing)
    published = client.post("/partners/excellent/publish/", {"year": YEAR}, follow=True)
    assert f"已公布{YEAR}年度优秀合伙人 1 名" in published.content.decode()

    client.logout()
    public = client.get(f"/p/partners/excellent/{YEAR}/").content.decode()
    assert "张三丰" in public and "全年认领实事12件" in public
    assert re.search(r'id="excellent-count">1<', public)


def test_the_public_list_shows_only_published_names_grouped_by_street_and_community(
    client, org, people
):
    now = timezone.now()

    def honour(community, name, status=PUBLISHED, year=YEAR, kind=PartnerKind.PERSON):
        partner = f.PartnerFactory(community=community, name=name, kind=kind)
        return Excellent.objects.create(
            partner=partner,
            year=year,
            reason=f"{name}的事迹",
            nominated_by=people.secretary,
            status=status,
            published_at=now if status == PUBLISHED else None,
        )

    honour(org.guoao, "国奥律师事务所", kind=PartnerKind.ORGANISATION)
    honour(org.haiyun, "王海韵")
    honour(org.yuehai, "赵悦海")
    honour(org.guoao, "只审核了的", status=APPROVED)
    honour(org.guoao, "刚推荐的", status=NOMINATED)
    honour(org.guoao, "去年的", year=YEAR - 1)

    page = client.get(f"/p/partners/excellent/{YEAR}/").content.decode()

    assert re.search(r'id="excellent-count">3<', page)
    assert "只审核了的" not in page and "刚推荐的" not in page and "去年的" not in page
    # Streets in name order (八角街道 before 长江路街道), each with its communities.
    assert page.index("八角街道") < page.index("赵悦海") < page.index("长江路街道")
    assert page.index("长江路街道") < page.index("国奥社区") < page.index("国奥律师事务所")
    assert page.index("海韵社区") < page.index("王海韵")
    latest = client.get("/p/partners/excellent/").content.decode()
    assert "赵悦海" in latest and f'href="/p/partners/excellent/{YEAR - 1}/"' in latest
    empty = client.get("/p/partners/excellent/2001/")
    assert empty.status_code == 200 and "还没有公布" in empty.content.decode()


def test_the_public_list_costs_the_same_queries_at_two_sizes(
    client, org, people, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            Excellent.objects.create(
                partner=f.PartnerFactory(community=org.guoao),
                year=YEAR,
                reason="事迹",
                nominated_by=people.secretary,
                status=PUBLISHED,
                published_at=timezone.now(),
            )

    build(3)
    url = f"/p/partners/excellent/{YEAR}/"
    client.get(url)
    with django_assert_max_num_queries(5) as small:
        client.get(url)
    build(60)
    with django_assert_max_num_queries(5) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_staff_list_shows_each_scope_its_own(client, org, people, partner):
    nominate(people, partner)
    yuehai = f.PartnerFactory(community=org.yuehai, name="悦海物业")
    excellence.excellent_nominate(by=people.secretary2, partner=yuehai, year=YEAR, reason="好")
    client.force_login(people.street)
    page = client.get("/partners/excellent/").content.decode()
    assert "张三丰" in page and "悦海物业" not in page
    client.force_login(people.district)
    page = client.get("/partners/excellent/").content.decode()
    assert "张三丰" in page and "悦海物业" in page and "公布" in page
    client.force_login(people.partner)
    assert client.get("/partners/excellent/").status_code == 403


def test_the_staff_list_costs_the_same_queries_at_two_sizes(
    client, org, people, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            nominate(people, f.PartnerFactory(community=org.guoao))

    client.force_login(people.district)
    build(3)
    client.get("/partners/excellent/")
    with django_assert_max_num_queries(8) as small:
        client.get("/partners/excellent/")
    build(30)
    with django_assert_max_num_queries(8) as large:
        client.get("/partners/excellent/")
    assert len(small.captured_queries) == len(large.captured_queries)
