"""The portal's draft of a report: the street's figures for a period, counted in the database."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation.models import Grade
from projects.models import Activity, Status, Theme
from reports.figures import compare_cells, compute, figure_groups
from tests import factories as f

from .factories import day

pytestmark = pytest.mark.django_db
H1 = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))


def _project(community, by, *, created, status=Status.IN_PROGRESS, theme=Theme.JOY, **kwargs):
    project = f.ProjectFactory(
        community=community, created_by=by, status=status, theme=theme, **kwargs
    )
    project.created_at = created
    project.save(update_fields=["created_at"])
    return project


def _grade(project, verdict, *, household=None, when=None):
    grade = Grade.objects.create(
        project=project, household=household, channel="visit", verdict=verdict
    )
    Grade.objects.filter(pk=grade.pk).update(created_at=when or day(2026, 5, 1))
    return grade


def _households(compound, n):
    building = f.BuildingFactory(compound=compound)
    return [f.HouseholdFactory(building=building, room=f"{i + 1:03d}") for i in range(n)]


def test_figures_count_the_streets_records_within_the_period(org, people):
    by = people.secretary
    done = _project(
        org.guoao,
        by,
        created=day(2026, 3, 1),
        status=Status.RETROSPECTED,
        retrospected_at=day(2026, 5, 10),
    )
    need = f.NeedFactory(community=org.guoao, created_by=by, mentions=3)
    need.created_at = day(2026, 2, 1)
    need.save(update_fields=["created_at"])
    done.needs.add(need)
    old_need = f.NeedFactory(community=org.guoao, created_by=by)
    old_need.created_at = day(2025, 2, 1)
    old_need.save(update_fields=["created_at"])
    running = _project(org.haiyun, by, created=day(2025, 10, 1), theme=Theme.HEALTH)
    _project(org.guoao, by, created=day(2026, 8, 1))  # filed after the period
    _project(org.yuehai, people.secretary2, created=day(2026, 3, 1))  # street B
    gone = _project(org.guoao, by, created=day(2026, 3, 1))
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    for created in (day(2025, 12, 1), day(2026, 4, 1)):
        partner = f.PartnerFactory(community=org.guoao, created_by=by)
        partner.created_at = created
        partner.save(update_fields=["created_at"])
    f.PartnerFactory(community=org.yuehai, created_by=by)
    held = {"status": Activity.Status.HELD, "place": "广场", "created_by": by}
    Activity.objects.create(
        project=running,
        date=datetime.date(2026, 4, 10),
        participants=20,
        volunteers=3,
        spending=Decimal("100.50"),
        **held,
    )
    Activity.objects.create(project=running, date=datetime.date(2026, 8, 1), participants=9, **held)
    Activity.objects.create(
        project=running, date=datetime.date(2026, 4, 11), place="广场", created_by=by
    )  # scheduled, not held
    homes = _households(org.compound, 4)
    _grade(done, "satisfied", household=homes[0])
    _grade(done, "basic", household=homes[1])
    _grade(running, "dissatisfied", household=homes[2])
    _grade(running, "satisfied", household=homes[3], when=day(2026, 9, 1))  # after the period
    _grade(running, "satisfied")  # unverified: apart

    figures = compute(org.street_a, *H1)

    assert figures["street"] == "长江路街道"
    assert figures["communities"] == {"total": 2, "active": 2}
    projects = figures["projects"]
    assert (projects["total"], projects["new"], projects["completed"]) == (2, 1, 1)
    assert projects["by_status"][Status.RETROSPECTED] == 1
    assert projects["by_status"][Status.IN_PROGRESS] == 1
    assert projects["by_status"][Status.DRAFT] == 0
    assert projects["by_theme"] == {"beauty": 0, "learning": 0, "joy": 1, "health": 1}
    assert figures["needs"] == {"recorded": 1, "mentions": 3, "solved": 1}
    assert figures["partners"] == {"total": 2, "new": 1}
    assert figures["sessions"] == {
        "held": 1,
        "participants": 20,
        "volunteers": 3,
        "spending": "100.50",
    }
    assert figures["grades"] == {
        "verified": 3,
        "satisfied": 1,
        "basic": 1,
        "dissatisfied": 1,
        "rate": 66.7,
        "unverified": 1,
    }


def test_an_empty_street_has_zeros_and_no_rate(org):
    figures = compute(org.street_b, *H1)

    assert figures["projects"]["total"] == 0
    assert figures["grades"]["rate"] is None
    groups = dict(figure_groups(figures))
    assert ("满意率(满意 + 基本满意)", "—(暂无评价)") in groups["居民评价"]
    assert ("项目总数", "0 个") in groups["项目总体"]
    # The glossary's words (已核实 / 未核实), as on the evaluation pages.
    labels = [label for label, _value in groups["居民评价"]]
    assert "已核实评价" in labels and "未核实评价(不计入满意率)" in labels
    assert not any("核验" in label for label in labels)


def test_a_missing_report_shows_dashes_in_the_side_by_side_table():
    assert set(compare_cells(None)) == {"—"}
    assert compare_cells({"projects": {"total": 4}})[0] == "4"


def test_figures_cost_the_same_queries_whatever_the_street_holds(org, people):
    def build(n):
        homes = _households(org.compound, n)
        for i in range(n):
            project = _project(org.guoao, people.secretary, created=day(2026, 2, 1))
            project.needs.add(f.NeedFactory(community=org.guoao, created_by=people.secretary))
            f.PartnerFactory(community=org.haiyun, created_by=people.secretary)
            Activity.objects.create(
                project=project,
                date=datetime.date(2026, 3, 1),
                place="广场",
                status=Activity.Status.HELD,
                participants=5,
                created_by=people.secretary,
            )
            _grade(project, "satisfied", household=homes[i])

    def count():
        with CaptureQueriesContext(connection) as queries:
            compute(org.street_a, *H1)
        return len(queries)

    build(2)
    few = count()
    build(6)
    assert count() == few <= 8
    assert compute(org.street_a, *H1)["projects"]["total"] == 8


def test_periods_follow_each_other_and_parse_only_begun_half_years():
    from reports.models import Period

    assert Period(2026, 1).previous() == Period(2025, 2)
    assert Period(2026, 2).previous() == Period(2026, 1)
    assert [p.key for p in Period(2026, 2).recent(3)] == ["2026-2", "2026-1", "2025-2"]
    assert (
        Period(2026, 1).label == "2026年上半年" and Period(2026, 2).end.isoformat() == "2026-12-31"
    )
    assert Period.parse("2025-2") == Period(2025, 2)
    for bad in ("2099-1", "2026-3", "２０２６-1", "", None, "2019-1", "2026"):
        assert Period.parse(bad) is None, bad
