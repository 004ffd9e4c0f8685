"""Reads for the residents' pages: only published projects, and only what residents may see
(public photos, masked nothing because no personal data is read at all)."""

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    Prefetch,
    Q,
    Sum,
)
from django.shortcuts import get_object_or_404

from accounts.models import Community, Street
from core import memo
from projects.models import (
    Activity,
    ActivityPhoto,
    ActivitySpending,
    ActivityVolunteer,
    FundingSource,
    Project,
)
from signups.selectors import PLACES
from signups.services import signup_closed_reason

UPCOMING = 10  # sessions shown under "how to take part"
HELD_SHOWN = 10  # held sessions listed under the results
PHOTOS_SHOWN = 12
# A month's calendar lists at most this many sessions; past it, it asks to pick a community.
CALENDAR_CAP = 120
# The whole district's month is for finding one's street: its first sessions, then the picker
# (a phone cannot usefully scroll through every session of a hundred communities).
DISTRICT_CAP = 30


def calendar_cap(*, street=None, community=None) -> int:
    return CALENDAR_CAP if street is not None or community is not None else DISTRICT_CAP


def announcement_get(pk) -> Project:
    """A published project with what its page shows of it; 404 for any other."""
    projects = (
        Project.objects.published()
        .select_related("community__street", "compound", "public_space", "project_class")
        .prefetch_related("compounds")
    )
    return get_object_or_404(projects, pk=pk)


def announcement_list(*, street=None, community=None):
    """Published projects of a community, of a street or of the whole district, the latest
    announced first."""
    projects = Project.objects.published()
    if community is not None:
        projects = projects.filter(community=community)
    elif street is not None:
        projects = projects.filter(community__street=street)
    return projects.select_related("community__street", "compound").order_by("-announced_at", "-id")


def _with_signup_state(sessions, project=None):
    """Each session with `closed` (why sign-up is closed, "" if open) and `places_left`."""
    for session in sessions:
        if project is not None:
            session.project = project
        if session.signup_capacity is not None:
            session.closed = signup_closed_reason(session)
            session.places_left = max(session.signup_capacity - session.taken, 0)
    return sessions


def upcoming_sessions(project, *, today) -> list[Activity]:
    """The next scheduled sessions, with their places left."""
    sessions = (
        project.activities.filter(status=Activity.Status.SCHEDULED, date__gte=today)
        .annotate(**PLACES)
        .order_by("date", "starts_at", "id")[:UPCOMING]
    )
    return _with_signup_state(list(sessions), project)


def results(project) -> dict:
    """告知成效, kept in the cache between requests (core/memo.py): it changes only when a
    session of the project is saved (held, corrected, cancelled) or a photo of it is published
    or withdrawn, and public/apps.py forgets it then."""
    return memo.remembered("results", project.pk, lambda: _results(project))


def forget_results(project_id) -> None:
    memo.forget("results", project_id)


def _results(project) -> dict:
    """告知成效: what the held sessions did — counts, volunteers, money by source, the recent
    sessions and the photos marked public. Volunteers (人次) are the sessions' own totals, the
    figure staff record and see per session; the partners registered among them, with their
    hours, come from ActivityVolunteer and are shown apart."""
    held = project.activities.filter(status=Activity.Status.HELD)
    totals = held.aggregate(
        sessions=Count("id"), participants=Sum("participants"), heads=Sum("volunteers")
    )
    volunteers = ActivityVolunteer.objects.filter(
        activity__project=project, activity__status=Activity.Status.HELD
    ).aggregate(rows=Count("id"), hours=Sum("hours"))
    spent: dict[str, Decimal] = {}
    by_line = (
        ActivitySpending.objects.filter(
            activity__project=project, activity__status=Activity.Status.HELD
        )
        .order_by()
        .values_list("budget_line__source")
        .annotate(total=Sum("amount"))
    )
    # Sessions recorded before spending went by budget line carry a total and a source.
    by_total = (
        held.filter(spending__gt=0, spending_rows__isnull=True)
        .order_by()
        .values_list("funding_source")
        .annotate(total=Sum("spending"))
    )
    rows = by_line.union(by_total, all=True)  # one query
    for source, total in rows:
        spent[source or ""] = spent.get(source or "", Decimal(0)) + (total or 0)
    labels = dict(FundingSource.choices)
    money = [(labels.get(source, "未注明来源"), total) for source, total in sorted(spent.items())]
    photos = (
        ActivityPhoto.objects.filter(activity__project=project, public=True)
        .select_related("upload", "activity")
        .order_by("-activity__date", "-id")[:PHOTOS_SHOWN]
    )
    return {
        "sessions": totals["sessions"] or 0,
        "participants": totals["participants"] or 0,
        "volunteers": totals["heads"] or 0,
        "partner_volunteers": volunteers["rows"] or 0,
        "volunteer_hours": volunteers["hours"] or 0,
        "money": money,
        "money_total": sum((total for _, total in money), Decimal(0)),
        "held": list(held.order_by("-date", "-id")[:HELD_SHOWN]),
        "photos": list(photos),
    }


