"""What each role group must do next, the street's pipeline and the district's overview.

Dashboards read every domain app; nothing below imports them. Every list is a real query, scoped
through visible_to(user) (without a judge's read-only grant, which stays on the round's pages);
which statuses count as "running" or "open" comes from the workflow table, never from a tuple
written here.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts.roles import RESIDENTS
from core.models import AuditEvent, Notification
from library.models import Nomination
from needs.models import Need, NeedStatus
from outreach.models import Suggestion, SuggestionStatus
from partners.emergencies import open_alerts
from partners.models import Partner
from projects.models import Project, Status, Supervision
from projects.notice import OBJECTION_WORKFLOW, objection_queue
from projects.selectors import project_rows, review_queue, supervision_list
from projects.workflow import EDITABLE, PROJECT_WORKFLOW
from publications.models import Kind, Publication, PublicationStatus
from reports.models import HalfYearReport, Period, ReportStatus
from roundtable.followup import followup_figures, overdue_resolutions
from roundtable.models import Meeting, ParticipantStatus, PostStatus
from roundtable.models import Participant as RoundTableParticipant
from roundtable.models import Post as RoundTablePost
from scenes.selectors import scene_figures
from scoring.access import judge_round_ids, own_street_ids
from scoring.models import Entry, RoundStatus, SheetStatus
from surveys.models import Survey, SurveyStatus
from training.selectors import home_card as training_home_card

LIMIT = 10
# Per column the ten that waited longest: enough to act on, short enough for a phone; the column
# header has the true count and a link to all of them.
PIPELINE_COLUMN = 10


def _final(status) -> bool:
    return status not in PROJECT_WORKFLOW.graph()


# Statuses in which an activity may be logged: the project is running.
RUNNING = PROJECT_WORKFLOW["log_activity"].sources
# Approved and not yet retrospected: the planned end date is a promise to keep. An upheld 公示
# objection sends a project back to be edited: that way back is not "underway".
UNDERWAY = frozenset(
    s for s in PROJECT_WORKFLOW.reachable_from(Status.APPROVED, avoiding=EDITABLE) if not _final(s)
)
OPEN = [s for s in Status.values if not _final(s)]


def status_counts(*, user) -> list[dict]:
    """Projects in scope by status, every status listed (zero included), in workflow order."""
    rows = Project.objects.visible_to(user, grants=False).values("status").annotate(n=Count("id"))
    found = {r["status"]: r["n"] for r in rows}
    return [{"status": s, "label": s.label, "n": found.get(s, 0)} for s in Status]


def overdue_projects(*, user):
    """Waiting at the street too long, or past the planned end date and not yet retrospected."""
    today = timezone.localdate()
    waiting_since = timezone.now() - timedelta(days=settings.REVIEW_OVERDUE_DAYS)
    return (
        project_rows(Project.objects.visible_to(user, grants=False))
        .filter(
            Q(status=Status.SUBMITTED, status_changed_at__lt=waiting_since)
            | Q(status__in=UNDERWAY, end_date__lt=today)
        )
        .order_by("status_changed_at", "id")
    )


def street_pipeline(*, user):
    """The street's open projects by status, stuck longest first: per column the true count and
    the PIPELINE_COLUMN longest-waiting projects (one windowed query, whatever the data size)."""
    counts = {row["status"]: row["n"] for row in status_counts(user=user)}
    items = longest_waiting(Project.objects.visible_to(user, grants=False), OPEN, PIPELINE_COLUMN)
    return [
        {
            "label": Status(status).label,
            "status": status,
            "count": counts[status],
            "items": [p for p in items if p.status == status],
        }
        for status in OPEN
    ]


def longest_waiting(projects, statuses, per_status: int) -> list[Project]:
    """Per status, the per_status projects that have waited longest in it, in one query (a
    window over the statuses), oldest first."""
    ranked = Window(
        RowNumber(),
        partition_by=F("status"),
        order_by=[F("status_changed_at").asc(), F("id").asc()],
    )
    return list(
        project_rows(projects)
        .filter(status__in=list(statuses))
        .annotate(rank=ranked)
        .filter(rank__lte=per_status)
        .order_by("status_changed_at", "id")
    )


def district_overview(*, user):
    """Per street: projects by status, aggregated in the database."""
    rows = (
        Project.objects.visible_to(user, grants=False)
        .values("community__street_id", "community__street__name", "status")
        .annotate(n=Count("id"))
        .order_by("community__street__name")
    )
    streets: dict = {}
    for row in rows:
        entry = streets.setdefault(
            row["community__street_id"],
            {"name": row["community__street__name"], "by_status": dict.fromkeys(Status.values, 0)},
        )
        entry["by_status"][row["status"]] = row["n"]
    return [
        {
            "name": e["name"],
            "counts": [e["by_status"][s] for s in Status.values],
            "total": sum(e["by_status"].values()),
        }
        for e in streets.values()
    ]


# --- the home page of each role group --------------------------------------------------------
# The community's home: what waits for it, each list waiting longest first.
COMMUNITY_SECTIONS = {
    "returned": frozenset({Status.RETURNED}),
    "drafts": frozenset({PROJECT_WORKFLOW.initial}),
    "to_announce": PROJECT_WORKFLOW["announce"].sources,
    "running": RUNNING,
}


def sheets_to_score(user) -> int:
    """Projects a judge has still to score in the rounds open today, less those of their own
    streets (scoring.access.own_street_ids, the recusal rule's); none for whoever judges no
    round: judge_round_ids answers from the per-user cache."""
    rounds = judge_round_ids(user)
    if not rounds:
        return 0
    today = timezone.localdate()
    return (
        Entry.objects.filter(
            round_id__in=rounds,
            round__status=RoundStatus.OPEN,
            round__opens_on__lte=today,
            round__closes_on__gte=today,
        )
        .exclude(community__street_id__in=own_street_ids(user))
        .exclude(sheets__judge=user, sheets__status=SheetStatus.SUBMITTED)
        .count()
    )


def step7_todo(user) -> dict:
    """Step 7's to-dos on a home page: sheets to score, nominations waiting for the district, the
    street's report of this half year, reports waiting to be read (each one count query at most,
    and only for the roles that act on it)."""
    todo = {"sheets": sheets_to_score(user)}
    if user.has_perm("library.decide_nomination"):
        todo["nominations"] = (
            Nomination.objects.visible_to(user).filter(status=Nomination.Status.PENDING).count()
        )
    if user.has_perm("reports.review_report"):
        # Per half year, oldest first: each count links the side-by-side page of its period,
        # whose 已提交 says the same number.
        waiting = (
            HalfYearReport.objects.visible_to(user)
            .filter(status=ReportStatus.SUBMITTED)
            .values("year", "half")
            .annotate(n=Count("id"))
            .order_by("year", "half")
        )
        todo["reports_by_period"] = [(Period(r["year"], r["half"]), r["n"]) for r in waiting]
        todo["reports_to_read"] = sum(n for _period, n in todo["reports_by_period"])
    elif user.has_perm("reports.draft_report"):
        period = Period.current()
        todo["period"] = period
        todo["report"] = (
            HalfYearReport.objects.visible_to(user)
            .filter(year=period.year, half=period.half)
            .only("id", "status", "street_id")
            .first()
        )
    return todo


def publications_todo(user, *, district: bool = False) -> list[Publication]:
    """月度晾晒 drafts on a home page (one query): the street's drafts waiting for its 组长's
    sign-off; for the district, the 红色专递 to sign and the streets' drafts past their due day."""
    drafts = Publication.objects.visible_to(user).filter(status=PublicationStatus.DRAFT)
    if district:
        today = timezone.localdate()
        drafts = drafts.filter(Q(kind=Kind.DIGEST) | Q(due_on__lt=today))
    else:
        drafts = drafts.exclude(kind=Kind.DIGEST)
    return list(drafts.select_related("street", "district").order_by("due_on", "id")[:LIMIT])


