"""Recruitment on a 360 px phone (issue 13 item 1), each page checked by Journey.check(): a person
in WeChat's built-in browser finds 国奥社区's call from the residents' front page and applies as a
serving party member (the employer's field appears for that category; an unticked consent is
refused first); applying again with the same phone is recognised, not doubled. The secretary
approves in the browser; the person signs in with the SMS code (read from the locmem outbox) and
sees their own page. A partner leaves (confirmed, anonymised, signed out) and an applicant withdraws
a waiting application with a code."""

import re

import pytest
from playwright.sync_api import expect

from core import sms
from partners.models import Application, Duty, Partner, RecruitmentCall, ensure_catalogues

pytestmark = pytest.mark.browser

WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2049A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5197 "
    "MMWEBSDK/20230805 MMWEBID/6260 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
PHONE = "13900008888"


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    ensure_catalogues()


def _open_call(org, people) -> RecruitmentCall:
    call = RecruitmentCall.objects.create(
        community=org.guoao,
        title="国奥社区招募幸福家园合伙人",
        body="平时宣传政策、收集民意、志愿服务;战时应急值守、物资保障、维护秩序。",
        looking_for="在职党员、会修水电的热心居民",
        status=RecruitmentCall.Status.OPEN,
        created_by=people.secretary,
    )
    call.duties.set(Duty.objects.all())
    return call


def _code() -> str:
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)


def _apply(j, call, *, skills: str, label: str, consent: bool = True, status: int = 200):
    page = j.page
    page.get_by_label("姓名或单位名称").fill("张建国")
    page.get_by_label("手机号").fill(PHONE)
    employer = page.get_by_label("工作单位")
    expect(employer).to_be_hidden()  # not for a volunteer: shown for 在职党员 only
    page.get_by_label("合伙人类别").select_option(label="在职党员")
    expect(employer).to_be_visible()
    employer.fill("区人民医院")
    page.get_by_label("居住楼栋").select_option(label="国奥花园3号楼")
    page.get_by_label("政策宣传").check()
    page.get_by_label("应急值守").check()
    page.get_by_label("周末").check()
    page.get_by_label("特长或能提供的资源").fill(skills)
    if consent:
        page.locator("#id_consent").check()
    return j.click(page.get_by_role("button", name="提交申请"), label, status=status)


def test_a_person_applies_in_wechat_is_approved_and_signs_in_with_an_sms_code(
    transactional_db, org, people, journey
):
    call = _open_call(org, people)
    sms.outbox.clear()

    r = journey("recruit-applicant", user_agent=WECHAT)
    page = r.page
    main = page.locator("main")
    r.goto("/p/", "public-home")
    r.click(page.get_by_role("link", name="加入幸福家园合伙人"), "calls")
    expect(main).to_contain_text("国奥社区")
    r.click(page.get_by_role("link", name=call.title), "call")
    expect(main).to_contain_text("平时")
    expect(main).to_contain_text("战时")
    expect(main).to_contain_text("物资保障")
    r.click(page.get_by_role("link", name="我要报名"), "apply-form")
    expect(page.locator("#id_consent")).not_to_be_checked()
    _apply(r, call, skills="心肺复苏", label="no-consent", consent=False, status=422)
    expect(page.get_by_role("alert").first).to_contain_text("勾选同意")
    assert not Application.objects.exists()
    page.locator("#id_consent").check()
    r.click(page.get_by_role("button", name="提交申请"), "thanks")
    expect(main).to_contain_text("申请已提交")
    expect(main).to_contain_text("短信通知")

    # The same phone again: the waiting application updated, answered like a first one.
    r.goto(f"/p/partners/calls/{call.pk}/apply/", "apply-again")
    _apply(r, call, skills="心肺复苏、健康讲座", label="thanks-again")
    expect(main).to_contain_text("不会重复登记")
    application = Application.objects.get()
    assert application.times == 2 and application.skills == "心肺复苏、健康讲座"
    assert application.employer == "区人民医院" and application.home_building is not None

    # The secretary approves on a phone too.
    s = journey("recruit-secretary")
    spage = s.page
    smain = spage.locator("main")
    s.login("secretary")
    s.goto("/partners/applications/", "queue")
    expect(smain).to_contain_text("提交 2 次")
    expect(smain).to_contain_text("139****8888")
    assert PHONE not in spage.content()
    s.click(smain.get_by_role("link", name=re.compile("张建国")), "application")
    expect(smain).to_contain_text("在职党员")
    expect(smain).to_contain_text("区人民医院")
    s.click(spage.get_by_role("button", name="审核通过"), "approved")
    expect(smain).to_contain_text("已审核通过")
    partner = Partner.objects.get()
    assert partner.user.phone.full == PHONE and partner.category_id == "party_member"
    assert [m.template for m in sms.outbox] == ["PARTNER_APPROVED"]
    s.goto(f"/partners/{partner.pk}/", "partner-page")
    expect(smain).to_contain_text("申请与个人信息告知")

    # The person signs in with the SMS code, still in WeChat.
    r.goto("/p/partners/", "calls-again")
    r.click(page.get_by_role("link", name="合伙人登录"), "login")
    page.get_by_label("手机号").fill(PHONE)
    r.click(page.get_by_role("button", name="获取验证码"), "code-sent")
    expect(main).to_contain_text("139****8888")
    page.get_by_label("短信验证码").fill("000000" if _code() != "000000" else "111111")
    r.click(page.get_by_role("button", name="登录", exact=True), "wrong-code", status=422)
    expect(page.get_by_role("alert").first).to_contain_text("验证码不正确")
    page.get_by_label("短信验证码").fill(_code())
    r.click(page.get_by_role("button", name="登录", exact=True), "my-page")
    assert page.url.endswith("/partners/me/")
    expect(main).to_contain_text("国奥社区的幸福家园合伙人")
    expect(main).to_contain_text("应急值守")
    expect(main).to_contain_text("周末")
    expect(main).to_contain_text("139****8888")
    expect(page.get_by_role("link", name="看看可以认领的实事")).to_be_visible()
    # The partner's home links back to their page.
    r.goto("/", "partner-home")
    r.click(page.get_by_role("link", name=re.compile("我的合伙人页面")), "my-page-again")
    assert page.url.endswith("/partners/me/")


