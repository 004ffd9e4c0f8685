"""Reads for the library pages. The tree, its items and library projects are one library every
community reads (LibraryQuerySet.visible_to); nominations start from Nomination.visible_to(user).
Every page reads a constant number of rows: lists are paginated or capped."""

from django.db.models import Count, Max, Prefetch, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import Compound
from accounts.roles import STREET_RECOMMENDERS
from core.scope import get_visible_or_404
from projects.models import ActivityPhoto, Project, Status

from .models import (
    KIND_LABELS,
    ActivityClass,
    ActivityItem,
    Guidance,
    LibraryEntry,
    Nomination,
    ProjectOrigin,
)

ENTRIES_PER_ITEM = 4  # library projects the tree shows under each item; the rest on its page
ENTRY_ROW_FIELDS = (
    "id",
    "item",
    "year",
    "reason",
    "selected_at",
    "project__id",
    "project__title",
    "project__theme",
    "project__community__id",
    "project__community__name",
    "project__community__street__id",
    "project__community__street__name",
    "project__compound__id",
    "project__compound__name",
    "project__compound__kind",
)


def entry_rows(queryset):
    """Library projects with what a row shows: the project's title, community and compound."""
    return queryset.select_related("project__community__street", "project__compound").only(
        *ENTRY_ROW_FIELDS
    )


def tree(*, per_item: int = ENTRIES_PER_ITEM) -> list[ActivityClass]:
    """The three classes, each with its items (counted entries, the latest `per_item` of them):
    three queries, whatever the size of the library."""
    latest = entry_rows(LibraryEntry.objects.order_by("-selected_at", "-id"))[:per_item]
    items = (
        ActivityItem.objects.annotate(n_entries=Count("entries"))
        .order_by("order", "id")
        .prefetch_related(Prefetch("entries", queryset=latest, to_attr="latest"))
    )
    return list(
        ActivityClass.objects.order_by("order", "id").prefetch_related(
            Prefetch("items", queryset=items)
        )
    )


