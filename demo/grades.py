"""Residents' grades in the demo (居民批卷子): on every project in progress or retrospected, grades
through the three channels — home visits entered by the community's secretary, on site from a
held session (some without a household code: unverified), online with the code — one per
household per project (each project draws its households without replacement). Thousands at
scale 1; `--scale` multiplies the projects (demo/projects.py), and so the grades, while the
households stay. Written in bulk, with what evaluation/services.py would have written."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Household
from evaluation.models import Channel, Grade, Verdict
from evaluation.services import GRADEABLE_STATUSES, device_hash
from projects.models import Activity, Project

from .org import Org

SEED = 2050  # its own draws
# Verified grades per project at scale 1 (a community's households cap it).
PER_PROJECT = (25, 60)
UNVERIFIED = (0, 8)
CHANNELS = ((Channel.VISIT, 0.4), (Channel.ONSITE, 0.25), (Channel.ONLINE, 0.35))
VERDICTS = ((Verdict.SATISFIED, 0.68), (Verdict.BASIC, 0.24), (Verdict.DISSATISFIED, 0.08))
COMMENTS = {
    Verdict.SATISFIED: (
        "活动办得好,希望多组织",
        "楼道干净了,谢谢社区",
        "孩子们玩得很开心",
        "志愿者很热心",
    ),
    Verdict.BASIC: ("总体不错,通知可以再早一点", "场地有点小", "时间安排在周末更好"),
    Verdict.DISSATISFIED: ("上班族参加不了,希望改到晚上", "宣传不到位,很多邻居不知道"),
}


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


def build(org: Org, now: datetime) -> dict:
    """The grades; returns the counts for the summary."""
    rng = random.Random(SEED)
    projects = list(
        Project.objects.alive()
        .filter(status__in=GRADEABLE_STATUSES)
        .only("id", "community_id", "start_date", "created_at")
        .order_by("id")
    )
    homes: dict[int, list[int]] = {}
    for pk, community_id in Household.objects.values_list(
        "id", "building__compound__community_id"
    ).order_by("id"):
        homes.setdefault(community_id, []).append(pk)
    sessions: dict[int, list[tuple[int, object]]] = {}
    for pk, project_id, date in (
        Activity.objects.filter(project__in=projects, status=Activity.Status.HELD)
        .values_list("id", "project_id", "date")
        .order_by("id")
    ):
        sessions.setdefault(project_id, []).append((pk, date))
    rows = []
    for project in projects:
        rows.extend(_grades(rng, org, project, homes.get(project.community_id, []), sessions, now))
    Grade.objects.bulk_create(rows, batch_size=2000)
    verified = sum(1 for g in rows if g.household_id)
    return {"grades": verified, "grades_unverified": len(rows) - verified}


def _grades(rng, org, project, homes, sessions, now) -> list[Grade]:
    held = sessions.get(project.pk, [])
    low, high = PER_PROJECT
    wanted = min(len(homes), rng.randint(low, high))
    secretary = org.secretary_of.get(project.community_id)
    # Graded while it runs: from its start (a long-running 邻居节: the last year) until now.
    start = max(
        timezone.make_aware(datetime.combine(project.start_date, datetime.min.time()))
        if project.start_date
        else project.created_at,
        now - timedelta(days=365),
    )
    span = max(int((now - start).total_seconds()), 3600)
    rows = []

    def grade(household_id, channel, **extra) -> Grade:
        verdict = _pick(rng, VERDICTS)
        comment = rng.choice(COMMENTS[verdict]) if rng.random() < 0.2 else ""
        return Grade(
            project_id=project.pk,
            household_id=household_id,
            channel=channel,
            verdict=verdict,
            comment=comment,
            created_at=start + timedelta(seconds=rng.randint(0, span)),
            **extra,
        )

    for household_id in rng.sample(homes, wanted):
        channel = _pick(rng, CHANNELS)
        if channel == Channel.ONSITE and not held:
            channel = Channel.ONLINE
        extra = {}
        if channel == Channel.ONSITE:
            extra["session_id"] = rng.choice(held)[0]
        if channel == Channel.VISIT and secretary is not None:
            extra["recorded_by"] = secretary
        rows.append(grade(household_id, channel, **extra))
    if held:
        for _ in range(rng.randint(*UNVERIFIED)):
            rows.append(
                grade(
                    None,
                    Channel.ONSITE,
                    session_id=rng.choice(held)[0],
                    device=device_hash(f"demo-{rng.getrandbits(64):016x}"),
                )
            )
    return rows