def test_a_partner_leaves_and_an_applicant_withdraws(transactional_db, org, people, journey):
    from partners import recruitment

    call = _open_call(org, people)
    sms.outbox.clear()

    r = journey("recruit-withdraw", user_agent=WECHAT)
    page = r.page
    main = page.locator("main")
    r.goto(f"/p/partners/calls/{call.pk}/apply/", "apply")
    page.get_by_label("姓名或单位名称").fill("李阿姨")
    page.get_by_label("手机号").fill("13900006666")
    page.get_by_label("合伙人类别").select_option(label="热心居民")
    page.get_by_label("民意收集").check()
    page.get_by_label("随叫随到").check()
    page.locator("#id_consent").check()
    r.click(page.get_by_role("button", name="提交申请"), "thanks")
    r.click(page.get_by_role("link", name="撤回我的申请"), "withdraw")
    page.get_by_label("手机号").fill("13900006666")
    r.click(page.get_by_role("button", name="获取验证码"), "withdraw-code")
    page.get_by_label("短信验证码").fill(_code())
    r.click(page.get_by_role("button", name="验证并撤回"), "withdrawn")
    expect(main).to_contain_text("已撤回 1 份")
    application = Application.objects.get()
    assert application.status == "withdrawn" and application.name == "已撤回"

    # An approved partner leaves from their own page.
    other = recruitment.application_submit(
        call=call,
        data={
            "kind": "person",
            "name": "周师傅",
            "phone": PHONE,
            "category": call.categories.model.objects.get(code="volunteer"),
            "duties": list(call.duties.filter(code="service")),
            "availability": ["weekend"],
            "consent": True,
        },
    )[0]
    partner = recruitment.application_approve(application=other, by=people.secretary)
    p = journey("recruit-leave")
    ppage = p.page
    p.goto("/p/partners/login/", "login")
    ppage.get_by_label("手机号").fill(PHONE)
    p.click(ppage.get_by_role("button", name="获取验证码"), "code-sent")
    ppage.get_by_label("短信验证码").fill(_code())
    p.click(ppage.get_by_role("button", name="登录", exact=True), "my-page")
    p.click(ppage.get_by_role("link", name="退出国奥社区的合伙人"), "leave-confirm")
    expect(ppage.locator("main")).to_contain_text("确定要退出吗")
    p.click(ppage.get_by_role("button", name="确认退出"), "left")
    expect(ppage.locator("main")).to_contain_text("联系方式已删除")
    assert "/p/partners/" in ppage.url
    partner.refresh_from_db()
    assert partner.status == "left" and not partner.phone and partner.user is None
    p.goto("/partners/me/", "me-after-leaving")  # signed out: the login page
    assert "/accounts/login/" in ppage.url


def test_the_secretary_drafts_and_publishes_a_call(transactional_db, org, people, journey):
    s = journey("recruit-call")
    page = s.page
    main = page.locator("main")
    s.login("secretary")
    s.goto("/partners/calls/", "call-list")
    s.click(page.get_by_role("link", name="新建招募令"), "call-form")
    page.get_by_label("标题").fill("2027年幸福家园合伙人招募令")
    page.get_by_label("招募说明").fill("欢迎身边的热心人加入。")
    page.get_by_label("重点招募").fill("周边商户、水电维修")
    s.click(page.get_by_role("button", name="保存"), "call-no-duties", status=422)
    expect(main).to_contain_text("请至少选择一项职责")
    for name in ("政策宣传", "志愿服务", "应急值守", "物资保障"):
        page.get_by_label(name).check()
    page.get_by_label("周边商户").check()
    s.click(page.get_by_role("button", name="保存"), "call-draft")
    expect(main).to_contain_text("草稿")
    s.click(page.get_by_role("button", name="发布"), "call-open")
    expect(main).to_contain_text("招募中")
    call = RecruitmentCall.objects.get()
    assert call.status == "open" and call.duties.count() == 4
    expect(main.locator(f'a[href$="/p/partners/calls/{call.pk}/"]')).to_be_visible()
    response = page.request.get(s.url(f"/partners/calls/{call.pk}/poster.png"))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    s.goto("/partners/calls/", "call-list-open")
    expect(main).to_contain_text("没有待审核的申请")

    r = journey("recruit-call-public", user_agent=WECHAT)
    r.goto(f"/p/partners/calls/{call.pk}/", "public-call")
    expect(r.page.locator("main")).to_contain_text("招募对象:周边商户")
