"""Judges' scores in the demo district: the district's rubrics (last year's, and this year's
copied from it), this year's scoring round (open, judged by district staff and experts of four
streets, sheets submitted, drafts and some still to do) and last year's 擂台比武 under last
year's rubric, finished and published: one entrant per community that completed a project last
year, chosen by its street's 组长, scored by district staff and six experts (at least
five sheets each, so the highest and lowest totals are dropped).

Like the catalogue, these are fixed figures: `--scale` does not multiply them (the round takes the
first projects by id), so a round's ranking costs the same at every scale."""

import datetime
import random
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from projects.models import Project, Status
from scoring.access import JUDGES_KEY
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
    TieBreak,
)

from . import catalog
from .org import Org, person_name

SEED = 2026
CRITERIA = (
    ("需求契合度", 25, "项目是否回应居民最关心、最直接的需求"),
    ("群众参与度", 25, "居民、合伙人、共建单位参与的广度和深度"),
    ("实施成效", 25, "目标达成情况和居民的获得感"),
    ("创新性", 15, "做法新颖,可供其他社区借鉴"),
    ("可持续性", 10, "能否形成长效机制,持续运行"),
)
ROUND_PROJECTS = 12
# Streets whose expert judges (besides the demo `expert` of 长江路街道): one each.
ROUND_EXPERT_STREETS = ("八角街道", "黄河路街道", "古现街道")
COMPETITION_EXPERT_STREETS = (
    "八角街道",
    "黄河路街道",
    "古现街道",
    "大季家街道",
    "潮水街道",
    "银湖街道",
)
COMMENTS = (
    "组织有序,居民参与积极",
    "台账完整,成效明显",
    "创新不足,可借鉴兄弟社区做法",
    "长效机制有待完善",
    "",
)


def build(org: Org, now) -> dict:
    """Write the rubric, the round, the competition and their sheets; return the counts."""
    rng = random.Random(SEED)
    district = org.logins["district"]
    year = timezone.localdate(now).year
    # Last year's competition keeps last year's rubric; this year's is a copy of it.
    last_rubric, last_criteria = _rubric(
        district, year - 1, timezone.make_aware(datetime.datetime(year - 1, 11, 1, 9, 0))
    )
    rubric, criteria = _rubric(
        district, year, now - datetime.timedelta(days=60), copied_from=last_rubric
    )
    experts = _experts(org, rng, set(ROUND_EXPERT_STREETS) | set(COMPETITION_EXPERT_STREETS))
    review = _review_round(org, rng, now, rubric, criteria, experts)
    competition = _competition(org, rng, now, last_rubric, last_criteria, experts)
    cache.delete(JUDGES_KEY)  # bulk writes send no signals (scoring/access.py)
    return {
        "scoring_rounds": 2,
        "score_sheets": ScoreSheet.objects.count(),
        "review_round_projects": review.entries.count(),
        "competition_entrants": competition.entries.count(),
    }


def _rubric(by, year: int, created_at, copied_from=None) -> tuple[Rubric, list[Criterion]]:
    """The district's rubric of `year` (its name says the year) with the CRITERIA."""
    rubric = Rubric.objects.create(
        name=f"百社百景项目评分细则({year}版)",
        description="每项满分即权重,合计 100 分。",
        copied_from=copied_from,
        created_by=by,
        created_at=created_at,
    )
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(rubric=rubric, order=i, name=name, points=points, description=text)
            for i, (name, points, text) in enumerate(CRITERIA, 1)
        ]
    )
    return rubric, criteria


def _experts(org: Org, rng: random.Random, street_names) -> dict[str, User]:
    """An expert adviser (专家顾问) for each of these streets, a judge in the demo."""
    password = org.logins["district"].password
    streets = {s.name: s for s in org.streets}
    made = {}
    for name in sorted(street_names):
        street = streets[name]
        made[name] = User(
            username=f"expert_{street.pk}",
            display_name=f"{name}专家顾问 {person_name(rng)}",
            email=f"expert_{street.pk}@{catalog.EMAIL_DOMAIN}",
            password=password,
        )
    User.objects.bulk_create(made.values())
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=Role.EXPERT, street=streets[name])
            for name, user in made.items()
        ]
    )
    return made


def _points(rng, criteria, total_ratio: float) -> list[Decimal]:
    """Points in half-point steps around `total_ratio` of each criterion's full marks."""
    points = []
    for c in criteria:
        ratio = Decimal(str(round(total_ratio + rng.uniform(-0.08, 0.08), 3)))
        half_points = (Decimal(c.points) * ratio * 2).quantize(Decimal("1"))
        points.append(min(Decimal(c.points), half_points / 2))
    return points


