"""grade_results: per channel and overall counts and rates, the unverified apart, for many
projects in one query."""

import pytest

from evaluation.models import Channel, Grade, Verdict
from evaluation.selectors import Tally, grade_results

from .factories import households, running_project

pytestmark = pytest.mark.django_db


def test_results_count_per_channel_and_overall_and_keep_the_unverified_apart(org, people):
    project = running_project(org, people)
    homes = households(org.compound, 5)
    for home, channel, verdict in zip(
        homes,
        [Channel.VISIT, Channel.VISIT, Channel.ONLINE, Channel.ONSITE, Channel.ONSITE],
        [Verdict.SATISFIED, Verdict.DISSATISFIED, Verdict.BASIC, Verdict.SATISFIED, Verdict.BASIC],
        strict=True,
    ):
        Grade.objects.create(project=project, household=home, channel=channel, verdict=verdict)
    for device in ("a", "b", "c"):
        Grade.objects.create(
            project=project, channel=Channel.ONSITE, verdict=Verdict.DISSATISFIED, device=device
        )

    result = grade_results([project.pk])[project.pk]

    assert (result.overall.satisfied, result.overall.basic, result.overall.dissatisfied) == (
        2,
        2,
        1,
    )
    assert result.overall.rate == pytest.approx(0.8) and result.overall.percent == "80.0%"
    assert (
        result.channels["visit"] == Tally(1, 0, 1) and result.channels["visit"].percent == "50.0%"
    )
    assert result.channels["online"] == Tally(0, 1, 0)
    assert result.channels["onsite"] == Tally(1, 1, 0)
    assert result.unverified == Tally(0, 0, 3)
    assert [label for label, _ in result.channel_rows] == ["走访入户评", "邀请现场评", "线上投票评"]


def test_every_project_asked_for_has_a_result_even_without_grades(org, people):
    ungraded = running_project(org, people)
    result = grade_results([ungraded.pk])[ungraded.pk]
    assert result.overall.total == 0 and result.overall.rate is None
    assert result.overall.percent == "—"
    assert grade_results([]) == {}


def test_many_projects_are_read_in_one_query(org, people, django_assert_num_queries):
    projects = [running_project(org, people) for _ in range(4)]
    for project in projects:
        for home in households(org.compound, 3):
            Grade.objects.create(project=project, household=home, channel="online", verdict="basic")

    with django_assert_num_queries(1):
        results = grade_results(p.pk for p in projects)

    assert all(results[p.pk].overall.basic == 3 for p in projects)
