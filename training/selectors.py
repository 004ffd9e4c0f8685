"""Reads of the training programme. Every list starts from visible_to(user); each page costs a
fixed number of queries, whatever the number of sessions, people or messages."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import FirstValue, Lag
from django.http import Http404
from django.utils import timezone

from accounts.models import District, Street, User
from core.scope import get_visible_or_404

from .access import may_mentor, mentor_id
from .models import (
    Attendance,
    Coaching,
    CoachingNote,
    CoachingStatus,
    Cohort,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Kind,
    Material,
    Mentor,
    Pairing,
    Reply,
    Session,
    SessionStatus,
    Trainee,
)

HOME_ROWS = 5


def district_for(user) -> District | None:
    """The district a person works in: their district role's, else their street's or
    community's district (one query)."""
    scope = user.scope
    districts = frozenset().union(*scope.districts.values())
    streets = frozenset().union(*scope.streets.values())
    communities = frozenset().union(*scope.communities.values())
    found = District.objects.order_by("pk")
    if districts:
        return found.filter(pk__in=districts).first()
    if streets:
        return found.filter(streets__pk__in=streets).first()
    if communities:
        return found.filter(streets__communities__pk__in=communities).first()
    return found.first() if may_mentor(user) else None


def _with_counts(sessions):
    return sessions.annotate(
        invited=Count("attendances", distinct=True),
        came=Count("attendances", filter=Q(attendances__present=True), distinct=True),
    )


# --- sessions -----------------------------------------------------------------------------------
def session_list(*, user, filters: dict):
    sessions = Session.objects.visible_to(user).select_related("cohort", "mentor__user")
    if kind := filters.get("kind"):
        sessions = sessions.filter(kind=kind)
    if cohort := filters.get("cohort"):
        sessions = sessions.filter(cohort=cohort)
    if status := filters.get("status"):
        sessions = sessions.filter(status=status)
    if year := filters.get("year"):
        sessions = sessions.filter(month__year=year)
    if filters.get("mine"):
        sessions = sessions.filter(attendances__user=user)
    return _with_counts(sessions).order_by("-starts_at", "-id")


@dataclass
class SessionPage:
    session: Session
    attendances: list
    materials: list
    mine: Attendance | None
    by_street: list = field(default_factory=list)
    ratings: list = field(default_factory=list)

    @property
    def present(self) -> int:
        return sum(1 for a in self.attendances if a.present)

    @property
    def invited(self) -> int:
        return len(self.attendances)

    @property
    def confirmed(self) -> int:
        return sum(1 for a in self.attendances if a.reply == Reply.CONFIRMED)

    @property
    def on_leave(self) -> int:
        return sum(1 for a in self.attendances if a.reply == Reply.LEAVE)

    @property
    def average(self) -> str:
        rated = [a.rating for a in self.attendances if a.rating]
        return f"{sum(rated) / len(rated):.1f}" if rated else "—"


def session_get(*, user, pk: int) -> Session:
    """A session the user sees (404 otherwise, the denial audited)."""
    return get_visible_or_404(
        Session.objects.select_related("cohort", "mentor__user", "created_by"), user, pk=pk
    )


def session_page(*, user, session: Session, full: bool) -> SessionPage:
    """What the session's page shows: the whole list for the district and the trainer, the
    street's own secretaries for a street, only their own row for a secretary (three queries)."""
    rows = session.attendances.select_related("user", "community__street")
    scope = user.scope
    if not full:
        streets = scope.street_ids()
        rows = rows.filter(Q(user=user) | Q(community__street_id__in=streets))
    attendances = list(rows.order_by("community__street__name", "community__name", "id"))
    materials = list(session.materials.select_related("upload"))
    mine = next((a for a in attendances if a.user_id == user.pk), None)
    by_street: dict[str, list] = {}
    for a in attendances:
        by_street.setdefault(a.community.street.name, []).append(a)
    return SessionPage(
        session=session,
        attendances=attendances,
        materials=materials,
        mine=mine,
        by_street=sorted(by_street.items()),
        ratings=[a for a in attendances if a.rating or a.comment],
    )


