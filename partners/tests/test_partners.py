import pytest

from core.models import AuditEvent
from partners.models import Partner
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_secretary_registers_a_partner_with_a_masked_phone(client, org, people):
    client.force_login(people.secretary)
    response = client.post(
        "/partners/new/",
        {
            "once": f.once(),
            "name": "国奥物业服务中心",
            "category": "property",
            "skills": "维修",
            "phone": "139 0000 1234",
        },
    )
    partner = Partner.objects.get(name="国奥物业服务中心")
    assert response.status_code == 302
    assert partner.community == org.guoao and partner.phone.full == "13900001234"
    event = AuditEvent.objects.get(action="partner.create")
    assert event.detail == {"phone": "139****1234"}
    listing = client.get("/partners/").content.decode()
    assert "139****1234" in listing and "13900001234" not in listing
    detail = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "13900001234" not in detail


def test_bad_phone_gets_a_message_and_saves_nothing(client, people):
    client.force_login(people.secretary)
    response = client.post(
        "/partners/new/", {"once": f.once(), "name": "x", "category": "property", "phone": "12345"}
    )
    assert response.status_code == 422
    assert "11位手机号码" in response.content.decode()
    assert not Partner.objects.exists()


def test_partner_sees_own_record_only(org, people):
    own = f.PartnerFactory(community=org.guoao, user=people.partner)
    f.PartnerFactory(community=org.guoao)
    assert list(Partner.objects.visible_to(people.partner)) == [own]
    assert Partner.objects.visible_to(people.district).count() == 2


def test_partner_of_another_community_is_a_404(client, org, people):
    partner = f.PartnerFactory(community=org.guoao)
    client.force_login(people.secretary2)
    assert client.get(f"/partners/{partner.pk}/").status_code == 404