def compound_kinds_of(user) -> dict[str, int]:
    """kind → how many compounds of that kind the communities the user works in hold (one
    aggregate query; empty for whoever works in no community)."""
    ids = user.scope.community_ids()
    if not ids:
        return {}
    rows = (
        Compound.objects.filter(community_id__in=ids)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    return {row["kind"]: row["n"] for row in rows}


def suggested(
    classes: list[ActivityClass], kinds: dict[str, int]
) -> list[tuple[str, list[ActivityItem]]]:
    """For every compound kind the user's communities have (the kind with most compounds
    first), the items suited to it (practical fixes for 老旧小区, 一老一小 for 安置小区,
    neighbourliness for 商住小区): the items made for that kind alone first, from the tree
    already read."""
    items = [item for c in classes for item in c.items.all()]
    groups = []
    known = list(KIND_LABELS)  # 老旧小区, 安置小区, 商住小区: ties in that order
    counted = [(kind, n) for kind, n in kinds.items() if kind in KIND_LABELS]
    for kind, _n in sorted(counted, key=lambda pair: (-pair[1], known.index(pair[0]))):
        suited = sorted(
            (item for item in items if kind in item.compound_kinds),
            key=lambda item: (len(item.compound_kinds), item.order),
        )
        if suited:
            groups.append((str(KIND_LABELS[kind]), suited))
    return groups


def guidance_list(user=None):
    """The district's guidance documents (titles only)."""
    queryset = Guidance.objects.visible_to(user) if user is not None else Guidance.objects.all()
    return queryset.only("id", "kind", "title", "issued_on", "order").order_by("order", "id")


def guidance_get(*, user, pk: int) -> Guidance:
    queryset = Guidance.objects.prefetch_related(
        "public_spaces", "outdoor_categories", "attachments__upload"
    )
    return get_visible_or_404(queryset, user, pk=pk)


def item_get(*, user=None, pk: int) -> ActivityItem:
    """An item with its class; for staff through visible_to, for the public page directly."""
    queryset = ActivityItem.objects.select_related("activity_class")
    if user is None:
        return get_object_or_404(queryset, pk=pk)
    return get_visible_or_404(queryset, user, pk=pk)


def item_entries(item: ActivityItem):
    """The item's library projects, newest first (the page paginates them)."""
    return entry_rows(LibraryEntry.objects.filter(item=item).order_by("-selected_at", "-id"))


def _entry_queryset():
    return LibraryEntry.objects.select_related(
        "item__activity_class",
        "project__community__street",
        "project__compound",
        "project__public_space",
        "project__outdoor_category",
        "project__project_class",
        "photo__upload",
    ).prefetch_related("project__budget_lines")


def entry_get(*, user=None, pk: int) -> LibraryEntry:
    """A library project with its project's plan; for staff through visible_to."""
    if user is None:
        return get_object_or_404(_entry_queryset(), pk=pk)
    return get_visible_or_404(_entry_queryset(), user, pk=pk)


def project_link(user, project) -> tuple[str, str]:
    """(url, label) of “项目全过程” on a library page: the staff page when the user's own scope
    covers the project's community (Scope.community_q's rule, decided without a query: the
    project comes with its community), else the project's public page, which shows the whole
    process to anyone."""
    scope = user.scope
    if (
        scope.is_district_business
        or project.community_id in scope.community_ids()
        or project.community.street_id in scope.street_ids()
    ):
        return reverse("projects:detail", args=[project.pk]), "项目全过程"
    return reverse("public:announcement", args=[project.pk]), "项目全过程(公开页)"


def entry_photos(entry: LibraryEntry, cap: int = 30) -> list[ActivityPhoto]:
    """The project's public photos a write-up may show (at most `cap`)."""
    return list(
        ActivityPhoto.objects.filter(activity__project_id=entry.project_id, public=True)
        .select_related("upload")
        .order_by("id")[:cap]
    )


def entry_stats(entry: LibraryEntry) -> dict:
    """Held sessions, participants and (one of) their places of the library project (one
    aggregate query)."""
    return entry.project.activities.filter(status="held").aggregate(
        sessions=Count("id"), participants=Sum("participants"), place=Max("place")
    )


def excellent(year: int | None):
    """The year's library projects (selected that year), newest first."""
    queryset = LibraryEntry.objects.order_by("-selected_at", "-id")
    if year is not None:
        queryset = queryset.filter(year=year)
    return entry_rows(queryset.select_related("item")).only(
        *ENTRY_ROW_FIELDS, "item__id", "item__name"
    )


def entry_years() -> list[int]:
    """The years library projects were selected in, newest first."""
    return list(LibraryEntry.objects.order_by("-year").values_list("year", flat=True).distinct())


# --- nominations -----------------------------------------------------------------------------------
def nomination_list(*, user, status: str = ""):
    """The nominations the user sees (a street's own, all for the district), newest first."""
    queryset = Nomination.objects.visible_to(user).select_related(
        "project__community__street", "item", "nominated_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.only(
        "id",
        "status",
        "nominated_at",
        "reason",
        "project__id",
        "project__title",
        "project__community__id",
        "project__community__name",
        "project__community__street__id",
        "project__community__street__name",
        "item__id",
        "item__name",
        "nominated_by__id",
        "nominated_by__display_name",
        "nominated_by__username",
    ).order_by("-nominated_at", "-id")


def nomination_get(*, user, pk: int) -> Nomination:
    queryset = Nomination.objects.select_related(
        "project__community__street",
        "project__compound",
        "item__activity_class",
        "nominated_by",
        "decided_by",
        "entry",
    )
    return get_visible_or_404(queryset, user, pk=pk)


def pending_count(user) -> int:
    """How many nominations wait for the district's decision (what the user sees of them)."""
    return Nomination.objects.visible_to(user).filter(status=Nomination.Status.PENDING).count()


def nominable_projects(user):
    """Completed projects of the streets where the user recommends, not in the library and not
    waiting in a nomination."""
    streets = user.scope.street_ids(STREET_RECOMMENDERS)
    pending = Nomination.objects.filter(status=Nomination.Status.PENDING).values("project_id")
    return (
        Project.objects.visible_to(user)
        .filter(
            status=Status.RETROSPECTED,
            community__street_id__in=streets,
            library_entry__isnull=True,
        )
        .exclude(pk__in=pending)
        .select_related("community")
        .only("id", "title", "community__id", "community__name")
        .order_by("-retrospected_at", "-id")
    )


def nominate_action(user, project) -> list[tuple[str, str]]:
    """推荐入库 on a completed project's page, for the street's 组长 and members while it is neither
    in the library nor waiting in a nomination (one query, and only for them)."""
    if project.status != Status.RETROSPECTED or not user.has_perm(
        "library.nominate_project", project
    ):
        return []
    if not nominable_projects(user).filter(pk=project.pk).exists():
        return []
    url = reverse("library:nomination_create") + f"?project={project.pk}"
    return [("推荐入库", url)]


# --- the project page's note (projects.selectors.PROJECT_PAGE_NOTES) ---------------------------
ORIGIN_PATH = ("library_origin__item", "library_origin__entry__project__community")
ENTRY_PATH = ("library_entry__item",)


def origin_note(project) -> list[tuple[str, str]]:
    """“来自百社百景库:…” on the page of a project started from the library (no query: project_get
    joins the origin). A draft borrowed from a library project also asks to rewrite what it
    took from the other community."""
    try:
        origin = project.library_origin
    except ProjectOrigin.DoesNotExist:
        return []
    if origin.entry_id and origin.entry is not None:
        source = origin.entry.project
        if project.status == Status.DRAFT:
            text = (
                f"本草稿借鉴自{source.community.name}的入库项目“{source.title}”"
                f"({origin.item.name}),请核对并改写为本社区的实际情况"
            )
        else:
            text = f"来自百社百景库:借鉴入库项目“{source.title}”({origin.item.name})"
        return [(text, origin.entry.get_absolute_url())]
    return [(f"来自百社百景库:按活动项目“{origin.item.name}”开展", origin.item.get_absolute_url())]


def entry_note(project) -> list[tuple[str, str]]:
    """“已入选百社百景库(…)” on the page of a library project (no query: project_get joins the
    entry and its item). A pending nomination is not shown here: the nomination points to the
    project, not back, so it would cost the page a query."""
    try:
        entry = project.library_entry
    except LibraryEntry.DoesNotExist:
        return []
    return [(f"已入选百社百景库({entry.item.name})", entry.get_absolute_url())]
