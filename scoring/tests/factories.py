"""Rubrics, rounds, judges and sheets for scoring's tests, written directly (no service), and the
URL matrix's objects."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.roles import Role
from projects.models import Status
from scoring.models import (
    Criterion,
    Entry,
    Judge,
    Round,
    RoundKind,
    RoundStatus,
    Rubric,
    Score,
    ScoreSheet,
    SheetStatus,
)
from tests import factories as f

CRITERIA = (
    ("需求契合度", 25, "是否回应居民最关心的需求"),
    ("群众参与度", 25, "居民、合伙人参与的广度和深度"),
    ("实施成效", 25, "目标达成、居民获得感"),
    ("创新性", 15, "做法新、可借鉴"),
    ("可持续性", 10, "能否长期运行"),
)


def rubric(by, name="百社百景项目评分细则", criteria=CRITERIA) -> Rubric:
    made = Rubric.objects.create(name=name, created_by=by)
    Criterion.objects.bulk_create(
        [
            Criterion(rubric=made, order=i, name=n, points=p, description=d)
            for i, (n, p, d) in enumerate(criteria, 1)
        ]
    )
    return made


def retrospected(community, by, title="邻里节") -> object:
    return f.ProjectFactory(
        community=community, created_by=by, ready=True, status=Status.RETROSPECTED, title=title
    )


def round_(
    by,
    *,
    rubric_=None,
    kind=RoundKind.REVIEW,
    status=RoundStatus.OPEN,
    name="2026年度项目评审",
    days=(-3, 10),
    **kwargs,
) -> Round:
    today = timezone.localdate()
    return Round.objects.create(
        kind=kind,
        name=name,
        year=today.year,
        rubric=rubric_ or rubric(by, name=f"细则 {name}"),
        opens_on=today + datetime.timedelta(days=days[0]),
        closes_on=today + datetime.timedelta(days=days[1]),
        status=status,
        created_by=by,
        **kwargs,
    )


def entry(round_obj, project, by) -> Entry:
    return Entry.objects.create(
        round=round_obj,
        project=project,
        community_id=project.community_id,
        competition=round_obj.is_competition,
        chosen_by=by,
    )


def judge(round_obj, user, by) -> Judge:
    return Judge.objects.create(round=round_obj, user=user, assigned_by=by)


def sheet(entry_obj, user, total, *, status=SheetStatus.SUBMITTED) -> ScoreSheet:
    """A sheet whose points add up to `total`, spread over the rubric's criteria by weight."""
    made = ScoreSheet.objects.create(
        round_id=entry_obj.round_id,
        entry=entry_obj,
        judge=user,
        status=status,
        total=Decimal(str(total)),
        submitted_at=timezone.now() if status == SheetStatus.SUBMITTED else None,
    )
    criteria = list(entry_obj.round.rubric.criteria.all())
    share = Decimal(str(total)) / 100
    scores = [
        Score(sheet=made, criterion=c, points=(c.points * share).quantize(Decimal("0.1")))
        for c in criteria
    ]
    # The last criterion takes the rounding, so the points add up to the total exactly.
    scores[-1].points = Decimal(str(total)) - sum(s.points for s in scores[:-1])
    Score.objects.bulk_create(scores)
    return made


def expert(street, username) -> object:
    return f.make_user(Role.EXPERT, street, username=username)


def matrix_objects(org, people) -> dict:
    """The URL matrix's objects (tests/url_matrix.py): an open review round of this year with
    a dedicated retrospected project of 国奥社区 (`round_project`, so the shared project's rows do
    not change) and one of 悦海社区 (street B, the judges' own street), judged by the `judge`
    persona (an expert of street B) and district staff; a sheet the judge submitted for 国奥's;
    a draft competition whose entrant 国奥's street chooses."""
    rubric_obj = rubric(people.district, name="矩阵评分细则")
    scoring_round = round_(people.district, rubric_=rubric_obj, name="矩阵评审")
    round_project = retrospected(org.guoao, people.secretary, title="矩阵参评项目")
    own = retrospected(org.yuehai, people.secretary2, title="悦海参评项目")
    guoao_entry = entry(scoring_round, round_project, people.district)
    own_entry = entry(scoring_round, own, people.district)
    judge(scoring_round, people.judge, people.district)
    district_judge = judge(scoring_round, people.district, people.district)
    submitted = sheet(guoao_entry, people.judge, 88)
    competition = round_(
        people.district,
        rubric_=rubric_obj,
        kind=RoundKind.COMPETITION,
        status=RoundStatus.DRAFT,
        name="矩阵擂台比武",
    )
    published = round_(
        people.district,
        rubric_=rubric_obj,
        kind=RoundKind.COMPETITION,
        status=RoundStatus.PUBLISHED,
        name="已公布的擂台比武",
        days=(-30, -10),
        published_at=timezone.now(),
    )
    champion = entry(
        published, retrospected(org.haiyun, people.district, "海韵百家宴"), people.street
    )
    sheet(champion, people.district, 90)
    return {
        "rubric": rubric_obj,
        "scoring_round": scoring_round,
        "round_project": round_project,
        "round_entry": guoao_entry,
        "own_entry": own_entry,
        "score_sheet": submitted,
        "competition": competition,
        "published_competition": published,
        # Posted as data: a person to assign, an assignment to take back.
        "candidate": people.judge_unassigned,
        "district_judge": district_judge,
    }
