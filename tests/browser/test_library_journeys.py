"""The 百社百景库 on a 360 px phone, each page checked by Journey.check(): a secretary opens the
library (items that suit the community's compounds first), clones a library project of another
community and lands on the draft, which says where it came from; the street's 组长 nominates a
completed project; district staff find it in their to-do, select it with its write-up; the
residents' library shows it."""

import pytest
from playwright.sync_api import expect

from library.models import LibraryEntry, Nomination, ProjectOrigin
from library.tests import factories as lf
from projects.models import Project

pytestmark = pytest.mark.browser


def test_secretary_clones_street_nominates_district_selects_residents_see_it(
    transactional_db, org, people, journey
):
    source = lf.completed_project(
        org.yuehai, people, title="悦海百家宴", created_by=people.secretary2
    )
    lf.entry(source, people.district, name="百家宴")
    completed = lf.completed_project(org.haiyun, people, title="海韵读书会")

    s = journey("secretary-clones-library-project")
    page = s.page
    s.login("secretary")
    s.goto("/library/", "tree")
    main = page.locator("main")
    expect(main).to_contain_text("适合本社区的小区类型")
    expect(main).to_contain_text("悦海百家宴")
    s.click(main.get_by_role("link", name="悦海百家宴").first, "entry")
    expect(main).to_contain_text("典型案例")
    # Another street's project: its public page shows the whole process (the staff page is 404).
    s.click(page.get_by_role("link", name="项目全过程(公开页)"), "source-public-page")
    expect(main).to_contain_text("悦海百家宴")
    page.go_back()
    s.click(page.get_by_role("link", name="借鉴此项目"), "clone-form")
    expect(page.locator("#clone-note")).to_contain_text("本草稿借鉴自悦海社区的“悦海百家宴”")
    page.locator("#id_title").fill("国奥百家宴")
    s.click(page.get_by_role("button", name="建立草稿"), "draft")
    expect(main).to_contain_text("已借鉴入库项目建好草稿")
    expect(main).to_contain_text("本草稿借鉴自悦海社区的入库项目“悦海百家宴”")
    draft = Project.objects.get(title="国奥百家宴")
    assert draft.community == org.guoao and draft.status == "draft"
    assert ProjectOrigin.objects.get(project=draft).entry.project == source
    s.close()

    t = journey("street-nominates")
    tpage = t.page
    t.login("street")
    t.goto("/library/nominations/new/", "nominate-form")
    tpage.locator("#id_project").select_option(label="海韵社区 · 海韵读书会")
    tpage.locator("#id_item").select_option(label="群众活动 · 读书会")
    t.click(tpage.get_by_role("button", name="推荐"), "no-reason", status=422)
    tpage.locator("#id_reason").fill("凉亭下的共享书架,居民自己轮值管理。")
    t.click(tpage.get_by_role("button", name="推荐"), "nominated")
    expect(tpage.locator("#nomination-status")).to_have_text("待区级遴选")
    t.close()

    d = journey("district-selects")
    dpage = d.page
    d.login("district")
    d.goto("/library/", "tree")
    d.click(dpage.get_by_role("link", name="待遴选的推荐"), "todo")
    expect(dpage.locator("h1")).to_contain_text("入库推荐:待区级遴选")
    d.click(dpage.get_by_role("link", name="海韵读书会"), "nomination")
    dpage.locator("#id_select-case_study").fill(
        "背景:老旧小区缺少读书的地方。\n做法:凉亭下设共享书架。"
    )
    d.click(dpage.get_by_role("button", name="入库并公开"), "selected")
    expect(dpage.locator("#nomination-status")).to_have_text("已入库")
    nomination = Nomination.objects.get(project=completed)
    assert nomination.status == "selected"
    entry = LibraryEntry.objects.get(project=completed)
    assert entry.item.name == "读书会"
    d.close()

    r = journey("resident-reads-library")
    rpage = r.page
    r.goto("/p/", "front")
    r.click(rpage.get_by_role("link", name="百社百景库"), "public-tree")
    expect(rpage.locator("main")).to_contain_text("海韵读书会")
    r.click(rpage.get_by_role("link", name="海韵读书会"), "public-entry")
    expect(rpage.locator("main")).to_contain_text("凉亭下设共享书架")
    r.click(rpage.get_by_role("link", name="← 读书会"), "public-item")
    r.click(rpage.get_by_role("link", name="← 百社百景库"), "back-to-tree")
    r.click(rpage.get_by_role("link", name="年度优秀项目"), "excellent")
    expect(rpage.locator("main")).to_contain_text("海韵读书会")
