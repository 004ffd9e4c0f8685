"""Steps 5–6 for residents on a 360×740 phone, each page checked by Journey.check(): a resident
opens 悦海社区's 百家宴 page, signs up with a name and a phone number and gets a cancel code;
the secretary opens the sign-up list on her phone and marks attendance (htmx, one row swapped);
a resident opens the month's calendar and follows a session to its project."""

import pytest
from playwright.sync_api import expect

from projects.models import Status
from signups.models import SignUp
from signups.tests.factories import announced_project, session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_resident_signs_up_and_secretary_marks_attendance(transactional_db, org, people, journey):
    project = announced_project(
        org, people, community=org.yuehai, title="悦海百家宴", target_groups="社区全体居民"
    )
    feast = session(project, people, capacity=20, days=6, title="第七次百家宴")

    # --- 1. A resident scans the QR code and signs up ------------------------------------------
    res = journey("public-resident")
    page = res.page
    page.set_viewport_size(PHONE)
    res.goto(f"/p/announcements/{project.pk}/", "project-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("悦海百家宴")
    expect(page.locator(f"#session-{feast.pk}")).to_contain_text("还剩 20 个")
    res.click(page.get_by_role("link", name="我要报名"), "signup-form")
    page.get_by_label("姓名(或称呼)").fill("王阿姨")
    page.get_by_label("手机号码", exact=True).fill("139 0000 1234")
    # Consent is not ticked for her: without it the form comes back.
    res.click(page.get_by_role("button", name="确认报名"), "signup-no-consent", status=422)
    expect(page.locator("#form-errors")).to_contain_text("请勾选同意")
    page.get_by_label("我同意", exact=False).check()
    res.click(page.get_by_role("button", name="确认报名"), "signup-done")
    expect(page.locator("#signup-done")).to_contain_text("报名成功")
    code = page.locator("#cancel-code").inner_text().strip()
    assert len(code) == 8
    signup = SignUp.objects.get(activity=feast)
    assert signup.status == "confirmed" and str(signup.phone) == "139****1234"

    # --- 2. The secretary marks attendance on her phone ----------------------------------------
    sec = journey("public-secretary")
    spage = sec.page
    spage.set_viewport_size(PHONE)
    sec.login("secretary2")
    sec.goto("/signups/", "signup-sessions")
    sec.click(spage.get_by_role("link", name="第七次百家宴", exact=False), "signup-list")
    row = spage.locator(f"#signup-{signup.pk}")
    expect(row).to_contain_text("王阿姨")
    expect(row).to_contain_text("139****1234")
    assert "13900001234" not in spage.content()
    row.get_by_role("button", name="王阿姨 到场").click()  # htmx: only the row comes back
    expect(spage.locator(f"#signup-{signup.pk} .attendance")).to_have_text("已到场")
    sec.check("attendance-marked")
    signup.refresh_from_db()
    assert signup.attended is True

    # --- 3. The resident opens the month's calendar and follows the session --------------------
    month = feast.date.strftime("%Y-%m")
    res.goto(f"/p/calendar/?community={org.yuehai.pk}&month={month}", "calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("悦海社区活动日历")
    card = page.locator(f"#session-{feast.pk}")
    expect(card).to_contain_text("第七次百家宴")
    expect(card).to_contain_text("剩 19 个")
    res.click(card.get_by_role("link", name="项目详情", exact=False), "calendar-to-project")
    expect(page.get_by_role("heading", level=1)).to_have_text("悦海百家宴")
    assert project.status == Status.ANNOUNCED
