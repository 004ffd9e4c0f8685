"""Suggestion boxes, the residents' forms, paper slips and the suggestions inbox."""

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core import ratelimit
from core.models import AuditEvent
from core.once import new_token
from core.workflow import Conflict
from needs.models import Category, Need, NeedMention, Receipt
from needs.services import receipt_for
from outreach import services
from outreach.models import Suggestion, SuggestionBox
from tests import factories as f

from .factories import SuggestionBoxFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(org, people):
    return SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)


def _post(client, url, **data):
    return client.post(url, {"once": new_token(), "phone": "", **data})


# --- registering boxes --------------------------------------------------------------------------
def test_one_live_box_per_stairwell(org, people, box):
    data = {"building": box.building, "unit": box.unit}
    with pytest.raises(ValidationError, match="已经登记了意见箱"):
        services.box_create(by=people.secretary, community=org.guoao, data=data)
    services.box_deactivate(box=box, by=people.secretary)
    again = services.box_create(by=people.secretary, community=org.guoao, data=data)
    assert again.code != box.code and len(again.code) == services.BOX_CODE_LENGTH


def test_a_box_goes_only_in_a_unit_households_live_in(org, people):
    data = {"building": org.household.building, "unit": "9单元"}
    with pytest.raises(ValidationError, match="没有“9单元”这个单元"):
        services.box_create(by=people.secretary, community=org.guoao, data=data)


