"""Step 2's resources on a 360 px phone, each page checked by Journey.check(): the secretary
records a venue the property company offers, links the company to a draft project with what it
contributes there, then (the project approved and announced meanwhile) holds a session: a
volunteer found by searching gives 3 hours and the company 500 元. The project page sums them,
and the partners' pages list the project in their service record."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Resource
from projects.models import Activity, ActivityContribution, ActivityVolunteer, Contribution, Status
from tests import factories as f

pytestmark = pytest.mark.browser


def messages(page):
    return page.locator("main .messages")


def test_secretary_links_a_units_venue_and_sees_hours_and_money_add_up(
    transactional_db, org, people, journey
):
    today = timezone.localdate()
    unit = f.PartnerFactory(
        community=org.guoao,
        name="国奥物业服务中心",
        kind="organisation",
        category_id="property",
        created_by=people.secretary,
    )
    volunteer = f.PartnerFactory(
        community=org.guoao, name="王秀兰", category_id="volunteer", created_by=people.secretary
    )
    # More partners than the session's picker lists: the volunteer is found by searching.
    for n in range(15):
        f.PartnerFactory(community=org.guoao, name=f"志愿者{n:02d}", category_id="volunteer")
    project = f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        title="国奥花园邻里议事会",
        ready=True,
    )

    sec = journey("partners-resource-secretary")
    page = sec.page
    sec.login("secretary")

    # 1. What the company offers, on its page.
    sec.goto(unit.get_absolute_url(), "unit")
    sec.click(page.get_by_role("link", name="登记资源"), "resource-form")
    page.get_by_label("资源类型").select_option(label="场地")
    page.get_by_label("资源说明").fill("社区服务中心一楼会议室")
    page.get_by_label("数量").fill("60")
    page.get_by_label("单位").fill("平方米")
    sec.click(page.get_by_role("button", name="保存"), "resource-saved")
    expect(messages(page)).to_contain_text("已登记资源“社区服务中心一楼会议室”")
    expect(page.locator("#resources")).to_contain_text("社区服务中心一楼会议室")
    venue = Resource.objects.get(partner=unit)

    # 2. Step 2 of the draft: link the company (the picker searches), then what it gives here.
    sec.goto(project.get_absolute_url(), "project-draft")
    picker = page.locator("#partner-picker")
    with page.expect_response(lambda r: "partner_q=" in r.url):
        page.get_by_label("查找本社区的合伙人").fill("国奥物业")
    sec.click(picker.get_by_role("button", name=f"链接 {unit.name}"), "unit-linked")
    share = page.locator(f'#step2-partners li[data-partner="{unit.pk}"]')
    expect(share).to_contain_text("可提供:场地 · 社区服务中心一楼会议室(60 平方米)")
    share.locator("summary", has_text="登记贡献").click()
    share.get_by_label("选用登记过的资源").select_option(label="场地 · 社区服务中心一楼会议室")
    share.get_by_label("贡献内容").fill("议事会场地,每月两次")
    share.get_by_label("数量").fill("2")
    share.get_by_label("单位").fill("次")
    sec.check("contribution-form")
    sec.click(share.get_by_role("button", name="保存贡献"), "contribution-saved")
    expect(messages(page)).to_contain_text("已登记合伙人的贡献")
    share = page.locator(f'#step2-partners li[data-partner="{unit.pk}"]')
    expect(share).to_contain_text("贡献:场地 · 议事会场地,每月两次 2 次")
    contribution = Contribution.objects.get(project=project)
    assert (contribution.resource, contribution.kind) == (venue, "venue")

    # The street approved and the project was announced (other journeys walk those steps).
    project.status = Status.IN_PROGRESS
    project.start_date = today - datetime.timedelta(days=30)
    project.end_date = today + datetime.timedelta(days=90)
    project.announced_at = timezone.now()
    project.announcement = "每月第一个周六在社区服务中心召开邻里议事会。"
    project.save()
    session = Activity.objects.create(
        project=project,
        title="第一次邻里议事会",
        date=today,
        place="社区服务中心一楼会议室",
        created_by=people.secretary,
    )

    # 3. Hold the session: a volunteer found by searching, and the company's money.
    sec.goto(session.get_absolute_url(), "session")
    sec.click(page.get_by_role("link", name="记录举办情况"), "hold-form")
    page.get_by_label("参与人数").fill("32")
    first = page.locator("[name=partner_0]")
    expect(first.locator("option", has_text=volunteer.name)).to_have_count(0)
    with page.expect_response(lambda r: "partner_q=" in r.url):
        page.get_by_label("查找本社区的其他合伙人").fill("王秀")
    expect(page.locator("#partner-found")).to_contain_text("王秀")
    sec.check("volunteer-found")
    page.locator("[name=partner_0]").select_option(label=f"{volunteer.name}(热心居民)")
    page.locator("[name=hours_0]").fill("3")
    page.locator("[name=c_partner_0]").select_option(label=f"{unit.name}(物业)")
    page.locator("[name=c_kind_0]").select_option(label="资金")
    page.locator("[name=c_quantity_0]").fill("500")
    page.locator("[name=c_note_0]").fill("议事会茶歇")
    sec.click(page.get_by_role("button", name="保存"), "session-held")
    expect(messages(page)).to_contain_text("活动记录已保存")
    expect(page.locator("#volunteer-hours")).to_contain_text("王秀兰:3.0 小时")
    expect(page.locator("#session-contributions")).to_contain_text(
        "国奥物业服务中心:资金 500 元 · 议事会茶歇"
    )
    assert ActivityVolunteer.objects.get(activity=session).partner == volunteer
    assert ActivityContribution.objects.get(activity=session).partner == unit

    # 4. The sums on the project page: step 2 and the 复盘's figures.
    sec.goto(project.get_absolute_url(), "project-sums")
    expect(page.locator("#step2-totals")).to_contain_text(
        "志愿服务 3 小时(1 位合伙人) · 资金 500 元"
    )
    share = page.locator(f'#step2-partners li[data-partner="{unit.pk}"]')
    expect(share).to_contain_text("活动中已投入:资金 500 元")
    expect(page.locator("#step2-others")).to_contain_text("志愿服务 3 小时")
    expect(page.locator('[data-retro="resources"]')).to_contain_text("资金 500 元")

    # 5. The partners' service records.
    sec.goto(unit.get_absolute_url(), "unit-history")
    history = page.locator("#history-projects")
    expect(history).to_contain_text("国奥花园邻里议事会")
    expect(history).to_contain_text("承诺贡献:场地 · 议事会场地,每月两次 2 次")
    expect(history).to_contain_text("活动中贡献:资金 500 元")
    sec.goto(volunteer.get_absolute_url(), "volunteer-history")
    expect(page.locator("#history-projects")).to_contain_text("志愿服务 3 小时(1 场活动)")
    expect(page.locator("#history-hours")).to_contain_text("3")


def test_the_partner_reads_its_resources_and_the_projects_it_served(
    transactional_db, org, people, journey
):
    today = timezone.localdate()
    own = f.PartnerFactory(
        community=org.guoao,
        name="王秀兰",
        category_id="volunteer",
        user=people.partner,
        created_by=people.secretary,
    )
    Resource.objects.create(
        partner=own,
        kind="services",
        description="理发,每月一次",
        created_by=people.secretary,
    )
    project = f.ProjectFactory(
        community=org.guoao, created_by=people.secretary, title="银发理发日", announced=True
    )
    project.status = Status.IN_PROGRESS
    project.save(update_fields=["status"])
    session = Activity.objects.create(
        project=project,
        title="第一次理发日",
        date=today,
        place="社区活动室",
        status=Activity.Status.HELD,
        participants=18,
        created_by=people.secretary,
    )
    ActivityVolunteer.objects.create(activity=session, partner=own, hours=2)

    me = journey("partners-resource-partner")
    page = me.page
    me.login("partner")
    me.goto(own.get_absolute_url(), "own-record")
    expect(page.locator("#resources")).to_contain_text("理发,每月一次")
    expect(page.locator("#resources").get_by_role("link", name="修改")).to_have_count(0)
    history = page.locator("#history-projects")
    expect(history).to_contain_text("志愿服务 2 小时(1 场活动)")
    # The partner opens the residents' page of the project, not the staff's.
    me.click(history.get_by_role("link", name="银发理发日"), "public-project")
    assert f"/p/announcements/{project.pk}/" in page.url
