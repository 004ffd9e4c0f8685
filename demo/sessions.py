"""Step 6 as a programme in the demo: 悦海社区's 百家宴 as a monthly series of six held sessions,
国奥社区's 邻居节 as a yearly series held fourteen years running with next year's scheduled,
volunteers (partners of the community) with their hours on held sessions, and the next session
of each running project scheduled with sign-up. Every session lies inside its project's plan, and
counts toward the plan's first milestone on or after its date, so the milestones show progress.
Written in bulk like the rest of the demo; the rules it follows are projects/sessions.py's (the
same recurrence, the same statuses)."""

import bisect
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from core.dates import years_after
from partners.models import Partner
from projects.models import (
    Activity,
    ActivitySeries,
    ActivityVolunteer,
    Milestone,
    Project,
    Recurrence,
    Status,
)
from projects.sessions import HORIZON_MONTHS, months_after, occurrence

SEED = 2030  # its own draws: the builders after it see the same random numbers as before
FESTIVAL_YEARS = 14  # 国奥社区's 邻居节, fourteen years running
FEAST_SESSIONS = 6  # 悦海社区's 百家宴, held six times
# Appended to an announcement whose project has a session taking sign-ups (signups/).
SIGNUP_NOTE = "需要报名的场次请在本页在线报名,不便上网的居民也可到社区党群服务中心登记。"


def build(tree, now: datetime, partners: list[Partner], built: list[Project]) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate(now)
    by_community: dict[int, list[Partner]] = {}
    for partner in partners:
        by_community.setdefault(partner.community_id, []).append(partner)
    for project in built:
        secretary = tree.secretary_of[project.community_id]
        if project.title == "百家宴" and project.community.name == "悦海社区":
            _feast(project, secretary, today)
        elif project.title == "邻居节" and project.community.name == "国奥社区":
            _festival(project, secretary, today)
    _volunteers(rng, by_community)
    _next_sessions(rng, tree, built, today)
    _milestones()
    _invite_signups(built, today)


def _feast(project: Project, secretary, today) -> None:
    """The six 百家宴 sessions already held become a monthly series from the first one."""
    held = list(project.activities.order_by("date", "id"))[:FEAST_SESSIONS]
    if len(held) < FEAST_SESSIONS:  # a 百家宴 of a larger demo's own making
        return
    first = held[0].date
    dates = [occurrence(first, Recurrence.MONTHLY, n) for n in range(FEAST_SESSIONS)]
    series = ActivitySeries.objects.create(
        project=project,
        title="百家宴",
        place=held[0].place,
        recurrence=Recurrence.MONTHLY,
        first_date=first,
        until=dates[-1],
        starts_at=time(11),
        ends_at=time(13, 30),
        generated_until=dates[-1],
        created_by=secretary,
    )
    for n, (session, day) in enumerate(zip(held, dates, strict=True), start=1):
        session.series, session.title = series, f"第{n}次百家宴"
        session.date, session.starts_at, session.ends_at = min(day, today), time(11), time(13, 30)
    Activity.objects.bulk_update(held, ["series", "title", "date", "starts_at", "ends_at"])
    # The next one is coming, with sign-up (demo/signups.py fills its places).
    following = occurrence(first, Recurrence.MONTHLY, FEAST_SESSIONS)
    if following > today and (project.end_date is None or following <= project.end_date):
        Activity.objects.create(
            project=project,
            title=f"第{FEAST_SESSIONS + 1}次百家宴",
            date=following,
            starts_at=time(11),
            ends_at=time(13, 30),
            place=held[0].place,
            signup_capacity=40,
            created_by=secretary,
        )


def _festival(project: Project, secretary, today) -> None:
    """邻居节 every year on the same date: thirteen earlier years held, this year's opening (the
    session the project already has) the fourteenth, next year's scheduled. The plan runs to
    next year's festival so the series stays inside it."""
    opening = project.activities.order_by("date", "id").first()
    if opening is None:
        return
    first = years_after(opening.date, -(FESTIVAL_YEARS - 1))
    following = occurrence(first, Recurrence.YEARLY, FESTIVAL_YEARS)
    series = ActivitySeries.objects.create(
        project=project,
        title="邻居节",
        place=opening.place,
        recurrence=Recurrence.YEARLY,
        first_date=first,
        starts_at=time(9),
        ends_at=time(12),
        generated_until=following,
        created_by=secretary,
    )
    Activity.objects.bulk_create(
        Activity(
            project=project,
            series=series,
            title=f"第{n + 1}届邻居节",
            date=occurrence(first, Recurrence.YEARLY, n),
            starts_at=time(9),
            ends_at=time(12),
            place=opening.place,
            status=Activity.Status.HELD,
            participants=60 + 15 * n,
            volunteers=4 + n,
            note=f"第{n + 1}届邻居节,{60 + 15 * n}位居民参加。",
            created_by=secretary,
        )
        for n in range(FESTIVAL_YEARS - 1)
    )
    opening.series, opening.title = series, f"第{FESTIVAL_YEARS}届邻居节"
    opening.starts_at, opening.ends_at = time(9), time(12)
    opening.save(update_fields=["series", "title", "starts_at", "ends_at"])
    Activity.objects.create(
        project=project,
        series=series,
        title=f"第{FESTIVAL_YEARS + 1}届邻居节",
        date=following,
        starts_at=time(9),
        ends_at=time(12),
        place=opening.place,
        signup_capacity=300,
        created_by=secretary,
    )
    # The plan runs from the first festival to next year's, so every session lies inside it.
    project.start_date = min(project.start_date or first, first)
    project.end_date = max(project.end_date or following, following)
    Project.objects.filter(pk=project.pk).update(
        start_date=project.start_date, end_date=project.end_date
    )


