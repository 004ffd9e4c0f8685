"""The partners export: the list's filters, numbers masked for whoever does not call partners,
formulas written as text, an audit row, rows streamed chunk by chunk."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.models import AuditEvent
from partners import export
from partners.models import Duty, PartnerStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == export.CONTENT_TYPE
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def rows_of(response) -> list[tuple]:
    return list(sheet_of(response).iter_rows(values_only=True))


PHONE = [header for header, _ in export.COLUMNS].index("联系电话")
NAME = 0


@pytest.fixture
def two_communities(org):
    guoao = f.PartnerFactory(community=org.guoao, name="国奥王师傅", phone="13900001111")
    guoao.duties.set(Duty.objects.filter(code__in=["publicity", "standby"]))
    yuehai = f.PartnerFactory(community=org.yuehai, name="悦海李阿姨", phone="13900002222")
    return guoao, yuehai


def test_community_staff_get_their_partners_numbers_in_full(client, people, two_communities):
    client.force_login(people.secretary)
    rows = rows_of(client.get("/partners/export/"))
    assert rows[0][PHONE] == "联系电话"
    assert [(r[NAME], r[PHONE]) for r in rows[1:]] == [("国奥王师傅", "13900001111")]
    assert rows[1][3] == "政策宣传、应急值守"
    event = AuditEvent.objects.get(action="partner.export")
    assert event.actor == people.secretary
    assert event.detail == {
        "filters": {"status": "active"},
        "rows": 1,
        "capped": False,
        "full_phones": 1,
    }


@pytest.mark.parametrize("who", ["district", "street"])
def test_street_and_district_staff_get_masked_numbers(client, people, two_communities, who):
    client.force_login(getattr(people, who))
    rows = rows_of(client.get("/partners/export/"))
    phones = {r[NAME]: r[PHONE] for r in rows[1:]}
    expected = {"国奥王师傅": "139****1111"}
    if who == "district":
        expected["悦海李阿姨"] = "139****2222"
    assert phones == expected
    assert AuditEvent.objects.get(action="partner.export").detail["full_phones"] == 0


def test_the_export_follows_the_lists_filters_across_all_pages(client, org, people, settings):
    settings.PAGE_SIZE = 2
    for n in range(5):
        f.PartnerFactory(community=org.guoao, name=f"商户{n}", category_id="merchant")
    f.PartnerFactory(community=org.guoao, name="物业", category_id="property")
    f.PartnerFactory(
        community=org.guoao, name="停用商户", category_id="merchant", status=PartnerStatus.INACTIVE
    )
    client.force_login(people.secretary)

    rows = rows_of(client.get("/partners/export/?category=merchant&page=2"))

    assert sorted(r[NAME] for r in rows[1:]) == [f"商户{n}" for n in range(5)]
    both = rows_of(client.get("/partners/export/?category=merchant&status=all"))
    assert len(both) == 7


def test_a_searched_number_is_masked_in_the_audit_row(client, people, two_communities):
    client.force_login(people.secretary)
    rows = rows_of(client.get("/partners/export/?q=13900001111"))
    assert [r[NAME] for r in rows[1:]] == ["国奥王师傅"]
    detail = AuditEvent.objects.get(action="partner.export").detail
    assert detail["filters"]["q"] == "139****1111"
    assert "13900001111" not in str(detail)


def test_cells_that_would_start_a_formula_are_written_as_text(client, org, people):
    f.PartnerFactory(community=org.guoao, name='=HYPERLINK("http://x","点我")', skills="+1 -2 @3")
    client.force_login(people.secretary)
    sheet = sheet_of(client.get("/partners/export/"))
    name, skills = sheet.cell(2, 1), sheet.cell(2, 6)
    assert name.data_type == "s" and name.value == '=HYPERLINK("http://x","点我")'
    assert name.quotePrefix and skills.quotePrefix and skills.data_type == "s"


def test_the_export_streams_its_rows_chunk_by_chunk(client, org, people, monkeypatch):
    """Rows come from .iterator(): the duties are prefetched once per chunk, so a 12-row export
    in chunks of 5 asks for duties three times; a list() of the queryset would ask once."""
    monkeypatch.setattr(export, "CHUNK", 5)
    for n in range(12):
        f.PartnerFactory(community=org.guoao, name=f"合伙人{n:02d}").duties.set(
            Duty.objects.filter(code="publicity")
        )
    client.force_login(people.secretary)
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(client.get("/partners/export/"))
    duty_reads = [
        q for q in queries.captured_queries if 'FROM "partners_duty" INNER JOIN' in q["sql"]
    ]
    assert len(rows) == 13 and len(duty_reads) == 3
    assert all(r[3] == "政策宣传" for r in rows[1:])


def test_an_export_past_the_cap_stops_and_says_so(client, org, people, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_CAP", 3)
    for n in range(5):
        f.PartnerFactory(community=org.guoao, name=f"合伙人{n}")
    client.force_login(people.secretary)
    rows = rows_of(client.get("/partners/export/"))
    assert len([r for r in rows[1:] if r[PHONE]]) == 3
    assert "只导出了前 3 条" in rows[-1][0]
    assert AuditEvent.objects.get(action="partner.export").detail["capped"] is True


@pytest.mark.parametrize("who", ["partner", "auditor", "resident"])
def test_only_staff_export(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/partners/export/").status_code == 403
    assert not AuditEvent.objects.filter(action="partner.export").exists()
