"""Which of the seven steps a project stands at, as one SQL expression (so that "projects at each
step" is one grouped query for any number of projects), now or at the end of a past month.

The step is read from where the project stood (its status, or at a past moment the last status
its timeline recorded before it) and, while it is still being written, from what it holds:

    草稿 / 已退回   1 摸清需求 (no need linked) · 2 链接资源 (no partner and no reason given) ·
                    3 定好计划 (goal, dates or budget missing) · else 4 制定方案
    待街道审核      4 制定方案 (the proposal is at the street)
    已批准 / 已发布预告   5 发布预告 (approved, announced, not yet started)
    实施中          6 组织实施
    已复盘          7 复盘评估

A draft's links and plan are read as they are today (the portal keeps no history of them), so a
past month's first four columns may lean towards later steps; from submission on the timeline
answers exactly.
"""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from projects.models import Project, ProjectEvent, Status

STEPS = ("摸清需求", "链接资源", "定好计划", "制定方案", "发布预告", "组织实施", "复盘评估")

# The timeline's events that set a status, and the status each sets.
STATUS_EVENTS = {
    ProjectEvent.Kind.CREATED: Status.DRAFT,
    ProjectEvent.Kind.SUBMITTED: Status.SUBMITTED,
    ProjectEvent.Kind.RETURNED: Status.RETURNED,
    ProjectEvent.Kind.APPROVED: Status.APPROVED,
    ProjectEvent.Kind.ANNOUNCED: Status.ANNOUNCED,
    ProjectEvent.Kind.STARTED: Status.IN_PROGRESS,
    ProjectEvent.Kind.RETROSPECTED: Status.RETROSPECTED,
}
LATER_STEP = {
    Status.SUBMITTED: 4,
    Status.APPROVED: 5,
    Status.ANNOUNCED: 5,
    Status.IN_PROGRESS: 6,
    Status.RETROSPECTED: 7,
}


def _writing_step():
    needs = Project.needs.through.objects.filter(project_id=OuterRef("pk"))
    partners = Project.partners.through.objects.filter(project_id=OuterRef("pk"))
    plan_missing = (
        Q(goal="")
        | Q(start_date__isnull=True)
        | Q(end_date__isnull=True)
        | Q(budget_total__isnull=True)
        | Q(budget_total=0)
    )
    return Case(
        When(~Exists(needs), then=Value(1)),
        When(~Exists(partners) & Q(no_partner_reason=""), then=Value(2)),
        When(plan_missing, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def step_of(status_field: str = "status"):
    """The step (1–7) of each project, from the named status column or annotation."""
    return Case(
        *(When(**{status_field: status}, then=Value(step)) for status, step in LATER_STEP.items()),
        When(**{f"{status_field}__in": [Status.DRAFT, Status.RETURNED]}, then=_writing_step()),
        default=Value(None),
        output_field=IntegerField(),
    )


def with_step(projects, moment=None):
    """The projects annotated with `step`: now, or at `moment` from their timeline."""
    if moment is None:
        return projects.annotate(step=step_of("status"))
    kinds = (
        ProjectEvent.objects.filter(
            project=OuterRef("pk"), at__lt=moment, kind__in=list(STATUS_EVENTS)
        )
        .order_by("-at", "-id")
        .values("kind")[:1]
    )
    status_then = Case(
        *(When(then_kind=kind, then=Value(status)) for kind, status in STATUS_EVENTS.items()),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        projects.annotate(then_kind=Subquery(kinds, output_field=CharField()))
        .annotate(then_status=status_then)
        .annotate(step=step_of("then_status"))
    )


def _step(status: str, has_needs: bool, has_partners: bool, plan_ok: bool) -> int | None:
    """The step of one group of projects (step_of's rule, read in Python)."""
    if status in LATER_STEP:
        return LATER_STEP[status]
    if status in (Status.DRAFT, Status.RETURNED):
        if not has_needs:
            return 1
        if not has_partners:
            return 2
        return 3 if not plan_ok else 4
    return None  # not filed yet at that moment


def step_counts(projects, group: str, moment=None) -> dict[tuple, int]:
    """{(group value, step): number of projects}, now or at `moment`, in one grouped query.

    The status then (a subquery on the timeline) and the draft's evidence (two EXISTS and the
    plan's fields) are computed once per project and grouped on; the step is worked out per
    group here. (with_step's nested CASE would evaluate the timeline's subquery once per branch:
    a second at scale 10 for the district's monthly report.)"""
    if moment is None:
        status = F("status")
    else:
        status = Subquery(
            ProjectEvent.objects.filter(
                project=OuterRef("pk"), at__lt=moment, kind__in=list(STATUS_EVENTS)
            )
            .order_by("-at", "-id")
            .values("kind")[:1],
            output_field=CharField(),
        )
    needs = Project.needs.through.objects.filter(project_id=OuterRef("pk"))
    partners = Project.partners.through.objects.filter(project_id=OuterRef("pk"))
    plan_missing = (
        Q(goal="")
        | Q(start_date__isnull=True)
        | Q(end_date__isnull=True)
        | Q(budget_total__isnull=True)
        | Q(budget_total=0)
    )
    rows = (
        projects.annotate(
            then=status,
            has_needs=Exists(needs),
            has_partners=ExpressionWrapper(
                Q(Exists(partners)) | ~Q(no_partner_reason=""), output_field=BooleanField()
            ),
            plan_ok=ExpressionWrapper(~plan_missing, output_field=BooleanField()),
        )
        .values(group, "then", "has_needs", "has_partners", "plan_ok")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple, int] = {}
    for row in rows:
        then = row["then"]
        then = STATUS_EVENTS.get(then, then) if moment is not None else then
        step = _step(then, row["has_needs"], row["has_partners"], row["plan_ok"])
        if step is not None:
            key = (row[group], step)
            counts[key] = counts.get(key, 0) + row["n"]
    return counts
