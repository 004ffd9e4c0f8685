"""The street's work on a 360 px phone, each page checked by Journey.check(): the street's 组长
records a 研判 (adopted, with its class and compound kind) and a field visit linked to a project,
both found through the search pickers; district staff open the summary and follow a count to
the list it stands for."""

import pytest
from playwright.sync_api import expect

from streetwork.models import Assessment, FieldVisit, Verdict
from streetwork.tests.factories import AssessmentFactory, project_class
from tests import factories as f

pytestmark = pytest.mark.browser


def test_the_street_leader_records_an_assessment_and_a_visit_and_the_district_sees_the_counts(
    transactional_db, org, people, journey
):
    project = f.ProjectFactory(community=org.guoao, compound=org.compound, title="国奥邻居节")
    for n in range(3):
        f.ProjectFactory(community=org.guoao, title=f"国奥其他项目{n}")
    elderly = project_class("为老服务")
    project_class("邻里互助")  # the migration's rows are gone after a transactional test
    AssessmentFactory(community=org.yuehai, project_class=elderly, verdict=Verdict.LATER)

    j = journey("street-assessment")
    page = j.page
    j.login("street")
    j.goto("/streetwork/assessments/", "assessments")
    j.click(page.locator("main").get_by_role("link", name="记录研判"), "choose-community")
    j.click(page.get_by_role("link", name="国奥社区"), "assessment-form")
    page.locator("[name=title]").fill("国奥邻居节")
    page.locator("[name=source]").select_option(label="社区提议")
    page.locator("[name=project_class]").select_option(label="邻里互助")
    page.locator("[name=compound]").select_option(label="国奥花园")
    page.get_by_label("采纳", exact=True).check()
    page.locator("[name=reason]").fill("国奥社区已连续14年举办邻居节,居民参与踊跃,同意采纳。")
    # The project picker searches the community's projects as one types.
    page.locator("[name=project_q]").fill("邻居")
    choice = page.get_by_label("国奥邻居节")
    expect(choice).to_be_visible()
    expect(page.locator("#id_project_options")).not_to_contain_text("国奥其他项目")
    j.check("assessment-form-searched")
    choice.check()
    j.click(page.get_by_role("button", name="保存"), "assessment-saved")
    expect(page.locator("main .messages")).to_contain_text("研判已记录")
    expect(page.locator("main header")).to_contain_text("采纳")
    expect(page.locator("main")).to_contain_text("商住小区")
    expect(page.locator("main")).to_contain_text("邻里互助")
    assessment = Assessment.objects.get(title="国奥邻居节")
    assert (assessment.project, assessment.compound_kind) == (project, "commercial")

    j.goto("/streetwork/visits/", "visits")
    j.click(page.locator("main").get_by_role("link", name="记录实地调研"), "visit-community")
    j.click(page.get_by_role("link", name="国奥社区"), "visit-form")
    page.locator("[name=date]").fill("2026-11-18")
    page.get_by_label(str(people.member)).check()  # the 组长 is ticked already
    page.locator("[name=others]").fill("国奥社区书记、国奥花园小区党支部书记")
    page.locator("[name=findings]").fill("邻居节场地照明不足,居民希望增加夜间活动。")
    page.locator("[name=projects_q]").fill("邻居节")
    # Tick only once the search has answered: its answer replaces the list (a box ticked before
    # it arrives would be replaced unticked).
    expect(page.locator("#id_projects_options")).not_to_contain_text("国奥其他项目")
    page.get_by_label("国奥邻居节").check()
    j.click(page.get_by_role("button", name="保存"), "visit-saved")
    expect(page.locator("main .messages")).to_contain_text("实地调研已记录")
    expect(page.get_by_role("link", name="国奥邻居节")).to_be_visible()
    visit = FieldVisit.objects.get()
    assert set(visit.members.all()) == {people.street, people.member}
    assert list(visit.projects.all()) == [project]

    district = journey("district-summary")
    dpage = district.page
    district.login("district")
    district.goto("/streetwork/assessments/summary/", "summary")
    main = dpage.locator("main")
    expect(main).to_contain_text("已研判 2 个候选项目")
    expect(main).to_contain_text("文章中研判 130 余个项目,分 10 类")
    commercial = dpage.get_by_role("link", name="商住小区采纳 1 个")
    expect(commercial).to_be_visible()
    district.click(commercial, "summary-to-list")
    expect(main).to_contain_text("共 1 条研判")
    expect(main).to_contain_text("国奥邻居节")