def move_targets(session: Session) -> list[Session]:
    """The other planned classes of the same cohort and month, with their sizes."""
    if not session.is_class:
        return []
    return list(
        Session.objects.filter(
            cohort_id=session.cohort_id, month=session.month, status=SessionStatus.PLANNED
        )
        .exclude(pk=session.pk)
        .annotate(size=Count("attendances"))
        .order_by("starts_at", "pk")
    )


# --- the secretary's own ------------------------------------------------------------------------
def my_training(user) -> dict:
    """A secretary's cohort, next session, past sessions, mentors and open consultations
    (five queries)."""
    trainee = Trainee.objects.filter(user=user).select_related("cohort").first()
    now = timezone.now()
    rows = list(
        Attendance.objects.filter(user=user)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session__cohort", "session__mentor__user")
        .order_by("-session__starts_at")[:12]
    )
    upcoming = sorted(
        (a for a in rows if a.session.status == SessionStatus.PLANNED and a.session.ends_at > now),
        key=lambda a: a.session.starts_at,
    )
    pairings = list(
        Pairing.objects.filter(mentee=user, ended_on__isnull=True, mentor__active=True)
        .select_related("mentor__user")
        .order_by("started_on")
    )
    consultations = list(
        Consultation.objects.filter(asker=user)
        .open()
        .select_related("mentor__user")
        .order_by("-last_message_at")[:HOME_ROWS]
    )
    return {
        "trainee": trainee,
        "next": upcoming[0] if upcoming else None,
        "upcoming": upcoming,
        "past": [a for a in rows if a not in upcoming],
        "pairings": pairings,
        "consultations": consultations,
    }


def mentor_desk(user) -> dict | None:
    """A mentor's to-do: consultations waiting for them, open coachings, classes they teach next
    (three queries; None, with no query, for someone who is no mentor)."""
    pk = mentor_id(user)
    if pk is None:
        return None
    waiting = list(
        Consultation.objects.filter(mentor_id=pk, status=ConsultationStatus.WAITING)
        .select_related("asker", "community")
        .order_by("last_message_at")[:HOME_ROWS]
    )
    coachings = list(
        Coaching.objects.filter(mentor_id=pk, status=CoachingStatus.OPEN)
        .select_related("project__community")
        .order_by("created_at")[:HOME_ROWS]
    )
    classes = list(
        Session.objects.filter(
            mentor_id=pk, status=SessionStatus.PLANNED, starts_at__gte=timezone.now()
        ).order_by("starts_at")[:HOME_ROWS]
    )
    return {"waiting": waiting, "coachings": coachings, "classes": classes}


# --- the rotation -------------------------------------------------------------------------------
def cohort_list(district: District | None) -> list[Cohort]:
    if district is None:
        return []
    return list(
        Cohort.objects.filter(district=district).annotate(size=Count("trainees")).order_by("number")
    )


def unplaced_secretaries(district: District) -> int:
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    return (
        RoleAssignment.objects.filter(
            role=Role.SECRETARY, community__street__district=district, user__is_active=True
        )
        .exclude(user__trainee__isnull=False)
        .values("user")
        .distinct()
        .count()
    )


def cohort_get(pk: int) -> Cohort:
    try:
        return Cohort.objects.select_related("district").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404 from None


def cohort_trainees(cohort: Cohort):
    return (
        Trainee.objects.filter(cohort=cohort)
        .select_related("user", "community__street")
        .order_by("community__street__name", "community__name", "id")
    )


def cohort_sessions(cohort: Cohort, year: int):
    return _with_counts(Session.objects.filter(cohort=cohort, month__year=year)).order_by(
        "starts_at", "pk"
    )


# --- the attendance report ----------------------------------------------------------------------
@dataclass
class Rate:
    expected: int = 0
    present: int = 0

    def add(self, expected: int, present: int) -> None:
        self.expected += expected
        self.present += present

    @property
    def percent(self) -> str:
        return f"{self.present / self.expected * 100:.0f}%" if self.expected else "—"


@dataclass
class StreetRow:
    street: str
    cells: dict  # cohort number or "quarterly" -> Rate
    total: Rate
    line: list = field(default_factory=list)  # the cells in the report's column order


@dataclass
class Miss:
    user: User
    community: str
    street: str
    dates: list