# --- the place picked (the home page's list and the calendar) -------------------------------
def place_picked(*, street_id, community_id) -> tuple[Street | None, Community | None]:
    """The street and community picked (a community implies its street); unknown ids: none.
    A community of another street than the one picked is dropped: the plain form sends the old
    community along when a resident picks another street."""
    community = (
        Community.objects.select_related("street").filter(pk=community_id).first()
        if community_id
        else None
    )
    if community is not None and (not street_id or community.street_id == street_id):
        return community.street, community
    street = Street.objects.filter(pk=street_id).first() if street_id else None
    return street, None


def streets() -> list[Street]:
    return list(Street.objects.order_by("name", "id"))


def communities_of(street) -> list[Community]:
    return list(street.communities.order_by("name", "id")) if street else []


# --- the calendar ---------------------------------------------------------------------------
def parse_month(raw: str | None, *, today) -> datetime.date:
    """ "2026-05" → 2026-05-01; anything else (or a year outside 2000–2099) → this month."""
    try:
        year, month = (int(part) for part in str(raw or "").split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)
    return first if 2000 <= year <= 2099 else today.replace(day=1)


def next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


def previous_month(first: datetime.date) -> datetime.date:
    return (first - datetime.timedelta(days=1)).replace(day=1)


def calendar_sessions(*, first: datetime.date, street=None, community=None) -> list[Activity]:
    """The month's sessions of published projects in a community, a street or the district,
    in date order, at most its cap + 1 (one more tells the page there are more)."""
    sessions = Activity.objects.filter(
        project__in=Project.objects.published(), date__gte=first, date__lt=next_month(first)
    )
    if community is not None:
        sessions = sessions.filter(project__community=community)
    elif street is not None:
        sessions = sessions.filter(project__community__street=street)
    sessions = (
        sessions.select_related("project__community")
        .annotate(**PLACES)
        .order_by("date", "starts_at", "id")[: calendar_cap(street=street, community=community) + 1]
    )
    return _with_signup_state(list(sessions))


def by_day(sessions) -> list[tuple[datetime.date, list[Activity]]]:
    days: dict[datetime.date, list[Activity]] = {}
    for session in sessions:
        days.setdefault(session.date, []).append(session)
    return list(days.items())


# --- /p/ for a resident whose community is remembered (public:place) ------------------------
MINE_SHOWN = 6  # their community's announcements on /p/ before "all of them"
SOON_DAYS = 21  # upcoming sessions: the next three weeks
SOON_SHOWN = 10
PUBLICATIONS_SHOWN = 4


def communities_by_street() -> list[tuple[Street, list[Community]]]:
    """Every street with its communities, for the place chooser (two queries, the district's
    size: a district has a few streets and at most a few hundred communities)."""
    streets = Street.objects.order_by("name", "id").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name", "id"))
    )
    return [(street, list(street.communities.all())) for street in streets]


def community_announcements(community) -> tuple[list[Project], bool]:
    """The community's latest announcements, and whether it has more than are shown."""
    rows = list(announcement_list(community=community)[: MINE_SHOWN + 1])
    return rows[:MINE_SHOWN], len(rows) > MINE_SHOWN


def street_announcements_elsewhere(community):
    """The published projects of the community's street, its own left out (shown above)."""
    return announcement_list(street=community.street).exclude(community=community)


def sessions_soon(community, *, today) -> list[Activity]:
    """The community's scheduled sessions in the next weeks, of published projects."""
    sessions = (
        Activity.objects.filter(
            project__in=Project.objects.published().filter(community=community),
            status=Activity.Status.SCHEDULED,
            date__gte=today,
            date__lt=today + datetime.timedelta(days=SOON_DAYS),
        )
        .select_related("project")
        .order_by("date", "starts_at", "id")[:SOON_SHOWN]
    )
    return list(sessions)


def street_publications(street, *, today) -> list:
    """The street's current publications: this month's preview (and next month's, once out)
    and last month's summary (published early this month). Each with its one-line headline."""
    from publications.compile import headline
    from publications.models import Kind, Publication

    this_month = today.replace(day=1)
    current = Q(kind=Kind.PREVIEW, month__gte=this_month) | Q(
        kind=Kind.SUMMARY, month__gte=previous_month(this_month)
    )
    rows = (
        Publication.objects.public()
        .filter(current, street=street)
        .select_related("street")
        .order_by("-month", "kind", "id")[:PUBLICATIONS_SHOWN]
    )
    return [(publication, headline(publication)) for publication in rows]
