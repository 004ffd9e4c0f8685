"""Four journeys through the portal on a 360 px phone, each page checked by Journey.check().

The last test guards an accessibility fix: the street's three review forms keep their own labels.
"""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Project, Status
from tests import factories as f

pytestmark = pytest.mark.browser


def badge(page):
    """The project page's status badge (the one in its header)."""
    return page.locator("main header .status-badge")


def assert_fits_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{page.url} scrolls sideways at 360px: scrollWidth {width}"


def step_classes(page) -> list[str]:
    return page.locator("ol.steps > li").evaluate_all("items => items.map(li => li.className)")


def test_secretary_files_and_submits_a_project(transactional_db, org, people, journey):
    need = f.NeedFactory(community=org.guoao, title="3号楼楼道灯不亮")
    partner = f.PartnerFactory(community=org.guoao, name="国奥物业服务中心")
    f.PartnerFactory(community=org.yuehai, name="悦海物业")  # another community's: not offered

    j = journey("secretary")
    page = j.page
    j.login("secretary")

    j.click(page.get_by_role("link", name="新建领办项目"), "project-new")
    page.locator("[name=title]").fill("楼道点亮行动")
    page.locator("[name=compound]").select_option(label=org.compound.name)
    page.locator("[name=summary]").fill("为3号楼更换感应灯。")
    page.get_by_label(need.title).check()
    j.click(page.get_by_role("button", name="保存"), "project-created")
    expect(page.get_by_role("heading", level=1)).to_have_text("楼道点亮行动")
    expect(badge(page)).to_have_text("草稿")
    expect(page.locator("#step-needs")).to_contain_text(need.title)

    # The picker searches as you type (htmx swaps in at most 20 matches of this community).
    picker = page.locator("#partner-picker")
    expect(picker).to_contain_text(partner.name)
    with page.expect_response(lambda r: "partner_q=" in r.url):
        page.get_by_label("查找本社区的合伙人").fill("物业")
    expect(picker.get_by_role("button", name=f"链接 {partner.name}")).to_have_count(1)
    expect(picker).not_to_contain_text("悦海物业")
    j.check("partner-search")
    j.click(picker.get_by_role("button", name=f"链接 {partner.name}"), "partner-linked")
    expect(page.locator("#step-partners")).to_contain_text(partner.name)

    j.click(page.get_by_role("link", name="计划与预算"), "plan-form")
    page.locator("[name=goal]").fill("让3号楼的楼道晚上亮起来")
    page.locator("[name=start_date]").fill("2026-12-01")
    page.locator("[name=end_date]").fill("2026-12-20")
    page.locator("[name=target_groups]").fill("3号楼居民")
    j.click(page.get_by_role("button", name="保存目标与范围"), "plan-saved")
    budget = page.locator("form[action$='/plan/budget/add/']")
    budget.locator("[name=item]").fill("感应灯")
    budget.locator("[name=amount]").fill("3000")
    budget.locator("[name=source]").select_option("street")
    j.click(budget.get_by_role("button", name="添加预算"), "budget-added")
    expect(page.locator("#h-budget")).to_contain_text("3000.00")
    j.click(page.get_by_role("link", name="返回项目"), "project-planned")
    expect(page.locator("#step-plan")).to_contain_text("3000")

    j.click(page.get_by_role("link", name="记录联席会"), "meeting-form")
    page.locator("[name=date]").fill("2026-11-20")
    page.locator("[name=party_0]").select_option("branch")
    page.locator("[name=name_0]").fill("小区党支部 王书记")
    page.locator("[name=party_1]").select_option("property")
    page.locator("[name=name_1]").fill("物业 张经理")
    page.locator("[name=feasibility]").fill("物业出灯具,志愿者安装")
    page.locator("[name=decisions]").fill("同意实施")
    j.click(page.get_by_role("button", name="保存联席会记录"), "meeting-saved")
    expect(page.locator("#step-proposal")).to_contain_text("2026-11-20")

    j.click(page.get_by_role("link", name="实施方案"), "proposal-form")
    page.locator("[name=proposal]").fill("分两个周末完成安装")
    j.click(page.get_by_role("button", name="保存"), "proposal-saved")
    expect(page.locator("#readiness")).to_contain_text("前四步材料齐全")

    j.click(page.get_by_role("button", name="提交街道审核"), "submitted")
    expect(badge(page)).to_have_text("待街道审核")
    expect(page.locator("main .messages")).to_contain_text("已提交街道审核")
    classes = step_classes(page)
    assert len(classes) == 7
    assert [c.split() for c in classes[:3]] == [["done"]] * 3, classes
    assert all(c.split() == ["missing"] for c in classes[3:]), classes
    expect(page.locator("ol.steps > li.done .visually-hidden")).to_have_text(["已完成"] * 3)
    # The secretary can no longer edit or resubmit it.
    expect(page.get_by_role("link", name="计划与预算")).to_have_count(0)
    expect(page.get_by_role("button", name="提交街道审核")).to_have_count(0)

    project = Project.objects.get(title="楼道点亮行动")
    assert project.status == Status.SUBMITTED
    assert project.community == org.guoao
    assert project.compound == org.compound
    assert list(project.needs.all()) == [need]
    assert list(project.partners.all()) == [partner]