def test_a_box_moves_within_its_stairwell_and_keeps_its_label(client, org, people, box):
    client.force_login(people.worker)
    url = reverse("outreach:box_edit", args=[box.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"location": "  二楼楼梯口  ", "code": "hijacked", "unit": "9"})
    assert response.status_code == 302 and response["Location"] == box.get_absolute_url()
    moved = SuggestionBox.objects.get(pk=box.pk)
    assert (moved.location, moved.code, moved.unit) == ("二楼楼梯口", box.code, box.unit)
    event = AuditEvent.objects.get(action="suggestionbox.update")
    assert (event.actor, event.detail) == (people.worker, {"fields": ["location"]})
    assert client.post(url, {"location": "长" * 101}).status_code == 422
    client.force_login(people.street)
    assert client.post(url, {"location": "x"}).status_code == 403
    client.force_login(people.secretary2)
    assert client.post(url, {"location": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.box_update(box=box, by=people.secretary2, data={"location": "x"})
    assert SuggestionBox.objects.get(pk=box.pk).location == "二楼楼梯口"


def test_a_suggestion_of_a_deactivated_box_does_not_link_to_it(client, people, box):
    suggestion = SuggestionFactory(box=box)
    services.box_deactivate(box=box, by=people.secretary)
    client.force_login(people.secretary)
    page = client.get(reverse("outreach:suggestion", args=[suggestion.pk])).content.decode()
    assert "(已撤下)" in page and f'href="{box.get_absolute_url()}"' not in page


def test_another_communitys_staff_cannot_register_a_box_here(org, people):
    data = {"building": org.household.building, "unit": "1单元"}
    with pytest.raises(PermissionDenied):
        services.box_create(by=people.secretary2, community=org.guoao, data=data)
    # Their own community, but a building of 国奥社区: refused as well.
    with pytest.raises(ValidationError):
        services.box_create(by=people.secretary2, community=org.yuehai, data=data)
    assert not SuggestionBox.objects.exists()


def test_the_register_page_offers_only_free_stairwells(client, org, people, box):
    f.HouseholdFactory(building=org.household.building, unit="2单元")
    client.force_login(people.secretary)
    page = client.get(reverse("outreach:box_create")).content.decode()
    assert "3号楼 2单元" in page and "3号楼 1单元" not in page


def test_labels_are_a_png_and_an_a4_pdf(client, org, people, box):
    client.force_login(people.secretary)
    png = client.get(reverse("outreach:box_label", args=[box.pk]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    pdf = client.get(reverse("outreach:box_labels"), {"compound": org.compound.pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(people.secretary2)
    assert client.get(reverse("outreach:box_label", args=[box.pk])).status_code == 404


def test_the_label_says_what_it_is_and_where_it_leads(box, settings):
    from outreach.labels import box_label

    settings.PUBLIC_BASE_URL = "https://bsbj.example.cn"
    label = box_label(box)
    assert label.title == "楼道意见箱"
    assert "国奥花园 3号楼 1单元" in label.lines and "扫码留言" in label.lines
    assert label.link == f"https://bsbj.example.cn/p/boxes/{box.code}/"


# --- the residents' form ------------------------------------------------------------------------
def test_a_resident_leaves_a_suggestion_by_the_qr_code_and_gets_a_receipt(client, box):
    url = reverse("outreach:public_box", args=[box.code])
    assert "3号楼 1单元" in client.get(url).content.decode()

    response = _post(client, url, text="  楼道灯坏了  ", phone="138 0013 8000", consent="on")

    assert response.status_code == 200
    code = response.context["receipt_code"]
    suggestion = Suggestion.objects.get()
    assert (suggestion.channel, suggestion.box, suggestion.text) == ("qr", box, "楼道灯坏了")
    assert suggestion.phone.full == "13800138000" and suggestion.device_hash
    assert receipt_for(code) == suggestion.receipt
    assert code in response.content.decode()


def test_the_phone_is_encrypted_in_the_database_and_masked_on_pages_and_exports(
    client, people, box
):
    _post(
        client,
        reverse("outreach:public_box", args=[box.code]),
        text="希望加装扶手",
        phone="13800138000",
        consent="on",
    )
    with connection.cursor() as cursor:
        cursor.execute("select phone from outreach_suggestion")
        (stored,) = cursor.fetchone()
    assert "13800138000" not in stored and stored
    client.force_login(people.secretary)
    suggestion = Suggestion.objects.get()
    for url in (
        reverse("outreach:suggestion_list"),
        reverse("outreach:suggestion", args=[suggestion.pk]),
    ):
        page = client.get(url).content.decode()
        assert "138****8000" in page and "13800138000" not in page
    export = client.get(reverse("outreach:suggestion_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "138****8000" in cells and not any("13800138000" in c for c in cells)
    assert AuditEvent.objects.filter(action="suggestion.export", actor=people.secretary).exists()


def test_revealing_the_number_is_for_the_communitys_staff_and_audited(client, people, box):
    suggestion = SuggestionFactory(box=box, phone="13800138000")
    url = reverse("outreach:suggestion_phone", args=[suggestion.pk])
    client.force_login(people.street)
    assert client.post(url).status_code == 403
    client.force_login(people.secretary)
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "13800138000" in response.content.decode()
    event = AuditEvent.objects.get(action="phone.reveal", result="ok")
    assert event.detail["masked"] == "138****8000"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请写下您的意见或建议"),
        ({"text": "长" * 501}, "不能超过 500 字"),
        ({"text": "好", "phone": "12345"}, "11位手机号码"),
        ({"text": "好", "phone": "13800138000"}, "请勾选同意"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, box, data, message):
    response = _post(client, reverse("outreach:public_box", args=[box.code]), **data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Suggestion.objects.exists() and not Receipt.objects.exists()


def test_a_second_post_of_the_same_form_saves_nothing_more(client, box):
    url = reverse("outreach:public_box", args=[box.code])
    token = new_token()
    first = client.post(url, {"once": token, "text": "垃圾桶太少"})
    second = client.post(url, {"once": token, "text": "垃圾桶太少"})
    assert first.status_code == 200 and second.status_code == 302
    assert Suggestion.objects.count() == 1


def test_an_unknown_or_deactivated_box_is_a_clear_404(client, people, box):
    assert client.get(reverse("outreach:public_box", args=["nosuchcode"])).status_code == 404
    services.box_deactivate(box=box, by=people.secretary)
    response = client.get(reverse("outreach:public_box", args=[box.code]))
    assert response.status_code == 404
    assert "找不到" in response.content.decode() or "不存在" in response.content.decode()


def test_the_public_form_is_rate_limited_per_device(settings, monkeypatch, box):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "2/m", "ip": "50/m"}}
    cache.clear()
    phone = Client()
    url = reverse("outreach:public_box", args=[box.code])
    assert ratelimit.COOKIE in phone.get(url).cookies
    statuses = [_post(phone, url, text=f"第{i}条").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    assert Suggestion.objects.count() == 2
    cache.clear()


def test_the_online_form_picks_street_and_community(client, org):
    url = reverse("outreach:public_suggest")
    page = client.get(url, {"street": org.street_a.pk}).content.decode()
    assert "国奥社区" in page and "海韵社区" in page and "悦海社区" not in page
    refused = _post(client, url, text="希望多办活动")
    assert refused.status_code == 422 and not Suggestion.objects.exists()
    done = _post(client, url, street=org.street_a.pk, community=org.guoao.pk, text="希望多办活动")
    assert done.status_code == 200
    suggestion = Suggestion.objects.get()
    assert (suggestion.channel, suggestion.community, suggestion.box) == ("online", org.guoao, None)
    # A community of another street than the one posted is not taken.
    mixed = _post(client, url, street=org.street_a.pk, community=org.yuehai.pk, text="x")
    assert mixed.status_code == 422


# --- paper slips --------------------------------------------------------------------------------
def test_paper_slips_are_typed_one_after_another(client, people, box):
    client.force_login(people.worker)
    url = reverse("outreach:box_slips", args=[box.pk])
    assert "本次已录入 0 条" in client.get(url).content.decode()
    first = _post(client, f"{url}?n=0", text="电梯经常停运", phone="13900001111")
    assert first.status_code == 302 and first["Location"] == f"{url}?n=1"
    assert "本次已录入 1 条" in client.get(first["Location"]).content.decode()
    slip = Suggestion.objects.get()
    assert (slip.channel, slip.entered_by, slip.receipt) == ("paper", people.worker, None)
    assert slip.phone.masked == "139****1111"


def test_only_the_communitys_staff_type_slips(client, people, box):
    client.force_login(people.street)
    assert client.get(reverse("outreach:box_slips", args=[box.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.slip_enter(box=box, by=people.district, text="x")


# --- handling suggestions -----------------------------------------------------------------------
def _submitted(box):
    suggestion, code = services.suggestion_submit(text="楼道堆满杂物", box=box)
    return suggestion, code


def test_filing_under_a_need_adds_a_mention_and_the_receipt_follows(org, people, box):
    suggestion, code = _submitted(box)
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary)

    services.suggestion_file(suggestion=suggestion, need=need, by=people.secretary)

    suggestion.refresh_from_db()
    need.refresh_from_db()
    assert (suggestion.status, suggestion.need, suggestion.handled_by) == (
        "filed",
        need,
        people.secretary,
    )
    mention = NeedMention.objects.get(need=need)
    assert (mention.source, mention.origin) == (
        "suggestion_box",
        f"outreach.suggestion:{suggestion.pk}",
    )
    assert need.mentions == 2
    assert receipt_for(code).need == need


def test_filing_an_online_suggestion_counts_as_online(org, people):
    suggestion, _ = services.suggestion_submit(text="多办活动", community=org.guoao)
    need = services.suggestion_file_new(
        suggestion=suggestion,
        by=people.secretary,
        data={"title": "多办文体活动", "category": Category.objects.get(code="culture")},
    )
    assert need.source == "online" and need.compound is None
    assert NeedMention.objects.get(need=need).origin == f"outreach.suggestion:{suggestion.pk}"


def test_a_new_need_from_a_box_is_in_the_boxs_compound(org, people, box):
    suggestion, code = _submitted(box)
    need = services.suggestion_file_new(
        suggestion=suggestion,
        by=people.secretary,
        data={"title": "清理楼道杂物", "category": Category.objects.get(code="environment")},
    )
    assert (need.compound, need.source, need.mentions) == (org.compound, "suggestion_box", 1)
    assert receipt_for(code).need == need


def test_closing_needs_a_reason_which_the_receipt_shows(people, box):
    suggestion, code = _submitted(box)
    with pytest.raises(ValidationError, match="请写明不予采纳的理由"):
        services.suggestion_close(suggestion=suggestion, by=people.secretary, reason=" ")
    services.suggestion_close(suggestion=suggestion, by=people.secretary, reason="属于物业职责")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.close_reason) == ("closed", "属于物业职责")
    assert receipt_for(code).declined_reason == "属于物业职责"


def test_a_handled_suggestion_cannot_be_handled_again(org, people, box):
    suggestion, _ = _submitted(box)
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    services.suggestion_close(suggestion=suggestion, by=people.secretary, reason="重复")
    with pytest.raises(Conflict, match="不予采纳"):
        services.suggestion_file(suggestion=suggestion, need=need, by=people.worker)
    assert not NeedMention.objects.filter(need=need).exists()


def test_a_suggestion_goes_only_under_a_need_of_its_community(org, people, box):
    suggestion, _ = _submitted(box)
    other = f.NeedFactory(community=org.yuehai, created_by=people.secretary2)
    with pytest.raises(ValidationError, match="只能记入本社区"):
        services.suggestion_file(suggestion=suggestion, need=other, by=people.secretary)
    with pytest.raises(PermissionDenied):
        services.suggestion_file(suggestion=suggestion, need=other, by=people.secretary2)
    suggestion.refresh_from_db()
    assert suggestion.status == "new"


def test_the_inbox_files_a_suggestion_through_the_page(client, org, people, box):
    suggestion, _ = _submitted(box)
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary, title="楼道杂物")
    client.force_login(people.secretary)
    page = client.get(reverse("outreach:suggestion", args=[suggestion.pk]), {"q": "杂物"})
    assert "楼道杂物" in page.content.decode()
    response = client.post(
        reverse("outreach:suggestion_file", args=[suggestion.pk]), {"need": need.pk}
    )
    assert response.status_code == 302
    again = client.post(
        reverse("outreach:suggestion_file", args=[suggestion.pk]), {"need": need.pk}
    )
    assert again.status_code == 409
    assert Need.objects.get(pk=need.pk).mentions == 2


def test_another_communitys_staff_get_404_on_a_suggestion(client, people, box):
    suggestion, _ = _submitted(box)
    client.force_login(people.secretary2)
    assert client.get(reverse("outreach:suggestion", args=[suggestion.pk])).status_code == 404
    assert (
        client.post(
            reverse("outreach:suggestion_close", args=[suggestion.pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_the_inbox_filters_by_status_channel_box_and_month(client, org, people, box):
    SuggestionFactory(box=box, status="filed")
    SuggestionFactory(box=box, channel="paper")
    SuggestionFactory(box=None, community=org.guoao, channel="online")
    client.force_login(people.secretary)
    url = reverse("outreach:suggestion_list")
    count = lambda **q: client.get(url, q).context["page"].paginator.count  # noqa: E731
    assert count() == 3
    assert count(status="filed") == 1
    assert count(channel="paper") == 1
    assert count(box=box.pk) == 2
    assert count(compound=org.compound.pk) == 2
    assert count(month="2001-01") == 0


@pytest.mark.parametrize("rows", [1, 12])
def test_inbox_and_box_pages_keep_their_query_count(
    client, org, people, box, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        SuggestionFactory(box=box, phone="13800138000")
    client.force_login(people.secretary)
    for url in (
        reverse("outreach:suggestion_list"),
        reverse("outreach:box_list"),
        reverse("outreach:box", args=[box.pk]),
        reverse("outreach:suggestion", args=[Suggestion.objects.first().pk]),
    ):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_a_phone_number_typed_into_a_suggestion_is_masked(box):
    """The text is read by staff and shown on lists: a number belongs in the encrypted phone
    field, so one typed into the text is kept masked."""
    suggestion, _code = services.suggestion_submit(text="楼道灯坏了,请回电 138 1234 5678", box=box)
    suggestion.refresh_from_db()
    assert "5678" in suggestion.text and "1234" not in suggestion.text
