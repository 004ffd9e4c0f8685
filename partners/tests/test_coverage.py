"""The coverage view (包联覆盖): which compounds and buildings nobody covers, per community, per
street and for the district; it changes with adoptions and stays constant in queries whatever
the number of compounds, buildings and adoptions."""

import re

import pytest
from django.urls import reverse

from partners import units
from partners.models import (
    BuildingAdoption,
    CompoundAdoption,
    PartnerCategory,
    PartnerKind,
    PartnerStatus,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("partners:coverage")


def _count(html: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', html)
    assert found, name
    return int(found.group(1))


def _unit(org, people, community=None):
    return f.PartnerFactory(
        community=community or org.guoao,
        created_by=people.secretary,
        kind=PartnerKind.ORGANISATION,
        category_id=PartnerCategory.PARTNER_UNIT,
    )


def _member(org, people, community=None):
    return f.PartnerFactory(
        community=community or org.guoao,
        created_by=people.secretary,
        category_id=PartnerCategory.PARTY_MEMBER,
    )


def test_a_unit_adopts_a_compound_and_the_coverage_view_changes(client, org, people):
    client.force_login(people.secretary)
    page = client.get(URL).content.decode()
    assert _count(page, "compounds") == 1 and _count(page, "uncovered-compounds") == 1
    assert "无单位包联" in page

    unit = _unit(org, people)
    adoption = units.compound_adopt(partner=unit, by=people.secretary, compound=org.compound)
    page = client.get(URL).content.decode()
    assert _count(page, "uncovered-compounds") == 0
    assert unit.name in page

    units.adoption_end(kind="compound", adoption=adoption, by=people.secretary)
    page = client.get(URL).content.decode()
    assert _count(page, "uncovered-compounds") == 1


def test_a_party_member_covers_a_building_and_the_counts_follow(client, org, people):
    f.BuildingFactory(compound=org.compound, number="10号楼")
    member = _member(org, people)
    client.force_login(people.worker)
    page = client.get(URL).content.decode()
    assert _count(page, "buildings") == 2 and _count(page, "uncovered-buildings") == 2

    adoption = units.building_adopt(
        partner=member, by=people.secretary, building=org.household.building
    )
    page = client.get(URL).content.decode()
    assert _count(page, "uncovered-buildings") == 1
    assert '2 栋,<span class="text-danger">1 栋无人包联' in page
    assert member.name in page

    units.adoption_end(kind="building", adoption=adoption, by=people.secretary)
    assert _count(client.get(URL).content.decode(), "uncovered-buildings") == 2


def test_an_adoption_by_a_partner_who_left_covers_nothing(client, org, people):
    unit = _unit(org, people)
    CompoundAdoption.objects.create(
        partner=unit, compound=org.compound, created_by=people.secretary
    )
    unit.status = PartnerStatus.LEFT
    unit.save(update_fields=["status"])
    rows, counts = units.coverage_community(org.guoao)
    assert counts.uncovered_compounds == 1 and rows[0].units == []


def test_the_street_sees_its_communities_and_drills_into_one(client, org, people):
    units.compound_adopt(partner=_unit(org, people), by=people.secretary, compound=org.compound)
    f.CompoundFactory(community=org.haiyun, name="海韵小区")
    client.force_login(people.street)
    page = client.get(URL).content.decode()
    assert "国奥社区" in page and "海韵社区" in page and "悦海社区" not in page
    assert _count(page, "compounds") == 2 and _count(page, "uncovered-compounds") == 1
    assert f"?community={org.guoao.pk}" in page
    drilled = client.get(URL, {"community": org.guoao.pk})
    assert drilled.status_code == 200 and "国奥花园" in drilled.content.decode()
    assert client.get(URL, {"community": org.yuehai.pk}).status_code == 404


def test_the_district_sees_every_street_and_drills_into_one(client, org, people):
    f.CompoundFactory(community=org.yuehai, name="悦海花园")
    client.force_login(people.district)
    page = client.get(URL).content.decode()
    assert "长江路街道" in page and "八角街道" in page
    assert _count(page, "compounds") == 2
    street = client.get(URL, {"street": org.street_b.pk}).content.decode()
    assert "悦海社区" in street and "国奥社区" not in street


def test_community_staff_cannot_look_into_another_community_or_a_street(client, org, people):
    client.force_login(people.secretary)
    assert client.get(URL, {"community": org.haiyun.pk}).status_code == 404
    assert client.get(URL, {"street": org.street_a.pk}).status_code == 404
    assert client.get(URL, {"community": "abc"}).status_code == 404


def test_partners_and_residents_do_not_see_coverage(client, people):
    for who in (people.partner, people.resident):
        client.force_login(who)
        assert client.get(URL).status_code == 403


def _grow(org, people, n: int) -> None:
    """n more compounds per community of street A, each with 3n buildings, half of them
    adopted by a unit or covered by a party member."""
    for community in (org.guoao, org.haiyun):
        unit, member = _unit(org, people, community), _member(org, people, community)
        for i in range(n):
            compound = f.CompoundFactory(community=community)
            if i % 2:
                CompoundAdoption.objects.create(
                    partner=unit, compound=compound, created_by=people.secretary
                )
            for j in range(3 * n):
                building = f.BuildingFactory(compound=compound)
                if j % 2:
                    BuildingAdoption.objects.create(
                        partner=member, building=building, created_by=people.secretary
                    )


@pytest.mark.parametrize(
    ("who", "query", "limit"),
    [
        ("secretary", {}, 8),
        ("street", {}, 8),
        ("street", {"community": "guoao"}, 9),
        ("district", {}, 8),
        ("district", {"street": "street_a"}, 9),
    ],
)
def test_coverage_queries_do_not_grow_with_compounds_and_buildings(
    client, org, people, django_assert_max_num_queries, who, query, limit
):
    places = {"guoao": org.guoao.pk, "street_a": org.street_a.pk}
    params = {k: places[v] for k, v in query.items()}
    client.force_login(getattr(people, who))
    counted = []
    for n in (2, 6):
        _grow(org, people, n)
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(URL, params)
        assert response.status_code == 200
        counted.append(len(captured))
    assert counted[0] == counted[1], counted
