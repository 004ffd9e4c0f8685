"""Household code slips and session posters on a 360 px phone, each page checked by
Journey.check(): the secretary finds a household with the picker (a search, then compound →
building → unit), prints a building's code slips, watches the batch turn from 生成中 to 可下载
without reloading (htmx polling), downloads the PDF, voids it with a reason and sees the
replacement become ready; then opens a session's QR poster."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Household
from evaluation import slips
from evaluation.models import CodeBatch
from evaluation.tests.slip_factories import building_with_households
from signups.tests.factories import announced_project, session

pytestmark = pytest.mark.browser


@pytest.fixture
def queued(monkeypatch):
    """The PDF task is held back (ids kept) so the journey sees the batch being made, then
    runs it here: the page must notice by itself."""
    from django.db import transaction

    from evaluation import slips

    held: list[int] = []
    # The module's queueing function, not the task's `delay`: a Celery task is a proxy to the
    # current app's task, and the current app is per thread (the live server's thread may hold
    # another one than the test's after an in-process worker test).
    monkeypatch.setattr(
        slips, "_queue", lambda batch_id: transaction.on_commit(lambda: held.append(batch_id))
    )
    return held


def test_the_secretary_picks_a_household_prints_voids_and_reissues_slips_and_a_poster(
    transactional_db, org, people, journey, queued
):
    tower = building_with_households(
        org.compound, "5号楼", rooms=("101", "102", "201", "202", "301", "302")
    )
    feast = session(announced_project(org, people, title="邻居节百家宴"), people)

    s = journey("secretary-slips")
    page = s.page
    main = page.locator("main")
    s.login("secretary")

    # The picker: a search, then the steps.
    s.goto("/accounts/households/", "picker")
    page.get_by_label("查找住户").fill("5号楼 2单元 301")
    expect(page.locator(".picker-results")).to_contain_text("国奥花园 5号楼 2单元 301")
    expect(page.locator(".picker-results .list-group-item")).to_have_count(1)
    s.check("picker-searched")
    page.get_by_label("查找住户").fill("")
    page.get_by_label("小区").select_option(label="国奥花园")
    page.get_by_label("楼栋").select_option(label="5号楼")
    page.get_by_label("单元").select_option("1单元")
    expect(page.locator(".picker-results .list-group-item")).to_have_count(6)
    expect(page.locator(".picker-results")).to_contain_text("国奥花园 5号楼 1单元 102")
    s.check("picker-steps")
    assert all(h.code not in page.content() for h in Household.objects.filter(building=tower))

    # Print the building's slips.
    s.goto("/evaluation/slips/", "slips-empty")
    s.click(page.get_by_role("link", name="打印户码条"), "slips-form")
    # Choosing the compound swaps in its buildings: pick the building only once that swap is in.
    with page.expect_response(lambda r: "/evaluation/slips/new/" in r.url):
        page.get_by_label("小区").select_option(label="国奥花园")
    expect(page.locator("#building-box.htmx-swapping, #building-box.htmx-settling")).to_have_count(
        0
    )
    expect(page.locator("#id_building option")).to_have_count(3)  # 全部楼栋, 3号楼, 5号楼
    page.get_by_label("楼栋").select_option(label="国奥花园 5号楼")
    expect(page.get_by_label("楼栋")).to_have_value(str(tower.pk))
    s.click(page.get_by_role("button", name="生成户码条"), "slips-preparing")
    expect(main).to_contain_text("已开始生成国奥花园 5号楼的户码条,共 12 户")
    expect(main).to_contain_text("生成中")
    batch = CodeBatch.objects.get()
    assert queued == [batch.pk]

    slips.batch_render(batch_id=queued.pop())  # the worker's turn
    row = page.locator(f"#batch-{batch.pk}")
    expect(row).to_contain_text("可下载", timeout=10_000)  # polled, not reloaded
    s.check("slips-ready")
    with page.expect_download() as download:
        row.get_by_role("link", name="下载 PDF").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    codes = dict(Household.objects.filter(building=tower).values_list("pk", "code"))

    # Void and reissue.
    s.click(row.get_by_role("link", name="作废并重新打印"), "void-form")
    expect(main).to_contain_text("户码全部换成新的")
    s.click(page.get_by_role("button", name="作废并重新打印"), "void-no-reason", status=422)
    page.get_by_label("作废原因").fill("楼道里的户码条被人拿走了")
    s.click(page.get_by_role("button", name="作废并重新打印"), "voided")
    expect(main).to_contain_text("12 户的户码已全部换新")
    new = CodeBatch.objects.get(replaces=batch)
    expect(page.locator(f"#batch-{batch.pk}")).to_contain_text("已作废")
    expect(page.locator(f"#batch-{batch.pk}")).to_contain_text("楼道里的户码条被人拿走了")
    expect(page.locator(f"#batch-{new.pk}")).to_contain_text("生成中")
    renewed = dict(Household.objects.filter(building=tower).values_list("pk", "code"))
    assert all(renewed[pk] != codes[pk] for pk in codes)
    slips.batch_render(batch_id=queued.pop())
    expect(page.locator(f"#batch-{new.pk}")).to_contain_text("可下载", timeout=10_000)
    s.check("reissued-ready")
    assert all(code not in page.content() for code in [*codes.values(), *renewed.values()])

    # The session's QR poster.
    s.goto(f"/projects/sessions/{feast.pk}/", "session")
    poster_link = page.get_by_role("link", name="打印评价海报")
    assert poster_link.bounding_box()["height"] >= 44  # a tap target, not an inline link
    s.click(poster_link, "poster")
    expect(main).to_contain_text("扫码评价")
    expect(main).to_contain_text("邻居节百家宴")
    expect(page.get_by_role("img", name="本场活动评价页面的二维码")).to_be_visible()
    expect(page.get_by_role("link", name="下载二维码图片")).to_have_attribute(
        "href", re.compile(rf"/evaluation/sessions/{feast.pk}/poster\.png$")
    )
