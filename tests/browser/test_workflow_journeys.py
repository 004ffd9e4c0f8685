"""Journeys through the foundation's mechanisms on a 360 px phone, each page checked by
Journey.check(): steps 5–7 with a stale second tab and a form sent twice; a secretary working in
two communities; a draft deleted and restored from the trash."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from needs.models import Need
from projects.models import Activity, Project, Status
from tests import factories as f

pytestmark = pytest.mark.browser


def badge(page):
    return page.locator("main header .status-badge")


def test_secretary_runs_steps_5_to_7_and_a_stale_tab_is_told_why(
    transactional_db, org, people, journey
):
    project = f.ProjectFactory(
        community=org.guoao, ready=True, status=Status.APPROVED, title="国奥邻居节"
    )
    j = journey("secretary-steps")
    page = j.page
    j.login("secretary")
    j.goto(project.get_absolute_url(), "approved")

    j.click(page.get_by_role("link", name="发布预告", exact=True), "announce-form")
    page.locator("[name=announcement]").fill("12月5日上午九点在国奥花园中心广场,欢迎全体居民参加。")
    j.click(page.get_by_role("button", name="发布"), "announced")
    expect(badge(page)).to_have_text("已发布预告")

    # The next step is the programme of sessions; a session held without being scheduled is
    # recorded afterwards from the step 6 section.
    expect(page.locator("#h-actions + div")).to_contain_text("安排下一场活动")
    j.click(page.get_by_role("link", name="补记一场未安排的活动"), "activity-form")
    page.locator("[name=date]").fill("2027-03-01")  # after the plan's end
    page.locator("[name=place]").fill("国奥花园中心广场")
    page.locator("[name=participants]").fill("120")
    page.locator("[name=volunteers]").fill("12")
    page.locator("[name=spending]").fill("800")
    j.click(page.get_by_role("button", name="保存"), "activity-outside-plan", status=422)
    expect(page.locator("main")).to_contain_text("2026-12-01 至 2026-12-31")
    page.locator("[name=date]").fill("2026-12-05")
    token = page.locator("[name=once]").input_value()
    j.click(page.get_by_role("button", name="保存"), "activity-logged")
    expect(badge(page)).to_have_text("实施中")
    expect(page.locator("#step-activities")).to_contain_text("国奥花园中心广场")

    # The same form sent again (a browser resending it): one session, and a word about it.
    j.goto(f"/projects/{project.pk}/activities/new/", "activity-form-again")
    for name, value in [("date", "2026-12-05"), ("place", "国奥花园中心广场")]:
        page.locator(f"[name={name}]").fill(value)
    page.locator("[name=participants]").fill("120")
    page.locator("[name=spending]").fill("800")
    page.locator("[name=once]").evaluate("(input, token) => { input.value = token; }", token)
    j.click(page.get_by_role("button", name="保存"), "activity-resent")
    expect(page.locator("main .messages")).to_contain_text("这份表单已经提交过,没有重复保存")
    assert Activity.objects.filter(project=project).count() == 1

    # A colleague's tab opened the retrospective form; the secretary finishes first.
    other = journey("worker-stale-tab")
    other.login("secretary")
    other.goto(f"/projects/{project.pk}/retrospective/", "retrospective-form-stale")
    other.page.locator("[name=retro_worked]").fill("同事写的复盘:参与踊跃。")
    other.page.locator("[name=retro_changes]").fill("提前一周发布预告。")

    j.click(page.get_by_role("link", name="复盘", exact=True), "retrospective-form")
    page.locator("[name=retro_worked]").fill("120位居民参加,明年继续举办。")
    page.locator("[name=retro_changes]").fill("增加老年人专场。")
    j.click(page.get_by_role("button", name="完成复盘"), "retrospected")
    expect(badge(page)).to_have_text("已复盘")
    steps = page.locator("ol.steps > li").evaluate_all("items => items.map(li => li.className)")
    assert steps[4:] == ["done", "done", "done"], steps  # announcement, activities, 复盘

    other.click(other.page.get_by_role("button", name="完成复盘"), "stale-409", status=409)
    expect(other.page.locator("main")).to_contain_text("当前状态为“已复盘”,不能复盘")
    expect(other.page.locator("[name=retro_worked]")).to_have_value("同事写的复盘:参与踊跃。")
    project.refresh_from_db()
    assert project.retro_worked == "120位居民参加,明年继续举办。"
    assert project.retro_changes == "增加老年人专场。"

    public = journey("resident-sees-results")
    public.goto(f"/p/announcements/{project.pk}/", "public-results")
    expect(public.page.locator("main")).to_contain_text("明年继续举办")


def test_secretary_of_two_communities_picks_where_a_need_goes(
    transactional_db, org, people, journey
):
    f.add_role(people.secretary, Role.WORKER, org.haiyun)
    j = journey("two-communities")
    page = j.page
    j.login("secretary")
    j.click(page.locator("main").get_by_role("link", name="记录需求"), "choose-community")
    expect(page.get_by_role("heading", level=1)).to_have_text("记录需求")
    j.click(page.get_by_role("link", name="海韵社区"), "need-form-haiyun")
    expect(page.get_by_role("heading", level=1)).to_contain_text("海韵社区")
    page.locator("[name=title]").fill("海韵小区晚上路灯太暗")
    page.locator("[name=category]").select_option(label="设施改造")
    page.locator("[name=source]").select_option(label="楼道意见箱")
    page.locator("[name=mentions]").fill("6")
    j.click(page.get_by_role("button", name="保存"), "need-saved")
    need = Need.objects.get(title="海韵小区晚上路灯太暗")
    assert need.community == org.haiyun


def test_secretary_deletes_a_draft_and_restores_it_from_the_trash(
    transactional_db, org, people, journey
):
    project = f.ProjectFactory(community=org.guoao, title="误删的草稿")
    j = journey("trash")
    page = j.page
    page.on("dialog", lambda dialog: dialog.accept())  # "确定删除这个草稿吗?"
    j.login("secretary")
    j.goto(project.get_absolute_url(), "draft")
    j.click(page.get_by_role("button", name="删除草稿"), "deleted")
    expect(page.locator("main .messages")).to_contain_text("草稿已删除")
    j.click(page.get_by_role("link", name="已删除的草稿"), "trash")
    row = page.locator("main .list-group-item", has_text="误删的草稿")
    j.click(row.get_by_role("button", name="恢复"), "restored")
    expect(page.get_by_role("heading", level=1)).to_have_text("误删的草稿")
    assert Project.objects.alive().filter(pk=project.pk).exists()
