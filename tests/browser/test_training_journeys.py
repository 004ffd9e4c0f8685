"""头雁工程 training on a 360 px phone (issue 16's "done when"), each page checked by
Journey.check(): a secretary sees her next class on her home page, confirms it, asks for leave
from another and rates a held one; a mentor of the panel answers her consultation, which she then
follows up and closes; district staff attach the mentor to a project, who records a coaching and
writes the plan with a PDF, which the project's secretary finds on the project page and in its
timeline; district staff record a session's attendance, read attendance per street and cohort
with who missed twice in a row, and split a cohort of fifteen into classes of at most twelve (on a
phone and on a desktop)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role
from projects.models import ProjectEvent
from tests import factories as f
from training import services
from training.models import (
    MAX_CLASS,
    Attendance,
    Coaching,
    CoachingNote,
    Consultation,
    MentorKind,
    Session,
    Topic,
    Trainee,
)
from training.workflow import SESSION_WORKFLOW

pytestmark = pytest.mark.browser

PLACE = "区党群服务中心三楼培训室"
# The smallest file core/uploads.py takes for a PDF: it is recognised by its first bytes.
PLAN_PDF = {
    "name": "plan.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
}


def _named(user, name: str):
    User.objects.filter(pk=user.pk).update(display_name=name)
    user.display_name = name
    return user


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _data(title: str, starts: datetime.datetime, topic=Topic.MASS_WORK) -> dict:
    return {
        "title": title,
        "topic": topic,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "place": PLACE,
        "trainer": "区委组织部 李老师",
    }


def _record(session: Session, by, present: list) -> None:
    """The district records who came (the attendance page's service)."""
    ids = list(session.attendances.filter(user__in=present).values_list("pk", flat=True))
    SESSION_WORKFLOW.perform(session, "record", by=by, data={"present": ids})


def _mentor(org, people):
    """The street's expert, put on the mentor panel by the district."""
    _named(people.expert, "刘振华")
    return services.mentor_add(
        by=people.district,
        district=org.district,
        user=people.expert,
        data={
            "kind": MentorKind.SCHOLAR,
            "organisation": "大连理工大学人文学院",
            "expertise": "物业管理、居民自治",
        },
    )


# --- 1. a secretary's classes ------------------------------------------------------------------
def test_a_secretary_confirms_her_next_class_asks_leave_from_another_and_rates_a_held_one(
    transactional_db, org, people, journey
):
    _named(people.secretary, "王秀兰")
    district = people.district
    today = timezone.localdate()
    cohorts = services.cohorts_create(by=district, district=org.district)
    # Her cohort is the one that trains in the month of her next class, a week from now.
    day = today + datetime.timedelta(days=7)
    cohort = next(c for c in cohorts if c.trains_in(day))
    services.trainee_move(
        by=district, trainee=Trainee.objects.get(user=people.secretary), cohort=cohort
    )
    (klass,) = services.month_plan(
        by=district, cohort=cohort, data=_data("头雁工程实训营·群众工作", _at(day))
    )
    quarterly = services.quarterly_create(
        by=district,
        district=org.district,
        data=_data(
            "季度专题培训·物业管理", _at(today + datetime.timedelta(days=21), 14), Topic.PROPERTY
        ),
    )
    held = services.quarterly_create(
        by=district,
        district=org.district,
        data=_data(
            "季度专题培训·矛盾纠纷化解", _at(today - datetime.timedelta(days=5)), Topic.DISPUTES
        ),
    )
    _record(held, district, [people.secretary])

    s = journey("training-secretary")
    page, main = s.page, s.page.locator("main")
    s.login("secretary")
    card = page.locator("#training-card")
    expect(card.locator("[data-next-class]")).to_contain_text("头雁工程实训营·群众工作")
    expect(card.locator("[data-next-class]")).to_contain_text("待确认")
    s.click(card.get_by_role("link", name="培训首页"), "training-home")
    expect(page.locator("#next-class")).to_contain_text("头雁工程实训营·群众工作")
    expect(page.locator("#next-class")).to_contain_text(cohort.name)
    s.click(page.locator("#next-class").get_by_role("link", name="查看并回复"), "class")
    mine = page.locator("#my-reply")
    expect(mine).to_contain_text("待确认")
    expect(main).to_contain_text(PLACE)
    s.click(mine.get_by_role("button", name="确认参加"), "confirmed")
    expect(main.locator(".alert-success")).to_contain_text("已确认参加")
    expect(mine.locator(".badge")).to_have_text("确认参加")
    # Confirmed, she may still ask for leave; not confirm twice.
    expect(mine.get_by_role("button", name="确认参加")).to_have_count(0)
    expect(mine.locator("summary", has_text="请假")).to_be_visible()
    assert Attendance.objects.get(session=klass, user=people.secretary).reply == "confirmed"

    # The quarterly session three weeks on: she cannot go, and says why.
    s.goto("/training/", "training-home-again")
    s.click(page.locator(f"[data-session='{quarterly.pk}']"), "quarterly")
    mine.locator("summary", has_text="请假").click()
    mine.get_by_label("请假事由").fill("当天社区换届选举,无法脱身")
    s.click(mine.get_by_role("button", name="提交请假"), "leave")
    expect(mine.locator(".badge")).to_have_text("请假")
    expect(mine).to_contain_text("当天社区换届选举,无法脱身")
    leave = Attendance.objects.get(session=quarterly, user=people.secretary)
    assert (leave.reply, leave.leave_reason) == ("leave", "当天社区换届选举,无法脱身")

    # The session held five days ago, where she was recorded present: she rates it.
    s.goto("/training/", "training-home-past")
    past = main.locator("section[aria-labelledby='h-past']")
    expect(past).to_contain_text("待评价")
    s.click(past.get_by_role("link", name="季度专题培训·矛盾纠纷化解"), "held")
    expect(mine).to_contain_text("出席")
    # Held: no more replies, only her rating.
    expect(mine.get_by_role("button", name="确认参加")).to_have_count(0)
    expect(mine.locator("summary", has_text="请假")).to_have_count(0)
    rate = page.locator("#rate-form")
    rate.get_by_label("4分 满意").check()
    rate.get_by_label("意见建议").fill("案例讲得很实在,希望多一些现场模拟")
    s.click(rate.get_by_role("button", name="提交评价"), "rated")
    expect(page.locator("#rate-form")).to_contain_text("我的评价(可修改)")
    rated = Attendance.objects.get(session=held, user=people.secretary)
    assert (rated.rating, rated.comment) == (4, "案例讲得很实在,希望多一些现场模拟")

    s.goto("/", "home-after")
    expect(card.locator("[data-next-class]")).to_contain_text("确认参加")


# --- 2. a consultation -------------------------------------------------------------------------
def test_a_mentor_answers_a_consultation_and_the_secretary_follows_up_and_closes_it(
    transactional_db, org, people, journey
):
    _named(people.secretary, "王秀兰")
    mentor = _mentor(org, people)
    services.pairing_create(by=people.district, mentor=mentor, secretary=people.secretary)

    # The secretary asks her mentor.
    s = journey("training-asker")
    page, main = s.page, s.page.locator("main")
    page.on("dialog", lambda dialog: dialog.accept())
    s.login("secretary")
    s.goto("/training/", "training-home")
    mentors = main.locator("section[aria-labelledby='h-mentors']")
    expect(mentors).to_contain_text("刘振华")
    s.click(mentors.get_by_role("link", name="向导师咨询"), "ask")
    page.get_by_label("咨询事项").fill("物业费收缴率低怎么办")
    page.get_by_label("具体问题").fill("老旧小区物业费收缴率不到五成,物业要撤场,社区该怎么介入?")
    s.click(page.get_by_role("button", name="发送"), "asked")
    consultation = Consultation.objects.get(asker=people.secretary)
    expect(main.locator("h1")).to_contain_text("待导师答复")

    # The mentor finds it waiting on his home page and on his desk, and answers.
    m = journey("training-mentor")
    mpage, mmain = m.page, m.page.locator("main")
    m.login("expert")
    mcard = mpage.locator("#training-card")
    expect(mcard).to_contain_text("待答复咨询 1 个")
    expect(mcard.get_by_role("link", name="物业费收缴率低怎么办")).to_be_visible()
    m.goto("/training/", "mentor-desk")
    desk = mpage.locator("#mentor-desk")
    expect(desk).to_contain_text("王秀兰")
    m.click(desk.get_by_role("link", name="物业费收缴率低怎么办"), "consultation")
    expect(mpage.locator("#thread")).to_contain_text("物业要撤场")
    m.click(mmain.get_by_role("button", name="答复"), "answer-empty", status=422)
    mpage.get_by_label("留言").fill("先召开业主代表会摸清欠费原因,再由社区牵头与物业签订服务承诺。")
    m.click(mmain.get_by_role("button", name="答复"), "answered")
    expect(mmain.locator("h1")).to_contain_text("导师已答复")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED

    # The secretary sees the answer (her home card first) and asks once more.
    s.goto("/", "home-answered")
    card = page.locator("#training-card")
    expect(card).to_contain_text("导师已答复")
    s.click(card.get_by_role("link", name="物业费收缴率低怎么办"), "answer")
    expect(page.locator("#thread")).to_contain_text("业主代表会")
    expect(main.locator("h1")).to_contain_text("导师已答复")
    page.get_by_label("留言").fill("服务承诺需要街道盖章吗?")
    s.click(main.get_by_role("button", name="追问"), "followed-up")
    expect(main.locator("h1")).to_contain_text("待导师答复")

    m.goto("/training/", "mentor-desk-again")
    m.click(desk.get_by_role("link", name="物业费收缴率低怎么办"), "follow-up")
    mpage.get_by_label("留言").fill("不需要,社区与物业双方签字,报街道备案即可。")
    m.click(mmain.get_by_role("button", name="答复"), "answered-again")
    expect(mmain.get_by_role("button", name="问题已解决,结束咨询")).to_have_count(0)

    s.goto(consultation.get_absolute_url(), "second-answer")
    expect(page.locator("#thread li")).to_have_count(4)
    s.click(main.get_by_role("button", name="问题已解决,结束咨询"), "closed")
    expect(main.locator("h1")).to_contain_text("已结束")
    expect(page.get_by_label("留言")).to_have_count(0)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    m.goto("/training/", "mentor-desk-empty")
    expect(desk).to_contain_text("没有待答复的咨询")


# --- 3. 一项目一方案 -----------------------------------------------------------------------------
def test_the_district_attaches_a_mentor_who_writes_the_plan_that_the_secretary_finds_on_the_project(
    transactional_db, org, people, journey
):
    _named(people.secretary, "王秀兰")
    _named(people.district, "孙建国")
    mentor = _mentor(org, people)
    project = f.ProjectFactory(
        community=org.guoao, created_by=people.secretary, announced=True, title="国奥花园物业议事厅"
    )

    # District staff, on the project's page.
    d = journey("training-coaching-district")
    dpage = d.page
    d.login("district")
    d.goto(project.get_absolute_url(), "project")
    panel = dpage.locator("#coaching")
    expect(panel).to_contain_text("导师指导(一项目一方案)")
    d.click(panel.get_by_role("link", name="安排导师指导"), "attach-form")
    dpage.get_by_label("指导导师").select_option(label="刘振华(高校专家 · 物业管理、居民自治)")
    dpage.get_by_label("指导方向").select_option(label="物业管理")
    dpage.get_by_label("需要帮助的问题").fill("业委会与物业矛盾大,议事厅开不起来")
    d.click(dpage.get_by_role("button", name="安排"), "attached")
    coaching = Coaching.objects.get(project=project)
    assert coaching.mentor_id == mentor.pk
    expect(dpage.locator("main h1")).to_contain_text("指导中")

    # The mentor opens it from his desk, records a visit and writes the plan with a PDF.
    m = journey("training-coaching-mentor")
    mpage, mmain = m.page, m.page.locator("main")
    m.login("expert")
    m.goto("/training/", "mentor-desk")
    desk = mpage.locator("#mentor-desk")
    expect(desk).to_contain_text("待形成方案")
    m.click(desk.get_by_role("link", name="国奥花园物业议事厅"), "coaching")
    expect(mmain).to_contain_text("业委会与物业矛盾大")
    notes = mmain.locator("section[aria-labelledby='h-notes']")
    notes.locator("summary", has_text="记录一次指导").click()
    expect(notes.get_by_label("指导日期")).to_have_value(timezone.localdate().isoformat())
    notes.get_by_label("方式").select_option(label="线下")
    notes.get_by_label("指导记录").fill("到社区与业委会、物业面对面,梳理出三项分歧")
    m.click(notes.get_by_role("button", name="保存记录"), "note")
    expect(notes.locator("[data-note]")).to_contain_text("梳理出三项分歧")
    plan = mpage.locator("#plan")
    plan.get_by_label("指导方案(一项目一方案)").fill(
        "一、每月第一周召开议事厅;二、物业公开收支;三、业委会每季度述职。"
    )
    plan.get_by_label("方案附件").set_input_files(PLAN_PDF)
    m.click(plan.get_by_role("button", name="保存方案"), "plan")
    expect(plan).to_contain_text("每月第一周召开议事厅")
    expect(plan.get_by_role("link", name=re.compile("方案附件:plan.pdf"))).to_be_visible()
    coaching.refresh_from_db()
    assert coaching.plan_at and coaching.plan_file.original_name == "plan.pdf"
    assert CoachingNote.objects.filter(coaching=coaching).count() == 1

    # The project's secretary sees the plan on the project's page and the coaching in its timeline.
    s = journey("training-coaching-secretary")
    spage, smain = s.page, s.page.locator("main")
    s.login("secretary")
    s.goto(project.get_absolute_url(), "project-with-plan")
    card = spage.locator("#coaching")
    expect(card).to_contain_text("导师 刘振华")
    expect(card).to_contain_text("每月第一周召开议事厅")
    expect(card).to_contain_text("指导记录 1 条")
    timeline = smain.locator("section[aria-labelledby='h-timeline']")
    for kind in ("安排导师指导", "导师指导", "形成指导方案"):
        expect(timeline).to_contain_text(kind)
    expect(timeline).to_contain_text("梳理出三项分歧")
    assert set(ProjectEvent.objects.filter(project=project).values_list("kind", flat=True)) >= {
        "coaching_assigned",
        "coaching_note",
        "coaching_plan",
    }
    s.click(card.get_by_role("link", name="导师 刘振华"), "coaching-read")
    attachment = spage.locator("#plan").get_by_role("link", name=re.compile("方案附件"))
    response = spage.request.get(s.url(attachment.get_attribute("href")))
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    # She reads; only the mentor writes.
    expect(spage.locator("summary", has_text="记录一次指导")).to_have_count(0)


# --- 4. the district's attendance and classes ---------------------------------------------------
@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
def test_the_district_records_attendance_reads_it_per_street_and_splits_a_cohort_into_classes(
    transactional_db, org, people, journey, width
):
    district = _named(people.district, "孙建国")
    _named(people.secretary, "王秀兰")  # 长江路街道 国奥社区
    _named(people.secretary_haiyun, "赵丽华")  # 长江路街道 海韵社区
    _named(people.secretary2, "李红梅")  # 八角街道 悦海社区
    today = timezone.localdate()
    # A year whose first quarter is over: each cohort trained once, and the quarterly session.
    year = today.year if today.month > 3 else today.year - 1
    cohorts = services.cohorts_create(by=district, district=org.district)
    group = {t.user_id: t.cohort for t in Trainee.objects.select_related("cohort")}
    classes = {}
    for month, day in ((1, 15), (2, 10), (3, 16)):
        first = datetime.date(year, month, day)
        cohort = next(c for c in cohorts if c.trains_in(first))
        (classes[month],) = services.month_plan(
            by=district, cohort=cohort, data=_data(f"{month}月小班实训", _at(first))
        )
    quarterly = services.quarterly_create(
        by=district,
        district=org.district,
        data=_data("一季度专题培训", _at(datetime.date(year, 3, 27), 14), Topic.PARTY_BUILDING),
    )
    for session in classes.values():
        # 赵丽华 misses her cohort's class; the others come to theirs.
        came = [
            u
            for u in (people.secretary, people.secretary2, people.secretary_haiyun)
            if group[u.pk] == session.cohort and u != people.secretary_haiyun
        ]
        _record(session, district, came)

    d = journey(f"training-district-{width}")
    page, main = d.page, d.page.locator("main")
    if width != 360:
        page.set_viewport_size({"width": width, "height": 900})
    d.login("district")
    expect(page.locator("#training-card")).to_be_visible()

    # The quarterly session's attendance, ticked on the phone: two of three stayed away.
    d.goto(quarterly.get_absolute_url(), "quarterly")
    d.click(main.get_by_role("link", name="登记出勤"), "attendance-form")
    boxes = main.locator("input[name=present]")
    expect(boxes).to_have_count(3)
    main.get_by_label(re.compile("李红梅")).uncheck()
    main.get_by_label(re.compile("赵丽华")).uncheck()
    expect(main.get_by_label(re.compile("王秀兰"))).to_be_checked()
    d.click(main.get_by_role("button", name="保存出勤"), "attendance-saved")
    expect(main.locator("h1")).to_contain_text("已举办")
    expect(main).to_contain_text("出席 1 人")
    present = dict(
        Attendance.objects.filter(session=quarterly).values_list("user__display_name", "present")
    )
    assert present == {"王秀兰": True, "李红梅": False, "赵丽华": False}

    # 出勤统计: per street and cohort, and who missed twice in a row.
    d.goto("/training/", "training-home")
    d.click(main.get_by_role("link", name="出勤统计"), "report")
    page.get_by_label("年度").select_option(str(year))
    d.click(main.get_by_role("button", name="查看"), "report-year")
    table = page.locator("#street-rates")
    headers = table.locator("thead th")
    expect(headers).to_have_text(["街道", "第一组", "第二组", "第三组", "季度专题培训", "合计"])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    # 八角街道: 李红梅 came to her class, missed the quarterly one. 长江路街道: 王秀兰 came to
    # both, 赵丽华 to neither.
    bajiao = {
        group[people.secretary2.pk].number: "100%",
        "quarterly": "0%",
        "total": "50%",
    }
    changjiang = {
        group[people.secretary.pk].number: "100%",
        group[people.secretary_haiyun.pk].number: "0%",
        "quarterly": "50%",
        "total": "50%",
    }
    for row, expected in ((rows.nth(0), bajiao), (rows.nth(1), changjiang)):
        cells = row.locator("td")
        for column, key in enumerate((1, 2, 3, "quarterly", "total")):
            # "0%" is in "100%": each cell starts with its rate, its counts below it.
            rate = re.escape(expected.get(key, "—"))
            expect(cells.nth(column)).to_have_text(re.compile(rf"^{rate}"))
    expect(rows.nth(0).locator("th")).to_have_text("八角街道")
    expect(page.locator("#total-rate")).to_have_text("50%")
    misses = page.locator("#missed-twice li")
    expect(misses).to_have_count(1)
    expect(misses).to_contain_text("赵丽华")
    expect(misses).to_contain_text("长江路街道 · 海韵社区")

    # 编班: fifteen secretaries of next month's cohort become two classes of at most twelve.
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    cohort = next(c for c in cohorts if c.trains_in(next_month))
    for n in range(14):
        f.make_user(
            Role.SECRETARY,
            (org.guoao, org.haiyun, org.yuehai)[n % 3],
            username=f"newsec{n}",
            display_name=f"新书记{n:02d}",
        )
    services.trainees_enrol(by=district, district=org.district)
    for trainee in Trainee.objects.filter(user__username__startswith="newsec"):
        services.trainee_move(by=district, trainee=trainee, cohort=cohort)
    size = Trainee.objects.filter(cohort=cohort).count()
    assert size == 15

    d.click(main.get_by_role("link", name="轮训分组"), "cohorts")
    card = main.locator(f"section[aria-labelledby='h-c{cohort.pk}']")
    expect(card).to_contain_text(f"{size} 位学员")
    d.click(card.get_by_role("link", name=cohort.name), "cohort")
    expect(main.locator("[data-trainee]")).to_have_count(size)
    d.click(main.get_by_role("link", name="编班", exact=True), "plan-form")
    expect(page.get_by_label("标题")).to_have_value(f"头雁工程实训营·{cohort.name}")
    page.get_by_label("主题").select_option(label="物业管理")
    first = next_month.replace(day=12)
    page.get_by_label("第一个班的开始时间").fill(f"{first.isoformat()}T09:00")
    page.get_by_label("第一个班的结束时间").fill(f"{first.isoformat()}T11:30")
    page.get_by_label("地点").fill(PLACE)
    page.get_by_label("授课人").fill("区委组织部 李老师")
    d.click(main.get_by_role("button", name="保存"), "planned")
    expect(page.locator(".alert-success")).to_contain_text("已编为 2 个班")
    planned = list(Session.objects.filter(cohort=cohort, month=next_month).order_by("starts_at"))
    sizes = [s.attendances.count() for s in planned]
    assert sizes == [8, 7] and max(sizes) <= MAX_CLASS
    for session in planned:
        expect(main.locator(f"[data-session='{session.pk}']")).to_contain_text(
            f"学员 {session.attendances.count()} 人"
        )
    d.click(main.locator(f"[data-session='{planned[0].pk}']"), "class-planned")
    expect(main.locator("[data-attendance]")).to_have_count(8)
