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


def test_a_masked_number_typed_for_a_new_partner_is_a_form_error(client, people):
    client.force_login(people.secretary)
    response = client.post(
        "/partners/new/",
        {"once": f.once(), "name": "x", "category": "property", "phone": "139****5678"},
    )
    assert response.status_code == 422
    assert "请输入完整的11位手机号码" in response.content.decode()
    assert not Partner.objects.exists()


def test_an_edit_form_keeps_the_stored_number_only_for_its_own_mask(org, people):
    """The masked number an edit form shows stands for the stored one; another mask does not."""
    from partners.forms import PartnerForm

    partner = f.PartnerFactory(community=org.guoao, phone="13900001234")
    base = {"once": f.once(), "name": partner.name, "category": "property"}
    kept = PartnerForm({**base, "phone": "139****1234"}, instance=partner)
    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data["phone"] == "13900001234"
    other = PartnerForm({**base, "phone": "138****1234"}, instance=partner)
    assert not other.is_valid() and "phone" in other.errors