def _volunteers(rng: random.Random, by_community: dict[int, list[Partner]]) -> None:
    """One to three partners of the community volunteered at each held session, 1.5–6 hours."""
    rows, counts = [], []
    held = Activity.objects.filter(status=Activity.Status.HELD).values_list(
        "pk", "project__community_id", "volunteers"
    )
    for pk, community_id, volunteers in held.iterator():
        pool = by_community.get(community_id) or []
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        rows += [
            ActivityVolunteer(
                activity_id=pk, partner=partner, hours=Decimal(rng.randint(3, 12)) / 2
            )
            for partner in chosen
        ]
        if len(chosen) > volunteers:
            counts.append(Activity(pk=pk, volunteers=len(chosen)))
    ActivityVolunteer.objects.bulk_create(rows, batch_size=2000)
    Activity.objects.bulk_update(counts, ["volunteers"], batch_size=2000)


def _next_sessions(rng: random.Random, tree, built: list[Project], today) -> None:
    """The next session of each running project, within its plan (an announced project's
    starts on or after its start date), some open for sign-up."""
    upcoming = []
    horizon = months_after(today, HORIZON_MONTHS)
    for project in built:
        if project.status not in (Status.ANNOUNCED, Status.IN_PROGRESS):
            continue
        if project.title in ("百家宴", "邻居节"):
            continue
        day = today + timedelta(days=rng.randint(3, 20))
        hour = rng.choice([9, 10, 14, 15])
        if project.start_date and day < project.start_date:
            day = project.start_date + timedelta(days=rng.randint(0, 6))
        if (project.end_date and day > project.end_date) or day > horizon:
            continue
        upcoming.append(
            Activity(
                project=project,
                title=project.title,
                date=day,
                starts_at=time(hour),
                ends_at=time(hour + 2),
                place="社区党群服务中心",
                signup_capacity=rng.choice([None, 30, 50, 80]),
                created_by=tree.secretary_of[project.community_id],
            )
        )
    Activity.objects.bulk_create(upcoming, batch_size=2000)


def _milestones() -> None:
    """Each session counts toward its plan's first milestone on or after its date, as staff
    would pick it when scheduling; one before the first milestone (邻居节's earlier years) or
    after the last counts toward none."""
    plan: dict[int, tuple[list, list]] = {}
    for project_id, day, pk in Milestone.objects.order_by("project_id", "date", "id").values_list(
        "project_id", "date", "pk"
    ):
        dates, pks = plan.setdefault(project_id, ([], []))
        dates.append(day)
        pks.append(pk)
    linked = []
    sessions = Activity.objects.filter(milestone__isnull=True).only("id", "project_id", "date")
    for session in sessions.iterator():
        dates, pks = plan.get(session.project_id, ((), ()))
        at = bisect.bisect_left(dates, session.date)
        if 0 < at < len(pks) or (at == 0 and dates and dates[0] == session.date):
            session.milestone_id = pks[at]
            linked.append(session)
    Activity.objects.bulk_update(linked, ["milestone"], batch_size=2000)


def _invite_signups(built: list[Project], today) -> None:
    """The announcement of a project with an upcoming session taking sign-ups says where to
    sign up: on its page (signups/), not by calling round."""
    taking = set(
        Activity.objects.filter(
            status=Activity.Status.SCHEDULED, signup_capacity__isnull=False, date__gt=today
        ).values_list("project_id", flat=True)
    )
    invited = [p for p in built if p.pk in taking and p.announcement]
    for project in invited:
        project.announcement = f"{project.announcement}{SIGNUP_NOTE}"
    Project.objects.bulk_update(invited, ["announcement"], batch_size=1000)
