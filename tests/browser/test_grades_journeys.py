"""Residents grade a project on a 360 px phone through the three channels, each page checked by
Journey.check(): a resident grades online with the household code from the slip (and is refused
a second time on site with the same code); a neighbour grades on site from the session's poster
without a code (kept apart, unverified); a worker enters a home-visit grade with the household
picker; the secretary writes the structured 复盘 and the project page shows it with the grades."""

import pytest
from playwright.sync_api import expect

from evaluation.models import Grade
from evaluation.tests.factories import running_project
from tests import factories as f

pytestmark = pytest.mark.browser


def test_residents_grade_through_three_channels_and_the_project_page_shows_the_retrospective(
    transactional_db, org, people, journey
):
    project = running_project(org, people, title="楼道微更新")
    session = project.activities.get()
    neighbour = f.HouseholdFactory(building=org.household.building, unit="2单元", room="502")

    # 线上投票评: the code from the slip, then the project's form.
    r = journey("resident-grades-online")
    page = r.page
    main = page.locator("main")
    r.goto("/p/grade/", "code")
    page.get_by_label("户码").fill("wrong-1")
    r.click(page.get_by_role("button", name="开始评价"), "wrong-code", status=422)
    expect(page.get_by_role("alert")).to_contain_text("户码无效")
    page.get_by_label("户码").fill(org.household.code.lower())
    r.click(page.get_by_role("button", name="开始评价"), "projects")
    card = page.locator(f"#project-{project.pk}")
    expect(card).to_contain_text("楼道微更新")
    card.get_by_text("满意", exact=True).click()
    card.get_by_label("意见或建议(可不填)").fill("楼道亮堂了,谢谢")
    r.click(card.get_by_role("button", name="提交评价"), "graded")
    expect(main).to_contain_text("感谢评价“楼道微更新”")
    expect(page.locator(f"#project-{project.pk}")).to_contain_text("您家已评价过这个项目")
    assert org.household.code not in page.content()

    # The same household again, on site with its code: refused, nothing saved.
    r.goto(f"/p/grade/sessions/{session.pk}/", "onsite-again")
    page.get_by_text("基本满意", exact=True).click()
    page.get_by_label("户码(可不填)").fill(org.household.code)
    r.click(page.get_by_role("button", name="提交评价"), "refused", status=422)
    expect(page.get_by_role("alert")).to_contain_text("该户已评价过本项目")
    assert Grade.objects.filter(household=org.household).count() == 1

    # 邀请现场评 without a code, on another phone: kept apart as unverified.
    o = journey("neighbour-grades-onsite")
    opage = o.page
    o.goto(f"/p/grade/sessions/{session.pk}/", "onsite")
    expect(opage.locator("main")).to_contain_text("楼道微更新")
    opage.get_by_text("不满意", exact=True).click()
    o.click(opage.get_by_role("button", name="提交评价"), "onsite-done")
    expect(opage.locator("main")).to_contain_text("不计入满意率")
    assert Grade.objects.unverified().get().verdict == "dissatisfied"

    # 走访入户评: the worker picks the neighbour with the picker and saves.
    w = journey("worker-enters-visit")
    wpage = w.page
    w.login("worker")
    w.goto(f"/evaluation/projects/{project.pk}/visit/", "visit")
    wpage.get_by_label("查找住户").fill("2单元 502")
    choice = wpage.get_by_label("国奥花园 3号楼 2单元 502")
    expect(choice).to_be_visible()
    choice.check()
    wpage.get_by_text("基本满意", exact=True).click()
    w.click(wpage.get_by_role("button", name="保存并录入下一户"), "visit-saved")
    expect(wpage.locator("main")).to_contain_text("已保存")
    expect(wpage.locator("main")).to_contain_text("已录入 1 户")
    assert Grade.objects.get(household=neighbour).channel == "visit"
    expect(wpage.get_by_role("group", name="该户的评价")).to_be_visible()
    # The next door: the picker marks the household just entered as graded, and disables it.
    wpage.get_by_label("查找住户").fill("2单元 502")
    done = wpage.locator(".picker-results .list-group-item", has_text="3号楼 2单元 502")
    expect(done).to_contain_text("已评价")
    expect(done.locator("input")).to_be_disabled()
    w.check("visit-picker-marks-graded")

    # The secretary writes the 复盘; the project page shows it with the grades.
    s = journey("secretary-retrospective")
    spage = s.page
    smain = spage.locator("main")
    s.login("secretary")
    s.goto(f"/projects/{project.pk}/retrospective/", "retrospective-form")
    expect(smain).to_contain_text("满意率")
    s.click(spage.get_by_role("button", name="完成复盘"), "retrospective-missing", status=422)
    spage.get_by_label("做得好的").fill("居民自己动手刷墙,参与度高")
    spage.get_by_label("不足之处").fill("上班族参与少")
    spage.get_by_label("下次要改进的").fill("周末晚上再办一场")
    s.click(spage.get_by_role("button", name="完成复盘"), "project-page")
    retro = spage.locator("#step-retrospective")
    expect(retro).to_contain_text("居民自己动手刷墙,参与度高")
    expect(retro).to_contain_text("上班族参与少")
    expect(retro).to_contain_text("周末晚上再办一场")
    expect(retro).to_contain_text("预算 5000.00 元")
    expect(retro).to_contain_text("志愿者 5 人次")
    expect(retro.locator("[data-rate]")).to_have_text("100.0%")  # 2 verified: 满意, 基本满意
    expect(retro.locator("[data-unverified]")).to_contain_text("不满意 1")
    s.click(spage.get_by_role("link", name="评价详情与意见"), "grades-page")
    expect(smain).to_contain_text("楼道亮堂了,谢谢")
