"""Practical tasks (实事) and excellent partners on a 360 px phone, each page checked by
Journey.check(): the secretary publishes a 法律援助 task; the partner claims it with one press and
marks it done with a result and a photo; an anonymous resident finds it on the notice (实事公示)
from the front page, the partner's name masked, the photo shown. Then the yearly excellent
partners: the secretary nominates (found by a search), the street's 组长 approves, district staff
publish the year, and residents see the list."""

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from core.models import Notification
from partners.models import Excellent, PracticalTask
from tests import factories as f

pytestmark = pytest.mark.browser


def test_a_task_is_claimed_done_and_shown_publicly(
    transactional_db, org, people, journey, tmp_path
):
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner, name="张三丰"
    )
    photo = tmp_path / "legal-aid.jpg"
    Image.new("RGB", (640, 480), "teal").save(photo, format="JPEG")

    s = journey("task-secretary-publishes")
    page = s.page
    s.login("secretary")
    s.goto("/partners/tasks/", "task-list")
    main = page.locator("main")
    s.click(main.get_by_role("link", name="发布实事"), "task-form")
    page.locator("#id_title").fill("法律援助进小区")
    page.locator("#id_kind").select_option(label="法律援助")
    page.locator("#id_date").fill("2026-12-05")
    page.locator("#id_place").fill("国奥花园3号楼前广场")
    page.locator("#id_compound").select_option(label="国奥花园")
    s.click(page.get_by_role("button", name="发布"), "task-published")
    expect(main).to_contain_text("实事已发布")
    expect(main).to_contain_text("待认领")
    task = PracticalTask.objects.get(title="法律援助进小区")
    assert task.community == org.guoao and task.status == PracticalTask.Status.OPEN
    s.close()

    p = journey("task-partner-claims-and-finishes")
    ppage = p.page
    p.login("partner")
    p.goto("/partners/tasks/", "partner-tasks")
    pmain = ppage.locator("main")
    expect(pmain).to_contain_text("还没有认领实事")
    p.click(pmain.get_by_role("button", name="认领:法律援助进小区"), "claimed")
    expect(pmain).to_contain_text("认领成功")
    expect(pmain.locator("#mine")).to_contain_text("法律援助进小区")
    p.click(pmain.get_by_role("link", name="标记完成:法律援助进小区"), "task-page")
    expect(pmain.locator("#done")).to_be_visible()
    # Without the result: told so, nothing done.
    p.click(ppage.get_by_role("button", name="确认完成"), "no-result", status=422)
    expect(pmain).to_contain_text("请写明完成情况")
    ppage.get_by_label("完成情况").fill("律师现场解答婚姻、继承咨询15人次")
    ppage.get_by_label("服务时长(小时)").fill("3")
    ppage.locator("[name=photo]").set_input_files(str(photo))
    ppage.get_by_label("我已确认照片中的人同意在居民页面公开").check()
    p.click(ppage.get_by_role("button", name="确认完成"), "done")
    expect(pmain).to_contain_text("已标记完成")
    task.refresh_from_db()
    assert task.status == PracticalTask.Status.DONE and task.claimed_by == partner
    assert task.photo is not None and task.hours == 3
    assert Notification.objects.filter(event="task.done", recipient=people.secretary).exists()
    p.close()

    r = journey("task-resident-sees-notice")
    rpage = r.page
    r.goto("/p/", "front-page")
    r.click(rpage.get_by_role("link", name="实事公示"), "notice")
    rmain = rpage.locator("main")
    expect(rmain).to_contain_text("法律援助进小区")
    expect(rmain).to_contain_text("张**")
    expect(rmain).not_to_contain_text("张三丰")
    expect(rmain).to_contain_text("律师现场解答婚姻、继承咨询15人次")
    expect(rmain.get_by_role("img", name="法律援助进小区 现场照片")).to_be_visible()
    loaded = rpage.evaluate(
        "() => Array.from(document.querySelectorAll('main img')).every(i => i.naturalWidth > 0)"
    )
    assert loaded, "the task's photo did not load for residents"
    r.click(rmain.get_by_role("link", name="法律援助进小区"), "notice-detail")
    expect(rmain).to_contain_text("国奥社区")
    expect(rmain).to_contain_text("3 小时")


def test_excellent_partners_nominated_approved_published_and_shown(
    transactional_db, org, people, journey
):
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, name="国奥律师事务所", kind="organisation"
    )
    year = timezone.localdate().year

    s = journey("excellent-secretary-nominates")
    page = s.page
    s.login("secretary")
    s.goto("/partners/tasks/", "task-list")
    main = page.locator("main")
    s.click(main.get_by_role("link", name="优秀合伙人"), "excellent-list")
    s.click(main.get_by_role("link", name="推荐优秀合伙人"), "nominate-form")
    page.get_by_label("第一步:查找合伙人(输入姓名或单位名称中的字)").fill("律师")
    s.click(page.get_by_role("button", name="查找"), "found")
    page.get_by_label("国奥律师事务所").check()
    page.get_by_label("推荐理由").fill("全年认领法律援助实事12件,服务居民300余人次。")
    s.click(page.get_by_role("button", name="推荐", exact=True), "nominated")
    expect(main).to_contain_text("已推荐,等待街道领导小组组长审核")
    excellent = Excellent.objects.get(partner=partner, year=year)
    s.close()

    t = journey("excellent-street-approves")
    tpage = t.page
    t.login("street")
    t.goto("/partners/excellent/", "street-excellent-list")
    tmain = tpage.locator("main")
    t.click(tmain.get_by_role("link", name="国奥律师事务所"), "nomination")
    tpage.get_by_label("审核意见(不予通过时必填)").fill("事迹突出,同意。")
    t.click(tpage.get_by_role("button", name="审核通过"), "approved")
    expect(tmain).to_contain_text("已审核通过")
    t.close()

    d = journey("excellent-district-publishes")
    dpage = d.page
    d.login("district")
    d.goto("/partners/excellent/", "district-excellent-list")
    dmain = dpage.locator("main")
    expect(dmain).to_contain_text("尚未公布的有 1 名")
    d.click(dmain.get_by_role("button", name=f"公布{year}年度名单"), "published")
    expect(dmain).to_contain_text(f"已公布{year}年度优秀合伙人 1 名")
    excellent.refresh_from_db()
    assert excellent.status == Excellent.Status.PUBLISHED and excellent.published_at
    d.close()

    r = journey("excellent-resident-reads")
    rpage = r.page
    r.goto("/p/", "front-page")
    r.click(rpage.get_by_role("link", name="优秀合伙人"), "excellent-public")
    rmain = rpage.locator("main")
    expect(rmain.locator("#excellent-count")).to_have_text("1")
    expect(rmain).to_contain_text("长江路街道")
    expect(rmain).to_contain_text("国奥律师事务所")
    expect(rmain).to_contain_text("全年认领法律援助实事12件")
