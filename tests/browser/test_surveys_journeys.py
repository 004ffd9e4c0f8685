"""Questionnaires on a 360 px phone, each page checked by Journey.check() (CSP, axe, tap targets, no
horizontal scroll): the secretary builds a questionnaire with the four kinds of question,
publishes it and downloads its poster; a resident opens the short link and answers one question
per screen, leaves a comment and gets a receipt code; a worker types in ten paper copies with the
keyboard alone, corrects a mistyped one with the keys too, and the results page shows them."""

import datetime

import pytest
from playwright.sync_api import expect

from needs.models import Receipt
from surveys.models import Question, Response, Survey
from surveys.tests import factories as sf

pytestmark = pytest.mark.browser


def test_secretary_builds_publishes_and_downloads_the_poster(
    transactional_db, org, people, journey
):
    s = journey("survey-builder")
    page = s.page
    page.on("dialog", lambda dialog: dialog.accept())  # "发布后题目不能再修改……"
    s.login("secretary")
    s.goto("/needs/surveys/", "survey-list")
    s.click(page.locator("main").get_by_role("link", name="新建问卷"), "survey-create")
    today = datetime.date.today()
    page.locator("#id_title").fill("加装电梯意愿调查")
    page.locator("#id_intro").fill("社区想了解大家对加装电梯的意见,约需两分钟。")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill((today + datetime.timedelta(days=30)).isoformat())
    s.click(page.get_by_role("button", name="保存"), "survey-draft")
    expect(page.locator("main")).to_contain_text("问卷草稿已建好")
    questions = [
        ("single", "您住在几楼?", "1–2楼\n3–4楼\n5楼及以上", None),
        ("multiple", "您对加装电梯有哪些顾虑?", "费用分摊\n施工噪音\n低层采光", None),
        ("rating", "您支持加装电梯的程度", "", "5"),
        ("text", "您还有什么想法?", "", None),
    ]
    for number, (kind, text, options, rating_max) in enumerate(questions, start=1):
        form = page.locator("#question-add")
        form.locator("#id_kind").select_option(kind)
        form.locator("#id_text").fill(text)
        form.locator("#id_options").fill(options)
        if rating_max:
            form.locator("#id_rating_max").fill(rating_max)
        if kind == "text":
            form.locator("#id_required").uncheck()
        s.click(form.get_by_role("button", name="添加题目"), f"question-{number}")
    survey = Survey.objects.get(title="加装电梯意愿调查")
    assert list(Question.objects.filter(survey=survey).values_list("kind", flat=True)) == [
        "single",
        "multiple",
        "rating",
        "text",
    ]
    s.click(page.get_by_role("button", name="发布问卷"), "survey-published")
    expect(page.locator("#survey-status")).to_have_text("已发布")
    expect(page.locator("#short-link")).to_contain_text(f"/p/q/{survey.short_code}/")
    for name, magic in (
        ("下载海报 PDF(A4 打印)", b"%PDF-"),
        ("下载海报图片 PNG(发微信群)", b"\x89PNG"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        with open(download.value.path(), "rb") as handle:
            assert handle.read(len(magic)) == magic


def test_resident_answers_one_question_per_screen_and_gets_a_receipt(
    transactional_db, org, people, journey
):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, title="小区停车需求调查")
    r = journey("survey-resident")
    page = r.page
    r.goto("/p/", "front-page")
    r.click(page.get_by_role("link", name="小区停车需求调查"), "survey-intro")
    main = page.locator("main")
    expect(main).to_contain_text("不需要留姓名和电话")
    page.get_by_role("button", name="开始填写").click()
    expect(main).to_contain_text("第 1 题,共 4 题")
    r.check("survey-q1")
    # A required question cannot be skipped.
    page.get_by_role("button", name="下一题").click()
    expect(main).to_contain_text("这道题必须回答")
    page.get_by_text("停车难").click()  # a single choice moves on by itself
    expect(main).to_contain_text("第 2 题,共 4 题")
    r.check("survey-q2")
    page.get_by_text("百家宴").click()
    page.get_by_text("义诊").click()
    page.get_by_role("button", name="下一题").click()
    expect(main).to_contain_text("第 3 题,共 4 题")
    r.check("survey-q3")
    page.get_by_text("5分", exact=True).click()
    expect(main).to_contain_text("第 4 题,共 4 题")
    page.get_by_role("button", name="上一题").click()
    expect(main).to_contain_text("第 3 题,共 4 题")
    page.get_by_role("button", name="下一题").click()
    page.locator("textarea[name=q4]").fill("希望晚上有人管理停车")
    page.get_by_role("button", name="下一题").click()
    expect(main).to_contain_text("最后一步")
    page.locator("textarea[name=comment]").fill("小区东门晚上停车太乱")
    r.check("survey-comment")
    r.click(page.get_by_role("button", name="提交问卷"), "survey-thanks")
    expect(main).to_contain_text("感谢您的填写")
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert len(code) == 14
    saved = Response.objects.get(survey=survey)
    assert saved.channel == "online" and saved.answers.count() == 5 and saved.receipt
    assert Receipt.objects.get().excerpt == "小区东门晚上停车太乱"
    # The same phone again: the friendly page.
    r.goto(f"/p/q/{survey.short_code}/", "survey-again", status=409)
    expect(main).to_contain_text("您已经填写过")


def test_worker_types_in_ten_paper_copies_with_the_keyboard_alone(
    transactional_db, org, people, journey
):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, title="邻居节意见征集")
    w = journey("survey-entry")
    page = w.page
    w.login("worker")
    w.goto(f"/needs/surveys/{survey.pk}/entry/", "entry-form")
    keyboard = page.keyboard
    for n in range(10):
        expect(page.locator("#id_q1")).to_be_focused()
        keyboard.type(str(1 + n % 4))
        keyboard.press("Enter")
        keyboard.type("13" if n % 2 else "2")
        keyboard.press("Enter")
        keyboard.type(str(1 + n % 5))
        keyboard.press("Enter")
        if n == 0:
            keyboard.type("希望多办活动")
        keyboard.press("Enter")  # on to the comment
        if n == 0:
            keyboard.type("东门路灯不亮")
        keyboard.press("Enter")  # on to the paper copy's number (left empty)
        keyboard.press("Enter")  # on to the save button
        with page.expect_navigation():
            keyboard.press("Control+Enter" if n % 2 == 0 else "F2")
        expect(page.locator("#entry-count")).to_have_text(f"本次已录入 {n + 1} 份")
        if n in (0, 9):
            w.check(f"entry-after-{n + 1}")
    expect(page.locator("#entry-last")).to_contain_text("1:2 2:13 3:5分")
    assert Response.objects.filter(survey=survey, channel="paper").count() == 10
    expect(page.locator("#typed-today li")).to_have_count(10)
    # The tenth copy's score was 3 on paper: back from the first field to its 修改, with the keys.
    keyboard.press("Shift+Tab")  # the channel
    keyboard.press("Shift+Tab")
    expect(page.locator("#entry-last-correct")).to_be_focused()
    with page.expect_navigation():
        keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("修改第 10 份")
    expect(page.locator("#id_q3")).to_have_value("5")
    w.check("entry-correct")
    expect(page.locator("#id_q1")).to_be_focused()
    keyboard.press("Enter")
    keyboard.press("Enter")  # on to the score, its value selected
    keyboard.type("3")
    with page.expect_navigation():
        keyboard.press("Control+Enter")
    expect(page.locator("main")).to_contain_text("已修改第 10 份")
    expect(page.locator("#entry-count")).to_have_text("本次已录入 10 份")
    expect(page.locator("#entry-last")).to_contain_text("1:2 2:13 3:3分")
    expect(page.locator("#id_q1")).to_be_focused()  # ready for the next copy
    w.check("entry-corrected")
    tenth = Response.objects.filter(survey=survey).latest("pk")
    assert tenth.answers.get(question__kind="rating").rating == 3
    assert Response.objects.filter(survey=survey).count() == 10
    w.goto(f"/needs/surveys/{survey.pk}/results/", "results")
    paper = page.locator("tr", has_text="纸质问卷")
    expect(paper).to_contain_text("10")
    expect(page.locator("#returned-total")).to_have_text("10")
    # The folded forms open with a finger (Journey.check() does not measure a <summary>).
    for name in ("转为需求", "处理这条留言"):
        box = page.locator("summary", has_text=name).first.bounding_box()
        assert box and box["height"] >= 44, (name, box)
    page.locator("summary", has_text="处理这条留言").click()
    w.check("results-triage-open")


def test_a_resident_finds_their_community_on_a_district_surveys_poster_link(
    transactional_db, org, people, journey
):
    template = sf.survey(district=org.district, created_by=people.district, title="全区需求调查")
    copy = Survey.objects.get(template=template, community=org.haiyun)
    r = journey("survey-district-link")
    page = r.page
    r.goto(f"/p/q/{template.short_code}/", "district-link")
    page.get_by_text("长江路街道(2 个社区)").click()
    r.check("district-link-street-open")
    r.click(page.get_by_role("link", name="海韵社区"), "district-link-copy")
    assert page.url.endswith(f"/p/q/{copy.short_code}/")
    expect(page.locator("main")).to_contain_text("海韵社区")
