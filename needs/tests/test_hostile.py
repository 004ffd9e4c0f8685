"""Hostile values in the needs pages' query strings and forms (QUALITY.md item 9): never a 500, on
SQLite and on PostgreSQL (run this file with DATABASE_URL=postgres://… too: a NUL byte reaching
a PostgreSQL query, a number past its integer range and a date past its calendar fail only there).
And what the residents' receipt page and the audit log must never hold or keep."""

import io

import pytest
from openpyxl import load_workbook

from core.models import AuditEvent
from needs import services
from needs.models import NeedMention, Receipt
from tests import factories as f

from .factories import need, receipt

pytestmark = pytest.mark.django_db

HOSTILE = [
    "99999999999999999999",
    "-1",
    "0001-01-01",
    "9999-12-31",
    "a\x00b",
    "\x00",
    "²",
    "٣",
    "'; --",
    "长" * 300,
]
LIST_FILTERS = ("community", "category", "compound", "source", "status", "period", "since")
LIST_FILTERS += ("until", "q", "group", "page")


@pytest.mark.parametrize("path", ["/needs/", "/needs/charts/", "/needs/export.xlsx"])
@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_list_charts_and_export_never_fail_on_hostile_filters(client, org, people, path, who):
    need(org.guoao, compound=org.compound)
    client.force_login(getattr(people, who))
    for value in HOSTILE:
        # Each filter is read on its own (a bad one is dropped): all at once, and as lists.
        assert client.get(path, dict.fromkeys(LIST_FILTERS, value)).status_code == 200, value
        assert client.get(path, dict.fromkeys(LIST_FILTERS, [value, "1"])).status_code == 200


@pytest.mark.parametrize("who", ["secretary", "district"])
def test_each_filter_alone_with_a_hostile_value(client, org, people, who):
    need(org.guoao, compound=org.compound)
    client.force_login(getattr(people, who))
    for value in HOSTILE:
        for name in LIST_FILTERS:
            assert client.get("/needs/", {name: value}).status_code == 200, (name, value)