def attendance_report(*, user, year: int) -> dict:
    """Attendance of the held sessions of the year per street and cohort (and the quarterly
    sessions), the district's total, and who missed two sessions in a row. Three queries,
    whatever the number of sessions and people."""
    rows = Attendance.objects.filter(session__status=SessionStatus.HELD, session__month__year=year)
    if not user.scope.is_district_business:
        rows = rows.filter(community__street_id__in=user.scope.street_ids())
    tally = (
        rows.values("community__street__name", "session__kind", "session__cohort__number")
        .annotate(expected=Count("pk"), present=Count("pk", filter=Q(present=True)))
        .order_by()
    )
    streets: dict[str, StreetRow] = {}
    columns: dict = {}
    total = Rate()
    for row in tally:
        key = (
            "quarterly"
            if row["session__kind"] == Kind.QUARTERLY
            else row["session__cohort__number"]
        )
        name = row["community__street__name"]
        line = streets.setdefault(name, StreetRow(name, {}, Rate()))
        line.cells.setdefault(key, Rate()).add(row["expected"], row["present"])
        line.total.add(row["expected"], row["present"])
        columns.setdefault(key, Rate()).add(row["expected"], row["present"])
        total.add(row["expected"], row["present"])
    cohorts = {c.number: c.name for c in Cohort.objects.order_by("number")}
    keys = [
        *sorted(k for k in columns if k != "quarterly"),
        *(["quarterly"] if "quarterly" in columns else []),
    ]
    for line in streets.values():
        line.line = [line.cells.get(k) for k in keys]
    return {
        "year": year,
        "keys": [
            (k, "季度专题培训" if k == "quarterly" else cohorts.get(k, f"第{k}组")) for k in keys
        ],
        "streets": [streets[name] for name in sorted(streets)],
        "columns": [columns[k] for k in keys],
        "total": total,
        "misses": missed_twice(rows),
    }


def missed_twice(rows) -> list[Miss]:
    """The people who missed two sessions in a row (of those they were invited to), with the
    dates of the misses. The database pairs each row with the person's previous one (a window)
    and returns only the second miss of each pair: one query reading a few rows, however many
    sessions were held, and one for the people."""
    order = [F("session__starts_at").asc(), F("pk").asc()]
    person = {"partition_by": [F("user_id")], "order_by": order}
    pairs = (
        rows.annotate(
            # The row's own presence as a window too: a filter on a window is applied outside
            # the query that computes it, a plain one inside (on absences only, it would pair
            # two misses with an attended session between them).
            now=Window(FirstValue("present"), partition_by=[F("pk")]),
            before=Window(Lag("present"), **person),
            before_at=Window(Lag("session__starts_at"), **person),
        )
        .filter(now=False, before=False)
        .order_by("user_id", "session__starts_at")
        .values_list("user_id", "before_at", "session__starts_at")
    )
    flagged: dict[int, list] = {}
    for user_id, *moments in pairs:
        dates = flagged.setdefault(user_id, [])
        for moment in moments:
            day = timezone.localtime(moment).date()
            if day not in dates:
                dates.append(day)
    if not flagged:
        return []
    people = {
        t.user_id: t
        for t in Trainee.objects.filter(user_id__in=flagged).select_related(
            "user", "community__street"
        )
    }
    misses = []
    for user_id, dates in flagged.items():
        trainee = people.get(user_id)
        if trainee is None:
            continue
        misses.append(
            Miss(trainee.user, trainee.community.name, trainee.community.street.name, dates)
        )
    return sorted(misses, key=lambda m: (m.street, m.community, m.user.pk))


def district_rate(*, user, year: int) -> Rate:
    """The district's (or the user's streets') attendance rate of the year: one query."""
    rows = Attendance.objects.filter(session__status=SessionStatus.HELD, session__month__year=year)
    if not user.scope.is_district_business:
        rows = rows.filter(community__street_id__in=user.scope.street_ids())
    figures = rows.aggregate(expected=Count("pk"), present=Count("pk", filter=Q(present=True)))
    return Rate(figures["expected"], figures["present"])


def report_streets(user) -> list[Street]:
    return list(Street.objects.filter(pk__in=user.scope.street_ids()).order_by("name"))


