"""战时 call-outs: who is called, the idempotent sending task (one inbox entry and one text
message per partner, whatever the retries), answers by the called partner only, closing with a
report, and the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import sms
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from partners import emergencies
from partners.models import (
    Alert,
    AlertAnswer,
    BuildingAdoption,
    CompoundAdoption,
    Duty,
    Emergency,
    PartnerCategory,
    PartnerKind,
    PartnerStatus,
)
from partners.tasks import send_alerts
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _partner(org, people, *, duty="standby", community=None, **kwargs):
    partner = f.PartnerFactory(
        community=community or org.guoao, created_by=people.secretary, **kwargs
    )
    if duty:
        partner.duties.add(Duty.objects.get(code=duty))
    return partner


def _open(org, people, compounds=None, **data):
    """Open an emergency as the secretary and run what its commit queues (the task)."""
    data = {"title": "暴雨红色预警值守", "description": "到低洼处值守", **data}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return emergencies.emergency_open(
            by=people.secretary,
            community=org.guoao,
            data={**data, "compounds": compounds or [org.compound]},
        )


def test_the_partners_with_a_war_duty_tied_to_the_compounds_are_called(org, people):
    elsewhere = f.CompoundFactory(community=org.guoao, name="国奥二期")
    building = org.household.building
    other_building = f.BuildingFactory(compound=org.compound, number="9号楼")
    called = {
        _partner(org, people, name="住在小区", compound=org.compound),
        _partner(org, people, name="住在楼栋", duty="supplies", home_building=building),
        _partner(
            org,
            people,
            name="包联单位",
            compound=elsewhere,
            kind=PartnerKind.ORGANISATION,
        ),
        _partner(org, people, name="包楼党员", category_id=PartnerCategory.PARTY_MEMBER),
    }
    by_name = {p.name: p for p in called}
    CompoundAdoption.objects.create(
        partner=by_name["包联单位"], compound=org.compound, created_by=people.secretary
    )
    BuildingAdoption.objects.create(
        partner=by_name["包楼党员"], building=other_building, created_by=people.secretary
    )
    # Not called: a peace duty only, another compound, no tie at all, inactive, deleted, an
    # ended adoption, another community.
    _partner(org, people, name="平时职责", duty="publicity", compound=org.compound)
    _partner(org, people, name="别的小区", compound=elsewhere)
    _partner(org, people, name="没有小区")
    _partner(org, people, name="已停用", compound=org.compound, status=PartnerStatus.INACTIVE)
    _partner(org, people, name="已删除", compound=org.compound, deleted_at=timezone.now())
    ended = _partner(org, people, name="包联已结束", kind=PartnerKind.ORGANISATION)
    CompoundAdoption.objects.create(
        partner=ended, compound=org.compound, created_by=people.secretary, ended_at=timezone.now()
    )
    _partner(org, people, name="海韵的", community=org.haiyun)

    emergency = _open(org, people)

    assert {a.partner for a in Alert.objects.filter(emergency=emergency)} == called
    assert sorted(m.phone for m in sms.outbox) == sorted(p.phone.full for p in called)
    message = sms.outbox[0]
    assert message.template == "EMERGENCY_CALL"
    assert message.text == (
        "【百社百景】国奥社区发起战时响应“暴雨红色预警值守”,请尽快登录百社百景回复能否到岗。"
    )
    assert all(len(v) <= 20 for v in message.params.values())
    assert Alert.objects.filter(sms_sent_at__isnull=True).count() == 0


def test_the_partner_with_an_account_finds_the_call_in_the_inbox(org, people):
    partner = _partner(org, people, compound=org.compound, user=people.partner)
    emergency = _open(org, people)
    alert = Alert.objects.get(partner=partner)
    note = Notification.objects.get(recipient=people.partner, event="partners.emergency")
    assert note.title == f"战时响应:{emergency.title}"
    assert note.url == reverse("partners:alert_detail", args=[alert.pk])


def test_running_the_task_again_sends_nothing_twice(org, people):
    _partner(org, people, compound=org.compound, user=people.partner)
    _partner(org, people, compound=org.compound)
    emergency = _open(org, people)
    assert len(sms.outbox) == 2

    assert send_alerts.delay(emergency.pk).get() == 0
    assert emergencies.alerts_send(emergency_id=emergency.pk) == 0

    assert len(sms.outbox) == 2
    assert Alert.objects.count() == 2
    assert Notification.objects.filter(event="partners.emergency").count() == 1


def test_a_retry_after_a_crash_half_way_still_sends_one_message_per_partner(
    org, people, monkeypatch
):
    partners = [_partner(org, people, compound=org.compound) for _ in range(4)]
    emergency = Emergency.objects.create(
        community=org.guoao, title="停水", description="", opened_by=people.secretary
    )
    emergency.compounds.add(org.compound)
    real_send, calls = emergencies.send_sms, []

    def gateway_down_on_the_third(phone, template, params):
        calls.append(phone)
        if len(calls) == 3:
            raise OSError("gateway timeout")
        real_send(phone, template, params)

    monkeypatch.setattr(emergencies, "send_sms", gateway_down_on_the_third)
    with pytest.raises(OSError):
        emergencies.alerts_send(emergency_id=emergency.pk)
    assert len(sms.outbox) == 2
    # The failed one's claim was rolled back with it; the fourth was never reached.
    assert Alert.objects.filter(sms_sent_at__isnull=False).count() == 2

    emergencies.alerts_send(emergency_id=emergency.pk)
    emergencies.alerts_send(emergency_id=emergency.pk)

    assert sorted(m.phone for m in sms.outbox) == sorted(p.phone.full for p in partners)
    assert Alert.objects.filter(sms_sent_at__isnull=True).count() == 0


def test_a_closed_emergency_calls_nobody_any_more(org, people):
    _partner(org, people, compound=org.compound)
    emergency = Emergency.objects.create(
        community=org.guoao,
        title="演练",
        description="",
        opened_by=people.secretary,
        status=Emergency.Status.CLOSED,
    )
    emergency.compounds.add(org.compound)
    assert emergencies.alerts_send(emergency_id=emergency.pk) == 0
    assert not Alert.objects.exists() and sms.outbox == []


def test_opening_checks_the_compounds_and_the_role(org, people):
    other = f.CompoundFactory(community=org.haiyun)
    with pytest.raises(ValidationError, match="只能选择国奥社区的小区"):
        emergencies.emergency_open(
            by=people.secretary,
            community=org.guoao,
            data={"title": "x", "description": "", "compounds": [other]},
        )
    with pytest.raises(PermissionDenied):
        emergencies.emergency_open(
            by=people.street,
            community=org.guoao,
            data={"title": "x", "description": "", "compounds": [org.compound]},
        )
    assert not Emergency.objects.exists()


# --- answering and closing through the pages ---------------------------------------------------
def test_an_emergency_is_opened_and_answered(client, org, people):
    """Done-when of issue 13: the secretary opens a call-out, the partner answers, the secretary
    sees the answer and closes it with a report."""
    partner = _partner(org, people, compound=org.compound, user=people.partner)
    client.force_login(people.secretary)
    form = client.get(reverse("partners:emergency_create")).content.decode()
    assert "国奥花园" in form
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("partners:emergency_create"),
            {
                "once": f.once(),
                "title": "暴雨红色预警值守",
                "description": "地下车库入口集合",
                "compounds": [org.compound.pk],
            },
        )
    emergency = Emergency.objects.get()
    assert response.status_code == 302 and response["Location"] == emergency.get_absolute_url()
    alert = Alert.objects.get(emergency=emergency, partner=partner)
    assert [m.phone for m in sms.outbox] == [partner.phone.full]

    client.force_login(people.partner)
    home = client.get("/").content.decode()
    assert "暴雨红色预警值守" in home and reverse("partners:alert_detail", args=[alert.pk]) in home
    page = client.get(reverse("partners:alert_detail", args=[alert.pk])).content.decode()
    assert "可以到岗" in page and "无法到岗" in page
    answer_url = reverse("partners:alert_answer", args=[alert.pk])
    response = client.post(answer_url, {"answer": "available", "note": "十分钟到"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.answer == AlertAnswer.AVAILABLE and alert.note == "十分钟到"
    assert alert.answered_at is not None
    # Changed while open.
    client.post(answer_url, {"answer": "unavailable", "note": ""})
    client.post(answer_url, {"answer": "available", "note": "马上到"})
    assert AuditEvent.objects.filter(action="emergency.answer").count() == 3

    client.force_login(people.secretary)
    detail = client.get(emergency.get_absolute_url()).content.decode()
    assert 'data-count="available">1<' in detail and "马上到" in detail
    close_url = reverse("partners:emergency_close", args=[emergency.pk])
    assert client.post(close_url, {"report": ""}).status_code == 422
    response = client.post(close_url, {"report": "到岗1人,车辆已转移"})
    assert response.status_code == 302
    emergency.refresh_from_db()
    assert emergency.status == Emergency.Status.CLOSED
    assert emergency.report == "到岗1人,车辆已转移" and emergency.closed_by == people.secretary
    event = AuditEvent.objects.get(action="emergency.close")
    assert event.detail["from"] == "open" and event.detail["to"] == "closed"
    assert Notification.objects.filter(
        recipient=people.partner, event="partners.emergency_closed"
    ).exists()
    # Closed: no second close, no more answers.
    again = client.post(close_url, {"report": "再结束一次"})
    assert again.status_code == 409 and "已结束" in again.content.decode()
    client.force_login(people.partner)
    late = client.post(answer_url, {"answer": "unavailable", "note": ""})
    assert late.status_code == 409
    alert.refresh_from_db()
    assert alert.answer == AlertAnswer.AVAILABLE


def test_only_the_called_partner_opens_and_answers_their_alert(client, org, people):
    mine = _partner(org, people, compound=org.compound, user=people.partner)
    other_user = f.make_user("partner", org.guoao, username="partner_b")
    theirs = _partner(org, people, compound=org.compound, user=other_user)
    emergency = _open(org, people)
    alert = Alert.objects.get(partner=theirs)
    url = reverse("partners:alert_answer", args=[alert.pk])
    for who in (people.partner, people.secretary, people.district):
        client.force_login(who)
        assert client.get(reverse("partners:alert_detail", args=[alert.pk])).status_code == 404
        assert client.post(url, {"answer": "available"}).status_code == 404
    alert.refresh_from_db()
    assert alert.answer == ""
    assert AuditEvent.objects.filter(action="access.denied", actor=people.partner).exists()
    with pytest.raises(PermissionDenied):  # the service refuses anybody else too
        emergencies.alert_answer(
            alert=Alert.objects.get(partner=theirs), by=people.partner, answer="available"
        )
    assert Alert.objects.get(partner=mine).emergency == emergency


def test_closing_twice_is_a_conflict_for_the_service_too(org, people):
    emergency = _open(org, people)
    emergencies.emergency_close(emergency=emergency, by=people.worker, report="已处置")
    with pytest.raises(Conflict, match="已结束"):
        emergencies.emergency_close(emergency=emergency, by=people.secretary, report="再次")


def test_the_page_refreshes_its_answers_as_a_fragment(client, org, people):
    _partner(org, people, compound=org.compound)
    emergency = _open(org, people)
    client.force_login(people.secretary)
    page = client.get(emergency.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 20s"' in page
    fragment = client.get(emergency.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="answers"') and "<html" not in fragment
    assert 'data-count="waiting">1<' in fragment


def test_the_street_follows_but_cannot_open_or_close(client, org, people):
    emergency = _open(org, people)
    client.force_login(people.street)
    assert client.get(reverse("partners:emergency_list")).status_code == 200
    assert client.get(emergency.get_absolute_url()).status_code == 200
    assert client.get(reverse("partners:emergency_create")).status_code == 403
    close = reverse("partners:emergency_close", args=[emergency.pk])
    assert client.post(close, {"report": "x"}).status_code == 403


@pytest.mark.parametrize("page", ["list", "detail"])
def test_emergency_pages_stay_constant_in_queries(
    client, org, people, django_assert_max_num_queries, page
):
    emergency = Emergency.objects.create(
        community=org.guoao, title="停水", description="", opened_by=people.secretary
    )
    emergency.compounds.add(org.compound)
    client.force_login(people.secretary)
    url = reverse("partners:emergency_list") if page == "list" else emergency.get_absolute_url()
    counted = []
    for n in (5, 15):
        for _ in range(n):
            Alert.objects.create(
                emergency=emergency,
                partner=_partner(org, people, compound=org.compound),
                answer=AlertAnswer.AVAILABLE,
            )
            Emergency.objects.create(
                community=org.guoao, title="演练", description="", opened_by=people.secretary
            )
        with django_assert_max_num_queries(10) as captured:
            assert client.get(url).status_code == 200
        counted.append(len(captured))
    assert counted[0] == counted[1], counted
