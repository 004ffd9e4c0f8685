"""Steps 5–6 for residents on a 360×740 phone, each page checked by Journey.check(): a resident
finds 悦海社区's projects on the home page by street and community, opens its 百家宴 page, signs
up with a name and a phone number and gets a cancel code; a neighbour signs up and cancels with
the code; the resident opens the month's calendar, picks another street, and follows a session to
its project; the secretary opens the sign-up list on her phone: no attendance buttons before the
day, one phone revealed (audited); on the day she marks attendance (htmx: the row and the
header's counts swapped)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import AuditEvent
from projects.models import Activity, Status
from signups.models import SignUp
from signups.tests.factories import announced_project, session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _sign_up(res, page, name: str, phone: str, label: str) -> str:
    """Fill the sign-up form (consent ticked) and return the cancel code shown once."""
    page.get_by_label("姓名(或称呼)").fill(name)
    page.get_by_label("手机号码", exact=True).fill(phone)
    page.get_by_label("我同意", exact=False).check()
    res.click(page.get_by_role("button", name="确认报名"), label)
    expect(page.locator("#signup-done")).to_contain_text("报名成功")
    return page.locator("#cancel-code").inner_text().strip()


def test_resident_signs_up_and_secretary_marks_attendance(transactional_db, org, people, journey):
    project = announced_project(
        org, people, community=org.yuehai, title="悦海百家宴", target_groups="社区全体居民"
    )
    announced_project(org, people, title="国奥邻居节")  # street A: filtered away below
    feast = session(project, people, capacity=20, days=6, title="第七次百家宴")

    # --- 1. A resident finds her community's projects and signs up -------------------------------
    res = journey("public-resident")
    page = res.page
    page.set_viewport_size(PHONE)
    res.goto("/p/", "home")
    page.get_by_label("街道", exact=True).select_option(label="八角街道")
    res.click(page.get_by_role("button", name="查看", exact=True), "home-street")
    page.get_by_label("社区", exact=True).select_option(label="悦海社区")
    res.click(page.get_by_role("button", name="查看", exact=True), "home-community")
    expect(page.locator("#h-ann")).to_have_text("悦海社区的项目预告")
    expect(page.locator("#announcements")).not_to_contain_text("国奥邻居节")
    res.click(page.get_by_role("link", name="悦海百家宴"), "project-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("悦海百家宴")
    expect(page.locator(f"#session-{feast.pk}")).to_contain_text("还剩 20 个")
    res.click(page.get_by_role("link", name="我要报名"), "signup-form")
    page.get_by_label("姓名(或称呼)").fill("王阿姨")
    page.get_by_label("手机号码", exact=True).fill("139 0000 1234")
    # Consent is not ticked for her: without it the form comes back.
    res.click(page.get_by_role("button", name="确认报名"), "signup-no-consent", status=422)
    expect(page.locator("#form-errors")).to_contain_text("请勾选同意")
    code = _sign_up(res, page, "王阿姨", "139 0000 1234", "signup-done")
    assert len(code) == 8
    signup = SignUp.objects.get(activity=feast)
    assert signup.status == "confirmed" and str(signup.phone) == "139****1234"

    # --- 2. A neighbour signs up, then cancels with the code (success and cancel pages) -----------
    res.goto(f"/p/sessions/{feast.pk}/join/", "signup-form-2")
    neighbour_code = _sign_up(res, page, "李大爷", "13900005678", "signup-done-2")
    res.click(page.get_by_role("link", name="取消报名"), "cancel-form")
    page.get_by_label("取消码").fill(neighbour_code)
    res.click(page.get_by_role("button", name="取消报名"), "cancel-done")
    expect(page.locator("#cancel-done")).to_contain_text("已为您取消报名")

    # --- 3. The resident opens the month's calendar, then another street's ------------------------
    month = feast.date.strftime("%Y-%m")
    res.goto(f"/p/calendar/?community={org.yuehai.pk}&month={month}", "calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("悦海社区活动日历")
    card = page.locator(f"#session-{feast.pk}")
    expect(card).to_contain_text("第七次百家宴")
    expect(card).to_contain_text("剩 19 个")
    page.get_by_label("街道", exact=True).select_option(label="长江路街道")
    res.click(page.get_by_role("button", name="查看", exact=True), "calendar-other-street")
    expect(page.get_by_role("heading", level=1)).to_have_text("长江路街道活动日历")
    res.goto(f"/p/calendar/?community={org.yuehai.pk}&month={month}", "calendar-again")
    res.click(card.get_by_role("link", name="项目详情", exact=False), "calendar-to-project")
    expect(page.get_by_role("heading", level=1)).to_have_text("悦海百家宴")
    assert project.status == Status.ANNOUNCED

    # --- 4. Before the day the secretary sees the list, no attendance buttons; calls one resident --
    sec = journey("public-secretary")
    spage = sec.page
    spage.set_viewport_size(PHONE)
    sec.login("secretary2")
    sec.goto("/signups/", "signup-sessions")
    sec.click(spage.get_by_role("link", name="第七次百家宴", exact=False), "signup-list")
    rows = spage.locator(".signup-list > li")
    expect(rows.first).to_contain_text("王阿姨")  # places first, the cancelled last
    expect(rows.last).to_contain_text("李大爷")
    expect(rows.last).to_contain_text("已取消")
    row = spage.locator(f"#signup-{signup.pk}")
    expect(row).to_contain_text("139****1234")
    assert "13900001234" not in spage.content()
    expect(spage.locator("#attendance-note")).to_contain_text("活动当天起才能登记到场")
    expect(row.get_by_role("button", name="王阿姨 到场")).to_have_count(0)
    row.get_by_role("button", name="王阿姨 查看号码").click()  # htmx: the contact swapped
    expect(row.get_by_role("link", name="13900001234", exact=False)).to_be_visible()
    sec.check("phone-revealed")
    assert AuditEvent.objects.filter(action="phone.reveal", object_id=str(signup.pk)).exists()

    # --- 5. On the day she marks attendance: the row and the header's counts change -------------
    Activity.objects.filter(pk=feast.pk).update(date=timezone.localdate())
    sec.goto(f"/signups/sessions/{feast.pk}/", "signup-list-on-the-day")
    expect(spage.locator("#signup-counts")).to_contain_text("到场 0")
    row.get_by_role("button", name="王阿姨 到场").click()
    expect(spage.locator(f"#signup-{signup.pk} .attendance")).to_have_text("已到场")
    expect(spage.locator("#signup-counts")).to_contain_text("到场 1")
    sec.check("attendance-marked")
    signup.refresh_from_db()
    assert signup.attended is True