def _sheets(
    round_obj, entries, judges, criteria, rng, now, *, chance_submitted, chance_draft, keep_free=()
):
    """Each judge's sheets for the entries not of their own street."""
    sheets, scores = [], []
    quality = {e.pk: rng.uniform(0.62, 0.93) for e in entries}
    for judge, street_id in judges:
        for entry in entries:
            if entry.community.street_id == street_id or (judge.pk, entry.pk) in keep_free:
                continue
            roll = rng.random()
            if roll < chance_submitted:
                status = SheetStatus.SUBMITTED
            elif roll < chance_submitted + chance_draft:
                status = SheetStatus.DRAFT
            else:
                continue
            points = _points(rng, criteria, quality[entry.pk])
            at = now - datetime.timedelta(hours=rng.randint(1, 240))
            sheet = ScoreSheet(
                round=round_obj,
                entry=entry,
                judge=judge,
                status=status,
                total=sum(points),
                comment=rng.choice(COMMENTS) if status == SheetStatus.SUBMITTED else "",
                created_at=at,
                status_changed_at=at,
                submitted_at=at if status == SheetStatus.SUBMITTED else None,
            )
            sheets.append(sheet)
            scores.append(points)
    ScoreSheet.objects.bulk_create(sheets)
    Score.objects.bulk_create(
        [
            Score(sheet=sheet, criterion=criterion, points=value)
            for sheet, points in zip(sheets, scores, strict=True)
            for criterion, value in zip(criteria, points, strict=True)
        ]
    )


def _review_round(org, rng, now, rubric, criteria, experts) -> Round:
    today = timezone.localdate(now)
    district = org.logins["district"]
    review = Round.objects.create(
        kind=RoundKind.REVIEW,
        name=f"{today.year}年度百社百景项目评审",
        year=today.year,
        description="对本年度已完成复盘的领办项目按评分细则打分,评审结果作为年度考核和入库推荐的参考。",
        rubric=rubric,
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
        tie_break=TieBreak.SATISFACTION,
        status=RoundStatus.OPEN,
        status_changed_at=now - datetime.timedelta(days=7),
        created_by=district,
        created_at=now - datetime.timedelta(days=10),
    )
    projects = list(
        Project.objects.alive()
        .filter(status=Status.RETROSPECTED, retrospected_at__gte=now - datetime.timedelta(days=200))
        .select_related("community")
        .order_by("id")[:ROUND_PROJECTS]
    )
    entries = Entry.objects.bulk_create(
        [
            Entry(
                round=review,
                project=p,
                community=p.community,
                chosen_by=district,
                added_at=review.created_at,
            )
            for p in projects
        ]
    )
    for entry, project in zip(entries, projects, strict=True):
        entry.community = project.community
    streets = {s.name: s.pk for s in org.streets}
    # The demo's expert adviser of 长江路街道 (the login named after the role).
    expert = next(org.logins[name] for name, role, _, _ in catalog.LOGINS if role == Role.EXPERT)
    judges = [(district, None), (expert, org.guoao.street_id)] + [
        (experts[name], streets[name]) for name in ROUND_EXPERT_STREETS
    ]
    Judge.objects.bulk_create(
        [
            Judge(round=review, user=user, assigned_by=district, assigned_at=review.created_at)
            for user, _ in judges
        ]
    )
    # The demo logins still have sheets to fill: district staff the first three projects, the
    # expert the first two outside his street.
    free = {(district.pk, e.pk) for e in entries[:3]}
    free |= {
        (expert.pk, e.pk)
        for e in [e for e in entries if e.community.street_id != org.guoao.street_id][:2]
    }
    _sheets(
        review,
        entries,
        judges,
        criteria,
        rng,
        now,
        chance_submitted=0.7,
        chance_draft=0.15,
        keep_free=free,
    )
    return review


def _competition(org, rng, now, rubric, criteria, experts) -> Round:
    year = timezone.localdate(now).year - 1
    district = org.logins["district"]
    held = timezone.make_aware(datetime.datetime(year, 12, 20, 9, 0))
    competition = Round.objects.create(
        kind=RoundKind.COMPETITION,
        name=f"{year}年百社百景年底擂台比武",
        year=year,
        description="各社区选送一个领办项目同台比武,评委现场打分,结果向居民公布。",
        rubric=rubric,
        opens_on=datetime.date(year, 12, 18),
        closes_on=datetime.date(year, 12, 22),
        tie_break=TieBreak.SATISFACTION,
        status=RoundStatus.PUBLISHED,
        status_changed_at=held + datetime.timedelta(days=3),
        published_at=held + datetime.timedelta(days=3),
        created_by=district,
        created_at=held - datetime.timedelta(days=30),
    )
    chosen: dict[int, Project] = {}
    for project in (
        Project.objects.alive()
        .filter(status=Status.RETROSPECTED, retrospected_at__year=year)
        .select_related("community")
        .order_by("id")
    ):
        chosen.setdefault(project.community_id, project)
    entries = Entry.objects.bulk_create(
        [
            Entry(
                round=competition,
                project=project,
                community=project.community,
                competition=True,
                chosen_by=org.leader_of[project.community.street_id],
                added_at=held - datetime.timedelta(days=20),
            )
            for project in chosen.values()
        ]
    )
    for entry, project in zip(entries, chosen.values(), strict=True):
        entry.community = project.community
    streets = {s.name: s.pk for s in org.streets}
    judges = [(district, None)] + [
        (experts[name], streets[name]) for name in COMPETITION_EXPERT_STREETS
    ]
    Judge.objects.bulk_create(
        [
            Judge(
                round=competition,
                user=user,
                assigned_by=district,
                assigned_at=competition.created_at,
            )
            for user, _ in judges
        ]
    )
    _sheets(
        competition, entries, judges, criteria, rng, held, chance_submitted=1.0, chance_draft=0.0
    )
    return competition
