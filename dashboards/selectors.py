"""What each role group must do next, the street's pipeline and the district's overview.

Dashboards read every domain app; nothing below imports them. Every list is a real query, scoped
through visible_to(user) (without a judge's read-only grant, which stays on the round's pages);
which statuses count as "running" or "open" comes from the workflow table, never from a tuple
written here.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.roles import RESIDENTS
from core.models import AuditEvent, Notification
from library.models import Nomination
from needs.models import Need, NeedStatus
from outreach.models import Suggestion, SuggestionStatus
from partners.models import Partner
from projects.models import Project, Status, Supervision
from projects.notice import OBJECTION_WORKFLOW, objection_queue
from projects.selectors import project_rows, review_queue, supervision_list
from projects.workflow import EDITABLE, PROJECT_WORKFLOW
from reports.models import HalfYearReport, Period, ReportStatus
from scenes.selectors import scene_figures
from scoring.access import judge_round_ids, own_street_ids
from scoring.models import Entry, RoundStatus, SheetStatus
from surveys.models import Survey, SurveyStatus

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


def community_staff_home(user) -> dict:
    statuses = frozenset().union(*COMMUNITY_SECTIONS.values())
    waiting = longest_waiting(Project.objects.visible_to(user, grants=False), statuses, LIMIT)
    sections = {
        name: [p for p in waiting if p.status in wanted][:LIMIT]
        for name, wanted in COMMUNITY_SECTIONS.items()
    }
    return {
        **sections,
        "supervisions": supervision_list(user=user, status=Supervision.Status.OPEN)[:LIMIT],
        "unread": Notification.objects.for_user(user).unread()[:LIMIT],
        "step1": step1_todo(user),
    }


def street_group_home(user) -> dict:
    # Objections the community has answered: only the street's decision is missing, and the
    # project may not start until it is made.
    deciding = objection_queue(user=user).filter(status__in=OBJECTION_WORKFLOW["dismiss"].sources)
    return {
        "waiting": project_rows(Project.objects.visible_to(user, grants=False))
        .filter(status__in=PROJECT_WORKFLOW["approve"].sources)
        .order_by("status_changed_at", "id")[:LIMIT],
        "objections": deciding[:LIMIT],
        "objection_count": deciding.count(),
        "counts": status_counts(user=user),
        "step7": step7_todo(user),
    }


def district_home(user) -> dict:
    return {
        "overdue": overdue_projects(user=user)[:LIMIT],
        "overdue_supervisions": supervision_list(user=user, overdue=True)[:LIMIT],
        "overdue_reviews": review_queue(user=user, overdue_only=True).count(),
        "counts": status_counts(user=user),
        "scene_figures": scene_figures(user=user),
        "step7": step7_todo(user),
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
        "profiles": Partner.objects.visible_to(user).filter(user=user).select_related("community"),
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
