"""Step 7's to-dos at the top of the street's and the district's home pages."""

import re

from library.tests import factories as lf
from reports.models import Period
from reports.tests import factories as rf
from scoring.tests import factories as sf


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_district_sees_nominations_and_reports_waiting_for_it(client, org, people):
    assert "待遴选的入库推荐" not in home(client, people.district)
    lf.nomination(lf.completed_project(org.guoao, people), people.street)
    rf.submitted(rf.ReportFactory(street=org.street_a, created_by=people.street), people.street)
    page = home(client, people.district)
    assert '待遴选的入库推荐 <strong class="text-danger">1</strong> 项' in page
    assert '待审阅的半年述职 <strong class="text-danger">1</strong> 份' in page


def test_the_districts_report_count_is_split_by_half_year_each_linking_its_page(
    client, org, people
):
    """The to-do count and the side-by-side page it links agree: one count per half year."""
    first, second = Period(2026, 1), Period(2026, 2)
    for street, period in ((org.street_a, first), (org.street_b, first), (org.street_a, second)):
        report = rf.ReportFactory(
            street=street, created_by=people.street, year=period.year, half=period.half
        )
        rf.submitted(report, people.street)
    page = home(client, people.district)
    assert '待审阅的半年述职 <strong class="text-danger">3</strong> 份' in page
    links = re.findall(r'<a class="d-inline-block py-2" href="([^"]+)">([^<]+)</a>', page)
    assert links == [
        (f"/evaluation/reports/compare/?period={first.key}", f"{first.label} 2 份"),
        (f"/evaluation/reports/compare/?period={second.key}", f"{second.label} 1 份"),
    ]
    compare = client.get(links[0][0]).content.decode()
    assert "已提交 2 ·" in compare


def test_the_street_sees_whether_its_report_of_this_half_year_is_written(client, org, people):
    period = Period.current()
    assert f"{period}述职报告尚未起草" in home(client, people.street)
    report = rf.ReportFactory(
        street=org.street_a, year=period.year, half=period.half, created_by=people.street
    )
    page = home(client, people.street)
    assert f"/evaluation/reports/{report.pk}/" in page and "起草中" in page
    # Another street's report is not this street's.
    assert f"{period}述职报告尚未起草" in home(client, people.street_b)


def test_a_judge_sees_the_projects_left_to_score_in_an_open_round(client, org, people):
    judge = people.judge  # an expert of street B
    round_obj = sf.round_(people.district)
    sf.judge(round_obj, judge, people.district)
    first = sf.entry(round_obj, sf.retrospected(org.guoao, people.secretary), people.district)
    sf.entry(round_obj, sf.retrospected(org.haiyun, people.secretary, "百家宴"), people.district)
    # A project of the judge's own street is never theirs to score.
    sf.entry(round_obj, sf.retrospected(org.yuehai, people.secretary2, "运动会"), people.district)
    assert '待评分项目 <strong class="text-danger">2</strong> 个' in home(client, judge)
    sf.sheet(first, judge, 80)
    assert '待评分项目 <strong class="text-danger">1</strong> 个' in home(client, judge)
    assert "待评分项目" not in home(client, people.judge_unassigned)


def test_a_judges_grant_opens_the_round_projects_pages_but_not_his_lists(client, org, people):
    """The read-only grant reaches a round's projects from the round; the judge's own lists,
    counts and home stay those of his street."""
    round_obj = sf.round_(people.district)
    sf.judge(round_obj, people.judge, people.district)
    judged = sf.retrospected(org.guoao, people.secretary, "国奥邻里节")
    sf.entry(round_obj, judged, people.district)
    client.force_login(people.judge)
    assert client.get(judged.get_absolute_url()).status_code == 200
    assert "国奥邻里节" not in client.get("/projects/", {"status": "retrospected"}).content.decode()
    assert "国奥邻里节" not in client.get("/").content.decode()
