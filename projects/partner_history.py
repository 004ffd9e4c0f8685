"""A partner's projects, as one part of its service record (partners.history).

partners never imports projects (tests/test_layers.py): this module fills partners.history's
HISTORY_HOOKS from ProjectsConfig.ready(), as projects/adoption.py fills the needs list's hooks.
The part lists every live project the partner is linked to, pledged something to, volunteered or
contributed at: its title, status, what the partner contributes (step 2) and gave at the held
sessions, and its volunteer hours there. Three queries, whatever the number of projects (two
more for the totals when it has served more than SHOWN).

The part is read by whoever sees the partner (partners:detail, the partner's own page): the
template links a project's page for those who work with projects (staff who see the partner see
its community's projects), and a published project's public page for anyone else.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from partners.history import HISTORY_HOOKS, Part
from partners.models import Partner

from .contributions import Amount, amounts
from .models import (
    PUBLIC_STATUSES,
    ActivityContribution,
    ActivityVolunteer,
    Contribution,
    Project,
    SessionStatus,
)

HELD = SessionStatus.HELD
# The part's rows are the partner's projects, newest first; past this the page says how many more.
SHOWN = 50


@dataclass
class ProjectRow:
    pk: int
    title: str
    status: str
    url: str  # the project's page (staff)
    public_url: str  # its residents' page once announced, else ""
    linked: bool
    pledged: list[str] = field(default_factory=list)  # step 2: what it contributes
    given: list[Amount] = field(default_factory=list)  # recorded at held sessions
    hours: Decimal = Decimal(0)
    sessions: int = 0


def _hours(partner: Partner, what: str):
    """A subquery: the partner's volunteer `what` (hours summed, sessions counted) on each
    project's held sessions."""
    rows = (
        ActivityVolunteer.objects.filter(
            partner=partner, activity__project=OuterRef("pk"), activity__status=HELD
        )
        .values("activity__project")
        .annotate(v=Sum("hours") if what == "hours" else Count("activity", distinct=True))
        .values("v")
    )
    return Subquery(rows)


def project_part(partner: Partner) -> Part | None:
    """The partner's projects for its service record (None when it has none)."""
    linked = Project.partners.through.objects.filter(partner=partner, project=OuterRef("pk"))
    pledged = Contribution.objects.filter(partner=partner, project=OuterRef("pk"))
    volunteered = ActivityVolunteer.objects.filter(
        partner=partner, activity__project=OuterRef("pk")
    )
    gave = ActivityContribution.objects.filter(partner=partner, activity__project=OuterRef("pk"))
    projects = list(
        Project.objects.alive()
        .filter(Exists(linked) | Exists(pledged) | Exists(volunteered) | Exists(gave))
        .annotate(
            is_linked=Exists(linked),
            hours=Coalesce(_hours(partner, "hours"), Decimal(0), output_field=DecimalField()),
            sessions=Coalesce(_hours(partner, "sessions"), 0),
        )
        .only("id", "title", "status", "created_at")
        .order_by("-created_at", "-id")[: SHOWN + 1]
    )
    if not projects:
        return None
    more = len(projects) > SHOWN
    projects = projects[:SHOWN]
    ids = [p.pk for p in projects]
    promised: dict[int, list[str]] = {}
    for project_id, contribution in (
        (c.project_id, c) for c in Contribution.objects.filter(partner=partner, project_id__in=ids)
    ):
        text = f"{contribution.get_kind_display()} · {contribution.description}"
        promised.setdefault(project_id, []).append(f"{text} {contribution.amount_label}".strip())
    given: dict[int, list] = {}
    for project_id, kind, unit, total, times in (
        ActivityContribution.objects.filter(
            partner=partner, activity__project_id__in=ids, activity__status=HELD
        )
        .values_list("activity__project_id", "kind", "unit")
        .annotate(total=Sum("quantity"), times=Count("id"))
        .order_by()
    ):
        given.setdefault(project_id, []).append((kind, unit, total, times))
    rows = [
        ProjectRow(
            pk=p.pk,
            title=p.title,
            status=p.get_status_display(),
            url=p.get_absolute_url(),
            public_url=reverse("public:announcement", args=[p.pk])
            if p.status in PUBLIC_STATUSES
            else "",
            linked=p.is_linked,
            pledged=promised.get(p.pk, []),
            given=amounts(given.get(p.pk, [])),
            hours=p.hours,
            sessions=p.sessions,
        )
        for p in projects
    ]
    hours, count = sum((row.hours for row in rows), Decimal(0)), len(rows)
    if more:  # rare: the totals of every project, not only the rows shown
        count = (
            Project.objects.alive()
            .filter(Exists(linked) | Exists(pledged) | Exists(volunteered) | Exists(gave))
            .count()
        )
        hours = ActivityVolunteer.objects.filter(
            partner=partner, activity__status=HELD, activity__project__deleted_at__isnull=True
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    part = Part(
        key="projects",
        title="参与的项目",
        template="projects/partner_history.html",
        rows=rows,
        hours=hours,
        count=count,
    )
    part.more = count - len(rows)
    part.given = amounts((a.kind, a.unit, a.quantity, a.times) for row in rows for a in row.given)
    return part


def register() -> None:
    """Called once from ProjectsConfig.ready()."""
    if project_part not in HISTORY_HOOKS:
        HISTORY_HOOKS.append(project_part)
