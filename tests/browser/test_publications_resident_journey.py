"""A resident reads the street's publication on a phone and prints the PDF (issue 14's done-when):
on /p/ they pick their community once, see this month's 月初预告 of their street first, open it
and fetch its PDF; in WeChat's built-in browser the page says how to download it. Each page is
checked by Journey.check() (CSP, axe, tap targets, no horizontal scroll at 360 px)."""

import pytest
from playwright.sync_api import expect

from publications.tests.world_public import make_publication
from signups.tests.factories import announced_project, session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2049A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5197 "
    "MMWEBSDK/20230805 MMWEBID/6260 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
HINT = "点右上角 ··· 选择「在浏览器打开」后再下载"


def _month(org, people):
    project = announced_project(org, people, title="楼道微更新")
    session(project, people, capacity=None, days=3, title="百家宴")
    return make_publication(org, people, foreword="欢迎居民朋友们参加本月活动。")


def _read_it(w, preview, *, label: str):
    page = w.page
    page.set_viewport_size(PHONE)
    main = page.locator("main")

    w.goto("/p/", f"{label}-home")
    w.click(page.get_by_role("link", name="选择我的社区"), f"{label}-place")
    page.get_by_label("我的社区").select_option(label="国奥社区")
    w.click(page.get_by_role("button", name="就是这个社区"), f"{label}-home-mine")
    expect(main).to_contain_text("我的社区:长江路街道 · 国奥社区")
    first = main.locator("#mine-publications a.btn").first
    expect(first).to_contain_text("月初预告")

    w.click(first, f"{label}-publication")
    assert page.url.endswith(preview.get_public_url())
    expect(main).to_contain_text("欢迎居民朋友们参加本月活动。")
    expect(main).to_contain_text("楼道微更新")
    expect(main).to_contain_text("签发于")
    link = page.get_by_role("link", name="打印 / 下载PDF")
    response = page.request.get(w.url(link.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    return main


def test_a_resident_picks_their_community_reads_the_preview_and_gets_the_pdf(
    transactional_db, org, people, journey
):
    preview = _month(org, people)
    w = journey("publication-resident")
    main = _read_it(w, preview, label="phone")
    expect(main).not_to_contain_text(HINT)

    # Back home, the community is remembered; the archive starts with their street.
    w.goto("/publications/", "phone-archive")
    expect(main.locator("h1")).to_contain_text("长江路街道的月度晾晒")


def test_in_wechat_the_page_says_how_to_download_the_pdf(transactional_db, org, people, journey):
    preview = _month(org, people)
    w = journey("publication-wechat", user_agent=WECHAT)
    main = _read_it(w, preview, label="wechat")
    expect(main).to_contain_text(HINT)
