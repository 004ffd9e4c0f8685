"""Recruitment's pages: the public application, the partners' SMS sign-in (expiry, wrong codes,
rate limits, no enumeration), withdrawing, the partner's own page and leaving, the staff pages,
and query counts that stay flat as calls and applications grow."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import TestCase

from core import sms
from core.models import AuditEvent, PhoneCode
from partners import recruitment
from partners.history import HISTORY_HOOKS, Part
from partners.models import Application, Category, Duty, Partner, RecruitmentCall
from tests import factories as f

from .test_recruit_services import PHONE, approve, form_data, make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(org, people):
    return make_call(org, people)


@pytest.fixture
def partner(people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    return approve(application, people.secretary)


def apply_post(call, **overrides):
    duties = [str(d.pk) for d in call.duties.filter(code__in=["publicity", "order"])]
    data = {
        "once": f.once(),
        "kind": "person",
        "name": "王阿姨",
        "phone": PHONE,
        "category": "volunteer",
        "duties": duties,
        "availability": ["weekend", "on_call"],
        "skills": "",
        "compound": "",
        "party_org": "",
        "employer": "",
        "home_building": "",
        "consent": "on",
    }
    return {**data, **overrides}


def ask_code(client, url, phone=PHONE):
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"phone": phone, "send": "1"})
    return response


def code_in_outbox() -> str:
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)


LOGIN = "/p/partners/login/"


# --- applying ----------------------------------------------------------------------------------
def test_a_person_applies_on_the_public_page_and_is_thanked(client, call):
    page = client.get(f"/p/partners/calls/{call.pk}/apply/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "平时" in html and "战时" in html and "应急值守" in html
    assert f"版本 {recruitment.CONSENT_NOTICE_VERSION}" in html
    assert 'name="consent" id="id_consent">' in html  # unticked
    response = client.post(f"/p/partners/calls/{call.pk}/apply/", apply_post(call))
    assert response.status_code == 302
    assert response["Location"] == f"/p/partners/calls/{call.pk}/thanks/"
    application = Application.objects.get()
    assert application.availability == ["weekend", "on_call"]
    thanks = client.get(response["Location"]).content.decode()
    assert "申请已提交" in thanks and "短信通知" in thanks


def test_a_repeat_on_the_public_page_is_recognised(client, call):
    client.post(f"/p/partners/calls/{call.pk}/apply/", apply_post(call))
    response = client.post(
        f"/p/partners/calls/{call.pk}/apply/", apply_post(call, skills="修电脑"), follow=True
    )
    # Counted on the one application, but answered like any first one (no enumeration).
    assert "不会重复登记" in response.content.decode()
    assert "共提交" not in response.content.decode()
    assert Application.objects.get().times == 2


def test_an_unticked_consent_is_a_form_error_and_keeps_nothing(client, call):
    data = apply_post(call)
    del data["consent"]
    response = client.post(f"/p/partners/calls/{call.pk}/apply/", data)
    assert response.status_code == 422
    assert "请阅读个人信息告知,勾选同意后再提交" in response.content.decode()
    assert not Application.objects.exists()


def test_an_active_partners_phone_gets_the_answer_anyone_gets(client, org, people, call):
    """The page tells nobody whose number is a partner (partners/tests/test_security_review.py
    compares the answers); nothing is kept."""
    f.PartnerFactory(community=org.guoao, phone=PHONE, created_by=people.secretary)
    response = client.post(f"/p/partners/calls/{call.pk}/apply/", apply_post(call))
    assert response.status_code == 302
    assert "已经是国奥社区的幸福家园合伙人" not in client.get(response["Location"]).content.decode()
    assert not Application.objects.exists()


def test_a_draft_or_closed_call_has_no_public_page(client, org, people):
    for status in (RecruitmentCall.Status.DRAFT, RecruitmentCall.Status.CLOSED):
        hidden = make_call(org, people, status=status)
        assert client.get(f"/p/partners/calls/{hidden.pk}/").status_code == 404
        assert client.post(f"/p/partners/calls/{hidden.pk}/apply/", {}).status_code == 404


def test_the_public_list_filters_by_street_and_community(client, org, people, call):
    make_call(org, people, community=org.yuehai)
    RecruitmentCall.objects.filter(community=org.yuehai).update(title="悦海招募")
    everything = client.get("/p/partners/").content.decode()
    assert "悦海招募" in everything and call.title in everything
    in_street_a = client.get(f"/p/partners/?street={org.street_a.pk}").content.decode()
    assert "悦海招募" not in in_street_a and call.title in in_street_a
    # A community of another street than the one picked is dropped, as the plain form sends it.
    mixed = client.get(f"/p/partners/?street={org.street_b.pk}&community={org.guoao.pk}")
    assert "悦海招募" in mixed.content.decode() and call.title not in mixed.content.decode()
    assert client.get("/p/partners/?street=abc&community=99999999999").status_code == 200


def test_the_residents_front_page_links_the_calls(client):
    assert 'href="/p/partners/"' in client.get("/p/").content.decode()


# --- the SMS sign-in -----------------------------------------------------------------------------
def test_a_partner_signs_in_with_an_sms_code_and_lands_on_their_page(client, partner):
    response = ask_code(client, LOGIN)
    assert response.status_code == 200
    assert "验证码已发送到 139****7777" in response.content.decode()
    assert [m.phone for m in sms.outbox] == [PHONE]
    response = client.post(LOGIN, {"phone": PHONE, "code": code_in_outbox()})
    assert response.status_code == 302 and response["Location"] == "/partners/me/"
    assert int(client.session[SESSION_KEY]) == partner.user_id
    page = client.get("/partners/me/").content.decode()
    assert "国奥社区的幸福家园合伙人" in page and "139****7777" in page and PHONE not in page
    assert AuditEvent.objects.filter(action="auth.login", actor=partner.user).exists()


def test_a_wrong_code_is_refused_and_counts_as_an_attempt(client, partner):
    ask_code(client, LOGIN)
    good = code_in_outbox()
    response = client.post(LOGIN, {"phone": PHONE, "code": "000000" if good != "000000" else "1"})
    assert response.status_code == 422 and "验证码不正确" in response.content.decode()
    assert PhoneCode.objects.get(purpose="partner_login").attempts == 1
    assert SESSION_KEY not in client.session


def test_an_expired_code_is_refused(client, partner):
    ask_code(client, LOGIN)
    PhoneCode.objects.update(expires_at=PhoneCode.objects.get().created_at - timedelta(seconds=1))
    response = client.post(LOGIN, {"phone": PHONE, "code": code_in_outbox()})
    assert response.status_code == 422 and "验证码已失效" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_code_is_good_once(client, partner):
    ask_code(client, LOGIN)
    code = code_in_outbox()
    assert client.post(LOGIN, {"phone": PHONE, "code": code}).status_code == 302
    client.logout()
    assert client.post(LOGIN, {"phone": PHONE, "code": code}).status_code == 422


def test_the_sign_in_page_tells_nobody_who_is_a_partner(client, partner):
    """The same page, the same limits, for a partner's number and any other; only the partner's
    number gets a text message."""
    stranger = "13500001234"
    first = ask_code(client, LOGIN).content.decode()
    sent_to_partner = len(sms.outbox)
    other = ask_code(client, LOGIN, stranger).content.decode()
    assert sent_to_partner == 1 and sms.outbox == []

    def main(html):
        html = html[html.index("<main") : html.index("</main>")]
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r"1\d{2}(\*{4}|\d{4})\d{4}", "N", html)  # the number typed

    assert main(first) == main(other) and "验证码已发送到" in first
    again = [ask_code(client, LOGIN, number) for number in (PHONE, stranger)]
    assert [r.status_code for r in again] == [422, 422]
    assert all("请 1 分钟后再获取" in r.content.decode() for r in again)
    # A guessed code for the stranger's number signs nobody in.
    response = client.post(LOGIN, {"phone": stranger, "code": "123456"})
    assert response.status_code == 422 and SESSION_KEY not in client.session


def test_staff_and_partners_who_left_get_no_sign_in_code(client, org, people, partner):
    recruitment.partner_leave(partner=partner, by=partner.user)
    ask_code(client, LOGIN)
    assert sms.outbox == []
    people.secretary.role_assignments.create(role="partner", community=org.haiyun)
    Partner.objects.create(
        community=org.haiyun,
        name="书记本人",
        category_id="volunteer",
        phone=people.secretary.phone.full,
        user=people.secretary,
        created_by=people.secretary,
    )
    ask_code(client, LOGIN, people.secretary.phone.full)
    assert sms.outbox == []


def test_asking_for_codes_is_rate_limited(client, settings, partner):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms": {"device": "3/h", "ip": "500/h"}}
    cache.clear()
    client.get(LOGIN)  # the device cookie
    statuses = [
        client.post(LOGIN, {"phone": f"1350000{n:04d}", "send": "1"}).status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


def test_the_login_form_answers_bad_input_with_a_message(client):
    assert client.post(LOGIN, {"phone": "12345", "send": "1"}).status_code == 422
    masked = client.post(LOGIN, {"phone": "139****7777", "send": "1"})
    assert masked.status_code == 422 and "完整的11位手机号码" in masked.content.decode()
    empty_code = client.post(LOGIN, {"phone": PHONE})
    assert empty_code.status_code == 422 and "6 位验证码" in empty_code.content.decode()


# --- withdrawing -----------------------------------------------------------------------------------
def test_an_applicant_withdraws_with_an_sms_code(client, call):
    client.post(f"/p/partners/calls/{call.pk}/apply/", apply_post(call))
    url = "/p/partners/withdraw/"
    ask_code(client, url)
    assert [m.phone for m in sms.outbox] == [PHONE]
    response = client.post(url, {"phone": PHONE, "code": code_in_outbox()})
    assert response.status_code == 200 and "已撤回 1 份" in response.content.decode()
    application = Application.objects.get()
    assert application.status == "withdrawn" and application.name == "已撤回"
    assert not application.phone


def test_a_declined_applicant_withdraws_consent_on_the_same_page(client, people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    recruitment.application_decline(application=application, by=people.secretary, reason="名额已满")
    url = "/p/partners/withdraw/"
    assert "未通过的申请" in client.get(url).content.decode()
    ask_code(client, url)
    assert [m.phone for m in sms.outbox] == [PHONE]

    response = client.post(url, {"phone": PHONE, "code": code_in_outbox()})

    assert response.status_code == 200 and "已撤回 1 份" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "declined" and application.name == "已撤回"
    assert not application.phone and application.consent_withdrawn_at is not None


def test_a_number_without_a_waiting_application_gets_no_withdrawal_code(client):
    ask_code(client, "/p/partners/withdraw/")
    assert sms.outbox == [] and PhoneCode.objects.count() == 1


# --- the partner's own page -----------------------------------------------------------------------
def test_the_partners_page_shows_every_record_and_the_history_of_each(
    client, monkeypatch, org, people, partner
):
    part = Part(key="demo", title="示例服务", template="partners/task_history.html", count=0)

    monkeypatch.setattr(
        "partners.history.HISTORY_HOOKS", [*HISTORY_HOOKS, lambda p: part], raising=True
    )
    client.force_login(partner.user)
    page = client.get("/partners/me/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "王阿姨" in html and "热心居民" in html and "政策宣传" in html and "周末" in html
    assert "示例服务" in html and f"/partners/me/{partner.pk}/leave/" in html
    assert 'href="/partners/tasks/"' in html


def test_a_partner_leaves_after_confirming_and_is_signed_out(client, partner):
    client.force_login(partner.user)
    confirm = client.get(f"/partners/me/{partner.pk}/leave/")
    assert confirm.status_code == 200 and "确认退出" in confirm.content.decode()
    assert Partner.objects.get(pk=partner.pk).status == "active"  # a GET changes nothing
    response = client.post(f"/partners/me/{partner.pk}/leave/")
    assert response.status_code == 302 and response["Location"] == "/p/partners/"
    assert SESSION_KEY not in client.session
    assert Partner.objects.get(pk=partner.pk).status == "left"


def test_nobody_else_opens_a_partners_leave_page(client, people, partner):
    client.force_login(people.secretary)
    assert client.get(f"/partners/me/{partner.pk}/leave/").status_code == 404
    assert client.post(f"/partners/me/{partner.pk}/leave/").status_code == 404
    assert Partner.objects.get(pk=partner.pk).status == "active"
    assert AuditEvent.objects.filter(action="access.denied", actor=people.secretary).exists()


# --- staff pages -----------------------------------------------------------------------------------
def test_the_secretary_approves_from_the_queue(client, people, call):
    recruitment.application_submit(call=call, data=form_data(call))
    client.force_login(people.secretary)
    queue = client.get("/partners/applications/").content.decode()
    assert "王阿姨" in queue and "139****7777" in queue and PHONE not in queue
    application = Application.objects.get()
    detail = client.get(f"/partners/applications/{application.pk}/").content.decode()
    assert "审核通过" in detail and PHONE not in detail
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/partners/applications/{application.pk}/approve/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.partner.user.phone.full == PHONE
    again = client.post(f"/partners/applications/{application.pk}/approve/")
    assert again.status_code == 409


def test_a_decline_without_a_reason_is_shown_on_the_form(client, people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    client.force_login(people.secretary)
    response = client.post(f"/partners/applications/{application.pk}/decline/", {"reason": ""})
    assert response.status_code == 422 and "请填写未通过的原因" in response.content.decode()
    assert Application.objects.get().status == "pending"


def test_a_returning_partner_is_announced_on_the_application(client, org, people, call):
    f.PartnerFactory(
        community=org.guoao,
        phone=PHONE,
        name="王老师",
        status="inactive",
        created_by=people.secretary,
    )
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    client.force_login(people.secretary)
    detail = client.get(f"/partners/applications/{application.pk}/").content.decode()
    assert "已有合伙人记录“王老师”" in detail and "恢复并更新这条记录" in detail


def test_a_secretary_creates_and_publishes_a_call(client, people):
    client.force_login(people.secretary)
    form = client.get("/partners/calls/new/").content.decode()
    assert "平时" in form and "战时" in form
    duties = [str(d.pk) for d in Duty.objects.all()]
    response = client.post(
        "/partners/calls/new/",
        {"once": f.once(), "title": "招募令", "body": "说明", "duties": duties},
    )
    assert response.status_code == 302
    made = RecruitmentCall.objects.get()
    assert made.status == "draft" and made.duties.count() == 6
    client.post(f"/partners/calls/{made.pk}/open/")
    made.refresh_from_db()
    assert made.status == "open"
    detail = client.get(f"/partners/calls/{made.pk}/").content.decode()
    assert f"/p/partners/calls/{made.pk}/" in detail and "二维码海报" in detail
    poster = client.get(f"/partners/calls/{made.pk}/poster.png")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"
    assert poster.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_call_without_duties_is_a_form_error(client, people):
    client.force_login(people.secretary)
    response = client.post("/partners/calls/new/", {"once": f.once(), "title": "x", "body": "y"})
    assert response.status_code == 422 and "请至少选择一项职责" in response.content.decode()
    assert not RecruitmentCall.objects.exists()


def test_the_partner_page_shows_applications_and_consent(client, people, partner):
    client.force_login(people.secretary)
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "申请与个人信息告知" in page
    assert f"版本 {recruitment.CONSENT_NOTICE_VERSION}" in page


# --- query counts --------------------------------------------------------------------------------
def _calls(org, people, n):
    for _ in range(n):
        call = make_call(org, people)
        Application.objects.create(
            community=org.guoao,
            call=call,
            name="申请人",
            category=Category.objects.get(code="volunteer"),
            consent_version="2026-11",
            consented_at=call.created_at,
            status="declined",
        ).duties.set(Duty.objects.all()[:2])


def _count(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "who", "limit"),
    [
        ("/partners/calls/", "secretary", 8),
        ("/partners/applications/", "secretary", 8),
        ("/partners/applications/", "district", 8),
        ("/p/partners/", None, 8),
    ],
)
def test_list_pages_cost_the_same_queries_at_two_sizes(
    django_assert_max_num_queries, client, org, people, url, who, limit
):
    if who:
        client.force_login(getattr(people, who))
    _calls(org, people, 3)
    few = _count(django_assert_max_num_queries, client, url, limit)
    _calls(org, people, 9)
    many = _count(django_assert_max_num_queries, client, url, limit)
    assert few == many
