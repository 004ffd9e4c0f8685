"""Step 7's to-dos at the top of the street's and the district's home pages."""

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