def test_the_wide_date_range_filters_instead_of_failing(client, org, people):
    need(org.guoao)
    client.force_login(people.district)
    response = client.get("/needs/", {"since": "0001-01-01", "until": "9999-12-31"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 1


@pytest.mark.parametrize("value", HOSTILE)
def test_merge_page_never_fails_on_hostile_search_or_choice(client, org, people, value):
    n, other = need(org.guoao, title="楼道灯"), need(org.guoao, title="路灯")
    client.force_login(people.secretary)
    for query in ({"q": value}, {"into": value}, {"into": value, "q": value}):
        assert client.get(f"/needs/{n.pk}/merge/", query).status_code == 200, query
    refused = client.post(f"/needs/{n.pk}/merge/", {"into": value})
    assert refused.status_code == 422, value
    n.refresh_from_db()
    assert n.deleted_at is None and n.merged_into_id is None
    assert client.get(f"/needs/{n.pk}/merge/", {"into": str(other.pk)}).context["chosen"] == other


@pytest.mark.parametrize("value", HOSTILE)
def test_adopt_page_never_fails_on_a_hostile_choice(client, org, people, value):
    n = need(org.guoao)
    f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    client.force_login(people.secretary)
    assert client.get(f"/projects/adopt-need/{n.pk}/", {"project": value}).status_code == 200
    assert client.post(f"/projects/adopt-need/{n.pk}/", {"project": value}).status_code == 422
    n.refresh_from_db()
    assert n.status == "collected"


@pytest.mark.parametrize("value", HOSTILE)
def test_project_create_page_with_hostile_need_values(client, org, people, value):
    n = need(org.guoao)
    client.force_login(people.secretary)
    response = client.get("/projects/new/", {"community": org.guoao.pk, "need": [value, n.pk]})
    assert response.status_code == 200
    assert list(response.context["form"].fields["needs"].queryset) == [n]


@pytest.mark.parametrize("value", HOSTILE)
def test_receipt_lookup_never_fails_and_answers_like_an_unknown_code(client, org, value):
    unknown = client.post("/p/receipts/", {"code": "ABCD-EFGH-JKMN"})
    response = client.post("/p/receipts/", {"code": value})
    assert response.status_code == unknown.status_code == 422
    assert response.context["error"] == unknown.context["error"]
    assert client.post("/p/receipts/", {"code": [value, value]}).status_code == 422


# --- the residents' receipt page ------------------------------------------------------------------
def test_receipt_pages_are_never_cached(client, org):
    n = need(org.guoao)
    _, code = receipt(n)
    for response in (client.get("/p/receipts/"), client.post("/p/receipts/", {"code": code})):
        assert "no-store" in response["Cache-Control"], response.status_code
    assert "no-store" in client.post("/p/receipts/", {"code": "nope"})["Cache-Control"]


def test_a_mistyped_code_stays_in_the_box_to_correct(client, org):
    response = client.post("/p/receipts/", {"code": "ABCD-EFGH-JKM"})
    body = response.content.decode()
    assert response.status_code == 422 and 'value="ABCD-EFGH-JKM"' in body
    hostile = client.post("/p/receipts/", {"code": "<script>x" * 5}).content.decode()
    assert "<script>x" not in hostile and 'value="&lt;script&gt;x&lt;script&gt;x&lt;s"' in hostile


def test_a_receipt_shows_nothing_of_other_residents(client, org, people):
    n = need(org.guoao)
    _, mine = receipt(n, "我家楼道灯坏了")
    receipt(n, "邻居的留言:3楼王大爷家门口也不亮")
    body = client.post("/p/receipts/", {"code": mine}).content.decode()
    assert "我家楼道灯坏了" in body
    assert "王大爷" not in body and n.title not in body


# --- phone and ID numbers never kept in the needs' free text -------------------------------------
PHONE, ID_NUMBER = "13812345678", "370602198001011234"


def test_a_receipt_excerpt_masks_a_phone_number_the_resident_left(org):
    row, _ = services.receipt_issue(
        community=org.guoao, kind="suggestion", text=f"灯坏了,电话{PHONE},身份证{ID_NUMBER}"
    )
    row = Receipt.objects.get(pk=row.pk)
    assert PHONE not in row.excerpt and "138****5678" in row.excerpt
    assert ID_NUMBER not in row.excerpt


def test_needs_texts_keep_no_phone_number(org, people):
    n = services.need_create(
        by=people.secretary,
        community=org.guoao,
        data={
            "title": f"请回电{PHONE}",
            "description": f"联系人 139 1234 5678,身份证{ID_NUMBER}",
            "category_id": "environment",
            "source": "other",
        },
    )
    assert (
        PHONE not in n.title and "1391234" not in n.description and ID_NUMBER not in n.description
    )
    n = services.need_update(need=n, by=people.secretary, data={"title": f"回电 {PHONE}"})
    assert n.title == "回电 138****5678"
    services.need_mention(need=n, by=people.secretary, source="other", note=f"电话{PHONE}")
    assert PHONE not in NeedMention.objects.filter(need=n).latest("id").note
    n = services.need_set_status(
        need=n, by=people.secretary, action="decline", note=f"已电话联系{PHONE}"
    )
    assert PHONE not in n.status_note and "138****5678" in n.status_note
    row, _ = receipt(org.guoao)
    row = services.receipt_decline(receipt=row, by=people.secretary, reason=f"已回电{PHONE}")
    assert PHONE not in row.declined_reason


def test_export_masks_a_phone_number_in_old_titles_and_audits_no_search_text(client, org, people):
    need(org.guoao, title=f"请回电{PHONE}", status_note=f"已联系{PHONE}")
    client.force_login(people.secretary)
    response = client.get("/needs/export.xlsx", {"q": "回电", "category": "environment"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert PHONE not in cells and "138****5678" in cells
    client.get("/needs/export.xlsx", {"q": PHONE})
    events = AuditEvent.objects.filter(action="need.export").order_by("id")
    assert events.count() == 2
    assert events[0].detail["filters"]["category"] == "environment"
    assert PHONE not in str(events[1].detail)
