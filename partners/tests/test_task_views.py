"""Practical tasks' pages: the staff list with the claimed count, the partner's list with its
认领 buttons, the claimant search, claiming and finishing through the pages, and the residents'
notice (实事公示) with masked names, photos only of done tasks and constant queries."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from partners.models import PartnerKind, PracticalTask
from partners.tests.world_task import done_task, make_task
from tests import factories as f

pytestmark = pytest.mark.django_db

OPEN, CLAIMED, DONE = (
    PracticalTask.Status.OPEN,
    PracticalTask.Status.CLAIMED,
    PracticalTask.Status.DONE,
)


@pytest.fixture
def partner(org, people):
    return f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner, name="张三丰"
    )


def png(name="done.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), "orange").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text(response) -> str:
    return response.content.decode()


# --- the staff list ------------------------------------------------------------------------------
def test_the_district_sees_the_district_wide_claimed_count_by_street(client, org, people, partner):
    yuehai_partner = f.PartnerFactory(community=org.yuehai)
    done_task(org, people, partner)
    make_task(org, people, status=CLAIMED, claimed_by=partner)
    make_task(org, people)  # open: not counted
    done_task(org, people, yuehai_partner, created_by=people.secretary2)
    client.force_login(people.district)

    page = text(client.get("/partners/tasks/"))

    total = re.search(r'id="claimed-total">(\d+)<', page).group(1)
    assert int(total) == PracticalTask.objects.claimed().count() == 3
    assert '<td>长江路街道</td><td class="text-end">2</td>' in page
    assert '<td>八角街道</td><td class="text-end">1</td>' in page


def test_a_secretary_sees_their_communitys_tasks_and_count_only(client, org, people, partner):
    done_task(org, people, partner, title="国奥的实事")
    other = f.PartnerFactory(community=org.yuehai)
    done_task(org, people, other, title="悦海的实事", created_by=people.secretary2)
    client.force_login(people.secretary)

    page = text(client.get("/partners/tasks/"))

    assert "国奥的实事" in page and "悦海的实事" not in page
    assert re.search(r'id="claimed-total">1<', page)


def test_the_list_filters_by_status_kind_community_and_month(client, org, people, partner):
    make_task(org, people, title="十二月义诊", kind="health", date="2026-12-05")
    make_task(org, people, title="十一月法律援助", date="2026-11-05")
    done_task(org, people, partner, title="已办完的理发", kind="haircut", date="2026-12-01")
    client.force_login(people.street)

    by_month = text(client.get("/partners/tasks/?month=2026-12"))
    assert "十二月义诊" in by_month and "十一月法律援助" not in by_month
    by_kind = text(client.get("/partners/tasks/?kind=health"))
    assert "十二月义诊" in by_kind and "已办完的理发" not in by_kind
    by_status = text(client.get("/partners/tasks/?status=done"))
    assert "已办完的理发" in by_status and "十二月义诊" not in by_status
    by_place = text(client.get(f"/partners/tasks/?community={org.haiyun.pk}"))
    assert "十二月义诊" not in by_place
    rows = client.get("/partners/tasks/?kind=health", headers={"HX-Request": "true"})
    assert "十二月义诊" in text(rows) and "<html" not in text(rows)
    assert client.get("/partners/tasks/?month=2026-13").status_code == 200  # ignored, not a 500


@pytest.mark.parametrize("role", ["district", "secretary"])
def test_the_staff_list_costs_the_same_queries_at_two_sizes(
    client, org, people, partner, role, django_assert_max_num_queries
):
    client.force_login(getattr(people, role))

    def build(n):
        for i in range(n):
            make_task(org, people, status=CLAIMED, claimed_by=partner, title=f"实事{i}")

    build(3)
    client.get("/partners/tasks/")  # warm the per-process caches (labels, content types)
    with django_assert_max_num_queries(8) as small:
        client.get("/partners/tasks/")
    build(30)
    with django_assert_max_num_queries(8) as large:
        response = client.get("/partners/tasks/")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.status_code == 200


# --- the partner's list and claiming ---------------------------------------------------------------
def test_a_partner_sees_their_communitys_open_tasks_and_their_own(client, org, people, partner):
    make_task(org, people, title="国奥待认领")
    make_task(org, people, title="悦海待认领", community=org.yuehai, created_by=people.secretary2)
    make_task(
        org,
        people,
        title="别人认领的",
        status=CLAIMED,
        claimed_by=f.PartnerFactory(community=org.guoao),
    )
    make_task(org, people, title="我认领的义诊", status=CLAIMED, claimed_by=partner)
    client.force_login(people.partner)

    page = text(client.get("/partners/tasks/"))

    assert "国奥待认领" in page and "我认领的义诊" in page
    assert "悦海待认领" not in page and "别人认领的" not in page
    assert 'aria-label="认领:国奥待认领"' in page
    assert 'aria-label="标记完成:我认领的义诊"' in page


def test_the_partners_list_costs_the_same_queries_at_two_sizes(
    client, org, people, partner, django_assert_max_num_queries
):
    client.force_login(people.partner)

    def build(n):
        for i in range(n):
            make_task(org, people, title=f"待认领{i}")
            make_task(org, people, title=f"我的{i}", status=CLAIMED, claimed_by=partner)

    build(2)
    client.get("/partners/tasks/")
    with django_assert_max_num_queries(8) as small:
        client.get("/partners/tasks/")
    build(20)
    with django_assert_max_num_queries(8) as large:
        client.get("/partners/tasks/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_partner_claims_by_the_button_and_a_late_second_hears_it_is_taken(
    client, org, people, partner
):
    task = make_task(org, people, title="法律援助进小区")
    client.force_login(people.partner)

    response = client.post(f"/partners/tasks/{task.pk}/claim/")

    assert response.status_code == 302 and response["Location"] == "/partners/tasks/#mine"
    task.refresh_from_db()
    assert task.status == CLAIMED and task.claimed_by == partner
    rival = f.make_user("partner", org.guoao, username="rival")
    f.PartnerFactory(community=org.guoao, user=rival, name="李四")
    client.force_login(rival)
    late = client.post(f"/partners/tasks/{task.pk}/claim/")
    assert late.status_code == 409
    assert "这件实事已被认领" in text(late)


def test_staff_find_a_unit_by_search_and_claim_on_its_behalf(client, org, people, partner):
    task = make_task(org, people)
    firm = f.PartnerFactory(
        community=org.guoao, name="国奥律师事务所", kind=PartnerKind.ORGANISATION
    )
    for i in range(12):
        f.PartnerFactory(community=org.guoao, name=f"国奥志愿者{i}")
    f.PartnerFactory(community=org.yuehai, name="悦海律师事务所")
    client.force_login(people.secretary)

    found = text(client.get(f"/partners/tasks/{task.pk}/claimants/?q=律师"))
    assert "国奥律师事务所" in found and "悦海律师事务所" not in found
    many = text(client.get(f"/partners/tasks/{task.pk}/claimants/?q=国奥"))
    assert many.count('name="partner"') == 10  # a search, never the whole list
    assert "请输入更完整的名称" in many
    assert 'name="partner"' not in text(client.get(f"/partners/tasks/{task.pk}/claimants/"))
    without_script = text(client.get(f"/partners/tasks/{task.pk}/?q=律师"))
    assert f'value="{firm.pk}"' in without_script

    response = client.post(f"/partners/tasks/{task.pk}/claim/", {"partner": firm.pk})
    assert response.status_code == 302
    assert PracticalTask.objects.get(pk=task.pk).claimed_by == firm
    refused = client.post(f"/partners/tasks/{task.pk}/claim/", {"partner": firm.pk})
    assert refused.status_code == 409


def test_the_claimant_marks_done_with_a_photo_and_residents_then_see_it(
    client, org, people, partner
):
    task = make_task(org, people, title="法律援助进小区", status=CLAIMED, claimed_by=partner)
    client.force_login(people.partner)
    assert client.get(f"/p/tasks/{task.pk}/").status_code == 404

    missing = client.post(f"/partners/tasks/{task.pk}/done/", {"hours": "2"})
    assert missing.status_code == 422 and "请写明完成情况" in text(missing)
    response = client.post(
        f"/partners/tasks/{task.pk}/done/",
        {"result": "解答咨询15人次", "hours": "2", "photo": png(), "photo_consent": "on"},
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == DONE and task.photo is not None
    client.logout()
    notice = text(client.get("/p/tasks/"))
    assert "法律援助进小区" in notice and "解答咨询15人次" in notice
    assert f"/p/tasks/{task.pk}/photo/" in notice
    photo = client.get(f"/p/tasks/{task.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    # Not through the staff file view: that one is for those who see the task.
    assert client.get(f"/files/{task.photo.uuid}/").status_code == 302


def test_a_photo_is_public_only_once_the_task_is_done(client, org, people, partner):
    from partners.tests.world_task import task_photo

    task = make_task(org, people, status=CLAIMED, claimed_by=partner)
    task.photo = task_photo(task, people.partner)  # as if stored, the task not yet done
    task.save(update_fields=["photo"])
    assert client.get(f"/p/tasks/{task.pk}/photo/").status_code == 404
    assert client.get(f"/p/tasks/{task.pk}/").status_code == 404
    task.status, task.done_at, task.result = DONE, timezone.now(), "好"
    task.save()
    assert client.get(f"/p/tasks/{task.pk}/photo/").status_code == 200
    no_photo = done_task(org, people, partner)
    assert client.get(f"/p/tasks/{no_photo.pk}/photo/").status_code == 404


# --- the residents' notice -------------------------------------------------------------------------
def test_the_notice_shows_done_tasks_newest_first_with_units_named_and_people_masked(
    client, org, people, partner
):
    now = timezone.now()
    firm = f.PartnerFactory(
        community=org.guoao, name="国奥律师事务所", kind=PartnerKind.ORGANISATION
    )
    done_task(org, people, partner, title="较早的义诊", done_at=now - timezone.timedelta(days=2))
    done_task(org, people, firm, title="最新的法律援助", done_at=now)
    make_task(org, people, title="还在认领中", status=CLAIMED, claimed_by=partner)
    make_task(org, people, title="待认领的", status=OPEN)

    page = text(client.get("/p/tasks/"))

    assert page.index("最新的法律援助") < page.index("较早的义诊")
    assert "还在认领中" not in page and "待认领的" not in page
    assert "国奥律师事务所" in page
    assert "张**" in page and "张三丰" not in page
    assert "长江路街道 · 国奥社区 · 国奥花园" in page
    detail = text(client.get(f"/p/tasks/{PracticalTask.objects.get(title='较早的义诊').pk}/"))
    assert "张**" in detail and "张三丰" not in detail and "解答咨询12人次" in detail


def test_the_notice_filters_by_street_and_community(client, org, people, partner):
    done_task(org, people, partner, title="国奥的实事")
    done_task(
        org,
        people,
        f.PartnerFactory(community=org.yuehai),
        title="悦海的实事",
        created_by=people.secretary2,
    )
    by_street = text(client.get(f"/p/tasks/?street={org.street_b.pk}"))
    assert "悦海的实事" in by_street and "国奥的实事" not in by_street
    by_community = text(client.get(f"/p/tasks/?community={org.guoao.pk}"))
    assert "国奥的实事" in by_community and "悦海的实事" not in by_community
    # A community of another street than the one picked is dropped, not mixed.
    mixed = text(client.get(f"/p/tasks/?street={org.street_b.pk}&community={org.guoao.pk}"))
    assert "悦海的实事" in mixed and "国奥的实事" not in mixed
    assert client.get("/p/tasks/?street=abc&community=²").status_code == 200


@pytest.mark.parametrize("query", ["", "?street={street}", "?community={community}"])
def test_the_notice_costs_the_same_queries_at_two_sizes(
    client, org, people, partner, query, django_assert_max_num_queries
):
    url = "/p/tasks/" + query.format(street=org.street_a.pk, community=org.guoao.pk)

    def build(n):
        for i in range(n):
            done_task(org, people, partner, title=f"实事{i}", with_photo=i % 2 == 0)

    build(3)
    client.get(url)
    with django_assert_max_num_queries(6) as small:
        client.get(url)
    build(30)
    with django_assert_max_num_queries(6) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert text(response).count("/photo/") == 6  # a page of 12, every other with a photo


def test_the_public_task_page_costs_constant_queries(
    client, org, people, partner, django_assert_max_num_queries
):
    task = done_task(org, people, partner, with_photo=True)
    with django_assert_max_num_queries(3):
        response = client.get(f"/p/tasks/{task.pk}/")
    assert response.status_code == 200


def test_the_residents_front_page_links_the_notice_and_the_excellent_list(client, org):
    page = text(client.get("/p/"))
    assert 'href="/p/tasks/"' in page and 'href="/p/partners/excellent/"' in page


def test_the_partners_page_shows_the_tasks_they_claimed_with_their_hours(
    client, org, people, partner
):
    from decimal import Decimal

    done_task(org, people, partner, title="法律援助进小区", hours=Decimal("3"))
    client.force_login(people.secretary)
    page = text(client.get(f"/partners/{partner.pk}/"))
    assert "认领的实事" in page and "法律援助进小区" in page and "服务 3 小时" in page
