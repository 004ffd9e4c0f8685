"""Reads for the project pages. Every one starts from Project.objects.visible_to(user)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from core.scope import get_visible_or_404

from .models import Activity, Project, ProjectEvent, Status

# Filled by apps above projects (evaluation) to add their evidence to step 7 without an import here.
STEP_EVIDENCE_HOOKS: list = []


@dataclass
class Step:
    number: int
    name: str
    done: bool
    evidence: str
    anchor: str


def project_list(*, user, status: str = "", q: str = ""):
    projects = Project.objects.visible_to(user).select_related("community__street", "compound")
    if status:
        projects = projects.filter(status=status)
    if q:
        projects = projects.filter(title__icontains=q)
    return projects.order_by("-status_changed_at", "-id")


def project_trash(*, user):
    """Soft-deleted projects the user's community can restore, most recently deleted first."""
    return (
        Project.objects.visible_to(user, deleted=True)
        .select_related("community")
        .order_by("-deleted_at", "-id")
    )


def project_get(*, user, pk: int) -> Project:
    queryset = Project.objects.select_related(
        "community__street", "compound", "created_by"
    ).prefetch_related(
        "needs",
        "partners",
        Prefetch("events", queryset=ProjectEvent.objects.select_related("actor")),
        Prefetch("activities", queryset=Activity.objects.select_related("photo")),
    )
    return get_visible_or_404(queryset, user, pk=pk)


def project_steps(project: Project) -> list[Step]:
    """The seven steps, each marked done or missing, with the evidence for it."""
    needs = list(project.needs.all())
    partners = list(project.partners.all())
    activities = list(project.activities.all())
    approved = project.status not in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)
    steps = [
        Step(
            1,
            "摸清需求",
            bool(needs),
            f"回应需求 {len(needs)} 条" if needs else "尚未关联需求",
            "step-needs",
        ),
        Step(
            2,
            "链接资源",
            bool(partners),
            f"链接合伙人 {len(partners)} 位" if partners else "尚未链接合伙人",
            "step-partners",
        ),
        Step(
            3,
            "定好计划",
            project.plan_complete,
            f"{project.start_date} 至 {project.end_date},预算 {project.budget_total} 元"
            if project.plan_complete
            else "目标、起止日期或预算未填写",
            "step-plan",
        ),
        Step(
            4,
            "制定方案",
            project.proposal_complete and approved,
            (f"联席会 {project.joint_meeting_date} 召开;" if project.joint_meeting_date else "")
            + ("街道已批准" if approved else "待街道批准"),
            "step-proposal",
        ),
        Step(
            5,
            "发布预告",
            project.announced_at is not None,
            f"{timezone.localtime(project.announced_at):%Y-%m-%d} 发布"
            if project.announced_at
            else "尚未发布",
            "step-announcement",
        ),
        Step(
            6,
            "组织实施",
            bool(activities),
            f"活动 {len(activities)} 次,参与 {sum(a.participants for a in activities)} 人次"
            if activities
            else "尚无活动记录",
            "step-activities",
        ),
        Step(
            7,
            "复盘评估",
            project.reviewed_at is not None,
            f"{timezone.localtime(project.reviewed_at):%Y-%m-%d} 完成复盘"
            if project.reviewed_at
            else "尚未复盘",
            "step-review",
        ),
    ]
    for hook in STEP_EVIDENCE_HOOKS:
        hook(project, steps)
    return steps


PIPELINE_COLUMN = 30


def street_pipeline(*, user):
    """The street's open projects by status, stuck longest first: per column the true count and
    the PIPELINE_COLUMN longest-waiting projects (one query per column, whatever the data size)."""
    counts = status_counts(user=user)
    base = Project.objects.visible_to(user).select_related("community")
    return [
        {
            "label": Status(status).label,
            "status": status,
            "count": counts[status],
            "items": list(
                base.filter(status=status).order_by("status_changed_at", "id")[:PIPELINE_COLUMN]
            ),
        }
        for status in Status.values
        if status != Status.COMPLETED
    ]


def status_counts(*, user) -> dict:
    rows = Project.objects.visible_to(user).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def district_overview(*, user):
    """Per street: projects by status, aggregated in the database."""
    rows = (
        Project.objects.visible_to(user)
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


def overdue_projects(*, user):
    """Waiting at the street too long, or past the planned end date and not yet reviewed."""
    today = timezone.localdate()
    waiting_since = timezone.now() - timedelta(days=settings.REVIEW_OVERDUE_DAYS)
    return (
        Project.objects.visible_to(user)
        .filter(
            Q(status=Status.SUBMITTED, status_changed_at__lt=waiting_since)
            | Q(
                status__in=[Status.APPROVED, Status.ANNOUNCED, Status.IN_PROGRESS],
                end_date__lt=today,
            )
        )
        .select_related("community__street")
        .order_by("status_changed_at")
    )


def project_actions(*, user, project: Project) -> dict:
    """Which buttons this user sees on the page: permission and the transitions table together."""
    from .transitions import TRANSITIONS

    can = {
        action: user.has_perm(t.permission, project) and project.status in t.sources
        for action, t in TRANSITIONS.items()
    }
    can["edit"] = user.has_perm("projects.change_project", project)
    can["delete"] = user.has_perm("projects.delete_project", project)
    can["comment"] = user.has_perm("projects.comment_project", project)
    can["log_activity"] = user.has_perm("projects.log_activity", project) and project.status in (
        Status.ANNOUNCED,
        Status.IN_PROGRESS,
    )
    can["review"] = can.pop("complete")
    can["decide"] = can["approve"] or can["return"]
    return can
