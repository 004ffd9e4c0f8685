"""Step 5's 公示 on a 360 px phone, each page checked by Journey.check(): a resident (no account)
raises an objection on a 充电桩 project during its period; the secretary answers it publicly and
the resident reads the answer; the secretary's start is refused while the period runs and then
while the street has not decided; the street's 组长 dismisses the objection; then the first
activity starts implementation."""

import datetime

import pytest
from playwright.sync_api import expect

from core.workdays import ensure_calendar
from projects import services
from projects.models import Objection, Project, Status
from tests import factories as f

pytestmark = pytest.mark.browser

TITLE = "国奥花园加装电动自行车充电桩"
OBJECTION = "充电桩装在3号楼窗下,夜里充电有噪音,也担心安全。"
ANSWER = "已与物业商定改装在地下车库东侧,离住户20米以上,并配灭火器。"


def messages(page):
    return page.locator("main .messages")


def log_activity(journey, page, pk, label, *, status):
    journey.goto(f"/projects/{pk}/activities/new/", f"{label}-form")
    page.locator("[name=date]").fill("2026-12-05")
    page.locator("[name=place]").fill("地下车库")
    page.locator("[name=participants]").fill("12")
    page.locator("[name=volunteers]").fill("2")
    journey.click(page.get_by_role("button", name="保存"), label, status=status)


def test_objection_answered_and_decided_before_implementation_starts(
    transactional_db, org, people, journey
):
    ensure_calendar()  # a transactional test's flush may have emptied the seeded holidays
    project = f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        ready=True,
        status=Status.APPROVED,
        title=TITLE,
        changes_shared_property=True,
    )
    project = services.project_announce(
        project=project, by=people.secretary, announcement="12月在3号楼旁加装充电桩10个。"
    )
    assert project.notice_round == 1

    # --- 1. A resident scans the QR code and raises an objection --------------------------------
    res = journey("notice-resident")
    page = res.page
    res.goto(f"/p/announcements/{project.pk}/", "public-project")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("公示期:")
    expect(notice).to_contain_text("个工作日")
    notice.locator("[name=text]").fill(OBJECTION)
    notice.locator("[name=phone]").fill("13912345678")
    res.click(notice.get_by_role("button", name="提交意见"), "objection-raised")
    expect(messages(page)).to_contain_text("您的意见已提交")
    expect(page.locator("#notice")).to_contain_text(OBJECTION)
    expect(page.locator("#notice")).to_contain_text("待答复")
    expect(page.locator("#notice")).not_to_contain_text("13912345678")
    objection = Objection.objects.get(project=project)

    # --- 2. The secretary answers publicly; the start is refused during the period -----------------
    sec = journey("notice-secretary")
    spage = sec.page
    sec.login("secretary")
    sec.goto(f"/projects/{project.pk}/", "project")
    section = spage.locator("#step-notice")
    expect(section).to_contain_text("第 1 轮公示")
    expect(section).to_contain_text("1 条待答复或待街道决定")
    sec.click(section.get_by_role("link", name="查看和处理异议"), "objections")
    sec.click(spage.locator("main").get_by_role("link", name=OBJECTION[:20]), "objection")
    expect(spage.locator("main")).to_contain_text("139****5678")
    spage.locator("[name=answer]").fill(ANSWER)
    sec.click(spage.get_by_role("button", name="公开答复"), "answered")
    expect(messages(spage)).to_contain_text("答复已公开")
    log_activity(sec, spage, project.pk, "start-in-period", status=422)
    expect(spage.locator("main")).to_contain_text("公示期内不能开始实施")

    # --- 3. The resident reads the answer -------------------------------------------------------
    res.goto(f"/p/announcements/{project.pk}/", "public-answer")
    expect(page.locator("#notice")).to_contain_text(ANSWER)
    expect(page.locator("#notice")).to_contain_text("已答复,待街道决定")

    # --- 4. The period is over; the street has not decided: still no start ------------------------
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Project.objects.filter(pk=project.pk).update(
        notice_starts_on=yesterday - datetime.timedelta(days=7), notice_ends_on=yesterday
    )
    log_activity(sec, spage, project.pk, "start-undecided", status=422)
    expect(spage.locator("main")).to_contain_text("等待答复或街道决定")

    # --- 5. The street's 组长 dismisses the objection ------------------------------------------
    st = journey("notice-street")
    tpage = st.page
    st.login("street")
    # The home lists what waits for the street's decision; the menu leads to the whole queue.
    st.goto("/", "street-home")
    expect(tpage.locator("#h-objections")).to_contain_text("1 条")
    menu = tpage.locator("#mainnav a", has_text="公示异议")
    expect(menu).to_have_attribute("href", "/projects/objections/")
    st.click(tpage.locator("main").get_by_role("link", name=OBJECTION[:20]), "objection-street")
    # An empty decision: each reason beside its field, not again as a message without a name.
    st.click(tpage.get_by_role("button", name="记录决定"), "decide-empty", status=422)
    expect(tpage.locator("#form-errors")).to_contain_text("决定意见")
    expect(tpage.locator("main .messages")).to_have_count(0)
    tpage.get_by_label("异议不成立").check()
    tpage.locator("[name=note]").fill("社区已调整位置,答复可行,异议不成立。")
    st.click(tpage.get_by_role("button", name="记录决定"), "decided")
    expect(messages(tpage)).to_contain_text("街道决定已记录")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED

    # --- 6. Now implementation starts --------------------------------------------------------------
    log_activity(sec, spage, project.pk, "started", status=200)
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    res.goto(f"/p/announcements/{project.pk}/", "public-decided")
    expect(page.locator("#notice")).to_contain_text("社区已调整位置")
