"""Resources partners offer (partners/resources.py, resource_views.py): who may record them,
the audit rows, retiring and restoring, scope (another community's → 404) and the section on the
partner's page."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from core.models import AuditEvent
from core.workflow import Conflict
from partners.models import PartnerStatus, Resource
from partners.resource_views import resource_section
from partners.resources import (
    resource_create,
    resource_restore,
    resource_retire,
    resource_update,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
VENUE = {
    "kind": "venue",
    "description": "物业服务中心会议室",
    "quantity": Decimal(60),
    "unit": "平方米",
}


@pytest.fixture
def unit(org, people):
    return f.PartnerFactory(
        community=org.guoao, name="国奥物业", kind="organisation", created_by=people.secretary
    )


def test_the_community_records_what_a_unit_offers_and_the_audit_log_says_so(unit, people):
    resource = resource_create(partner=unit, by=people.worker, data=VENUE)
    assert (resource.partner, resource.kind, resource.quantity) == (unit, "venue", Decimal(60))
    assert resource.active and resource.created_by == people.worker
    event = AuditEvent.objects.get(action="resource.create")
    assert event.object_id == str(resource.pk) and event.detail == {
        "partner": unit.pk,
        "kind": "venue",
    }


@pytest.mark.parametrize(
    "who", ["secretary2", "secretary_haiyun", "street", "district", "partner", "resident"]
)
def test_only_the_partners_community_records_its_resources(unit, people, who):
    with pytest.raises(PermissionDenied):
        resource_create(partner=unit, by=getattr(people, who), data=VENUE)
    resource = resource_create(partner=unit, by=people.secretary, data=VENUE)
    for action in (
        lambda: resource_update(resource=resource, by=getattr(people, who), data=VENUE),
        lambda: resource_retire(resource=resource, by=getattr(people, who)),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert Resource.objects.count() == 1 and Resource.objects.get().active


def test_money_is_counted_in_yuan_and_bad_input_is_refused_whole(unit, people):
    money = resource_create(
        partner=unit,
        by=people.secretary,
        data={"kind": "money", "description": "共建经费", "quantity": Decimal(5000), "unit": "万"},
    )
    assert money.unit == "元"
    for bad in (
        {**VENUE, "kind": "gold"},
        {**VENUE, "description": "  "},
        {**VENUE, "quantity": Decimal(-1)},
        {**VENUE, "quantity": Decimal("NaN")},
    ):
        with pytest.raises(ValidationError):
            resource_create(partner=unit, by=people.secretary, data=bad)
    assert Resource.objects.count() == 1


def test_an_inactive_partner_gets_no_new_resource(unit, people):
    unit.status = PartnerStatus.INACTIVE
    unit.save(update_fields=["status"])
    with pytest.raises(Conflict):
        resource_create(partner=unit, by=people.secretary, data=VENUE)
    assert not Resource.objects.exists()


def test_retire_and_restore_are_audited_and_refused_twice(unit, people):
    resource = resource_create(partner=unit, by=people.secretary, data=VENUE)
    resource_update(
        resource=resource, by=people.secretary, data={**VENUE, "description": "二楼会议室"}
    )
    resource.refresh_from_db()
    assert resource.description == "二楼会议室"
    assert AuditEvent.objects.get(action="resource.update").detail["fields"] == ["description"]
    resource_retire(resource=resource, by=people.secretary)
    resource.refresh_from_db()
    assert not resource.active
    with pytest.raises(Conflict):
        resource_retire(resource=resource, by=people.secretary)
    resource_restore(resource=resource, by=people.worker)
    resource.refresh_from_db()
    assert resource.active
    with pytest.raises(Conflict):
        resource_restore(resource=resource, by=people.secretary)
    actions = list(
        AuditEvent.objects.filter(object_id=str(resource.pk), action__startswith="resource.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["resource.create", "resource.update", "resource.retire", "resource.restore"]


def test_the_pages_walk_the_whole_cycle(client, unit, people):
    client.force_login(people.secretary)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert 'id="resources"' in page and f"/partners/{unit.pk}/resources/new/" in page
    response = client.post(
        f"/partners/{unit.pk}/resources/new/", {"once": f.once(), **VENUE, "quantity": "60"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#resources")
    resource = Resource.objects.get()
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "物业服务中心会议室" in page and f"/partners/resources/{resource.pk}/edit/" in page
    response = client.post(f"/partners/resources/{resource.pk}/edit/", {**VENUE, "quantity": "-3"})
    assert response.status_code == 422
    response = client.post(f"/partners/resources/{resource.pk}/retire/")
    assert response.status_code == 302
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "已停用" in page and f"/partners/resources/{resource.pk}/restore/" in page
    assert client.post(f"/partners/resources/{resource.pk}/retire/").status_code == 409


def test_another_communitys_resource_is_not_found_and_the_denial_is_audited(client, unit, people):
    resource = resource_create(partner=unit, by=people.secretary, data=VENUE)
    client.force_login(people.secretary2)
    for url in (
        f"/partners/{unit.pk}/resources/new/",
        f"/partners/resources/{resource.pk}/edit/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/partners/resources/{resource.pk}/retire/").status_code == 404
    resource.refresh_from_db()
    assert resource.active
    assert AuditEvent.objects.filter(action="access.denied", actor=people.secretary2).count() == 3


def test_the_partner_reads_what_it_offers_now_and_changes_nothing(client, org, people):
    own = f.PartnerFactory(community=org.guoao, user=people.partner, created_by=people.secretary)
    offered = resource_create(partner=own, by=people.secretary, data=VENUE)
    retired = resource_create(
        partner=own,
        by=people.secretary,
        data={"kind": "materials", "description": "旧桌椅", "quantity": None, "unit": ""},
    )
    resource_retire(resource=retired, by=people.secretary)
    request = RequestFactory().get("/")
    request.user = people.partner
    section = resource_section(request, own)
    assert section["resources"] == [offered] and not section["may_change"]
    request.user = people.secretary
    section = resource_section(request, own)
    assert section["resources"] == [offered, retired] and section["may_add"]
    client.force_login(people.partner)
    page = client.get(own.get_absolute_url()).content.decode()
    assert "物业服务中心会议室" in page and "旧桌椅" not in page
    assert f"/partners/resources/{offered.pk}/edit/" not in page
    assert client.get(f"/partners/resources/{offered.pk}/edit/").status_code == 403


def test_a_partner_without_resources_shows_no_section_to_outsiders(org, people):
    own = f.PartnerFactory(community=org.guoao, user=people.partner, created_by=people.secretary)
    request = RequestFactory().get("/")
    request.user = people.partner
    assert resource_section(request, own) is None
