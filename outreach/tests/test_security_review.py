"""What the review of the outreach pages found (QUALITY.md items 1, 9, 12): hostile query strings
and posts never reach the database as a 500, codes that are not codes are not looked up, trying
box codes meets the rate limit, the labels sheet answers 404 for boxes and compounds of other
communities, and every POST needs its CSRF token."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import ratelimit
from core.models import AuditEvent
from core.once import new_token
from needs.models import Need
from outreach.models import HomeVisit, Suggestion
from tests import factories as f

from .factories import (
    HomeVisitFactory,
    ResidentMeetingFactory,
    SuggestionBoxFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db
HUGE = "9" * 30  # longer than any database integer


@pytest.fixture
def box(org, people):
    return SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)


@pytest.fixture
def limits_on(settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "2/m", "ip": "50/m"}}
    cache.clear()
    yield
    cache.clear()


# --- the residents' pages -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "code", ["x\x00y", "中文中文中文中文中文", "ABCDEFGHJK", "2" * 11, "2" * 9]
)
def test_a_box_link_that_holds_no_code_is_the_missing_page_without_a_query(
    client, box, code, django_assert_max_num_queries
):
    # A NUL byte reaching PostgreSQL was a 500; nothing that is not a code is looked up.
    with django_assert_max_num_queries(0):
        response = client.get(f"/p/boxes/{code}/")
    assert response.status_code == 404
    assert "找不到这个意见箱" in response.content.decode()


def test_an_unknown_and_a_deactivated_box_look_the_same(client, people, box):
    from outreach import services

    unknown = client.get(reverse("outreach:public_box", args=["2" * 10]))
    services.box_deactivate(box=box, by=people.secretary)
    gone = client.get(reverse("outreach:public_box", args=[box.code]))
    assert unknown.status_code == gone.status_code == 404
    assert unknown.templates[0].name == gone.templates[0].name == "outreach/public_box_missing.html"


def test_trying_box_codes_meets_the_rate_limit(limits_on, box):
    phone = Client()
    assert phone.get(reverse("outreach:public_box", args=[box.code])).status_code == 200
    tries = [phone.get(f"/p/boxes/{'2' * 9}{c}/").status_code for c in "345"]
    assert tries == [404, 404, 429]
    # A script that drops the device cookie is counted per address at the device's rate.
    script, tries = Client(), []
    for c in "345":
        script.cookies.clear()
        tries.append(script.get(f"/p/boxes/{'3' * 9}{c}/").status_code)
    assert tries == [404, 404, 429]


def test_the_online_form_is_rate_limited_per_device(limits_on, org):
    phone = Client()
    url = reverse("outreach:public_suggest")
    assert ratelimit.COOKIE in phone.get(url).cookies
    data = {"street": org.street_a.pk, "community": org.guoao.pk, "text": "希望多办活动"}
    statuses = [phone.post(url, {**data, "once": new_token()}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize(
    "text",
    ["楼道\x00灯坏了", "长" * 501, "👍🏽" * 300],
)
def test_hostile_suggestions_are_refused_and_leave_nothing(client, box, text):
    url = reverse("outreach:public_box", args=[box.code])
    response = client.post(url, {"once": new_token(), "text": text, "phone": ""})
    assert response.status_code == 422
    assert not Suggestion.objects.exists()


def test_emoji_within_the_limit_are_kept(client, box):
    url = reverse("outreach:public_box", args=[box.code])
    response = client.post(url, {"once": new_token(), "text": "楼道灯坏了 😊🚨"})
    assert response.status_code == 200
    assert Suggestion.objects.get().text == "楼道灯坏了 😊🚨"


# --- the staff's lists --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        {"month": "9999-12"},
        {"month": "0001-01"},
        {"month": "2026-13"},
        {"box": HUGE},
        {"building": HUGE},
        {"compound": HUGE},
        {"status": "\x00", "channel": "\x00"},
        {"page": HUGE},
    ],
)
@pytest.mark.parametrize(
    "name",
    [
        "outreach:suggestion_list",
        "outreach:suggestion_export",
        "outreach:visit_list",
        "outreach:meeting_list",
    ],
)
def test_hostile_filters_are_left_out_never_a_500(client, people, box, name, query):
    SuggestionFactory(box=box)
    client.force_login(people.secretary)
    assert client.get(reverse(name), query).status_code == 200


def test_a_filter_sent_wrong_leaves_the_others_filtering(client, people, box):
    SuggestionFactory(box=box, status="filed")
    SuggestionFactory(box=box)
    client.force_login(people.secretary)
    url = reverse("outreach:suggestion_list")
    response = client.get(url, {"status": "filed", "month": "9999-12"})
    assert response.context["page"].paginator.count == 1


def test_search_boxes_take_nul_bytes(client, org, people, box):
    suggestion = SuggestionFactory(box=box)
    f.NeedFactory(community=org.guoao, created_by=people.secretary, title="楼道照明")
    client.force_login(people.secretary)
    detail = client.get(reverse("outreach:suggestion", args=[suggestion.pk]), {"q": "照\x00明"})
    assert detail.status_code == 200 and "楼道照明" in detail.content.decode()
    picker = client.get(
        reverse("outreach:visit_create"), {"mentions_q": "照\x00明"}, HTTP_HX_REQUEST="true"
    )
    assert picker.status_code == 200 and "楼道照明" in picker.content.decode()


def _visit_post(org, **extra):
    return {
        "once": new_token(),
        "household": org.household.pk,
        "visited_on": timezone.localdate().isoformat(),
        "visitors": "王书记",
        **extra,
    }


def test_forged_need_ids_on_a_visit_are_refused_before_any_query(client, org, people):
    client.force_login(people.secretary)
    url = reverse("outreach:visit_create")
    response = client.post(url, _visit_post(org, mentions=[HUGE]))
    assert response.status_code == 422
    assert "只能选择本社区需求清单里的需求" in response.content.decode()
    assert not HomeVisit.objects.exists()


def test_a_visit_mentions_at_most_twenty_needs(client, org, people):
    needs = [
        f.NeedFactory(community=org.guoao, created_by=people.secretary, title=f"需求{i}")
        for i in range(21)
    ]
    client.force_login(people.secretary)
    response = client.post(
        reverse("outreach:visit_create"), _visit_post(org, mentions=[n.pk for n in needs])
    )
    assert response.status_code == 422
    assert "一次最多选择 20 条已有需求" in response.content.decode()
    assert not HomeVisit.objects.exists() and Need.objects.filter(mentions__gt=1).count() == 0


# --- scope: the labels sheet --------------------------------------------------------------------
def test_labels_of_another_communitys_boxes_are_a_404_and_audited(client, org, people, box):
    theirs = SuggestionBoxFactory(
        building=f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai)),
        created_by=people.secretary2,
    )
    url = reverse("outreach:box_labels")
    client.force_login(people.secretary)
    assert client.get(url, {"box": [box.pk]}).status_code == 200
    # One of theirs among ours: no sheet at all, not a sheet without it.
    assert client.get(url, {"box": [box.pk, theirs.pk]}).status_code == 404
    assert client.get(url, {"compound": theirs.building.compound_id}).status_code == 404
    assert client.get(url, {"box": [HUGE]}).status_code == 404
    assert client.get(url, {"box": ["x"]}).status_code == 404
    denied = AuditEvent.objects.filter(action="access.denied", actor=people.secretary)
    assert denied.count() == 2


def test_a_compound_without_boxes_goes_back_to_the_list(client, org, people):
    client.force_login(people.secretary)
    response = client.get(reverse("outreach:box_labels"), {"compound": org.compound.pk})
    assert response.status_code == 302 and response["Location"] == reverse("outreach:box_list")


# --- CSRF ---------------------------------------------------------------------------------------
def test_every_post_needs_its_csrf_token(org, people, box):
    suggestion = SuggestionFactory(box=box, phone="13800138000")
    visit = HomeVisitFactory(household=org.household, created_by=people.secretary)
    meeting = ResidentMeetingFactory(community=org.guoao, created_by=people.secretary)
    staff = [
        reverse("outreach:visit_create"),
        reverse("outreach:visit_edit", args=[visit.pk]),
        reverse("outreach:visit_delete", args=[visit.pk]),
        reverse("outreach:meeting_create"),
        reverse("outreach:meeting_edit", args=[meeting.pk]),
        reverse("outreach:meeting_delete", args=[meeting.pk]),
        reverse("outreach:box_create"),
        reverse("outreach:box_edit", args=[box.pk]),
        reverse("outreach:box_deactivate", args=[box.pk]),
        reverse("outreach:box_slips", args=[box.pk]),
        reverse("outreach:suggestion_file", args=[suggestion.pk]),
        reverse("outreach:suggestion_file_new", args=[suggestion.pk]),
        reverse("outreach:suggestion_close", args=[suggestion.pk]),
        reverse("outreach:suggestion_phone", args=[suggestion.pk]),
    ]
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.secretary)
    assert {url: client.post(url, {"text": "x"}).status_code for url in staff} == {
        url: 403 for url in staff
    }
    resident = Client(enforce_csrf_checks=True)
    for url in (
        reverse("outreach:public_box", args=[box.code]),
        reverse("outreach:public_suggest"),
    ):
        assert resident.post(url, {"once": new_token(), "text": "x"}).status_code == 403
    assert Suggestion.objects.count() == 1
    assert not AuditEvent.objects.filter(action="phone.reveal").exists()
    box.refresh_from_db()
    assert box.deleted_at is None


# --- audit and the export's scope ---------------------------------------------------------------
def test_every_change_and_the_export_write_an_audit_row(client, org, people, box):
    from needs.models import Category
    from outreach import services

    today = timezone.localdate()
    by = people.secretary
    visit = services.visit_create(
        by=by,
        community=org.guoao,
        data={"household": org.household, "visited_on": today, "visitors": "王书记"},
    )
    services.visit_update(
        visit=visit,
        by=by,
        data={"household": org.household, "visited_on": today, "visitors": "李书记"},
    )
    services.visit_delete(visit=visit, by=by)
    meeting = services.meeting_create(
        by=by,
        community=org.guoao,
        data={"kind": "owners", "title": "业主大会", "held_on": today, "attendance": 9},
    )
    services.meeting_update(
        meeting=meeting,
        by=by,
        data={"kind": "owners", "title": "业主大会(改)", "held_on": today, "attendance": 9},
    )
    services.meeting_delete(meeting=meeting, by=by)
    services.box_update(box=box, by=by, data={"location": "二楼"})
    slip = services.slip_enter(box=box, by=by, text="楼道灯坏了")
    submitted, _ = services.suggestion_submit(text="垃圾桶太少", box=box)
    online, _ = services.suggestion_submit(text="多办活动", community=org.guoao)
    need = f.NeedFactory(community=org.guoao, created_by=by)
    services.suggestion_file(suggestion=slip, need=need, by=by)
    services.suggestion_file_new(
        suggestion=submitted,
        by=by,
        data={"title": "增设垃圾桶", "category": Category.objects.get(code="environment")},
    )
    services.suggestion_close(suggestion=online, by=by, reason="已转物业")
    services.box_deactivate(box=box, by=by)
    client.force_login(by)
    client.get(reverse("outreach:suggestion_export"))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    expected = {
        "homevisit.create",
        "homevisit.update",
        "homevisit.delete",
        "residentmeeting.create",
        "residentmeeting.update",
        "residentmeeting.delete",
        "suggestionbox.update",
        "suggestionbox.deactivate",
        "suggestion.enter",
        "suggestion.submit",
        "suggestion.export",
    }
    assert expected <= actions
    handled = AuditEvent.objects.filter(object_type="outreach.suggestion").exclude(
        action__in=["suggestion.enter", "suggestion.submit"]
    )
    assert handled.count() == 3  # file, file as new, close (the workflow engine's rows)


def test_the_export_holds_only_the_users_communities(client, org, people, box):
    import io

    from openpyxl import load_workbook

    SuggestionFactory(box=box, text="国奥的意见")
    theirs = SuggestionBoxFactory(
        building=f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai)),
        created_by=people.secretary2,
    )
    SuggestionFactory(box=theirs, text="悦海的意见")
    client.force_login(people.secretary2)
    export = client.get(reverse("outreach:suggestion_export"), {"box": box.pk})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 1  # the header only: 国奥's box is not theirs
    export = client.get(reverse("outreach:suggestion_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    texts = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert texts == ["悦海的意见"]
