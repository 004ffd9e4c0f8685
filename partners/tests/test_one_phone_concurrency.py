"""Two people registering one number with one community at the same moment: one partner, and
the other told so (409), never a 500 — whether both register it, or one files a 双报到 or an
Excel import meanwhile. Both checks pass (neither sees the other's uncommitted row); the
PARTNER_ONE_PHONE constraint makes the second insert wait for the first and then refuses it.

Runs on PostgreSQL only (SQLite serialises writers, so there is no race to lose).
"""

import pytest

from core.models import AuditEvent
from partners import imports, staff, units
from partners.models import Category, ImportJob, Partner
from partners.tests.test_import import upload, workbook
from partners.tests.test_staff_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NUMBER = "13900001111"


def _create(org, people, by):
    data = {
        "name": "王师傅",
        "kind": "person",
        "category": Category.objects.get(code="property"),
        "phone": NUMBER,
        "duties": [],
    }
    return lambda: staff.partner_create(by=getattr(people, by), community=org.guoao, data=data)


def test_two_registrations_of_one_number_at_once_make_one_partner(org, people, monkeypatch):
    outcomes = _race(
        monkeypatch,
        staff,
        "audit",
        _create(org, people, "secretary"),
        _create(org, people, "worker"),
    )

    assert isinstance(outcomes["first"], Partner)
    assert outcomes["second"] == staff.PHONE_JUST_TAKEN
    assert Partner.objects.filter(community=org.guoao).count() == 1
    assert AuditEvent.objects.filter(action="partner.create").count() == 1


def test_a_dual_report_racing_a_registration_is_refused(org, people, monkeypatch):
    report = {"name": "区税务局", "party_org": "区税务局党支部", "phone": NUMBER}
    outcomes = _race(
        monkeypatch,
        staff,
        "audit",
        _create(org, people, "secretary"),
        lambda: units.partner_dual_report(
            by=people.worker, community=org.guoao, kind=units.UNIT, data=report
        ),
    )

    assert isinstance(outcomes["first"], Partner)
    assert outcomes["second"] == staff.PHONE_JUST_TAKEN
    assert list(Partner.objects.values_list("name", flat=True)) == ["王师傅"]


def test_a_registration_racing_a_dual_report_is_refused(org, people, monkeypatch):
    report = {"name": "区税务局", "party_org": "区税务局党支部", "phone": NUMBER}
    outcomes = _race(
        monkeypatch,
        units,
        "audit",
        lambda: units.partner_dual_report(
            by=people.worker, community=org.guoao, kind=units.UNIT, data=report
        ),
        _create(org, people, "secretary"),
    )

    assert outcomes["first"][1] is True  # (the partner, made)
    assert outcomes["second"] == staff.PHONE_JUST_TAKEN
    assert list(Partner.objects.values_list("name", flat=True)) == ["区税务局"]


def test_an_import_racing_a_registration_imports_nothing_and_names_the_row(
    org, people, monkeypatch
):
    rows = [
        ("李阿姨", "热心居民", "13900002222", "个人", "", "", "", ""),
        ("王师傅", "物业", NUMBER, "个人", "", "", "", ""),
    ]

    def start_import():
        try:
            return imports.import_start(
                by=people.worker, community=org.guoao, uploaded_file=upload(workbook(rows))
            )
        except imports.ImportRefused as refused:
            return refused.report

    outcomes = _race(monkeypatch, staff, "audit", _create(org, people, "secretary"), start_import)

    assert isinstance(outcomes["first"], Partner)
    assert outcomes["second"] == [{"row": 3, "name": "王师傅", "errors": [imports.TAKEN]}]
    assert list(Partner.objects.values_list("name", flat=True)) == ["王师傅"]
    assert not ImportJob.objects.exists()
