"""Step 6 as a programme on a 360 px phone, each page checked by Journey.check(): the secretary
schedules a monthly 百家宴 series, ties its first session to a milestone of the plan, holds two
sessions with a volunteer partner, hours and a photo, makes one photo public after confirming
consent, and the project page shows the milestone done and the sessions held."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from projects.models import Activity, ActivityPhoto, ActivitySeries, Milestone, Status
from tests import factories as f

pytestmark = pytest.mark.browser


def messages(page):
    return page.locator("main .messages")


def test_secretary_runs_a_monthly_series_holds_two_sessions_and_publishes_a_photo(
    transactional_db, org, people, journey, tmp_path
):
    today = timezone.localdate()
    month_ago = today - datetime.timedelta(days=30)
    project = f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        title="国奥花园百家宴",
        announced=True,
        status=Status.IN_PROGRESS,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=120),
    )
    milestone = Milestone.objects.create(
        project=project, date=month_ago, title="首场百家宴", responsible="王书记"
    )
    partner = f.PartnerFactory(
        community=org.guoao, name="国奥物业志愿队", created_by=people.secretary
    )
    photo_file = tmp_path / "feast.png"
    Image.new("RGB", (64, 48), (200, 80, 40)).save(photo_file)

    sec = journey("sessions-secretary")
    page = sec.page
    sec.login("secretary")
    sec.goto(project.get_absolute_url(), "project")
    sec.click(page.get_by_role("link", name="安排系列活动"), "series-form")
    page.get_by_label("活动名称").fill("百家宴")
    page.get_by_label("重复").select_option(label="每月")
    page.get_by_label("首次日期").fill(month_ago.isoformat())
    page.get_by_label("开始时间").fill("11:00")
    page.get_by_label("结束时间").fill("13:00")
    page.get_by_label("活动地点").fill("国奥花园中心广场")
    sec.click(page.get_by_role("button", name="安排"), "series-made")
    expect(messages(page)).to_contain_text("系列活动“百家宴”已安排")
    # The plan ends in four months: the message says why there are not twelve months of them.
    expect(messages(page)).to_contain_text(f"受项目结束日期 {project.end_date:%Y-%m-%d} 限制")
    series = ActivitySeries.objects.get(project=project)
    sessions = list(series.sessions.order_by("date"))
    assert sessions[0].date == month_ago and len(sessions) >= 4
    assert all(s.date <= project.end_date for s in sessions)
    expect(page.locator("#session-rows > li")).to_have_count(len(sessions))

    first, second = sessions[0], sessions[1]
    # The first session completes the plan's first milestone.
    sec.goto(first.get_absolute_url(), "first-session")
    sec.click(page.get_by_role("link", name="调整安排"), "first-edit")
    page.get_by_label("对应计划节点").select_option(label=str(milestone))
    sec.click(page.get_by_role("button", name="保存"), "first-edited")
    expect(messages(page)).to_contain_text("活动安排已调整")

    for number, session in enumerate((first, second), start=1):
        if session != first:
            sec.goto(session.get_absolute_url(), f"session-{number}")
        sec.click(page.get_by_role("link", name="记录举办情况"), f"hold-form-{number}")
        page.get_by_label("参与人数").fill(str(40 + number * 10))
        # The picker names the partner with its category, so two of one name tell apart.
        page.locator("[name=partner_0]").select_option(label=f"{partner.name}(物业)")
        page.locator("[name=hours_0]").fill("3")
        page.locator("[name=photo]").set_input_files(str(photo_file))
        page.get_by_label("照片说明").fill(f"第{number}次百家宴长桌")
        page.get_by_label("活动记录").fill("居民带来拿手菜,新老邻居同桌。")
        sec.click(page.get_by_role("button", name="保存"), f"held-{number}")
        expect(messages(page)).to_contain_text("活动记录已保存")
        expect(page.locator("#volunteer-hours")).to_contain_text("国奥物业志愿队:3.0 小时")
        expect(page.locator("#session-photos .photo-card")).to_have_count(1)
        expect(page.locator("#session-photos")).to_contain_text("未公开")

    # Making the second session's photo public needs the consent confirmed.
    card = page.locator("#session-photos .photo-card").first
    sec.click(card.get_by_role("button", name="公开这张照片"), "publish-refused", status=422)
    expect(messages(page)).to_contain_text("请确认照片中的人已同意公开")
    card = page.locator("#session-photos .photo-card").first
    card.get_by_label("照片中的人已同意公开").check()
    sec.click(card.get_by_role("button", name="公开这张照片"), "photo-public")
    expect(page.locator("#session-photos")).to_contain_text("已公开")
    photo = ActivityPhoto.objects.get(activity=second)
    assert photo.public and photo.consent_by == people.secretary
    assert not ActivityPhoto.objects.get(activity=first).public

    sec.goto(project.get_absolute_url(), "project-after")
    expect(page.locator("#milestone-progress")).to_contain_text("已完成")
    expect(page.locator("#milestone-progress")).to_contain_text("首场百家宴")
    expect(page.locator("#programme-totals")).to_contain_text("已举办 2 场")
    expect(page.locator("#sessions-past")).to_contain_text("参与 60 人")
    assert Activity.objects.filter(project=project, status="held").count() == 2
