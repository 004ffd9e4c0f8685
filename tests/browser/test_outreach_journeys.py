"""Step 1 face to face on a 360 px phone, each page checked by Journey.check(): a resident scans a
stairwell box's QR label, leaves a suggestion and gets a receipt code; the secretary files it under
a need in the inbox; the resident types the code on /p/receipts/ and reads the need's status. A
worker records a home visit with the household picker that creates one need and mentions another,
and the compound's page shows the building visited. A worker types paper slips with the keyboard
alone. The secretary registers a box, corrects its location, takes it down (asked once more), and
records an owners' meeting with its minutes, found again by compound and month."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from needs.models import Need, NeedMention, ensure_categories
from outreach.models import HomeVisit, ResidentMeeting, Suggestion, SuggestionBox
from outreach.tests.factories import ResidentMeetingFactory, SuggestionBoxFactory
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _categories(transactional_db):
    """The district's categories (seeded by a migration; a flushed database has lost them)."""
    ensure_categories()


def test_resident_suggests_by_qr_secretary_files_it_resident_reads_the_status(
    transactional_db, org, people, journey
):
    box = SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)
    need = f.NeedFactory(
        community=org.guoao, created_by=people.secretary, title="楼道照明维修", status="studying"
    )

    r = journey("resident-suggests-by-qr")
    page = r.page
    r.goto(f"/p/boxes/{box.code}/", "box-form")
    expect(page.locator("main")).to_contain_text("国奥花园 3号楼 1单元")
    page.get_by_label("您的意见或建议").fill("3号楼1单元楼道灯坏了,晚上看不见。")
    page.get_by_label("联系电话(可不填)").fill("13800138000")
    r.click(page.get_by_role("button", name="提交留言"), "no-consent", status=422)
    expect(page.locator("main")).to_contain_text("请勾选同意")
    page.get_by_label("我同意社区用这个电话联系我", exact=False).check()
    r.click(page.get_by_role("button", name="提交留言"), "thanks")
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert len(code) == 14
    suggestion = Suggestion.objects.get()
    assert suggestion.channel == "qr" and suggestion.box == box

    s = journey("secretary-files-suggestion")
    spage = s.page
    s.login("secretary")
    s.goto("/needs/suggestions/", "inbox")
    main = spage.locator("main")
    expect(main).to_contain_text("138****8000")
    assert "13800138000" not in spage.content()
    s.click(main.get_by_role("link", name="3号楼1单元楼道灯坏了", exact=False), "suggestion")
    spage.get_by_label("查找需求").fill("照明")
    s.click(spage.get_by_role("button", name="查找"), "need-found")
    spage.get_by_label("楼道照明维修", exact=False).check()
    s.click(spage.get_by_role("button", name="记入所选需求"), "filed")
    expect(spage.locator("main")).to_contain_text("已记入需求清单")
    suggestion.refresh_from_db()
    assert suggestion.status == "filed" and suggestion.need == need
    s.close()

    r.goto("/p/receipts/", "receipts")
    page.get_by_label("回执码").fill(code)
    r.click(page.get_by_role("button", name="查询"), "receipt-status")
    expect(page.locator("#receipt-status")).to_contain_text("研究中")


def test_worker_records_a_visit_that_raises_needs_and_the_compound_shows_it(
    transactional_db, org, people, journey
):
    known = f.NeedFactory(community=org.guoao, created_by=people.secretary, title="小区停车难")
    neighbour = f.HouseholdFactory(building=org.household.building, unit="2单元", room="502")

    w = journey("worker-records-visit")
    page = w.page
    w.login("worker")
    w.goto("/needs/visits/new/", "visit-form")
    page.get_by_label("查找住户").fill("2单元 502")
    choice = page.get_by_label("国奥花园 3号楼 2单元 502")
    expect(choice).to_be_visible()
    choice.check()
    page.get_by_label("走访日期").fill(timezone.localdate().isoformat())
    page.get_by_label("走访人员").fill("李网格员")
    page.get_by_label("居民反映的情况").fill("停车难,楼道扶手松动。")
    page.get_by_label("查找已有需求").fill("停车")
    ticked = page.get_by_label("小区停车难", exact=False)
    expect(ticked).to_be_visible()
    ticked.check()
    page.get_by_placeholder("新需求1", exact=False).fill("楼道扶手加固")
    page.get_by_label("新需求1的类别").select_option(label="设施改造")
    w.click(page.get_by_role("button", name="保存走访记录"), "visit-saved")
    expect(page.locator("main")).to_contain_text("楼道扶手加固")
    visit = HomeVisit.objects.get()
    assert visit.household == neighbour
    new = Need.objects.get(title="楼道扶手加固")
    assert set(visit.needs.all()) == {known, new}
    assert NeedMention.objects.get(need=known).origin == f"outreach.homevisit:{visit.pk}"

    w.goto(f"/scenes/compounds/{org.compound.pk}/", "compound")
    row = page.locator(".visited-buildings tr", has_text="3号楼")
    expect(row).to_contain_text("1 / 2 户")