# --- mentors ------------------------------------------------------------------------------------
def mentor_list(*, user, show_inactive: bool = False):
    mentors = Mentor.objects.visible_to(user).select_related("user")
    if not show_inactive:
        mentors = mentors.filter(active=True)
    return mentors.annotate(
        paired=Count("pairings", filter=Q(pairings__ended_on__isnull=True), distinct=True),
        coaching=Count("coachings", filter=Q(coachings__status=CoachingStatus.OPEN), distinct=True),
    ).order_by("-active", "kind", "pk")


def mentor_get(*, user, pk: int) -> Mentor:
    return get_visible_or_404(Mentor.objects.select_related("user"), user, pk=pk)


def mentor_pairings(mentor: Mentor):
    return (
        Pairing.objects.filter(mentor=mentor, ended_on__isnull=True)
        .select_related("mentee", "community__street")
        .order_by("community__street__name", "community__name")
    )


def mentor_coachings(mentor: Mentor, user):
    return (
        Coaching.objects.visible_to(user)
        .filter(mentor=mentor)
        .select_related("project__community")
        .order_by("-created_at")[:20]
    )


# --- consultations ------------------------------------------------------------------------------
def consultation_list(*, user, status: str = ""):
    rows = Consultation.objects.visible_to(user).select_related(
        "mentor__user", "asker", "community"
    )
    if status == "open":
        rows = rows.open()
    elif status:
        rows = rows.filter(status=status)
    return rows.annotate(n_messages=Count("messages")).order_by("-last_message_at", "-id")


def consultation_get(*, user, pk: int) -> Consultation:
    """A thread of the two in it, for them and district staff (404 otherwise, audited)."""
    messages = ConsultationMessage.objects.select_related("author").order_by("created_at", "id")
    return get_visible_or_404(
        Consultation.objects.select_related(
            "mentor__user", "asker", "community__street"
        ).prefetch_related(Prefetch("messages", queryset=messages)),
        user,
        pk=pk,
    )


# --- 一项目一方案 ---------------------------------------------------------------------------------
def coaching_list(*, user, status: str = ""):
    rows = Coaching.objects.visible_to(user).select_related(
        "project__community__street", "mentor__user"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.annotate(n_notes=Count("notes")).order_by("status", "-created_at", "-id")


def coaching_get(*, user, pk: int) -> Coaching:
    """A coaching of a project the user sees, or their own (404 otherwise, audited)."""
    notes = CoachingNote.objects.select_related("author").order_by("date", "id")
    return get_visible_or_404(
        Coaching.objects.select_related(
            "project__community__street", "mentor__user", "assigned_by", "plan_file"
        ).prefetch_related(Prefetch("notes", queryset=notes)),
        user,
        pk=pk,
    )


def project_coachings(project) -> list[Coaching]:
    """The coaching of a project as its page shows it: one query."""
    return list(
        Coaching.objects.filter(project=project)
        .select_related("mentor__user", "plan_file")
        .annotate(n_notes=Count("notes"))
        .order_by("status", "-created_at")
    )


def month_sessions(district: District, month: datetime.date):
    """The month's sessions of the district with their attendance (the 红色专递's section)."""
    return list(
        _with_counts(
            Session.objects.filter(district=district, month=month.replace(day=1))
            .exclude(status=SessionStatus.CANCELLED)
            .select_related("cohort")
        ).order_by("starts_at", "pk")
    )


def materials_of(session: Session) -> list[Material]:
    return list(session.materials.select_related("upload"))


def home_card(user) -> dict:
    """The training card of a home page: a secretary's next session and open consultations (two
    queries), the attendance rate of the year for the district and the streets (one), and a
    mentor's desk (three, for mentors only)."""
    card = {"desk": mentor_desk(user), "next": None, "consultations": [], "rate": None}
    if user.scope.community_ids():
        card["next"] = (
            Attendance.objects.filter(
                user=user,
                session__status=SessionStatus.PLANNED,
                session__ends_at__gt=timezone.now(),
            )
            .select_related("session")
            .order_by("session__starts_at")
            .first()
        )
        card["consultations"] = list(
            Consultation.objects.filter(asker=user)
            .open()
            .select_related("mentor__user")
            .order_by("-last_message_at")[:3]
        )
    if user.has_perm("training.view_report"):
        card["rate"] = district_rate(user=user, year=timezone.localdate().year)
    card["year"] = timezone.localdate().year
    return card
