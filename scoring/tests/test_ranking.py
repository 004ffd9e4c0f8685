"""The ranking's arithmetic: the mean of submitted totals, the highest and lowest dropped from
five sheets on, ties broken by the round's rule, and the query count of round_ranking."""

from decimal import Decimal

import pytest

from evaluation.models import Channel, Grade, Verdict
from scoring.models import SheetStatus, TieBreak
from scoring.selectors import RankRow, Score, project_score, rank, round_ranking
from scoring.tests import factories as sf
from tests import factories as f

D = Decimal


def test_four_sheets_are_averaged_without_dropping():
    score = project_score([D("80"), D("90"), D("70"), D("100")])

    assert score.sheets == 4
    assert score.score == D("85.00")
    assert score.dropped == ()


def test_five_sheets_drop_the_highest_and_the_lowest():
    score = project_score([D("80"), D("90"), D("70"), D("100"), D("60")])

    assert score.score == D("80.00")  # (80 + 90 + 70) / 3
    assert score.dropped == (D("100"), D("60"))
    assert score.median == D("80.00")


def test_seven_sheets_drop_only_one_highest_and_one_lowest():
    score = project_score([D(x) for x in ("95", "95", "90", "85", "80", "60", "60")])

    assert score.score == D("82.00")  # (95 + 90 + 85 + 80 + 60) / 5
    assert score.dropped == (D("95"), D("60"))


def test_mean_is_rounded_half_up_to_two_places():
    assert project_score([D("80"), D("80"), D("81")]).score == D("80.33")
    assert project_score([D("80.5"), D("80.0")]).score == D("80.25")
    assert project_score([D("90"), D("90"), D("90.1")]).score == D("90.03")


def test_ties_are_decided_on_the_exact_means_not_the_rounded_ones():
    """85.333… and 85.334 both show as 85.33, yet they are no tie: the higher mean ranks first
    whatever the tie-break rule says (here the other row has the better satisfaction rate)."""
    thirds = Score(3, D("85.33"), D("85"), mean=D(256) / 3)  # (85 + 85 + 86) / 3
    rows = rank(
        [
            RankRow(1, 1, "甲", "", "", thirds, rate=D("99")),
            RankRow(2, 2, "乙", "", "", Score(3, D("85.33"), D("85"), mean=D("85.334")), D("1")),
        ],
        TieBreak.SATISFACTION,
    )

    assert [(r.entry_id, r.rank, r.tied) for r in rows] == [(2, 1, False), (1, 2, False)]
    assert [str(r.score.score) for r in rows] == ["85.33", "85.33"]  # rounded for display only


def test_project_scores_keep_their_exact_mean_for_comparing():
    thirds = project_score([D("85"), D("85"), D("86")])
    quarters = project_score([D(x) for x in ("99", "85.3", "85.3", "85.3", "85.4", "10")])

    assert thirds.score == quarters.score == D("85.33")  # 85.333… and 85.325, half up
    rows = rank(
        [
            RankRow(1, 1, "甲", "", "", thirds, rate=None),
            RankRow(2, 2, "乙", "", "", quarters, rate=D("100")),
        ],
        TieBreak.SATISFACTION,
    )
    assert [(r.entry_id, r.rank, r.tied) for r in rows] == [(1, 1, False), (2, 2, False)]
    assert thirds.mean > quarters.mean


def test_the_satisfaction_tie_break_compares_the_exact_rates():
    """Both rates show as 90.0%; the exact ones decide before the median does."""
    low, high = _row(1, "85", rate="90.0", median="90"), _row(2, "85", rate="90.0", median="80")
    low.rate_exact, high.rate_exact = D(9001) / 100, D(9004) / 100

    rows = rank([low, high], TieBreak.SATISFACTION)

    assert [(r.entry_id, r.rank, r.tied) for r in rows] == [(2, 1, True), (1, 2, True)]


def test_no_sheet_means_no_score():
    assert project_score([]) == Score(0, None, None)


def _row(entry_id, score, *, rate=None, median=None, title=None):
    totals_score = (
        Score(3, D(score), D(median) if median else D(score)) if score else Score(0, None, None)
    )
    return RankRow(
        entry_id=entry_id,
        project_id=entry_id,
        title=title or f"项目{entry_id}",
        community="",
        street="",
        score=totals_score,
        rate=D(rate) if rate is not None else None,
    )


def test_a_tie_goes_to_the_higher_satisfaction_rate_then_the_median():
    rows = rank(
        [
            _row(1, "85", rate="90", median="84"),
            _row(2, "85", rate="95", median="80"),
            _row(3, "90"),
            _row(4, "85", rate="95", median="86"),
        ],
        TieBreak.SATISFACTION,
    )

    assert [(r.entry_id, r.rank) for r in rows] == [(3, 1), (4, 2), (2, 3), (1, 4)]
    assert [r.tied for r in rows] == [False, True, True, True]


