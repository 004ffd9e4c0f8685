"""Reads for the street's work pages. Every one starts from visible_to(user)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Community, Compound, User
from core.scope import get_visible_or_404
from projects.models import Project, ProjectClass

from .models import Assessment, FieldVisit, Verdict

# The seed article's figures, shown beside the counts of the summary page.
SEED_ASSESSED = 130
SEED_CLASSES = 10
SEED_ADOPTED_BY_KIND = {
    Compound.Kind.OLD: 25,
    Compound.Kind.RESETTLEMENT: 16,
    Compound.Kind.COMMERCIAL: 23,
}
SEED_VISITS = 40

ASSESSMENT_ROW_FIELDS = (
    "id",
    "title",
    "verdict",
    "compound_kind",
    "assessed_on",
    "deleted_at",
    "community__name",
    "community__street__name",
    "project_class__name",
)
VISIT_ROW_FIELDS = (
    "id",
    "date",
    "findings",
    "deleted_at",
    "community__name",
    "community__street__name",
)


def communities_for_filters(user) -> list[Community]:
    """The communities a filter may name: those the user sees, with their street (one query)."""
    return list(
        Community.objects.visible_to(user)
        .select_related("street")
        .only("id", "name", "street__id", "street__name")
        .order_by("street__name", "name", "pk")
    )


def _in_place(queryset, filters: dict):
    if filters.get("street"):
        queryset = queryset.filter(community__street_id=filters["street"])
    if filters.get("community"):
        queryset = queryset.filter(community_id=filters["community"])
    return queryset


# --- 研判 -------------------------------------------------------------------------------------
def assessment_list(*, user, filters: dict | None = None) -> QuerySet:
    """The 研判 the user sees, newest first, filtered by street, community, class, verdict and
    compound kind (ids and values already checked by the filter form)."""
    filters = filters or {}
    assessments = _in_place(Assessment.objects.visible_to(user), filters)
    for name in ("project_class", "verdict", "compound_kind"):
        if filters.get(name):
            assessments = assessments.filter(**{name: filters[name]})
    return (
        assessments.select_related("community__street", "project_class")
        .only(*ASSESSMENT_ROW_FIELDS)
        .order_by("-assessed_on", "-id")
    )


def assessment_get(*, user, pk: int) -> Assessment:
    queryset = Assessment.objects.select_related(
        "community__street", "need", "project", "project_class", "compound", "assessed_by"
    ).only(
        *(f.name for f in Assessment._meta.concrete_fields),
        "community__name",
        "community__street__name",
        "need__title",
        "need__deleted_at",
        "project__title",
        "project__status",
        "project__deleted_at",
        "project_class__name",
        "compound__name",
        "assessed_by__display_name",
        "assessed_by__username",
    )
    return get_visible_or_404(queryset, user, pk=pk)


@dataclass
class ClassRow:
    project_class: ProjectClass
    counts: list  # (verdict value, n), in Verdict order
    total: int


@dataclass
class StreetRow:
    street_id: int
    name: str
    total: int
    adopted: int


@dataclass
class Summary:
    classes: list[ClassRow]
    verdict_totals: list  # (verdict value, label, n)
    total: int
    streets: list[StreetRow]
    adopted_by_kind: list  # (kind value, label, n, the seed's figure)
    classes_used: int
    seed: dict = field(default_factory=dict)


def assessment_summary(*, user) -> Summary:
    """Counts of the 研判 the user sees: per class × verdict, per street, and adopted per compound
    kind; each aggregated in the database (four queries, whatever the number of rows)."""
    visible = Assessment.objects.visible_to(user)
    by_class = {
        (row["project_class"], row["verdict"]): row["n"]
        for row in visible.order_by().values("project_class", "verdict").annotate(n=Count("id"))
    }
    classes = []
    for project_class in ProjectClass.objects.only("id", "name").order_by("order", "id"):
        counts = [(v, by_class.get((project_class.pk, v), 0)) for v in Verdict.values]
        classes.append(ClassRow(project_class, counts, sum(n for _, n in counts)))
    verdict_totals = [
        (value, label, sum(n for (_, v), n in by_class.items() if v == value))
        for value, label in Verdict.choices
    ]
    streets = [
        StreetRow(row["community__street"], row["community__street__name"], row["n"], row["a"])
        for row in visible.order_by("community__street__name")
        .values("community__street", "community__street__name")
        .annotate(n=Count("id"), a=Count("id", filter=Q(verdict=Verdict.ADOPT)))
    ]
    adopted = dict(
        visible.filter(verdict=Verdict.ADOPT)
        .order_by()
        .values("compound_kind")
        .annotate(n=Count("id"))
        .values_list("compound_kind", "n")
    )
    return Summary(
        classes=classes,
        verdict_totals=verdict_totals,
        total=sum(by_class.values()),
        streets=streets,
        adopted_by_kind=[
            (kind.value, kind.label, adopted.get(kind.value, 0), SEED_ADOPTED_BY_KIND[kind])
            for kind in Compound.Kind
        ],
        classes_used=len({c for c, _ in by_class}),
        seed={"assessed": SEED_ASSESSED, "classes": SEED_CLASSES},
    )


# --- 实地调研 ------------------------------------------------------------------------------------
def month_range(month: str) -> tuple[datetime.date, datetime.date] | None:
    """The first day of a "YYYY-MM" month and of the next one, or None for anything else."""
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        return None
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following


def visit_list(*, user, filters: dict | None = None) -> QuerySet:
    """The visits the user sees, newest first, with who went and how many projects each
    concerned (one query for the rows, one for the people of the page)."""
    filters = filters or {}
    visits = _in_place(FieldVisit.objects.visible_to(user), filters)
    if span := month_range(filters.get("month") or ""):
        visits = visits.filter(date__gte=span[0], date__lt=span[1])
    return (
        visits.select_related("community__street")
        .only(*VISIT_ROW_FIELDS)
        .annotate(n_projects=Count("projects", distinct=True))
        .prefetch_related(
            Prefetch("members", queryset=User.objects.only("id", "display_name", "username"))
        )
        .order_by("-date", "-id")
    )


def visit_get(*, user, pk: int) -> FieldVisit:
    queryset = (
        FieldVisit.objects.select_related("community__street", "recorded_by")
        .only(
            *(f.name for f in FieldVisit._meta.concrete_fields),
            "community__name",
            "community__street__name",
            "recorded_by__display_name",
            "recorded_by__username",
        )
        .prefetch_related(
            Prefetch("members", queryset=User.objects.only("id", "display_name", "username")),
            Prefetch(
                "projects",
                queryset=Project.objects.alive()
                .only("id", "title", "status", "community")
                .order_by("-id"),
            ),
        )
    )
    return get_visible_or_404(queryset, user, pk=pk)