def test_paper_slips_are_typed_with_the_keyboard_alone(transactional_db, org, people, journey):
    box = SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)

    w = journey("worker-types-slips")
    page = w.page
    w.login("worker")
    w.goto(f"/needs/boxes/{box.pk}/slips/", "slips")
    text = page.get_by_label("纸条内容")
    expect(text).to_be_focused()
    for n, slip in enumerate(("电梯经常停运", "楼下垃圾没人清", "希望多组织义诊"), start=1):
        page.keyboard.type(slip)
        if n == 2:
            page.keyboard.press("Tab")
            page.keyboard.type("13900001111")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        w.check(f"slip-{n}")
        expect(page.locator("[data-slip-count]")).to_have_text(f"本次已录入 {n} 条")
        expect(page.get_by_label("纸条内容")).to_be_focused()
    slips = Suggestion.objects.filter(channel="paper").order_by("id")
    assert [s.text for s in slips] == ["电梯经常停运", "楼下垃圾没人清", "希望多组织义诊"]
    assert slips[1].phone.masked == "139****1111" and slips[1].entered_by == people.worker


def test_secretary_registers_a_box_moves_it_takes_it_down_and_records_a_meeting(
    transactional_db, org, people, journey, tmp_path
):
    f.HouseholdFactory(building=org.household.building, unit="2单元", room="201")

    s = journey("secretary-box-and-meeting")
    page = s.page
    s.login("secretary")
    s.goto("/needs/boxes/new/", "box-new")
    page.get_by_label("楼道(楼栋、单元)").select_option(label="3号楼 2单元")
    page.get_by_label("位置说明").fill("一楼信报箱旁")
    s.click(page.get_by_role("button", name="登记"), "box")
    box = SuggestionBox.objects.get()
    main = page.locator("main")
    expect(main).to_contain_text("国奥花园 3号楼 2单元")
    sheet = page.request.get(s.url(f"/needs/boxes/labels.pdf?box={box.pk}"))
    assert sheet.status == 200 and sheet.body().startswith(b"%PDF")

    s.click(page.get_by_role("link", name="修改位置"), "box-edit")
    page.get_by_label("位置说明").fill("二楼楼梯口")
    s.click(page.get_by_role("button", name="保存"), "box-moved")
    expect(main).to_contain_text("二楼楼梯口")
    box.refresh_from_db()
    assert box.location == "二楼楼梯口" and box.deleted_at is None

    # Taking a box down asks once more: the first tap only opens the question.
    page.get_by_text("撤下意见箱", exact=True).click()
    s.check("box-confirm")
    box.refresh_from_db()
    assert box.deleted_at is None
    s.click(page.get_by_role("button", name="确认撤下"), "box-taken-down")
    box.refresh_from_db()
    assert box.deleted_at is not None

    r = journey("resident-scans-a-box-taken-down")
    r.goto(f"/p/boxes/{box.code}/", "box-missing", status=404)
    expect(r.page.locator("main")).to_contain_text("找不到这个意见箱")
    r.close()

    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4\n%minutes\n%%EOF\n")
    held = timezone.localdate()
    s.goto("/needs/meetings/new/", "meeting-new")
    page.get_by_label("会议类型").select_option(label="业主大会")
    page.get_by_label("会议主题").fill("国奥花园业主大会")
    page.get_by_label("召开日期").fill(held.isoformat())
    page.get_by_label("小区").select_option(label="国奥花园")
    page.get_by_label("参会人数").fill("86")
    page.get_by_label("会议纪要").set_input_files(str(minutes))
    s.click(page.get_by_role("button", name="保存会议记录"), "meeting")
    expect(main).to_contain_text("下载 纪要.pdf")
    meeting = ResidentMeeting.objects.get()
    assert meeting.minutes is not None and meeting.compound == org.compound

    other = f.CompoundFactory(community=org.guoao, name="国奥小区")
    ResidentMeetingFactory(community=org.guoao, compound=other, title="国奥小区楼栋会")
    s.goto("/needs/meetings/", "meetings")
    page.get_by_label("小区").select_option(label="国奥社区 · 国奥花园")
    page.get_by_label("月份").fill(f"{held:%Y-%m}")
    s.click(page.get_by_role("button", name="筛选"), "meetings-filtered")
    expect(main).to_contain_text("国奥花园业主大会")
    expect(main).not_to_contain_text("国奥小区楼栋会")