def step1_todo(user) -> dict:
    """Step 1's to-dos on a community's home page: residents' suggestions nobody has filed yet,
    needs collected but not yet looked at, and the questionnaires open today (one count each)."""
    today = timezone.localdate()
    return {
        "suggestions": Suggestion.objects.visible_to(user)
        .filter(status=SuggestionStatus.NEW)
        .count(),
        "collected": Need.objects.visible_to(user).filter(status=NeedStatus.COLLECTED).count(),
        "surveys": Survey.objects.visible_to(user)
        .filter(status=SurveyStatus.OPEN, starts_on__lte=today, ends_on__gte=today)
        .exclude(community=None)
        .count(),
    }


# The 圆桌会 card of a community's home: this month's meetings of the person's communities (one
# for almost everyone) and the overdue resolutions shown before the link to all of them.
ROUNDTABLE_MEETINGS = 3
ROUNDTABLE_OVERDUE = 5


def _subquery_count(queryset, outer: str):
    """COUNT(*) of `queryset` per outer row, 0 when none, as one correlated subquery."""
    counted = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def roundtable_card(user) -> dict:
    """The 圆桌会 card of a community's home (two queries): this month's meeting (date, phase,
    topics, items held for review, residents waiting for verification) and the overdue
    resolutions."""
    today = timezone.localdate()
    held_posts = RoundTablePost.objects.filter(
        topic__meeting=OuterRef("pk"), status=PostStatus.HELD
    )
    pending = RoundTableParticipant.objects.filter(
        community=OuterRef("community"), status=ParticipantStatus.PENDING
    )
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(month=today.replace(day=1))
        .select_related("community")
        .annotate(
            topics_n=Count("topics", filter=Q(topics__moderation=PostStatus.PUBLISHED)),
            held_topics=Count("topics", filter=Q(topics__moderation=PostStatus.HELD)),
            held_posts=_subquery_count(held_posts, "topic__meeting"),
            pending=_subquery_count(pending, "community"),
        )
        .order_by("community__name", "pk")[:ROUNDTABLE_MEETINGS]
    )
    overdue = list(overdue_resolutions(user, today)[: ROUNDTABLE_OVERDUE + 1])
    return {
        "meetings": meetings,
        "overdue": overdue[:ROUNDTABLE_OVERDUE],
        "more_overdue": len(overdue) > ROUNDTABLE_OVERDUE,
        "today": today,
    }