def test_street_returns_then_approves_a_proposal(transactional_db, org, people, journey):
    project = f.ProjectFactory(
        community=org.guoao,
        ready=True,
        status=Status.SUBMITTED,
        title="邻里议事厅",
        created_by=people.secretary,
    )

    street = journey("street")
    page = street.page
    street.login("street")
    waiting = page.locator("section[aria-labelledby=h-waiting]")
    link = waiting.get_by_role("link", name=re.compile(project.title))
    expect(link).to_contain_text("待街道审核")
    street.click(link, "project")
    expect(badge(page)).to_have_text("待街道审核")

    return_form = page.locator("form[action$='/return/']")
    street.click(return_form.get_by_role("button", name="退回修改"), "return-empty", status=422)
    expect(return_form.locator(".invalid-feedback")).to_have_text("退回时请写明修改意见。")
    expect(return_form.locator("textarea")).to_have_attribute("aria-invalid", "true")
    expect(badge(page)).to_have_text("待街道审核")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED

    return_form.locator("textarea").fill("请补充预算明细。")
    street.click(return_form.get_by_role("button", name="退回修改"), "returned")
    expect(badge(page)).to_have_text("已退回修改")
    expect(page.locator("main .messages")).to_contain_text("已退回社区修改")
    expect(page.locator("form[action$='/approve/']")).to_have_count(0)
    project.refresh_from_db()
    assert project.status == Status.RETURNED

    # The secretary finds it on the dashboard, reads the comment and resubmits.
    secretary = journey("secretary-resubmits")
    spage = secretary.page
    secretary.login("secretary")
    returned = spage.locator("section[aria-labelledby=h-returned]")
    secretary.click(returned.get_by_role("link", name=re.compile(project.title)), "project")
    expect(spage.locator(".timeline")).to_contain_text("请补充预算明细。")
    secretary.click(spage.get_by_role("button", name="修改后重新提交"), "resubmitted")
    expect(badge(spage)).to_have_text("待街道审核")

    street.goto(project.get_absolute_url(), "project-resubmitted")
    approve_form = page.locator("form[action$='/approve/']")
    approve_form.locator("[name=comment]").fill("同意实施。")
    street.click(approve_form.get_by_role("button", name="批准"), "approved")
    expect(badge(page)).to_have_text("已批准")
    expect(page.locator("main .messages")).to_contain_text("已批准")
    expect(page.locator("#h-review")).to_have_count(0)
    project.refresh_from_db()
    assert project.status == Status.APPROVED


def test_resident_reads_an_announcement(transactional_db, org, journey):
    project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, announced=True, title="国奥邻居节"
    )
    f.ProjectFactory(
        community=org.guoao, ready=True, status=Status.APPROVED, title="尚未公开的项目"
    )

    j = journey("resident")
    page = j.page
    j.goto("/p/", "public-home")
    expect(page.locator("#announcements")).to_contain_text(project.title)
    expect(page.locator("main")).not_to_contain_text("尚未公开的项目")
    assert_fits_phone(page)
    sizes = page.locator("main p").evaluate_all(
        "ps => ps.map(p => [p.textContent.trim().slice(0, 20), parseFloat(getComputedStyle(p).fontSize)])"
    )
    assert sizes, "no paragraphs in main"
    small = [(text, size) for text, size in sizes if size < 18]
    assert not small, f"body text under 18px on /p/: {small}"

    j.click(page.get_by_role("link", name=project.title), "announcement")
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    expect(page.locator("main")).to_contain_text(project.announcement)
    expect(page.locator("main")).to_contain_text("2026年12月1日")
    assert_fits_phone(page)

    root_size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    body_size = "parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)"
    before = page.evaluate(f"[{root_size}, {body_size}]")
    toggle = page.get_by_role("button", name="大字")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    after = page.evaluate(f"[{root_size}, {body_size}]")
    assert after[0] > before[0], f"root font-size did not grow: {before} -> {after}"
    assert after[1] > before[1], f"body text did not grow: {before} -> {after}"
    j.check("announcement-large-text")
    assert_fits_phone(page)

    # The choice is remembered on the next page.
    j.click(page.get_by_role("link", name="返回项目预告"), "public-home-large-text")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")


