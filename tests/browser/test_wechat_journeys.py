"""Residents open step 1's public pages from WeChat (issue 12, item 8): a QR code scanned in
WeChat opens its built-in browser, whose user agent names MicroMessenger. The questionnaire, the
box's suggestion form and the receipt lookup work there as anywhere: plain forms, no feature the
in-app browser lacks, each page checked by Journey.check() (CSP, axe, no errors) at 360 px."""

import pytest
from playwright.sync_api import expect

from needs.models import ensure_categories
from outreach.models import Suggestion
from outreach.tests.factories import SuggestionBoxFactory
from surveys.models import Response
from surveys.tests import factories as sf
from tests import factories as f

pytestmark = pytest.mark.browser

# WeChat 8 on Android (its X5/XWeb engine): what the in-app browser sends.
WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2049A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5197 "
    "MMWEBSDK/20230805 MMWEBID/6260 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


@pytest.fixture(autouse=True)
def _categories(transactional_db):
    ensure_categories()


def test_a_resident_in_wechat_answers_suggests_and_looks_up_the_receipt(
    transactional_db, org, people, journey
):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, title="楼道环境调查")
    box = SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)
    need = f.NeedFactory(
        community=org.guoao, created_by=people.secretary, title="楼道杂物清理", status="studying"
    )
    w = journey("wechat-resident", user_agent=WECHAT)
    page = w.page
    assert "MicroMessenger" in page.evaluate("navigator.userAgent")
    main = page.locator("main")

    # The questionnaire's short link, one question per screen.
    w.goto(f"/p/q/{survey.short_code}/", "wechat-survey")
    page.get_by_role("button", name="开始填写").click()
    expect(main).to_contain_text("第 1 题,共 4 题")
    page.get_by_text("停车难").click()  # a single choice moves on by itself
    expect(main).to_contain_text("第 2 题,共 4 题")
    page.get_by_text("百家宴").click()
    page.get_by_role("button", name="下一题").click()
    page.get_by_text("4分", exact=True).click()
    expect(main).to_contain_text("第 4 题,共 4 题")
    page.locator("textarea[name=q4]").fill("希望楼道干净整洁")
    page.get_by_role("button", name="下一题").click()
    expect(main).to_contain_text("最后一步")
    w.click(page.get_by_role("button", name="提交问卷"), "wechat-survey-thanks")
    expect(main).to_contain_text("感谢您的填写")
    assert Response.objects.filter(survey=survey, channel="online").count() == 1

    # The box's QR label: a suggestion and its receipt code.
    w.goto(f"/p/boxes/{box.code}/", "wechat-box")
    page.get_by_label("您的意见或建议").fill("楼道里堆了很多纸箱,请清理。")
    w.click(page.get_by_role("button", name="提交留言"), "wechat-box-thanks")
    code = page.locator("[data-receipt-code]").inner_text().strip()
    suggestion = Suggestion.objects.get()
    assert suggestion.box == box and suggestion.receipt

    # The community files it under a need; the resident looks it up, still in WeChat.
    from needs.services import receipt_link

    receipt_link(receipt=suggestion.receipt, need=need, by=people.secretary)
    w.goto("/p/receipts/", "wechat-receipt-form")
    page.get_by_label("回执码").fill(code)
    w.click(page.get_by_role("button", name="查询"), "wechat-receipt")
    expect(main).to_contain_text("研究中")
