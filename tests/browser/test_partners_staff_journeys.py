"""Partners kept by staff on a 360 px phone, each page checked by Journey.check(): the secretary
uploads an Excel file with two bad rows and sees both named (nothing imported), fixes them and
imports, finds an imported partner with the list's filter, edits the record, deactivates it (asked
for a reason first) and restores it. District staff add a partner category, retire another, and
read the list across communities with masked numbers."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from partners.imports import HEADER
from partners.models import Category, ImportJob, Partner, PartnerStatus, ensure_catalogues
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    """The district's categories and duties (a flushed database has lost them)."""
    ensure_catalogues()


def _xlsx(path: Path, rows) -> Path:
    book = Workbook()
    book.active.append(list(HEADER))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


ROWS = [
    ("王师傅", "物业", "13900000001", "个人", "政策宣传、应急值守", "周末", "水电维修", "国奥花园"),
    ("国奥超市", "周边商户", "13900000002", "单位", "物资保障", "工作日白天", "", ""),
    ("李阿姨", "热心居民", "1390000", "", "", "", "邻里调解", ""),
    ("赵大爷", "不存在的类别", "13900000004", "", "巡逻", "", "", ""),
]


def test_secretary_imports_a_file_finds_edits_deactivates_and_restores_a_partner(
    transactional_db, org, people, journey, tmp_path
):
    s = journey("partners-staff-secretary")
    page = s.page
    main = page.locator("main")
    s.login("secretary")
    s.goto("/partners/", "empty-list")
    s.click(main.get_by_role("link", name="导入"), "import-form")

    bad = _xlsx(tmp_path / "合伙人.xlsx", ROWS)
    page.get_by_label("Excel 文件(.xlsx)").set_input_files(str(bad))
    s.click(page.get_by_role("button", name="上传并导入"), "two-bad-rows", status=422)
    report = page.locator("#import-report")
    expect(report).to_contain_text("共 4 行,其中 2 行有问题")
    expect(report.locator("[data-row='4']")).to_contain_text("第 4 行(李阿姨)")
    expect(report.locator("[data-row='4']")).to_contain_text("手机号不正确")
    expect(report.locator("[data-row='5']")).to_contain_text("没有“不存在的类别”这个类别")
    expect(report.locator("[data-row='5']")).to_contain_text("没有“巡逻”这项职责")
    assert not Partner.objects.exists() and not ImportJob.objects.exists()

    fixed = [*ROWS[:2], ("李阿姨", "热心居民", "13900000003", "", "", "", "邻里调解", "")]
    fixed.append(("赵大爷", "热心居民", "13900000004", "", "秩序维护", "随叫随到", "", ""))
    good = _xlsx(tmp_path / "合伙人-改好.xlsx", fixed)
    page.get_by_label("Excel 文件(.xlsx)").set_input_files(str(good))
    s.click(page.get_by_role("button", name="上传并导入"), "imported")
    expect(main).to_contain_text("已导入 4 位合伙人")
    expect(page.locator("#import-progress")).to_contain_text("新增 4 位合伙人")
    assert Partner.objects.filter(community=org.guoao).count() == 4

    s.click(main.get_by_role("link", name="查看合伙人"), "list-after-import")
    page.get_by_role("button", name="筛选").first.click()
    page.get_by_label("名称或手机号").fill("王")
    page.get_by_label("职责").select_option(label="战时:应急值守")
    s.click(page.get_by_role("button", name="筛选", exact=True).last, "filtered")
    rows = page.locator("#partner-rows a")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王师傅")
    expect(rows.first).to_contain_text("139****0001")
    assert "13900000001" not in page.content()

    s.click(rows.first, "partner-page")
    expect(page.locator("#partner-duties")).to_contain_text("平时:政策宣传")
    expect(page.locator("#partner-duties")).to_contain_text("战时:应急值守")
    s.click(main.get_by_role("link", name="编辑"), "edit-form")
    expect(page.get_by_label("联系电话")).to_have_value("139****0001")
    page.get_by_label("名称或姓名").fill("王师傅(水电)")
    page.get_by_label("工作日晚上").check()
    s.click(page.get_by_role("button", name="保存"), "edited")
    expect(main).to_contain_text("合伙人信息已修改")
    wang = Partner.objects.get(name="王师傅(水电)")
    assert wang.phone.full == "13900000001" and wang.availability == ["weekday_evening", "weekend"]

    page.locator("summary", has_text="停用").click()
    s.click(page.get_by_role("button", name="确认停用"), "no-reason", status=422)
    expect(main).to_contain_text("请填写停用原因")
    page.get_by_label("停用原因", exact=False).fill("搬离本社区")
    s.click(page.get_by_role("button", name="确认停用"), "deactivated")
    expect(page.locator("#partner-status")).to_have_text("已停用")
    expect(page.locator("#partner-status-reason")).to_contain_text("搬离本社区")
    wang.refresh_from_db()
    assert wang.status == PartnerStatus.INACTIVE and wang not in Partner.objects.active()

    s.click(page.get_by_role("button", name="恢复在册"), "restored")
    expect(page.locator("#partner-status")).to_have_text("在册")
    wang.refresh_from_db()
    assert wang.status == PartnerStatus.ACTIVE and wang.status_reason == ""


def test_district_keeps_the_categories_and_reads_every_community(
    transactional_db, org, people, journey
):
    f.PartnerFactory(community=org.guoao, name="国奥物业", phone="13900001111")
    f.PartnerFactory(community=org.yuehai, name="悦海商户", category_id="merchant")

    d = journey("partners-staff-district")
    page = d.page
    main = page.locator("main")
    d.login("district")
    d.goto("/partners/", "district-list")
    expect(page.locator("#partner-rows a")).to_have_count(2)
    expect(main).to_contain_text("139****1111")
    d.click(main.get_by_role("link", name="类别"), "categories")
    d.click(main.get_by_role("link", name="添加类别"), "category-form")
    page.get_by_label("类别名称").fill("物业")
    d.click(page.get_by_role("button", name="保存"), "name-taken", status=422)
    expect(main).to_contain_text("已有名为“物业”的合伙人类别")
    page.get_by_label("类别名称").fill("退役军人")
    d.click(page.get_by_role("button", name="保存"), "category-added")
    expect(page.locator("#category-list")).to_contain_text("退役军人")

    d.click(main.get_by_role("link", name="修改类别 周边商户"), "category-edit")
    page.get_by_label("启用(新登记的合伙人可以选择)").uncheck()
    d.click(page.get_by_role("button", name="保存"), "category-retired")
    row = page.locator("#category-list li", has_text="周边商户")
    expect(row).to_contain_text("已停用")
    expect(row).to_contain_text("1 位合伙人")
    assert not Category.objects.get(code="merchant").active

    d.goto(f"/partners/?community={org.yuehai.pk}", "district-filtered")
    expect(page.locator("#partner-rows a")).to_have_count(1)
    expect(page.locator("#partner-rows")).to_contain_text("悦海商户")
