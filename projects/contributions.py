"""Step 2 in figures: what the partners linked to a project offer and pledge (Contribution), and
what its held sessions recorded of them (ActivityVolunteer hours, ActivityContribution), summed
per partner and for the project. A few aggregate queries, whatever the number of sessions.

partners never imports projects: a partner's own record across projects is
projects/partner_history.py, registered into partners.history.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, DecimalField, Q, Sum, Value

from partners.models import Partner, Resource, ResourceKind

from .models import (
    MONEY_UNIT,
    ActivityContribution,
    ActivityVolunteer,
    Project,
    SessionStatus,
    quantity_label,
)

KIND_LABELS = dict(ResourceKind.choices)
HOURS = ResourceKind.HOURS.value
KIND_ORDER = {kind: n for n, kind in enumerate(ResourceKind.values)}


@dataclass
class Amount:
    """Contributions of one kind in one unit, added up: "资金 1500 元", "场地 3 次"."""

    kind: str
    unit: str
    quantity: Decimal | None  # None: nothing countable was recorded (a service, say)
    times: int  # how many records were added up

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    def __str__(self) -> str:
        if self.quantity is None:
            return f"{self.label} {self.times} 项"
        return f"{self.label} {quantity_label(self.quantity, self.unit)}"


def amounts(rows) -> list[Amount]:
    """Amount per (kind, unit) from rows of (kind, unit, total, count), merged (money always in
    元), in the order ResourceKind lists the kinds."""
    merged: dict[tuple[str, str], Amount] = {}
    for kind, unit, total, count in rows:
        key = (kind, MONEY_UNIT if kind == ResourceKind.MONEY else unit)
        found = merged.setdefault(key, Amount(kind, key[1], None, 0))
        found.times += count
        if total is not None:
            found.quantity = (found.quantity or Decimal(0)) + total
    return sorted(merged.values(), key=lambda a: (KIND_ORDER.get(a.kind, 99), a.unit))


@dataclass
class PartnerShare:
    """One linked partner on the project page: what it offers, what it pledged here, and what
    the held sessions recorded of it."""

    partner: Partner
    offers: list = field(default_factory=list)  # its active resources
    pledged: list = field(default_factory=list)  # Contribution rows of this project
    hours: Decimal = Decimal(0)
    sessions: int = 0
    given: list[Amount] = field(default_factory=list)
    form: object = None  # the contribution form posted for it and refused, shown again


@dataclass
class Resourcing:
    """The project's step 2 figures."""

    shares: list[PartnerShare]
    hours: Decimal  # every partner's volunteer hours on held sessions
    volunteers: int  # partners who volunteered at least once
    others: int  # partners who volunteered or contributed without being linked
    others_hours: Decimal
    totals: list[Amount]  # session contributions of every partner, by kind and unit

    @property
    def money(self) -> Decimal:
        return sum(
            (a.quantity or Decimal(0) for a in self.totals if a.kind == ResourceKind.MONEY),
            Decimal(0),
        )


def _held(project: Project) -> Q:
    return Q(activity__project=project, activity__status=SessionStatus.HELD)


def project_resourcing(project: Project) -> Resourcing:
    """Step 2's figures of a project as project_get() fetched it (its partners and
    contributions prefetched): two queries (the sums, the linked partners' resources), whatever
    the number of sessions and rows."""
    linked = list(project.partners.all())
    # One query: each partner's hours (as the kind "hours", counting sessions) and its session
    # contributions per kind and unit.
    volunteered = (
        ActivityVolunteer.objects.filter(_held(project))
        .values_list("partner_id")
        .annotate(
            kind=Value(HOURS, output_field=CharField()),
            unit=Value("", output_field=CharField()),
            total=Sum("hours", output_field=DecimalField()),
            times=Count("activity_id", distinct=True),
        )
        .values_list("partner_id", "kind", "unit", "total", "times")
        .order_by()
    )
    contributed = (
        ActivityContribution.objects.filter(_held(project))
        .values_list("partner_id", "kind", "unit")
        .annotate(total=Sum("quantity", output_field=DecimalField()), times=Count("id"))
        .values_list("partner_id", "kind", "unit", "total", "times")
        .order_by()
    )
    hours: dict[int, tuple] = {}
    given: dict[int, list] = {}
    for partner_id, kind, unit, total, times in volunteered.union(contributed, all=True):
        if kind == HOURS:
            hours[partner_id] = (total or Decimal(0), times)
        else:
            given.setdefault(partner_id, []).append((kind, unit, total, times))
    offers: dict[int, list] = {}
    if linked:
        for resource in Resource.objects.filter(
            partner__in=[p.pk for p in linked], active=True
        ).order_by("kind", "id"):
            offers.setdefault(resource.partner_id, []).append(resource)
    pledged: dict[int, list] = {}
    for contribution in project.contributions.all():
        pledged.setdefault(contribution.partner_id, []).append(contribution)
    shares = [
        PartnerShare(
            partner=p,
            offers=offers.get(p.pk, []),
            pledged=pledged.get(p.pk, []),
            hours=hours.get(p.pk, (Decimal(0), 0))[0],
            sessions=hours.get(p.pk, (Decimal(0), 0))[1],
            given=amounts(given.get(p.pk, [])),
        )
        for p in linked
    ]
    linked_ids = {p.pk for p in linked}
    others = (set(hours) | set(given)) - linked_ids
    return Resourcing(
        shares=shares,
        hours=sum((total for total, _ in hours.values()), Decimal(0)),
        volunteers=len(hours),
        others=len(others),
        others_hours=sum(
            (total for pk, (total, _) in hours.items() if pk not in linked_ids), Decimal(0)
        ),
        totals=amounts(row for rows in given.values() for row in rows),
    )
