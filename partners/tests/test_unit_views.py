"""The pages of 双报到 and 双包: registering a unit or a party member (updated, never doubled),
the section on the partner's page, adopting and ending through it, refusals as messages, and the
list's query count."""

import pytest
from django.urls import reverse

from partners.models import (
    BuildingAdoption,
    CompoundAdoption,
    Partner,
    PartnerCategory,
    PartnerKind,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
REPORT = reverse("partners:dual_report")


def _unit(org, people):
    return f.PartnerFactory(
        community=org.guoao,
        created_by=people.secretary,
        name="区税务局",
        kind=PartnerKind.ORGANISATION,
        category_id=PartnerCategory.PARTNER_UNIT,
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_unit_adopts_a_compound_and_the_coverage_view_changes(client, org, people):
    """Done-when of issue 13, through the pages a secretary uses."""
    client.force_login(people.secretary)
    coverage = reverse("partners:coverage")
    before = client.get(coverage).content.decode()
    uncovered = 'list-group-item-danger" data-compound="国奥花园"'
    assert uncovered in before
    assert 'data-count="uncovered-compounds">1<' in before

    response = client.post(
        f"{REPORT}?type=unit",
        {
            "once": f.once(),
            "name": "区人民法院",
            "party_org": "区人民法院机关党委",
            "phone": "13900002222",
            "skills": "法律咨询",
        },
    )
    unit = Partner.objects.get(name="区人民法院")
    assert response.status_code == 302 and response["Location"] == unit.get_absolute_url()
    assert unit.reported_at and unit.category_id == PartnerCategory.PARTNER_UNIT

    page = client.get(unit.get_absolute_url()).content.decode()
    assert "双报到与包联" in page and "登记包联小区" in page
    response = client.post(
        reverse("partners:adopt_compound", args=[unit.pk]),
        {"once": f.once(), "compound": org.compound.pk, "note": "法律进小区"},
        follow=True,
    )
    assert "已登记:区人民法院包联国奥花园。" in _messages(response)
    assert CompoundAdoption.objects.current().get().partner == unit

    after = client.get(coverage).content.decode()
    assert 'data-count="uncovered-compounds">0<' in after and "区人民法院" in after
    assert uncovered not in after


def test_a_second_report_of_a_number_updates_the_partner_and_says_so(client, org, people):
    client.force_login(people.secretary)
    page = client.get(REPORT, {"type": "member"}).content.decode()
    assert '<optgroup label="国奥花园">' in page and "3号楼" in page
    data = {
        "once": f.once(),
        "name": "李党员",
        "phone": "13900003333",
        "employer": "区人民医院",
        "home_building": org.household.building.pk,
    }
    client.post(f"{REPORT}?type=member", data)
    response = client.post(
        f"{REPORT}?type=member", {**data, "once": f.once(), "employer": "区疾控中心"}, follow=True
    )
    assert "李党员已是本社区合伙人,已更新双报到信息,没有重复登记。" in _messages(response)
    partner = Partner.objects.get()
    assert partner.employer == "区疾控中心" and partner.home_building == org.household.building


def test_a_bad_report_gets_a_message_and_saves_nothing(client, org, people):
    client.force_login(people.secretary)
    other = f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai))
    response = client.post(
        f"{REPORT}?type=member",
        {
            "once": f.once(),
            "name": "王",
            "phone": "12345",
            "employer": "x",
            "home_building": other.pk,
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "11位手机号码" in body and "居住楼栋" in body
    assert not Partner.objects.exists()


def test_the_section_shows_adoptions_and_forms_to_staff_only(client, org, people):
    unit = _unit(org, people)
    unit.user = people.partner
    unit.save(update_fields=["user"])
    CompoundAdoption.objects.create(
        partner=unit, compound=org.compound, note="环境整治", created_by=people.secretary
    )
    client.force_login(people.secretary)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "环境整治" in page and "结束包联" in page and "登记包联小区" in page
    assert "登记包联楼栋" not in page  # a unit adopts compounds, not buildings
    client.force_login(people.partner)
    own = client.get(unit.get_absolute_url()).content.decode()
    assert "环境整治" in own and "结束包联" not in own and "登记包联小区" not in own


def test_a_partner_neither_unit_nor_member_has_no_section(client, org, people):
    person = f.PartnerFactory(community=org.guoao, created_by=people.secretary)
    client.force_login(people.secretary)
    assert "双报到与包联" not in client.get(person.get_absolute_url()).content.decode()


def test_refusals_come_back_as_messages_not_500s(client, org, people):
    unit = _unit(org, people)
    member = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, category_id=PartnerCategory.PARTY_MEMBER
    )
    CompoundAdoption.objects.create(
        partner=unit, compound=org.compound, created_by=people.secretary
    )
    client.force_login(people.secretary)
    url = reverse("partners:adopt_compound", args=[unit.pk])
    twice = client.post(url, {"once": f.once(), "compound": org.compound.pk})
    assert twice.status_code == 409 and "已在包联国奥花园" in twice.content.decode()
    other = f.CompoundFactory(community=org.haiyun)
    foreign = client.post(url, {"once": f.once(), "compound": other.pk})
    assert foreign.status_code == 422
    wrong_kind = client.post(
        reverse("partners:adopt_compound", args=[member.pk]),
        {"once": f.once(), "compound": org.compound.pk},
    )
    assert wrong_kind.status_code == 422 and "只有共建单位" in wrong_kind.content.decode()
    assert CompoundAdoption.objects.count() == 1


def test_ending_an_adoption_from_the_partners_page(client, org, people):
    member = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, category_id=PartnerCategory.PARTY_MEMBER
    )
    client.force_login(people.worker)
    client.post(
        reverse("partners:adopt_building", args=[member.pk]),
        {"once": f.once(), "building": org.household.building.pk, "note": ""},
    )
    adoption = BuildingAdoption.objects.get()
    end = reverse("partners:adoption_end", args=["building", adoption.pk])
    response = client.post(end)
    assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
    adoption.refresh_from_db()
    assert adoption.ended_at is not None
    again = client.post(end)
    assert again.status_code == 409 and "已经结束" in again.content.decode()
    assert (
        client.post(reverse("partners:adoption_end", args=["flat", adoption.pk])).status_code == 404
    )
    client.force_login(people.secretary2)
    assert client.post(end).status_code == 404


def test_the_dual_report_list_stays_constant_in_queries(
    client, org, people, django_assert_max_num_queries
):
    client.force_login(people.secretary)
    counted = []
    for n in (3, 9):
        for _ in range(n):
            unit = _unit(org, people)
            unit.reported_at = unit.created_at
            unit.save(update_fields=["reported_at"])
            CompoundAdoption.objects.create(
                partner=unit,
                compound=f.CompoundFactory(community=org.guoao),
                created_by=people.secretary,
            )
            member = f.PartnerFactory(
                community=org.guoao,
                created_by=people.secretary,
                category_id=PartnerCategory.PARTY_MEMBER,
                reported_at=unit.created_at,
                home_building=org.household.building,
            )
            BuildingAdoption.objects.create(
                partner=member,
                building=f.BuildingFactory(compound=org.compound),
                created_by=people.secretary,
            )
        with django_assert_max_num_queries(8) as captured:
            response = client.get(reverse("partners:dual_report_list"))
        assert response.status_code == 200
        counted.append(len(captured))
    assert counted[0] == counted[1], counted
    members = client.get(reverse("partners:dual_report_list"), {"kind": "member"})
    assert "区税务局" not in members.content.decode()