def test_district_sees_the_project_in_its_overview(transactional_db, org, people, journey):
    submitted = f.ProjectFactory(
        community=org.guoao, ready=True, status=Status.SUBMITTED, title="国奥楼道点亮"
    )
    f.ProjectFactory(community=org.haiyun, announced=True, title="海韵邻居节")
    f.ProjectFactory(community=org.yuehai, title="悦海议事会")

    j = journey("district")
    page = j.page
    j.login("district")
    j.click(page.locator("main").get_by_role("link", name="全区概览"), "overview")
    table = page.locator("main table")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[0] == "街道" and headers[-1] == "合计", headers

    def counts(street_name):
        row = table.locator("tbody tr", has=page.locator("th", has_text=street_name))
        expect(row).to_have_count(1)
        return dict(zip(headers[1:], row.locator("td").all_inner_texts(), strict=True))

    street_a = counts(org.street_a.name)
    assert street_a == {
        "草稿": "0",
        "待街道审核": "1",
        "已退回修改": "0",
        "已批准": "0",
        "已发布预告": "1",
        "实施中": "0",
        "已复盘": "0",
        "合计": "2",
    }, street_a
    street_b = counts(org.street_b.name)
    assert street_b["草稿"] == "1" and street_b["合计"] == "1", street_b

    j.click(page.get_by_role("link", name="全部项目"), "project-list")
    rows = page.locator("#project-rows .list-group-item")
    expect(rows).to_have_count(3)
    # The filter swaps the rows in place through htmx (and must do so under the strict CSP).
    toggle = page.get_by_role("button", name=re.compile("筛选与排序"))
    if toggle.is_visible():  # a phone: the filters fold behind one button
        toggle.click()
    page.get_by_label("名称", exact=True).fill("楼道")
    with page.expect_response(lambda r: "/projects/?" in r.url) as response:
        page.get_by_role("button", name="筛选", exact=True).click()
    assert response.value.status == 200
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E6%A5%BC%E9%81%93"))
    j.check("project-list-filtered")

    j.click(
        page.locator("#project-rows").get_by_role("link", name=re.compile(submitted.title)),
        "project",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(submitted.title)
    expect(badge(page)).to_have_text("待街道审核")
    expect(page.locator("main")).to_contain_text(f"{org.street_a.name} · {org.guoao.name}")
    # District staff read and may raise a 督办; they neither edit nor decide.
    actions = page.locator("section[aria-labelledby=h-actions] .btn")
    expect(actions).to_have_text(["督办"])
    expect(page.locator("#h-review")).to_have_count(0)


def test_street_review_fields_have_their_own_labels(transactional_db, org, people, journey):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    j = journey("street-labels")
    j.login("street")
    j.goto(project.get_absolute_url(), "project")
    duplicates = j.page.evaluate(
        """() => {
          const seen = {};
          for (const el of document.querySelectorAll("[id]")) seen[el.id] = (seen[el.id] || 0) + 1;
          return Object.keys(seen).filter(id => seen[id] > 1);
        }"""
    )
    labels = j.page.locator("main form textarea").evaluate_all(
        """areas => {
          const found = {};
          for (const a of areas) {
            const form = a.closest("form").getAttribute("action").split("/").at(-2);
            (found[form] = found[form] || []).push(
              ...[...a.labels].map(l => l.textContent.replace("*", "").trim()));
          }
          return found;
        }"""
    )
    assert duplicates == [], duplicates
    assert labels == {"approve": ["审核意见", "批准条件(可选)"], "return": ["修改意见"]}, labels
