"""The street's work pages: forms, pickers that search instead of listing everything, the summary,
refusals as pages, and query counts constant in the number of rows."""

import datetime
import re

import pytest

from accounts.models import Compound
from accounts.roles import Role
from streetwork.models import Assessment, FieldVisit, Verdict
from streetwork.tests.factories import AssessmentFactory, FieldVisitFactory, project_class
from streetwork.widgets import LIMIT
from tests import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def assessment_post(**changes) -> dict:
    return {
        "once": f.once(),
        "title": "国奥花园楼道微更新",
        "source": "need",
        "project_class": project_class("物业管理").pk,
        "compound": "",
        "compound_kind": "old",
        "verdict": "adopt",
        "reason": "居民反映集中,社区有物业和志愿者可以领办。",
        "need": "",
        "project": "",
        "assessed_on": "2026-11-20",
        **changes,
    }


# --- 研判 -------------------------------------------------------------------------------------
def test_the_street_leader_picks_a_community_then_records_an_assessment(client, org, people):
    project = f.ProjectFactory(community=org.guoao, title="国奥花园充电桩")
    need = f.NeedFactory(community=org.guoao, title="电动车充电难")
    client.force_login(people.street)

    choice = client.get("/streetwork/assessments/new/")
    assert choice.status_code == 200
    assert "国奥社区" in choice.content.decode() and "海韵社区" in choice.content.decode()
    assert "悦海社区" not in choice.content.decode()

    page = client.get(f"/streetwork/assessments/new/?community={org.guoao.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "国奥花园充电桩" in html and "电动车充电难" in html

    response = client.post(
        f"/streetwork/assessments/new/?community={org.guoao.pk}",
        assessment_post(compound=org.compound.pk, project=project.pk, need=need.pk),
    )

    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == assessment.get_absolute_url()
    assert (assessment.community, assessment.project, assessment.need) == (org.guoao, project, need)
    assert assessment.compound_kind == Compound.Kind.COMMERCIAL  # the compound's, not "old"
    detail = client.get(response["Location"]).content.decode()
    assert "研判已记录" in detail and "物业管理" in detail and "商住小区" in detail


def test_street_b_has_one_community_and_gets_its_form_directly(client, org, people):
    client.force_login(people.street_b)
    response = client.get("/streetwork/assessments/new/")
    assert response.status_code == 200
    assert "悦海社区" in response.content.decode()
    assert 'name="reason"' in response.content.decode()


def test_another_communitys_project_posted_by_id_is_refused_and_nothing_saved(client, org, people):
    foreign = f.ProjectFactory(community=org.yuehai)
    client.force_login(people.street)

    response = client.post(
        f"/streetwork/assessments/new/?community={org.guoao.pk}",
        assessment_post(project=foreign.pk),
    )

    assert response.status_code == 422
    assert "选择一个有效的选项" in response.content.decode()
    assert not Assessment.objects.exists()


def test_neither_compound_nor_kind_gets_a_chinese_message(client, org, people):
    client.force_login(people.street)
    response = client.post(
        f"/streetwork/assessments/new/?community={org.guoao.pk}",
        assessment_post(compound_kind=""),
    )
    assert response.status_code == 422
    assert "请选择小区类型,或者选择一个小区。" in response.content.decode()
    assert not Assessment.objects.exists()


def test_posting_protected_fields_changes_nothing(client, org, people):
    client.force_login(people.street)
    client.post(
        f"/streetwork/assessments/new/?community={org.guoao.pk}",
        assessment_post(community=org.yuehai.pk, assessed_by=people.district.pk, deleted_at="x"),
    )
    assessment = Assessment.objects.get()
    assert (assessment.community, assessment.assessed_by) == (org.guoao, people.street)
    assert assessment.deleted_at is None


def test_the_project_picker_lists_at_most_the_limit_and_searches_with_htmx(client, org, people):
    for n in range(LIMIT + 5):
        f.ProjectFactory(community=org.guoao, title=f"国奥项目{n:02d}")
    f.ProjectFactory(community=org.haiyun, title="海韵的项目")
    client.force_login(people.street)
    url = f"/streetwork/assessments/new/?community={org.guoao.pk}"

    html = client.get(url).content.decode()
    assert html.count('name="project" value="') == LIMIT + 1  # and "尚未形成项目"
    assert "只列出最近的 20 条" in html
    assert "海韵的项目" not in html

    found = client.get(f"{url}&project_q=项目03", **HTMX)
    rows = found.content.decode()
    assert found.status_code == 200 and "<html" not in rows
    assert "国奥项目03" in rows and "国奥项目04" not in rows
    assert client.get(f"{url}&project_q=海韵", **HTMX).content.decode().count("海韵的项目") == 0


def test_a_ticked_project_stays_ticked_when_the_search_changes(client, org, people):
    ticked = f.ProjectFactory(community=org.guoao, title="邻居节")
    f.ProjectFactory(community=org.guoao, title="百家宴")
    client.force_login(people.street)
    url = f"/streetwork/assessments/new/?community={org.guoao.pk}"

    rows = client.get(f"{url}&project_q=百家&project={ticked.pk}", **HTMX).content.decode()

    assert f'name="project" value="{ticked.pk}" checked' in rows
    assert "百家宴" in rows


def test_the_community_staff_read_but_do_not_see_edit_buttons(client, org, people):
    assessment = AssessmentFactory(community=org.guoao, title="楼道微更新")
    client.force_login(people.secretary)

    page = client.get(assessment.get_absolute_url())
    assert page.status_code == 200 and "楼道微更新" in page.content.decode()
    assert "修改</a>" not in page.content.decode()
    assert client.get(f"/streetwork/assessments/{assessment.pk}/edit/").status_code == 403
    assert client.post(f"/streetwork/assessments/{assessment.pk}/delete/").status_code == 403


def test_another_streets_leader_gets_404(client, org, people):
    assessment = AssessmentFactory(community=org.guoao)
    visit = FieldVisitFactory(community=org.guoao)
    client.force_login(people.street_b)
    for url in (
        assessment.get_absolute_url(),
        f"/streetwork/assessments/{assessment.pk}/edit/",
        visit.get_absolute_url(),
        f"/streetwork/visits/{visit.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url


def test_editing_keeps_the_community_and_saves(client, org, people):
    assessment = AssessmentFactory(community=org.guoao, verdict=Verdict.LATER)
    client.force_login(people.member)
    url = f"/streetwork/assessments/{assessment.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="date" name="assessed_on" value="2026-11-02"' in page.content.decode()

    data = assessment_post(verdict="reject", reason="属于物业服务合同内的事项。")
    del data["once"]
    response = client.post(url, data)

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.verdict, assessment.community) == (Verdict.REJECT, org.guoao)


def test_a_date_in_year_9999_is_refused_with_a_message(client, org, people):
    client.force_login(people.street)
    response = client.post(
        f"/streetwork/assessments/new/?community={org.guoao.pk}",
        assessment_post(assessed_on="9999-12-31"),
    )
    assert response.status_code == 422
    assert "请输入 2000 年至 2099 年之间的日期。" in response.content.decode()


def test_delete_goes_back_to_the_list_and_hides_it(client, org, people):
    assessment = AssessmentFactory(community=org.guoao, title="要删除的研判")
    client.force_login(people.expert)

    response = client.post(f"/streetwork/assessments/{assessment.pk}/delete/", follow=True)

    assert response.redirect_chain[-1][0] == "/streetwork/assessments/"
    assert "已删除" in response.content.decode()
    assert client.get(assessment.get_absolute_url()).status_code == 404


def test_the_list_filters_by_class_verdict_kind_street_and_community(client, org, people):
    env, prop = project_class("环境整治"), project_class("物业管理")
    AssessmentFactory(community=org.guoao, title="甲", project_class=env, verdict=Verdict.ADOPT)
    AssessmentFactory(community=org.haiyun, title="乙", project_class=prop, verdict=Verdict.LATER)
    AssessmentFactory(
        community=org.yuehai,
        title="丙",
        project_class=env,
        verdict=Verdict.ADOPT,
        compound_kind=Compound.Kind.COMMERCIAL,
    )
    client.force_login(people.district)

    def titles(query):
        html = client.get(f"/streetwork/assessments/?{query}").content.decode()
        return {t for t in "甲乙丙" if f'<span class="fw-semibold">{t}</span>' in html}

    assert titles("") == {"甲", "乙", "丙"}
    assert titles(f"project_class={env.pk}") == {"甲", "丙"}
    assert titles("verdict=adopt&compound_kind=commercial") == {"丙"}
    assert titles(f"street={org.street_a.pk}") == {"甲", "乙"}
    assert titles(f"community={org.haiyun.pk}") == {"乙"}
    # A bad value is ignored; the other filters still apply.
    assert titles("verdict=adopt&street=abc&community=99999999999999999999") == {"甲", "丙"}


def test_the_list_shows_the_street_filter_only_to_whoever_sees_several_streets(client, org, people):
    client.force_login(people.street)
    assert 'name="street"' not in client.get("/streetwork/assessments/").content.decode()
    client.force_login(people.district)
    assert 'name="street"' in client.get("/streetwork/assessments/").content.decode()


def test_the_summary_counts_per_class_street_and_kind_and_links_to_the_list(client, org, people):
    env = project_class("环境整治")
    for _ in range(2):
        AssessmentFactory(community=org.guoao, project_class=env, verdict=Verdict.ADOPT)
    AssessmentFactory(
        community=org.yuehai,
        project_class=env,
        verdict=Verdict.ADOPT,
        compound_kind=Compound.Kind.RESETTLEMENT,
    )
    AssessmentFactory(community=org.haiyun, project_class=env, verdict=Verdict.REJECT)
    client.force_login(people.district)

    html = client.get("/streetwork/assessments/summary/").content.decode()

    assert f'href="/streetwork/assessments/?project_class={env.pk}&amp;verdict=adopt">3</a>' in html
    assert f'href="/streetwork/assessments/?street={org.street_a.pk}">3</a>' in html
    assert f'href="/streetwork/assessments/?street={org.street_a.pk}&amp;verdict=adopt">2</a>' in (
        html
    )
    assert 'href="/streetwork/assessments/?verdict=adopt&amp;compound_kind=old"' in html
    assert "(文章:25)" in html and "(文章:16)" in html and "(文章:23)" in html
    assert "文章中研判 130 余个项目,分 10 类" in html


def test_the_summary_of_a_street_counts_only_its_own(client, org, people):
    AssessmentFactory(community=org.guoao)
    AssessmentFactory(community=org.yuehai)
    client.force_login(people.street_b)
    html = client.get("/streetwork/assessments/summary/").content.decode()
    assert "八角街道" in html and "长江路街道" not in html


@pytest.mark.parametrize("who", ["street", "district"])
def test_the_menu_shows_the_streets_work_to_the_street_and_the_district(client, people, who):
    client.force_login(getattr(people, who))
    html = client.get("/streetwork/visits/").content.decode()
    assert 'href="/streetwork/assessments/">研判</a>' in html
    # The page's own entry is marked as the current one.
    assert 'href="/streetwork/visits/" aria-current="page">实地调研</a>' in html


def test_the_menu_has_no_street_work_for_community_staff(client, people):
    client.force_login(people.secretary)
    html = client.get("/streetwork/assessments/").content.decode()
    assert 'href="/streetwork/visits/">实地调研</a>' not in html


# --- 实地调研 ------------------------------------------------------------------------------------
def test_a_visit_is_recorded_with_members_of_the_street_group_and_a_project(client, org, people):
    project = f.ProjectFactory(community=org.guoao, title="邻居节")
    client.force_login(people.member)
    url = f"/streetwork/visits/new/?community={org.guoao.pk}"

    form = client.get(url).content.decode()
    for name in ("street", "member", "expert"):
        assert f'value="{getattr(people, name).pk}"' in form
    for outsider in ("secretary", "street_b", "district"):
        assert f'name="members" value="{getattr(people, outsider).pk}"' not in form
    ticked = re.findall(r'<input[^>]*name="members"[^>]*>', form)
    assert [t for t in ticked if "checked" in t] == [
        t for t in ticked if f'value="{people.member.pk}"' in t
    ]

    response = client.post(
        url,
        {
            "once": f.once(),
            "date": "2026-11-18",
            "members": [people.member.pk, people.street.pk],
            "others": "社区书记",
            "findings": "楼道杂物较多。",
            "follow_ups": "两周内召开联席会。",
            "projects": [project.pk],
        },
    )

    visit = FieldVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert set(visit.members.all()) == {people.member, people.street}
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "邻居节" in page and "两周内召开联席会" in page


def test_a_visit_naming_someone_outside_the_group_is_refused(client, org, people):
    client.force_login(people.street)
    response = client.post(
        f"/streetwork/visits/new/?community={org.guoao.pk}",
        {
            "once": f.once(),
            "date": "2026-11-18",
            "members": [people.secretary.pk],
            "findings": "楼道杂物较多。",
        },
    )
    assert response.status_code == 422
    assert not FieldVisit.objects.exists()


def test_the_visit_picker_searches_the_communitys_projects_only(client, org, people):
    f.ProjectFactory(community=org.guoao, title="国奥邻居节")
    f.ProjectFactory(community=org.yuehai, title="悦海邻居节")
    client.force_login(people.street)

    rows = client.get(
        f"/streetwork/visits/new/?community={org.guoao.pk}&projects_q=邻居节", **HTMX
    ).content.decode()

    assert "国奥邻居节" in rows and "悦海邻居节" not in rows
    assert 'type="checkbox" name="projects"' in rows


def test_the_visit_list_counts_and_filters_by_month(client, org, people):
    FieldVisitFactory(community=org.guoao, date=datetime.date(2026, 10, 9), findings="十月的调研")
    FieldVisitFactory(community=org.guoao, date=datetime.date(2026, 11, 3), findings="十一月的调研")
    FieldVisitFactory(community=org.yuehai, findings="另一个街道的调研")
    client.force_login(people.street)

    html = client.get("/streetwork/visits/").content.decode()
    assert "共 2 次实地调研" in html and "另一个街道的调研" not in html
    html = client.get("/streetwork/visits/?month=2026-10").content.decode()
    assert "共 1 次实地调研" in html and "十月的调研" in html
    # A month that is no month is ignored.
    assert "共 2 次" in client.get("/streetwork/visits/?month=2026-13").content.decode()


# --- queries constant in the number of rows -----------------------------------------------------
def _constant(client, url, build, limit, django_assert_max_num_queries):
    client.get(url)  # the person's scope into the cache, as on every later page
    build(1)
    with django_assert_max_num_queries(limit) as small:
        assert client.get(url).status_code == 200
    build(3)
    with django_assert_max_num_queries(limit) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_assessment_list_queries_are_constant(
    client, org, people, who, django_assert_max_num_queries
):
    client.force_login(getattr(people, who))

    def build(n):
        for _ in range(2 * n):
            AssessmentFactory(community=org.guoao, compound=org.compound)
            AssessmentFactory(community=org.haiyun)
            AssessmentFactory(community=org.yuehai)

    _constant(client, "/streetwork/assessments/", build, 8, django_assert_max_num_queries)


@pytest.mark.parametrize("who", ["street", "district"])
def test_assessment_summary_queries_are_constant(
    client, org, people, who, django_assert_max_num_queries
):
    client.force_login(getattr(people, who))

    def build(n):
        for verdict in Verdict.values * n:
            AssessmentFactory(community=org.guoao, verdict=verdict)
            AssessmentFactory(community=org.yuehai, verdict=verdict)

    _constant(client, "/streetwork/assessments/summary/", build, 8, django_assert_max_num_queries)


def test_assessment_detail_queries_are_constant(client, org, people, django_assert_max_num_queries):
    project = f.ProjectFactory(community=org.guoao)
    need = f.NeedFactory(community=org.guoao)
    assessment = AssessmentFactory(
        community=org.guoao, compound=org.compound, project=project, need=need
    )
    client.force_login(people.street)

    def build(n):
        for _ in range(n):
            AssessmentFactory(community=org.guoao, project=project)

    _constant(client, assessment.get_absolute_url(), build, 10, django_assert_max_num_queries)


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_visit_list_queries_are_constant(client, org, people, who, django_assert_max_num_queries):
    client.force_login(getattr(people, who))
    project = f.ProjectFactory(community=org.guoao)

    def build(n):
        for _ in range(2 * n):
            FieldVisitFactory(
                community=org.guoao,
                members=[people.street, people.member],
                projects=[project],
            )
            FieldVisitFactory(community=org.yuehai, members=[people.street_b])

    _constant(client, "/streetwork/visits/", build, 8, django_assert_max_num_queries)


def test_visit_detail_queries_are_constant(client, org, people, django_assert_max_num_queries):
    visit = FieldVisitFactory(community=org.guoao, members=[people.street])
    client.force_login(people.district)

    def build(n):
        for _ in range(n):
            visit.projects.add(f.ProjectFactory(community=org.guoao))
            visit.members.add(f.make_user(Role.STREET_MEMBER, org.street_a))

    _constant(client, visit.get_absolute_url(), build, 10, django_assert_max_num_queries)


def test_the_visit_form_loads_the_same_rows_with_few_or_many_projects(
    client, org, people, django_assert_max_num_queries
):
    """A picker, not a list of every project: the page's size does not grow with them."""
    client.force_login(people.street)
    url = f"/streetwork/visits/new/?community={org.guoao.pk}"

    def build(n):
        for _ in range(15 * n):
            f.ProjectFactory(community=org.guoao)

    build(2)
    small = client.get(url).content
    build(3)
    large = client.get(url).content
    assert abs(len(large) - len(small)) < 200
