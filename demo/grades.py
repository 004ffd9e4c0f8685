"""Residents' grades in the demo (居民批卷子): on every project in progress or retrospected, grades
through the three channels — home visits entered by the community's secretary, on site from a
held session (some without a household code: unverified), online with the code — one per
household per project (each project draws its households without replacement). Thousands at
scale 1; `--scale` multiplies the projects (demo/projects.py), and so the grades, while the
households stay. Written in bulk, with what evaluation/services.py would have written.

Dated as they would come: on site on the day of a held session, at home or online within a few
weeks after one of its sessions (or its 复盘, or its start when none was held yet), never later
than now; the comments fit the project's kind (美/学/乐/健) or say nothing of it."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Household
from evaluation.models import Channel, Grade, Verdict
from evaluation.services import GRADEABLE_STATUSES, device_hash
from projects.models import Activity, Project, Theme

from .org import Org

SEED = 2050  # its own draws
# Verified grades per project at scale 1 (a community's households cap it).
PER_PROJECT = (25, 60)
UNVERIFIED = (0, 8)
CHANNELS = ((Channel.VISIT, 0.4), (Channel.ONSITE, 0.25), (Channel.ONLINE, 0.35))
VERDICTS = ((Verdict.SATISFIED, 0.68), (Verdict.BASIC, 0.24), (Verdict.DISSATISFIED, 0.08))
# Residents grade at home or online within these days after a session (or the 复盘).
AFTER_DAYS = 21
# Comments any project may get, and those that fit one kind of project (美/学/乐/健).
NEUTRAL = {
    Verdict.SATISFIED: ("办得好,希望多组织", "志愿者很热心", "社区用心了,谢谢"),
    Verdict.BASIC: ("总体不错,通知可以再早一点", "时间安排在周末更好"),
    Verdict.DISSATISFIED: ("上班族参加不了,希望改到晚上", "宣传不到位,很多邻居不知道"),
}
BY_THEME = {
    Theme.BEAUTY: {
        Verdict.SATISFIED: ("楼道干净了,谢谢社区", "小区环境变漂亮了"),
        Verdict.BASIC: ("环境好多了,希望长期保持",),
    },
    Theme.LEARNING: {
        Verdict.SATISFIED: ("老师讲得很实用", "孩子在课堂上学到不少"),
        Verdict.BASIC: ("内容不错,课时可以再多一些",),
    },
    Theme.JOY: {
        Verdict.SATISFIED: ("邻居们玩得很开心", "节目很精彩,大家都认识了"),
        Verdict.BASIC: ("气氛不错,场地有点小",),
    },
    Theme.HEALTH: {
        Verdict.SATISFIED: ("老人们锻炼得很起劲", "义诊很方便,不用跑医院"),
        Verdict.BASIC: ("挺好的,希望多来几次",),
    },
}


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


def build(org: Org, now: datetime) -> dict:
    """The grades; returns the counts for the summary."""
    rng = random.Random(SEED)
    projects = list(
        Project.objects.alive()
        .filter(status__in=GRADEABLE_STATUSES)
        .only("id", "community_id", "theme", "start_date", "created_at", "retrospected_at")
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


def _day(date) -> datetime:
    return timezone.make_aware(datetime.combine(date, datetime.min.time()))


def _comments(theme: str, verdict: str) -> tuple[str, ...]:
    return NEUTRAL[verdict] + BY_THEME.get(theme, {}).get(verdict, ())


def _grades(rng, org, project, homes, sessions, now) -> list[Grade]:
    held = sessions.get(project.pk, [])
    days = {pk: date for pk, date in held}
    low, high = PER_PROJECT
    wanted = min(len(homes), rng.randint(low, high))
    secretary = org.secretary_of.get(project.community_id)
    # What residents grade after: its sessions held, its 复盘, else (none held yet) its start.
    anchors = [_day(date) for _, date in held]
    if project.retrospected_at is not None:
        anchors.append(project.retrospected_at)
    if not anchors:
        anchors.append(_day(project.start_date) if project.start_date else project.created_at)
    anchors = [min(anchor, now) for anchor in anchors]
    rows = []

    def when(channel, session_id) -> datetime:
        if channel == Channel.ONSITE:
            # On the day of the session, during the day, never in the future.
            day = _day(days[session_id]) + timedelta(hours=9)
            return min(day + timedelta(seconds=rng.randint(0, 11 * 3600)), now)
        anchor = rng.choice(anchors)
        span = min(AFTER_DAYS * 86400, int((now - anchor).total_seconds()))
        return anchor + timedelta(seconds=rng.randint(0, max(span, 0)))

    def grade(household_id, channel, **extra) -> Grade:
        verdict = _pick(rng, VERDICTS)
        comment = rng.choice(_comments(project.theme, verdict)) if rng.random() < 0.2 else ""
        return Grade(
            project_id=project.pk,
            household_id=household_id,
            channel=channel,
            verdict=verdict,
            comment=comment,
            created_at=when(channel, extra.get("session_id")),
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
