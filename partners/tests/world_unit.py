"""Objects of 双报到, 双包 and 战时 call-outs that the URL × persona matrix opens (see
partners/tests/matrix_unit.py): a reported unit adopting 国奥花园, a reported party member covering
its 3号楼, a second compound and building nobody adopts yet, an ended adoption, an open and a
closed emergency, and the `partner` persona's alert in each."""

from django.utils import timezone

from partners.models import (
    Alert,
    BuildingAdoption,
    CompoundAdoption,
    Emergency,
    PartnerCategory,
    PartnerKind,
)
from tests import factories as f


def objects(org, people, partner) -> dict:
    """Name → object, all of 国奥社区 (street A) unless the name says otherwise; `partner` is the
    `partner` persona's own profile in 国奥社区."""
    secretary, now = people.secretary, timezone.now()
    building = org.household.building
    unit = f.PartnerFactory(
        community=org.guoao,
        created_by=secretary,
        name="区税务局",
        kind=PartnerKind.ORGANISATION,
        category_id=PartnerCategory.PARTNER_UNIT,
        party_org="区税务局第二党支部",
        reported_at=now,
    )
    member = f.PartnerFactory(
        community=org.guoao,
        created_by=secretary,
        name="李党员",
        category_id=PartnerCategory.PARTY_MEMBER,
        employer="区人民医院",
        home_building=building,
        compound=org.compound,
        reported_at=now,
    )
    ended = CompoundAdoption.objects.create(
        partner=unit, compound=org.compound, created_by=secretary, ended_at=now
    )
    emergency = Emergency.objects.create(
        community=org.guoao,
        title="暴雨红色预警值守",
        description="到低洼处值守",
        opened_by=secretary,
    )
    emergency.compounds.add(org.compound)
    closed = Emergency.objects.create(
        community=org.guoao,
        title="寒潮停暖应急",
        description="排查独居老人",
        opened_by=secretary,
        status=Emergency.Status.CLOSED,
        closed_by=secretary,
        closed_at=now,
        report="已全部排查",
    )
    closed.compounds.add(org.compound)
    return {
        "dual_unit": unit,
        "dual_member": member,
        "dual_building": building,
        # Nobody adopts these yet: the valid adoptions of the matrix.
        "dual_compound2": f.CompoundFactory(community=org.guoao, name="国奥二期"),
        "dual_building2": f.BuildingFactory(compound=org.compound, number="5号楼"),
        "compound_adoption": CompoundAdoption.objects.create(
            partner=unit, compound=org.compound, created_by=secretary
        ),
        "compound_adoption_ended": ended,
        "building_adoption": BuildingAdoption.objects.create(
            partner=member, building=building, created_by=secretary
        ),
        "emergency": emergency,
        "emergency_closed": closed,
        "alert": Alert.objects.create(emergency=emergency, partner=partner),
        "alert_closed": Alert.objects.create(emergency=closed, partner=partner),
    }
