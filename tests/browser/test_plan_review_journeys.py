"""Steps 3–4 in depth on a 360 px phone, each page checked by Journey.check(): the secretary
plans a project (milestones, budget lines from two sources), records the joint meeting and the
proposal until the readiness box is satisfied, and submits; an expert comments, a member
recommends approval; the 组长 approves with two conditions and grants street money; the
announcement is refused until the secretary confirms both conditions; the district finds the
approval in the monthly filings, raises a 督办, and reads the community's reply."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import (
    BudgetLine,
    FundingGrant,
    JointMeeting,
    Milestone,
    Project,
    ProjectClass,
    PublicSpaceKind,
    ReviewComment,
    ReviewCondition,
    Status,
    Supervision,
)
from tests import factories as f

pytestmark = pytest.mark.browser

TITLE = "国奥花园邻里议事角"
CONDITIONS = ["与物业签订场地使用协议", "活动前完成消防安全检查"]
QUESTION = "请说明议事角场地协议的签订进度和开放时间。"


def badge(page):
    """The project page's status badge (the one in its header)."""
    return page.locator("main header .status-badge")


def messages(page):
    return page.locator("main .messages")


def test_plan_meeting_review_with_conditions_filing_and_supervision(
    transactional_db, org, people, journey
):
    # The district's lists are seeded by a data migration, which a transactional test's flush
    # may have emptied: make sure the two this plan picks exist.
    project_class, _ = ProjectClass.objects.get_or_create(name="协商议事", defaults={"order": 9})
    space, _ = PublicSpaceKind.objects.get_or_create(name="小区花园", defaults={"order": 4})
    need = f.NeedFactory(
        community=org.guoao, title="国奥花园居民想要一个议事的地方", created_by=people.secretary
    )
    today = timezone.localdate()
    start, end = today + datetime.timedelta(days=30), today + datetime.timedelta(days=120)
    iso = "{:%Y-%m-%d}".format

    # --- 1. The secretary plans and submits ------------------------------------------------------
    sec = journey("plan-secretary")
    page = sec.page
    sec.login("secretary")
    sec.click(page.locator("main").get_by_role("link", name="新建领办项目"), "project-new")
    page.locator("[name=title]").fill(TITLE)
    page.locator("[name=compound]").select_option(label=org.compound.name)
    page.locator("[name=summary]").fill("在国奥花园凉亭旁设议事角,每月一次居民议事。")
    page.get_by_label(need.title).check()
    sec.click(page.get_by_role("button", name="保存"), "project-created")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(badge(page)).to_have_text("草稿")
    expect(page.locator("#step-needs")).to_contain_text(need.title)
    project = Project.objects.get(title=TITLE)
    readiness = page.locator("#readiness")
    expect(readiness).to_contain_text("提交审核前还需要")
    expect(readiness).not_to_contain_text("第 1 步")  # the need is linked
    expect(readiness).to_contain_text("第 3 步 定好计划:请填写项目目标、起止日期、预算明细。")
    # Submitting now is refused with the same reasons.
    sec.click(page.get_by_role("button", name="提交街道审核"), "submit-too-early", status=422)
    expect(messages(page)).to_contain_text("第 4 步 制定方案:请填写实施方案。")
    expect(badge(page)).to_have_text("草稿")

    sec.click(page.get_by_role("link", name="计划与预算"), "plan-form")
    page.get_by_label("项目目标").fill("每月一次议事,半年内解决三件居民关心的小事")
    page.get_by_label("服务对象").fill("国奥花园全体居民")
    # A plan may reach three years ahead at most: a slip of the year is refused.
    page.get_by_label("开始日期").fill(iso(start))
    page.get_by_label("结束日期").fill(iso(end.replace(year=end.year + 4)))
    page.get_by_label(org.compound.name).check()
    page.get_by_label("项目类别", exact=True).select_option(label=project_class.name)
    page.get_by_label("户外公共空间").select_option(label=space.name)
    page.get_by_label("五微不至微项目").select_option(label="微议事")
    sec.click(page.get_by_role("button", name="保存目标与范围"), "plan-too-far", status=422)
    expect(page.locator("main")).to_contain_text("计划结束日期不能晚于")
    page.get_by_label("结束日期").fill(iso(end))
    sec.click(page.get_by_role("button", name="保存目标与范围"), "plan-saved")
    expect(messages(page)).to_contain_text("项目计划已保存。")
    expect(page.get_by_label("项目类别", exact=True)).to_have_value(str(project_class.pk))
    expect(page.get_by_label(org.compound.name)).to_be_checked()

    milestones = page.locator("#milestones")
    for day, title, who in [
        (start, "招募议事员", "王书记"),
        (start + datetime.timedelta(days=30), "第一次议事会", "李主任"),
    ]:
        page.locator("#milestone_date").fill(iso(day))
        page.locator("#milestone_title").fill(title)
        page.locator("#milestone_responsible").fill(who)
        sec.click(milestones.get_by_role("button", name="添加节点"), f"milestone-{who}")
        expect(messages(page)).to_contain_text("计划节点已添加。")
    items = milestones.locator("ul > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(f"{iso(start)} 招募议事员")
    expect(items.nth(1)).to_contain_text("第一次议事会 负责人:李主任")

    budget = page.locator("#budget")
    for item, amount, source in [("议事角桌椅", "2000", "街道"), ("茶水", "500", "自筹")]:
        page.locator("#budget_item").fill(item)
        page.locator("#budget_amount").fill(amount)
        page.locator("#budget_source").select_option(label=source)
        sec.click(budget.get_by_role("button", name="添加预算"), f"budget-{amount}")
        expect(messages(page)).to_contain_text("预算明细已添加。")
    rows = budget.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("议事角桌椅")
    expect(rows.nth(0)).to_contain_text("街道")
    expect(rows.nth(1)).to_contain_text("自筹")
    expect(budget.get_by_role("heading", level=2)).to_contain_text("合计 2500.00 元")
    assert Milestone.objects.filter(project=project).count() == 2
    assert sorted(BudgetLine.objects.filter(project=project).values_list("source", flat=True)) == [
        "self",
        "street",
    ]

    sec.click(page.get_by_role("link", name="返回项目"), "project-planned")
    expect(page.locator("#step-plan")).to_contain_text("合计 2500.00 元")
    expect(page.locator("#step-plan")).to_contain_text("户外 · 小区花园")
    expect(page.locator("#step-plan")).to_contain_text("微项目 · 微议事")
    expect(readiness).not_to_contain_text("第 3 步")
    expect(readiness).to_contain_text("第 2 步 链接资源")
    expect(readiness).to_contain_text("请记录联席会")
    expect(readiness).to_contain_text("请填写实施方案")

    sec.click(page.get_by_role("link", name="记录联席会"), "meeting-form")
    page.get_by_label("会议日期").fill(iso(today - datetime.timedelta(days=3)))
    page.get_by_label("地点").fill("国奥花园党群服务站")
    for i, (party, name) in enumerate(
        [("小区党支部", "王书记"), ("物业", "张经理"), ("居民代表", "赵阿姨")]
    ):
        page.locator(f"[name=party_{i}]").select_option(label=party)
        page.locator(f"[name=name_{i}]").fill(name)
    page.get_by_label("可行性分析").fill("凉亭旁空地由物业提供,居民议事员已有十人报名。")
    page.get_by_label("会议决定").fill("同意设议事角,每月第一个周六上午议事。")
    sec.click(page.get_by_role("button", name="保存联席会记录"), "meeting-saved")
    expect(messages(page)).to_contain_text("联席会记录已保存。")
    proposal_card = page.locator("#step-proposal")
    expect(proposal_card).to_contain_text("小区党支部:王书记;物业:张经理;居民代表:赵阿姨")
    expect(proposal_card).to_contain_text("同意设议事角")
    meeting = JointMeeting.objects.get(project=project)
    assert meeting.attendances.count() == 3

    sec.click(page.get_by_role("link", name="实施方案"), "proposal-form")
    page.get_by_label("实施方案").fill("第一个月招募议事员,之后每月议事一次,物业负责场地。")
    page.get_by_label("未链接资源的原因").fill("场地由物业无偿提供,议事员为居民志愿者。")
    sec.click(page.get_by_role("button", name="保存"), "proposal-saved")
    expect(page.locator("#readiness")).to_have_text("前四步材料齐全,可以提交街道审核。")
    steps = page.locator("ol.steps > li").evaluate_all("items => items.map(li => li.className)")
    # Needs and plan are done; step 4 is done once the street approves.
    assert (steps[0], steps[2], steps[3]) == ("done", "done", "missing"), steps

    sec.click(page.get_by_role("button", name="提交街道审核"), "submitted")
    expect(messages(page)).to_contain_text("已提交街道审核")
    expect(badge(page)).to_have_text("待街道审核")

    # --- 2. An expert comments; a member recommends approval --------------------------------------
    expert = journey("plan-expert")
    expert.login("expert")
    expert.goto(project.get_absolute_url(), "expert-project")
    epage = expert.page
    expect(epage.locator("#h-review")).to_contain_text("第 1 轮")
    expect(epage.locator("[name=recommendation]")).to_have_count(0)  # experts only comment
    expect(epage.get_by_role("button", name="批准")).to_have_count(0)
    epage.get_by_role("textbox", name="意见").fill("建议议事角旁设公示栏,公开议事结果。")
    expert.click(epage.get_by_role("button", name="发送意见"), "expert-commented")
    expect(messages(epage)).to_contain_text("意见已发送给社区。")

    member = journey("plan-member")
    member.login("member")
    member.goto(project.get_absolute_url(), "member-project")
    mpage = member.page
    mpage.get_by_role("textbox", name="意见").fill("方案可行,预算合理。")
    mpage.get_by_label("建议批准").check()
    member.click(mpage.get_by_role("button", name="发送意见"), "member-commented")
    expect(messages(mpage)).to_contain_text("意见已发送给社区。")
    comments = dict(
        ReviewComment.objects.filter(round__project=project).values_list(
            "author__username", "recommendation"
        )
    )
    assert comments == {"expert": "", "member": "approve"}, comments

    # --- 3. The 组长 approves with two conditions and grants street money --------------------------
    leader = journey("plan-leader")
    lpage = leader.page
    leader.login("street")
    leader.click(lpage.get_by_role("link", name="审核队列"), "review-queue")
    entry = lpage.locator("main .list-group-item", has_text=TITLE)
    expect(entry).to_contain_text("第 1 轮")
    expect(entry).to_contain_text(f"{org.street_a.name} · {org.guoao.name}")
    leader.click(entry, "leader-project")
    expect(badge(lpage)).to_have_text("待街道审核")
    expect(lpage.locator("#h-review")).to_contain_text("第 1 轮")

    leader.click(lpage.get_by_role("link", name="查看本轮"), "round-pending")
    round_comments = lpage.locator("main .timeline")
    expect(round_comments).to_contain_text("建议议事角旁设公示栏")
    expect(round_comments.locator("li", has_text="方案可行")).to_contain_text("建议批准")
    expect(round_comments.locator("li", has_text="公示栏").locator(".badge")).to_have_count(0)
    leader.click(lpage.get_by_role("link", name=TITLE[:16]), "leader-project-again")

    lpage.get_by_label("审核意见").fill("同意实施,请落实以下条件后发布预告。")
    lpage.get_by_label("批准条件(可选)").fill("\n".join(CONDITIONS))
    leader.check("leader-review-filled")
    leader.click(lpage.get_by_role("button", name="批准", exact=True), "approved")
    expect(messages(lpage)).to_contain_text("已批准,社区将收到通知。")
    expect(badge(lpage)).to_have_text("已批准")
    expect(lpage.locator("ol.steps > li").nth(3)).to_have_class("done")
    conditions = lpage.locator("#conditions li")
    expect(conditions).to_have_count(2)
    for i, text in enumerate(CONDITIONS):
        expect(conditions.nth(i)).to_contain_text(text)
        expect(conditions.nth(i)).to_contain_text("待落实")
    expect(lpage.get_by_role("link", name="确认落实")).to_have_count(0)  # the community's to do

    funding = lpage.locator("#step-plan table tbody")
    expect(funding.locator("tr", has_text="街道").locator("td")).to_have_text(
        ["2000.00", "待核定", "0.00"]
    )
    expect(funding.locator("tr", has_text="区级").locator("td")).to_have_text(["0", "—", "0.00"])
    expect(funding.locator("tr", has_text="自筹").locator("td")).to_have_text(
        ["500.00", "无需核定", "0.00"]
    )
    lpage.locator("#grant_source").select_option(label="街道")
    lpage.get_by_label("核定金额(元)").fill("2000")
    lpage.get_by_label("说明", exact=True).fill("桌椅按预算核定")
    leader.click(lpage.get_by_role("button", name="核定"), "granted")
    expect(messages(lpage)).to_contain_text("核定经费已记录。")
    expect(funding.locator("tr", has_text="街道").locator("td")).to_have_text(
        ["2000.00", "2000.00", "0.00"]
    )
    grant = FundingGrant.objects.get(project=project)
    assert (grant.source, str(grant.amount)) == ("street", "2000.00")

    # --- 4. The secretary may not announce before both conditions are confirmed ---------------------
    sec.goto(project.get_absolute_url(), "secretary-approved")
    expect(badge(page)).to_have_text("已批准")
    conditions = page.locator("#conditions li")
    expect(conditions).to_have_count(2)
    for i, text in enumerate(CONDITIONS):
        expect(conditions.nth(i)).to_contain_text(text)
        expect(conditions.nth(i)).to_contain_text("待落实")

    sec.click(page.get_by_role("link", name="发布预告", exact=True), "announce-form")
    announcement = f"{iso(start)} 上午九点,国奥花园议事角第一次议事,欢迎居民参加。"
    page.get_by_label("预告内容").fill(announcement)
    sec.click(page.get_by_role("button", name="发布"), "announce-refused", status=422)
    expect(page.locator("main")).to_contain_text(
        "以下批准条件还没有确认落实,落实后才能发布预告:" + ";".join(CONDITIONS) + "。"
    )
    expect(page.get_by_label("预告内容")).to_have_value(announcement)  # nothing typed is lost
    project.refresh_from_db()
    assert project.status == Status.APPROVED and not project.announced_at

    sec.click(page.get_by_role("link", name=TITLE[:16]), "secretary-back")
    for i, text in enumerate(CONDITIONS):
        sec.click(
            page.locator("#conditions li", has_text=text).get_by_role("link", name="确认落实"),
            f"condition-{i + 1}-form",
        )
        expect(page.locator("main .alert-warning")).to_contain_text(text)
        evidence = ["已与物业签订场地使用协议(2024-05号)。", "社区安全员已完成消防检查。"][i]
        page.get_by_label("落实情况").fill(evidence)
        sec.click(page.get_by_role("button", name="确认已落实"), f"condition-{i + 1}-confirmed")
        expect(messages(page)).to_contain_text("已确认落实该条件。")
        row = page.locator("#conditions li", has_text=text)
        expect(row).to_contain_text("已落实")
        expect(row).to_contain_text(evidence)
    expect(page.locator("#conditions")).not_to_contain_text("待落实")
    assert not ReviewCondition.objects.filter(project=project, confirmed_at=None).exists()

    sec.click(page.get_by_role("link", name="发布预告", exact=True), "announce-form-again")
    page.get_by_label("预告内容").fill(announcement)
    sec.click(page.get_by_role("button", name="发布"), "announced")
    expect(messages(page)).to_contain_text("预告已发布")
    expect(badge(page)).to_have_text("已发布预告")
    expect(page.locator("#step-announcement")).to_contain_text("国奥花园议事角第一次议事")

    # --- 5. The district: filings, a 督办, and the community's reply --------------------------------
    district = journey("plan-district")
    dpage = district.page
    district.login("district")
    district.click(dpage.locator("main").get_by_role("link", name="批准备案"), "filings")
    this_month = f"{today.year}年{today.month}月"
    row = dpage.locator("main table tbody tr", has_text=this_month)
    expect(row.locator("td")).to_have_text([this_month, f"{org.street_a.name} 1", "1"])
    district.click(row.get_by_role("link", name=this_month), "filings-month")
    expect(dpage.locator("main h2")).to_have_text(f"{this_month}批准的项目")
    filed = dpage.locator("main .list-group-item", has_text=TITLE)
    expect(filed).to_contain_text("附条件批准")
    expect(filed).to_contain_text(f"{org.street_a.name} · {org.guoao.name} · 第 1 轮")

    district.click(filed, "round-decided")
    expect(dpage.locator("main")).to_contain_text("附条件批准")
    for text in CONDITIONS:
        expect(dpage.locator("main li", has_text=text)).to_contain_text("已落实")
    district.click(dpage.get_by_role("link", name=TITLE[:16]), "district-project")
    expect(badge(dpage)).to_have_text("已发布预告")
    district.click(dpage.get_by_role("link", name="督办"), "supervise-form")
    due = today + datetime.timedelta(days=7)
    dpage.get_by_label("督办事项").fill(QUESTION)
    dpage.get_by_label("回复期限").fill(iso(due))
    district.click(dpage.get_by_role("button", name="发出督办"), "supervised")
    expect(messages(dpage)).to_contain_text("督办事项已发给社区。")
    expect(dpage.locator("main")).to_contain_text(QUESTION)
    expect(dpage.locator("main")).to_contain_text(f"请于 {iso(due)} 前回复")
    expect(dpage.locator("main")).to_contain_text("等待社区回复。")

    district.goto("/projects/supervisions/", "supervisions")
    listed = dpage.locator("main .list-group-item", has_text=TITLE)
    expect(listed).to_contain_text("待回复")
    expect(listed).to_contain_text(QUESTION)

    # The 督办 waits in her inbox, unread (the page passes axe's colour-contrast check).
    sec.goto("/inbox/", "secretary-inbox")
    unread = page.locator("main .list-group-item-warning", has_text="区级督办")
    expect(unread.first).to_contain_text("未读")
    sec.goto("/", "secretary-home")
    waiting = page.locator("section", has=page.locator("#h-supervisions"))
    expect(waiting.locator("#h-supervisions")).to_have_text("待回复的区级督办")
    expect(waiting).to_contain_text(f"请于 {iso(due)} 前回复")
    sec.click(waiting.get_by_role("link", name=TITLE), "supervision-page")
    expect(page.locator("main")).to_contain_text(QUESTION)
    reply = "协议已于本周签订,议事角每月第一个周六上午开放。"
    page.get_by_role("textbox", name="回复").fill(reply)
    sec.click(page.get_by_role("button", name="回复", exact=True), "supervision-replied")
    expect(messages(page)).to_contain_text("回复已发送给区级工作人员。")
    expect(page.locator("main .badge").first).to_have_text("已回复")
    item = Supervision.objects.get(project=project)
    assert (item.status, item.reply) == (Supervision.Status.ANSWERED, reply)

    district.goto("/projects/supervisions/", "supervisions-answered")
    expect(listed).to_contain_text("已回复")
    district.click(listed, "supervision-answered")
    expect(dpage.locator("main")).to_contain_text(reply)


def test_saved_plan_dates_come_back_in_the_plan_form(transactional_db, org, people, journey):
    """A date field must show its saved value as YYYY-MM-DD (what <input type=date> accepts);
    otherwise the field looks empty and saving the form again erases the dates."""
    project = f.ProjectFactory(community=org.guoao, ready=True, created_by=people.secretary)
    start, end = project.start_date, project.end_date
    j = journey("plan-dates")
    page = j.page
    j.login("secretary")
    j.goto(f"/projects/{project.pk}/plan/", "plan-form")
    j.click(page.get_by_role("button", name="保存目标与范围"), "plan-saved-again")
    project.refresh_from_db()
    assert (project.start_date, project.end_date) == (start, end)
    expect(page.get_by_label("开始日期")).to_have_value(f"{start:%Y-%m-%d}")
    expect(page.get_by_label("结束日期")).to_have_value(f"{end:%Y-%m-%d}")
