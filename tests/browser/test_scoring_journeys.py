"""Judges score on a 360 px phone, each page checked by Journey.check(): an expert of another
street, assigned to the round, sees his projects (not his own street's), reads a project through
the round's read-only grant, saves a draft sheet, submits it and finds it locked; district staff
find and assign another judge by a search and see the ranking. The competition's board shows a
ranking that updates by itself (htmx polling) after another judge submits a sheet."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from scoring import services
from scoring.models import RoundKind, ScoreSheet, SheetStatus
from scoring.tests import factories as sf

pytestmark = pytest.mark.browser


def test_a_judge_scores_a_sheet_submits_it_and_the_district_sees_the_ranking(
    transactional_db, org, people, journey
):
    round_obj = sf.round_(people.district, name="2026年度项目评审")
    guoao = sf.entry(
        round_obj, sf.retrospected(org.guoao, people.secretary, "国奥邻居节"), people.district
    )
    sf.entry(
        round_obj, sf.retrospected(org.yuehai, people.secretary2, "悦海百家宴"), people.district
    )
    haiyun = sf.entry(
        round_obj, sf.retrospected(org.haiyun, people.secretary, "海韵睦邻角"), people.district
    )
    sf.judge(round_obj, people.judge, people.district)

    j = journey("judge-scores")
    page = j.page
    main = page.locator("main")
    j.login("judge")
    j.goto("/evaluation/rounds/", "rounds")
    j.click(page.get_by_role("link", name=re.compile("2026年度项目评审")), "round")
    expect(main).to_contain_text("我的评分")
    expect(main).to_contain_text("国奥邻居节")
    expect(main).not_to_contain_text("悦海百家宴")  # his own street's: not his to score
    j.click(page.get_by_role("link", name=re.compile("国奥邻居节")), "sheet")
    j.click(page.get_by_role("link", name="查看项目"), "project-read-only")
    expect(main).to_contain_text("国奥邻居节")
    page.go_back()
    j.check("sheet-again")
    page.get_by_label("需求契合度(满分 25 分)").fill("22")
    page.get_by_label("群众参与度(满分 25 分)").fill("23.5")
    page.get_by_label("创新性(满分 15 分)").fill("16")  # above its full marks
    j.click(page.get_by_role("button", name="保存草稿"), "draft-invalid", status=422)
    expect(page.get_by_label("创新性(满分 15 分)")).to_have_class(re.compile("is-invalid"))
    page.get_by_label("创新性(满分 15 分)").fill("")
    j.click(page.get_by_role("button", name="保存草稿"), "draft")
    expect(main).to_contain_text("已保存草稿")
    # Submitting locks the sheet: the button asks first; saying no posts nothing.
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_role("button", name="提交评分")).to_be_enabled()
    assert questions and "锁定" in questions[0]
    assert ScoreSheet.objects.get(entry=guoao).status == SheetStatus.DRAFT
    page.on("dialog", lambda dialog: answer(dialog, True))
    j.click(page.get_by_role("button", name="提交评分"), "incomplete", status=422)
    # Every criterion still empty is marked beside its field at once.
    for label in ("实施成效(满分 25 分)", "创新性(满分 15 分)", "可持续性(满分 10 分)"):
        expect(page.get_by_label(label)).to_have_class(re.compile("is-invalid"))
    expect(main).to_contain_text("实施成效(满分 25 分):提交前请为这一项打分")
    page.get_by_label("实施成效(满分 25 分)").fill("21")
    page.get_by_label("创新性(满分 15 分)").fill("12")
    page.get_by_label("可持续性(满分 10 分)").fill("8")
    page.get_by_label("评语").fill("居民参与度高,台账完整")
    j.click(page.get_by_role("button", name="提交评分"), "submitted")
    expect(main).to_contain_text("已锁定")
    expect(page.locator("#sheet-total")).to_have_text("86.5")
    expect(page.get_by_role("button", name="保存草稿")).to_have_count(0)
    sheet = ScoreSheet.objects.get(entry=guoao)
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, Decimal("86.5"))
    # The locked sheet leads on to the next project still to score.
    j.click(page.get_by_role("link", name=re.compile("下一个待评项目")), "next-sheet")
    assert page.url.endswith(f"/evaluation/rounds/entries/{haiyun.pk}/sheet/")
    expect(main).to_contain_text("海韵睦邻角")

    d = journey("district-ranking")
    dmain = d.page.locator("main")
    d.login("district")
    d.goto(round_obj.get_absolute_url(), "round-district")
    expect(dmain).to_contain_text("已提交 1 份")
    # A judge is found by a search (htmx), never picked from a list of everyone.
    d.page.get_by_label(re.compile("输入姓名或用户名")).fill("judge_un")
    results = d.page.locator("#judge-results")
    expect(results).to_contain_text("judge_unassigned")
    expect(results).not_to_contain_text("secretary")
    d.check("judge-search")
    d.click(results.get_by_role("button", name=re.compile("指派")), "judge-assigned")
    expect(dmain).to_contain_text("评委已指派")
    assert round_obj.judges.filter(user=people.judge_unassigned).exists()
    d.click(d.page.get_by_role("link", name="排名", exact=True), "ranking")
    expect(d.page.locator("#board tbody tr").first).to_contain_text("国奥邻居节")
    expect(d.page.locator("#board tbody tr").first).to_contain_text("86.50")


def test_the_competition_board_updates_after_another_sheet_is_submitted(
    transactional_db, org, people, journey
):
    competition = sf.round_(people.district, kind=RoundKind.COMPETITION, name="2026年底擂台比武")
    first = sf.entry(
        competition, sf.retrospected(org.guoao, people.secretary, "国奥跳蚤市场"), people.street
    )
    second = sf.entry(
        competition, sf.retrospected(org.haiyun, people.secretary, "海韵百家宴"), people.street
    )
    sf.judge(competition, people.judge, people.district)
    sf.judge(competition, people.district, people.district)
    sf.sheet(first, people.judge, 80)
    sf.sheet(second, people.judge, 78)

    d = journey("competition-board")
    page = d.page
    d.login("district")
    d.goto(f"/evaluation/rounds/{competition.pk}/ranking/", "board")
    rows = page.locator("#board tbody tr")
    expect(rows.first).to_contain_text("国奥跳蚤市场")
    expect(page.locator("#board")).to_contain_text("评委打分时自动刷新")

    criteria = list(competition.rubric.criteria.all())
    services.sheet_save(
        entry=second,
        by=people.district,
        points={c.pk: Decimal(c.points) for c in criteria},  # full marks: 100
        submit=True,
    )

    expect(rows.first).to_contain_text("海韵百家宴", timeout=15_000)  # (78 + 100) / 2 = 89
    expect(rows.first).to_contain_text("89.00")
    d.check("board-updated")