def test_the_median_rule_looks_at_the_median_first():
    rows = rank(
        [_row(1, "85", rate="90", median="88"), _row(2, "85", rate="95", median="80")],
        TieBreak.MEDIAN,
    )

    assert [r.entry_id for r in rows] == [1, 2]


def test_a_project_without_grades_loses_a_satisfaction_tie():
    rows = rank([_row(1, "85"), _row(2, "85", rate="10")], TieBreak.SATISFACTION)

    assert [r.entry_id for r in rows] == [2, 1]


def test_rows_equal_on_every_key_share_a_rank_and_unscored_come_last():
    rows = rank(
        [_row(1, "80", rate="90"), _row(2, None), _row(3, "80", rate="90"), _row(4, "70")],
        TieBreak.SATISFACTION,
    )

    assert [(r.entry_id, r.rank) for r in rows] == [(1, 1), (3, 1), (4, 3), (2, None)]


@pytest.fixture
def scored(org, people):
    """A round with two projects: one with five submitted sheets (drop) and a draft, one with
    two submitted sheets; residents graded the second."""
    round_obj = sf.round_(people.district)
    a = sf.entry(round_obj, sf.retrospected(org.guoao, people.secretary, "甲"), people.district)
    b = sf.entry(round_obj, sf.retrospected(org.yuehai, people.secretary2, "乙"), people.district)
    judges = [sf.expert(org.street_b, f"j{i}") for i in range(6)]
    for judge, total in zip(judges, (70, 80, 90, 85, 100), strict=False):
        sf.sheet(a, judge, total)
    sf.sheet(a, judges[5], 10, status=SheetStatus.DRAFT)
    sf.sheet(b, judges[0], 88)
    sf.sheet(b, judges[1], 82)
    return round_obj, a, b


def test_round_ranking_counts_only_submitted_sheets(scored):
    round_obj, a, b = scored

    rows = round_ranking(round_obj)

    # a: (80 + 90 + 85) / 3, 100 and 70 dropped, the draft ignored; b: (88 + 82) / 2. Equal
    # scores, equal medians (85), no grades: they share the first place.
    assert [(r.entry_id, r.score.score, r.rank) for r in rows] == [
        (a.pk, D("85.00"), 1),
        (b.pk, D("85.00"), 1),
    ]
    assert {r.entry_id: r.score.sheets for r in rows} == {a.pk: 5, b.pk: 2}


def test_round_ranking_breaks_the_tie_with_residents_grades(scored, org):
    round_obj, a, b = scored
    household = f.HouseholdFactory(
        building=f.BuildingFactory(compound=org.compound, number="9号楼")
    )
    Grade.objects.create(
        project_id=b.project_id, household=household, channel=Channel.VISIT, verdict=Verdict.BASIC
    )
    # Unverified grades never count.
    Grade.objects.create(
        project_id=a.project_id, channel=Channel.ONSITE, verdict=Verdict.SATISFIED, device="x"
    )

    rows = round_ranking(round_obj)

    assert [(r.entry_id, r.rank, r.rate) for r in rows] == [
        (b.pk, 1, D("100.0")),
        (a.pk, 2, None),
    ]


def _grow(round_obj, org, people, n):
    for i in range(n):
        e = sf.entry(
            round_obj, sf.retrospected(org.haiyun, people.secretary, f"P{i}"), people.district
        )
        for j in range(3):
            sf.sheet(e, sf.expert(org.street_b, f"g{e.pk}-{j}"), 60 + i + j)


def test_round_ranking_runs_three_queries_whatever_the_size(org, people, django_assert_num_queries):
    round_obj = sf.round_(people.district)
    _grow(round_obj, org, people, 2)
    with django_assert_num_queries(3):
        small = round_ranking(round_obj)
    _grow(round_obj, org, people, 4)
    with django_assert_num_queries(3):
        large = round_ranking(round_obj)

    assert (len(small), len(large)) == (2, 6)


@pytest.mark.parametrize(
    "totals", [["80"], ["80", "90", "70", "100"], ["80", "90", "70", "100", "60"], ["95.5"] * 7]
)
def test_the_databases_aggregates_give_the_same_score_as_the_totals(totals):
    from scoring.selectors import score_from

    values = [D(t) for t in totals]
    aggregated = score_from(len(values), sum(values), max(values), min(values))

    assert (aggregated.score, aggregated.dropped) == (
        project_score(values).score,
        project_score(values).dropped,
    )
