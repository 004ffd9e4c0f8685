"""The needs list on a 360 px phone, each page checked by Journey.check(): the secretary opens the
list, filters it, merges two needs that say the same thing and adopts the kept one into a draft
project (纳入已有项目) — the need shows 已纳入项目 and the project's page lists it — then studies,
declines (refused first without the reason residents read) and reopens another; the street's 组长
sees the list over the street's communities with the per-community breakdown; district staff keep
the categories; a resident looks up the receipt code of the merged need's suggestion and sees the
project, then its residents' page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from needs.models import Need, ensure_categories
from needs.services import need_mention, receipt_issue
from projects.models import Project, Status
from tests import factories as f

pytestmark = pytest.mark.browser


def _need(community, title, mentions, by, **kwargs):
    from needs.services import need_create

    return need_create(
        by=by,
        community=community,
        data={
            "title": title,
            "category_id": kwargs.pop("category", "environment"),
            "source": kwargs.pop("source", "suggestion_box"),
            "mentions": mentions,
            **kwargs,
        },
    )


def test_secretary_merges_and_adopts_street_sees_breakdown_resident_follows_receipt(
    transactional_db, org, people, journey
):
    ensure_categories()
    kept = _need(org.guoao, "3号楼楼道灯不亮", 4, people.secretary, compound=org.compound)
    duplicate = _need(org.guoao, "三号楼楼道的灯坏了", 2, people.secretary, source="home_visit")
    need_mention(need=duplicate, by=people.secretary, source="round_table", count=1, note="圆桌会")
    charging = _need(org.guoao, "希望增设电动车充电桩", 12, people.secretary, category="facilities")
    _need(
        org.haiyun, "老年食堂延长开放时间", 7, people.secretary_haiyun, category="elderly_children"
    )
    receipt, code = receipt_issue(
        community=org.guoao, kind="suggestion", text="三号楼楼道灯坏了好几天"
    )
    receipt.need = duplicate
    receipt.save(update_fields=["need"])
    project = f.ProjectFactory(
        community=org.guoao, title="楼道点亮行动", created_by=people.secretary
    )

    s = journey("secretary-merges-and-adopts")
    page = s.page
    main = page.locator("main")
    s.login("secretary")
    s.goto("/needs/", "list")
    expect(page.locator("#need-total")).to_contain_text("共 3 条需求")
    page.get_by_role("button", name="筛选").first.click()
    page.locator("#f-q").fill("楼道")
    page.locator("#f-source").select_option(label="入户走访")
    s.click(page.locator("#need-filters").get_by_role("button", name="筛选"), "filtered")
    expect(page.locator("#need-total")).to_contain_text("共 1 条需求")
    s.click(main.get_by_role("link", name="三号楼楼道的灯坏了"), "need")
    expect(main.get_by_role("heading", name="来源")).to_be_visible()
    s.click(page.get_by_role("link", name="合并重复需求"), "merge-search")
    page.locator("#f-q").fill("3号楼")
    s.click(page.get_by_role("button", name="查找"), "merge-found")
    s.click(
        page.locator("#merge-found").get_by_role("link", name="3号楼楼道灯不亮"), "merge-compare"
    )
    expect(page.locator("#merge-compare")).to_contain_text("合并后删除")
    s.click(page.get_by_role("button", name="确认合并"), "merged")
    expect(main).to_contain_text("已合并")
    expect(page.locator("#need-mentions")).to_have_text("7")
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk
    s.click(page.get_by_role("link", name="纳入已有项目"), "adopt-pick")
    page.get_by_label("楼道点亮行动").check()
    s.click(page.get_by_role("button", name="纳入所选项目"), "adopted")
    expect(page.locator("#need-status")).to_have_text("已纳入项目")
    expect(page.locator("#need-adoptions")).to_contain_text("楼道点亮行动")
    s.click(page.locator("#need-adoptions").get_by_role("link", name="楼道点亮行动"), "project")
    expect(page.locator("#step-needs")).to_contain_text("3号楼楼道灯不亮")
    assert Need.objects.get(pk=kept.pk).status == "adopted"
    # Another need: study it, try to decline it without the reason residents read (the form
    # opens again with the message), decline it with one, then reopen it.
    s.goto(f"/needs/{charging.pk}/", "charging")
    s.click(page.get_by_role("button", name="开始研究"), "studying")
    expect(page.locator("#need-status")).to_have_text("研究中")
    page.locator("summary", has_text="暂不采纳").click()
    s.click(page.get_by_role("button", name="确认暂不采纳"), "decline-refused", status=422)
    expect(main).to_contain_text("请写明暂不采纳的理由")
    page.locator("#f-note-decline").fill("小区暂无安装场地,待明年改造时统筹考虑。")
    s.click(page.get_by_role("button", name="确认暂不采纳"), "declined")
    expect(page.locator("#need-status-note")).to_contain_text("暂无安装场地")
    s.click(page.get_by_role("button", name="重新研究"), "reopened")
    expect(page.locator("#need-history")).to_contain_text("暂不采纳 → 研究中")
    s.goto("/needs/categories/", "categories-read")
    s.close()

    t = journey("street-sees-breakdown")
    t.login("street")
    t.goto("/needs/", "street-list")
    # On a phone the per-community table folds away behind a button, like the charts.
    t.page.get_by_role("button", name="各社区需求").click()
    t.page.locator("#need-breakdown-box.collapse.show").wait_for()  # opened, not opening
    t.check("street-breakdown")
    breakdown = t.page.locator("#need-breakdown")
    expect(breakdown).to_contain_text("国奥社区")
    expect(breakdown).to_contain_text("海韵社区")
    expect(t.page.locator("#need-total")).to_contain_text("共 3 条需求")
    # The charts arrive after the page (htmx) and are drawn by needs/charts.js; a phone shows
    # them on request.
    t.page.get_by_role("button", name="查看图表").click()
    t.page.locator("canvas[data-need-chart=category][data-drawn]").wait_for()
    t.check("street-charts")
    t.goto("/needs/?group=on", "street-grouped")
    t.close()

    d = journey("district-keeps-categories")
    d.login("district")
    d.goto("/needs/categories/", "categories")
    d.page.locator("#id_name").fill("安全隐患")
    d.click(d.page.get_by_role("button", name="添加", exact=True), "category-added")
    expect(d.page.locator("#category-list")).to_contain_text("安全隐患")
    d.close()

    # Later the project is announced: its residents' page exists.
    Project.objects.filter(pk=project.pk).update(
        status=Status.ANNOUNCED,
        announcement="12月1日起,志愿者逐栋检修楼道灯。",
        announced_at=timezone.now(),
    )
    r = journey("resident-looks-up-receipt")
    rpage = r.page
    r.goto("/p/", "front")
    r.click(rpage.get_by_role("link", name="查询意见处理进度"), "lookup")
    rpage.locator("#f-code").fill("nope")
    r.click(rpage.get_by_role("button", name="查询"), "wrong-code", status=422)
    rpage.locator("#f-code").fill(code.lower())
    r.click(rpage.get_by_role("button", name="查询"), "receipt")
    expect(rpage.locator("#receipt-status")).to_contain_text("已纳入项目《楼道点亮行动》")
    r.click(rpage.locator("#receipt-status").get_by_role("link"), "public-project")
    expect(rpage.locator("main")).to_contain_text("楼道点亮行动")