def community_staff_home(user) -> dict:
    statuses = frozenset().union(*COMMUNITY_SECTIONS.values())
    waiting = longest_waiting(Project.objects.visible_to(user, grants=False), statuses, LIMIT)
    sections = {
        name: [p for p in waiting if p.status in wanted][:LIMIT]
        for name, wanted in COMMUNITY_SECTIONS.items()
    }
    return {
        "training": training_home_card(user),
        **sections,
        "supervisions": supervision_list(user=user, status=Supervision.Status.OPEN)[:LIMIT],
        "unread": Notification.objects.for_user(user).unread()[:LIMIT],
        "step1": step1_todo(user),
        "roundtable": roundtable_card(user),
    }


def street_group_home(user) -> dict:
    # Objections the community has answered: only the street's decision is missing, and the
    # project may not start until it is made.
    deciding = objection_queue(user=user).filter(status__in=OBJECTION_WORKFLOW["dismiss"].sources)
    return {
        "training": training_home_card(user),
        "waiting": project_rows(Project.objects.visible_to(user, grants=False))
        .filter(status__in=PROJECT_WORKFLOW["approve"].sources)
        .order_by("status_changed_at", "id")[:LIMIT],
        "objections": deciding[:LIMIT],
        "objection_count": deciding.count(),
        "counts": status_counts(user=user),
        "step7": step7_todo(user),
        "drafts": publications_todo(user),
        "today": timezone.localdate(),
        "roundtable": followup_figures(user),
    }


def district_home(user) -> dict:
    return {
        "training": training_home_card(user),
        "overdue": overdue_projects(user=user)[:LIMIT],
        "overdue_supervisions": supervision_list(user=user, overdue=True)[:LIMIT],
        "overdue_reviews": review_queue(user=user, overdue_only=True).count(),
        "counts": status_counts(user=user),
        "scene_figures": scene_figures(user=user),
        "step7": step7_todo(user),
        "drafts": publications_todo(user, district=True),
        "today": timezone.localdate(),
        "roundtable": followup_figures(user),
    }


def auditor_home(user) -> dict:
    return {
        "denied": AuditEvent.objects.filter(result=AuditEvent.Result.DENIED)
        .exclude(action="auth.lockout")
        .order_by("-at")[:LIMIT],
        "lockouts": AuditEvent.objects.filter(action="auth.lockout").order_by("-at")[:LIMIT],
    }


def secadmin_home(user) -> dict:
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    return {
        "locked": AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
        ).order_by("-attempt_time")[:LIMIT],
    }


def sysadmin_home(user) -> dict:
    return {}


def partner_home(user) -> dict:
    return {
        "profiles": Partner.objects.visible_to(user)
        .filter(user=user)
        .select_related("community", "category"),
        "alerts": open_alerts(user),  # 战时 call-outs still open (partners/emergencies.py)
        "unread": Notification.objects.for_user(user).unread()[:LIMIT],
    }


def resident_home(user) -> dict:
    community_ids = user.scope.community_ids(RESIDENTS)
    return {
        "announcements": Project.objects.published()
        .filter(community_id__in=community_ids)
        .select_related("community")
        .order_by("-announced_at")[:LIMIT],
    }
