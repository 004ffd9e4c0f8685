"""双报到 and 双包 as services: registering a unit or a party member (and never twice), who may
adopt what, duplicates and ends, permissions and the audit rows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from core.workflow import Conflict
from partners import units
from partners.models import (
    BuildingAdoption,
    CompoundAdoption,
    Duty,
    Partner,
    PartnerCategory,
    PartnerKind,
    PartnerStatus,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

UNIT = {
    "name": "区税务局",
    "party_org": "区税务局第二党支部",
    "phone": "13900001234",
    "skills": "税务咨询",
}


def _unit(org, people, **kwargs):
    return f.PartnerFactory(
        community=org.guoao,
        created_by=people.secretary,
        kind=PartnerKind.ORGANISATION,
        category_id=PartnerCategory.PARTNER_UNIT,
        **kwargs,
    )


def _member(org, people, **kwargs):
    return f.PartnerFactory(
        community=org.guoao,
        created_by=people.secretary,
        category_id=PartnerCategory.PARTY_MEMBER,
        **kwargs,
    )


# --- 双报到 -------------------------------------------------------------------------------------
def test_secretary_registers_a_unit_by_dual_report(org, people):
    standby = Duty.objects.get(code="standby")
    partner, created = units.partner_dual_report(
        by=people.secretary,
        community=org.guoao,
        kind=units.UNIT,
        data={**UNIT, "duties": [standby]},
    )
    assert created
    assert partner.kind == PartnerKind.ORGANISATION
    assert partner.category_id == PartnerCategory.PARTNER_UNIT
    assert partner.party_org == "区税务局第二党支部" and partner.skills == "税务咨询"
    assert partner.reported_at is not None and partner.phone.full == "13900001234"
    assert list(partner.duties.all()) == [standby]
    event = AuditEvent.objects.get(action="partner.dual_report")
    assert event.detail["created"] is True and event.detail["phone"] == "139****1234"
    assert "13900001234" not in str(event.detail)


def test_a_second_report_of_the_same_number_updates_the_partner_instead_of_doubling_it(org, people):
    first, _ = units.partner_dual_report(
        by=people.secretary, community=org.guoao, kind=units.UNIT, data=UNIT
    )
    again, created = units.partner_dual_report(
        by=people.worker,
        community=org.guoao,
        kind=units.UNIT,
        data={**UNIT, "name": "区税务局(第二分局)", "phone": "139 0000 1234", "skills": ""},
    )
    assert not created and again.pk == first.pk
    assert Partner.objects.count() == 1
    again.refresh_from_db()
    assert again.name == "区税务局(第二分局)"
    assert again.skills == "税务咨询"  # an empty offer keeps what was known
    assert again.reported_at == first.reported_at  # reported once, on the first day
    event = AuditEvent.objects.filter(action="partner.dual_report").latest("pk")
    assert event.detail["created"] is False and event.detail["fields"] == ["name"]


def test_an_existing_volunteer_who_reports_as_a_party_member_becomes_one(org, people):
    volunteer = f.PartnerFactory(
        community=org.guoao,
        created_by=people.secretary,
        category_id=PartnerCategory.VOLUNTEER,
        phone="13900005555",
    )
    building = org.household.building
    partner, created = units.partner_dual_report(
        by=people.secretary,
        community=org.guoao,
        kind=units.MEMBER,
        data={
            "name": volunteer.name,
            "phone": "13900005555",
            "employer": "区人民医院",
            "home_building": building,
        },
    )
    assert not created and partner.pk == volunteer.pk
    partner.refresh_from_db()
    assert partner.category_id == PartnerCategory.PARTY_MEMBER
    assert partner.employer == "区人民医院" and partner.home_building == building
    assert partner.compound == org.compound and partner.reported_at is not None


def test_the_same_number_in_another_community_is_another_partner(org, people):
    units.partner_dual_report(by=people.secretary, community=org.guoao, kind=units.UNIT, data=UNIT)
    _, created = units.partner_dual_report(
        by=people.secretary2, community=org.yuehai, kind=units.UNIT, data=UNIT
    )
    assert created and Partner.objects.count() == 2


def test_a_person_number_cannot_report_as_a_unit(org, people):
    f.PartnerFactory(community=org.guoao, created_by=people.secretary, phone="13900001234")
    with pytest.raises(ValidationError, match="已登记为个人合伙人"):
        units.partner_dual_report(
            by=people.secretary, community=org.guoao, kind=units.UNIT, data=UNIT
        )


def test_a_party_member_lives_in_a_building_of_the_community(org, people):
    elsewhere = f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai))
    data = {
        "name": "王",
        "phone": "13900006666",
        "employer": "区财政局",
        "home_building": elsewhere,
    }
    with pytest.raises(ValidationError, match="国奥社区的楼栋"):
        units.partner_dual_report(
            by=people.secretary, community=org.guoao, kind=units.MEMBER, data=data
        )
    assert not Partner.objects.exists()


@pytest.mark.parametrize("who", ["secretary2", "street", "district", "partner"])
def test_only_the_communitys_staff_register_a_dual_report(org, people, who):
    with pytest.raises(PermissionDenied):
        units.partner_dual_report(
            by=getattr(people, who), community=org.guoao, kind=units.UNIT, data=UNIT
        )


def test_a_form_field_of_no_report_kind_is_refused(org, people):
    with pytest.raises(ValueError):
        units.partner_dual_report(
            by=people.secretary,
            community=org.guoao,
            kind=units.UNIT,
            data={**UNIT, "community": org.yuehai},
        )


# --- 单位包小区, 党员包楼栋 -------------------------------------------------------------------------
def test_a_unit_adopts_a_compound_of_its_community(org, people):
    unit = _unit(org, people)
    adoption = units.compound_adopt(
        partner=unit, by=people.worker, compound=org.compound, note="环境整治"
    )
    assert adoption.ended_at is None and adoption.note == "环境整治"
    event = AuditEvent.objects.get(action="compound_adoption.create")
    assert event.detail == {"partner": unit.pk, "compound": org.compound.pk}


def test_any_organisation_may_adopt_a_compound(org, people):
    property_company = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, kind=PartnerKind.ORGANISATION
    )
    assert units.compound_adopt(
        partner=property_company, by=people.secretary, compound=org.compound
    )


def test_a_party_member_cannot_adopt_a_compound(org, people):
    with pytest.raises(ValidationError, match="只有共建单位"):
        units.compound_adopt(
            partner=_member(org, people), by=people.secretary, compound=org.compound
        )
    assert not CompoundAdoption.objects.exists()


def test_a_unit_cannot_adopt_another_communitys_compound(org, people):
    other = f.CompoundFactory(community=org.haiyun)
    with pytest.raises(ValidationError, match="本社区的小区"):
        units.compound_adopt(partner=_unit(org, people), by=people.secretary, compound=other)
    assert not CompoundAdoption.objects.exists()


def test_a_second_current_adoption_of_the_same_pair_is_a_message(org, people):
    unit = _unit(org, people)
    units.compound_adopt(partner=unit, by=people.secretary, compound=org.compound)
    with pytest.raises(Conflict, match="已在包联国奥花园"):
        units.compound_adopt(partner=unit, by=people.secretary, compound=org.compound)
    assert CompoundAdoption.objects.count() == 1


def test_an_ended_adoption_may_start_again(org, people):
    unit = _unit(org, people)
    first = units.compound_adopt(partner=unit, by=people.secretary, compound=org.compound)
    units.adoption_end(kind="compound", adoption=first, by=people.secretary)
    again = units.compound_adopt(partner=unit, by=people.secretary, compound=org.compound)
    assert again.pk != first.pk and CompoundAdoption.objects.current().get() == again


def test_a_party_member_covers_a_building_and_a_unit_cannot(org, people):
    building = org.household.building
    member = _member(org, people)
    adoption = units.building_adopt(partner=member, by=people.secretary, building=building)
    assert adoption.partner == member
    with pytest.raises(Conflict, match="不用重复登记"):
        units.building_adopt(partner=member, by=people.secretary, building=building)
    with pytest.raises(ValidationError, match="只有在职党员"):
        units.building_adopt(partner=_unit(org, people), by=people.secretary, building=building)
    other = f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai))
    with pytest.raises(ValidationError, match="本社区的楼栋"):
        units.building_adopt(partner=member, by=people.secretary, building=other)
    assert BuildingAdoption.objects.count() == 1


def test_a_partner_who_left_adopts_nothing_new(org, people):
    unit = _unit(org, people, status=PartnerStatus.LEFT)
    with pytest.raises(ValidationError, match="已退出"):
        units.compound_adopt(partner=unit, by=people.secretary, compound=org.compound)


@pytest.mark.parametrize("who", ["secretary_haiyun", "street", "district", "partner"])
def test_only_the_communitys_staff_record_adoptions(org, people, who):
    unit = _unit(org, people)
    with pytest.raises(PermissionDenied):
        units.compound_adopt(partner=unit, by=getattr(people, who), compound=org.compound)
    adoption = CompoundAdoption.objects.create(
        partner=unit, compound=org.compound, created_by=people.secretary
    )
    with pytest.raises(PermissionDenied):
        units.adoption_end(kind="compound", adoption=adoption, by=getattr(people, who))


def test_ending_an_adoption_twice_is_a_conflict(org, people):
    member = _member(org, people)
    adoption = units.building_adopt(
        partner=member, by=people.secretary, building=org.household.building
    )
    ended = units.adoption_end(kind="building", adoption=adoption, by=people.worker)
    assert ended.ended_at is not None
    assert AuditEvent.objects.get(action="buildingadoption.end").detail == {
        "partner": member.pk,
        "building": org.household.building.pk,
    }
    with pytest.raises(Conflict, match="已经结束"):
        units.adoption_end(kind="building", adoption=adoption, by=people.worker)
