"""One phone, one partner of a community (Partner's PARTNER_ONE_PHONE constraint), whichever way
the partner is made: staff registering or editing, 双报到, the Excel import, approving an
application. A partner in the trash keeps its number (restored, it would be a second partner);
a check that passed before somebody else's insert ends in a clear refusal, never a 500.

The races are staged here by making the check miss; test_one_phone_concurrency.py runs real ones
on PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import AuditEvent, Upload
from core.phone import phone_hash
from core.workflow import Conflict
from partners import imports, recruitment, staff, units
from partners.models import (
    Application,
    Category,
    ImportJob,
    ImportStatus,
    Partner,
    PartnerStatus,
)
from partners.tests.test_import import GOOD, post, upload, workbook
from partners.tests.test_recruit_services import form_data, make_call
from tests import factories as f

pytestmark = pytest.mark.django_db

NUMBER = "13900001111"


def trashed(org, people, phone=NUMBER, **kwargs):
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, phone=phone, **kwargs
    )
    Partner.objects.filter(pk=partner.pk).update(deleted_at=timezone.now())
    return partner


def create_data(**changes):
    data = {
        "name": "王师傅",
        "kind": "person",
        "category": Category.objects.get(code="property"),
        "phone": NUMBER,
        "duties": [],
    }
    return {**data, **changes}


def unit_data(**changes):
    return {"name": "区税务局", "party_org": "区税务局党支部", "phone": NUMBER, **changes}


# --- the database ---------------------------------------------------------------------------------
def test_the_database_refuses_a_second_partner_of_a_number_even_beside_one_in_the_trash(
    org, people
):
    trashed(org, people)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PartnerFactory(community=org.guoao, phone=NUMBER)
    f.PartnerFactory(community=org.yuehai, phone=NUMBER)  # another community: another partner
    assert Partner.objects.filter(phone_hash=phone_hash(NUMBER)).count() == 2


def test_partners_who_left_hold_no_number_and_are_never_a_clash(org):
    for _ in range(2):
        f.PartnerFactory(community=org.guoao, phone="", status=PartnerStatus.LEFT)
    assert Partner.objects.filter(community=org.guoao, phone_hash="").count() == 2


# --- staff registering and editing ----------------------------------------------------------------
def test_staff_cannot_register_the_number_of_a_partner_in_the_trash(org, people):
    old = trashed(org, people, name="老王")
    with pytest.raises(ValidationError) as refused:
        staff.partner_create(by=people.secretary, community=org.guoao, data=create_data())
    assert refused.value.messages == [staff.PHONE_IN_TRASH]
    assert "老王" not in refused.value.messages[0]  # a trashed record's name stays out of sight
    assert list(Partner.objects.filter(community=org.guoao)) == [old]


def test_the_registration_page_answers_a_trashed_number_with_422(client, org, people):
    trashed(org, people)
    client.force_login(people.secretary)
    response = client.post(
        "/partners/new/",
        {
            "once": f.once(),
            "name": "新人",
            "category": "property",
            "kind": "person",
            "phone": NUMBER,
        },
    )
    assert response.status_code == 422 and "回收站" in response.content.decode()
    assert Partner.objects.filter(community=org.guoao).count() == 1


def test_staff_cannot_edit_a_partner_onto_the_number_of_one_in_the_trash(org, people):
    trashed(org, people)
    p = f.PartnerFactory(community=org.guoao, created_by=people.secretary)
    with pytest.raises(ValidationError) as refused:
        staff.partner_update(partner=p, by=people.secretary, data={"phone": NUMBER})
    assert refused.value.messages == [staff.PHONE_IN_TRASH]


def test_a_number_registered_meanwhile_refuses_the_registration_with_a_conflict(
    org, people, monkeypatch
):
    f.PartnerFactory(community=org.guoao, created_by=people.worker, phone=NUMBER, name="王师傅")
    monkeypatch.setattr(staff, "phone_problem", lambda *a, **k: None)  # the check ran first
    with pytest.raises(Conflict) as refused:
        staff.partner_create(by=people.secretary, community=org.guoao, data=create_data())
    assert refused.value.messages == [staff.PHONE_JUST_TAKEN]
    assert Partner.objects.filter(community=org.guoao).count() == 1
    assert not AuditEvent.objects.filter(action="partner.create", actor=people.secretary).exists()


def test_a_number_registered_meanwhile_refuses_the_edit_with_a_conflict(org, people, monkeypatch):
    f.PartnerFactory(community=org.guoao, created_by=people.worker, phone=NUMBER)
    p = f.PartnerFactory(community=org.guoao, created_by=people.secretary, phone="13900002222")
    monkeypatch.setattr(staff, "phone_problem", lambda *a, **k: None)
    with pytest.raises(Conflict):
        staff.partner_update(partner=p, by=people.secretary, data={"phone": NUMBER})
    p.refresh_from_db()
    assert p.phone.full == "13900002222"
    assert not AuditEvent.objects.filter(action="partner.edit").exists()


# --- 双报到 -----------------------------------------------------------------------------------------
def test_a_dual_report_of_the_number_of_a_partner_in_the_trash_is_refused(org, people):
    trashed(org, people, kind="organisation", category_id="partner_unit")
    with pytest.raises(ValidationError) as refused:
        units.partner_dual_report(
            by=people.secretary, community=org.guoao, kind=units.UNIT, data=unit_data()
        )
    assert refused.value.messages == [staff.PHONE_IN_TRASH]
    assert Partner.objects.filter(community=org.guoao).count() == 1


def test_a_dual_report_of_a_number_registered_meanwhile_is_a_conflict(org, people, monkeypatch):
    f.PartnerFactory(community=org.guoao, created_by=people.worker, phone=NUMBER)
    monkeypatch.setattr(units, "phone_hash", lambda number: "not-yet-there")  # the lookup ran first
    with pytest.raises(Conflict) as refused:
        units.partner_dual_report(
            by=people.secretary, community=org.guoao, kind=units.UNIT, data=unit_data()
        )
    assert refused.value.messages == [staff.PHONE_JUST_TAKEN]
    assert Partner.objects.filter(community=org.guoao).count() == 1


# --- the Excel import ------------------------------------------------------------------------------
def test_an_import_names_the_row_whose_number_belongs_to_a_partner_in_the_trash(
    client, org, people
):
    trashed(org, people, phone=GOOD[0][2])
    client.force_login(people.secretary)

    response = post(client, workbook(GOOD))

    assert response.status_code == 422
    report = {entry["row"]: entry["errors"] for entry in response.context["form"].report}
    assert report == {2: [imports.IN_TRASH]}
    assert "回收站" in response.content.decode()
    assert Partner.objects.filter(community=org.guoao).count() == 1
    assert not ImportJob.objects.exists()


def test_an_import_still_names_a_live_partner_first(org, people):
    f.PartnerFactory(community=org.guoao, phone=GOOD[0][2])
    report = imports.check_rows(org.guoao, [(2, GOOD[0])]).report
    assert report == [{"row": 2, "name": "王师傅", "errors": [imports.TAKEN]}]


def _checks_miss_until(monkeypatch, calls: int):
    """_existing_phones finds nothing for its first `calls` calls (the checks ran before the
    other partner was registered), then what is there."""
    real, seen = imports._existing_phones, []

    def late(community, hashes):
        seen.append(1)
        return {} if len(seen) <= calls else real(community, hashes)

    monkeypatch.setattr(imports, "_existing_phones", late)


def test_an_import_racing_a_registration_imports_nothing_and_names_the_row(
    org, people, monkeypatch
):
    f.PartnerFactory(community=org.guoao, created_by=people.worker, phone=GOOD[1][2])
    _checks_miss_until(monkeypatch, 2)  # check_rows, then the check in the transaction

    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_start(
            by=people.secretary, community=org.guoao, uploaded_file=upload(workbook(GOOD))
        )

    assert refused.value.report == [{"row": 3, "name": "国奥超市", "errors": [imports.TAKEN]}]
    assert Partner.objects.filter(community=org.guoao).count() == 1
    assert not ImportJob.objects.exists() and not Upload.objects.exists()


def test_a_queued_import_racing_a_registration_is_refused_not_failed(org, people, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_ROWS", 1)
    job = imports.import_start(  # queued: the worker's run below is the one that counts
        by=people.secretary, community=org.guoao, uploaded_file=upload(workbook(GOOD))
    )
    f.PartnerFactory(community=org.guoao, created_by=people.worker, phone=GOOD[2][2])
    _checks_miss_until(monkeypatch, 2)

    assert imports.import_run(job_id=job.pk) == ImportStatus.REFUSED

    job.refresh_from_db()
    assert job.created == 0
    assert job.report == [{"row": 4, "name": "李阿姨", "errors": [imports.TAKEN]}]
    assert Partner.objects.filter(community=org.guoao).count() == 1


# --- approving an application ----------------------------------------------------------------------
def test_approving_while_staff_register_the_number_is_a_conflict(org, people, monkeypatch):
    call = make_call(org, people)
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    f.PartnerFactory(community=org.guoao, created_by=people.worker, phone=form_data(call)["phone"])
    monkeypatch.setattr(recruitment, "_returning_partner", lambda application: None)

    with pytest.raises(Conflict) as refused:
        recruitment.application_approve(application=application, by=people.secretary)

    assert refused.value.messages == [staff.PHONE_JUST_TAKEN]
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING
    assert Partner.objects.filter(community=org.guoao).count() == 1
