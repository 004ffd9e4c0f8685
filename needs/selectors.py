"""Reads for the needs pages. Every one starts from Need.objects.visible_to(user) (or from a need
fetched through it) and costs a fixed number of queries whatever the number of needs: the list's
figures (total, categories, statuses, the per-community breakdown) come from one grouped query,
its rows from one page query."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum

from accounts.models import Community, Compound
from core.privacy import mask_personal

from . import hooks
from .models import Category, Need, NeedEvent, NeedMention, NeedSource, NeedStatus

# Filter name → lookup (source, period and the text search are built below).
LOOKUPS = {
    "category": "category_id",
    "compound": "compound_id",
    "status": "status",
    "community": "community_id",
}
FILTERS = (*LOOKUPS, "source", "since", "until", "q")
# The rows a need's page lists of each kind: a need raised hundreds of times separately shows
# the latest ones, its totals still exact.
MENTION_ROWS = 300
RECEIPT_ROWS = 10
HISTORY_ROWS = 50


def narrow(needs, **filters):
    """Needs matching the list's filters; an empty one leaves the list as it is. Scope is the
    caller's: these only narrow a queryset that started from visible_to(user)."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown need filters: {sorted(unknown)}")
    conditions = Q()
    for name, lookup in LOOKUPS.items():
        if filters.get(name) not in (None, ""):
            conditions &= Q(**{lookup: filters[name]})
    if filters.get("since"):
        conditions &= Q(created_at__date__gte=filters["since"])
    if filters.get("until"):
        conditions &= Q(created_at__date__lte=filters["until"])
    if filters.get("q"):
        conditions &= Q(title__icontains=filters["q"])
    needs = needs.filter(conditions)
    if filters.get("source"):
        # Needs residents raised through that source at least once (any of its mentions).
        mentioned = NeedMention.objects.filter(need=OuterRef("pk"), source=filters["source"])
        needs = needs.filter(Exists(mentioned))
    return needs


def need_list(*, user, grouped: bool = False, **filters):
    """The list's rows: newest first, or by the district's category order when grouped."""
    needs = narrow(Need.objects.visible_to(user), **filters).select_related(
        "community", "compound", "category"
    )
    if grouped:
        return needs.order_by("category__order", "category_id", "-created_at", "-id")
    return needs


@dataclass
class Figures:
    """The filtered list in numbers, from one grouped query."""

    total: int = 0
    mentions: int = 0
    by_category: dict = field(default_factory=dict)  # code → needs
    by_status: dict = field(default_factory=dict)  # status → needs
    by_community: dict = field(
        default_factory=dict
    )  # community id → {"needs", "mentions", status…}


def figures(needs, categories) -> Figures:
    """Totals of a filtered list by category, by status and by community in one query: a row per
    community, its needs per status and per category counted as columns of that row (the
    district's `categories`, already read for the filter), so the rows are bounded by the
    communities, never by the number of needs."""
    statuses = NeedStatus.values
    columns = {f"s_{s}": Count("id", filter=Q(status=s)) for s in statuses}
    codes = [c.code for c in categories]
    columns |= {f"c_{i}": Count("id", filter=Q(category_id=code)) for i, code in enumerate(codes)}
    rows = (
        needs.order_by()
        .values("community_id")
        .annotate(n=Count("id"), m=Sum("mentions"), **columns)
    )
    result = Figures()
    for row in rows:
        result.total += row["n"]
        result.mentions += row["m"] or 0
        cell = {"needs": row["n"], "mentions": row["m"] or 0}
        for status in statuses:
            if row[f"s_{status}"]:
                cell[status] = row[f"s_{status}"]
                result.by_status[status] = result.by_status.get(status, 0) + cell[status]
        for i, code in enumerate(codes):
            if row[f"c_{i}"]:
                result.by_category[code] = result.by_category.get(code, 0) + row[f"c_{i}"]
        result.by_community[row["community_id"]] = cell
    return result


def needs_by_category(needs) -> dict[str, int]:
    """Needs per category code over a filtered list: one query, a row per category."""
    return dict(needs.order_by().values_list("category_id").annotate(n=Count("id")))


def mentions_by_source(needs) -> dict[str, int]:
    """Residents (人次) per source over a filtered list of needs: one query."""
    rows = (
        NeedMention.objects.filter(need__in=needs.order_by().values("pk"))
        .order_by()
        .values_list("source")
        .annotate(n=Sum("count"))
    )
    return dict(rows)


def breakdown(communities, counts: dict) -> list[dict]:
    """One row per community of the person's scope (zeros included), for street and district."""
    statuses = NeedStatus.values
    rows = []
    for community in communities:
        cell = counts.get(community.pk, {})
        rows.append(
            {
                "community": community,
                "needs": cell.get("needs", 0),
                "mentions": cell.get("mentions", 0),
                "statuses": [cell.get(s, 0) for s in statuses],
            }
        )
    return rows


def community_choices(user) -> list[Community]:
    """The communities a person sees needs of, by street (for the filter and the breakdown)."""
    return list(
        Community.objects.visible_to(user).select_related("street").order_by("street_id", "id")
    )


def compound_choices(community_ids) -> list[tuple[int, str]]:
    return list(
        Compound.objects.filter(community_id__in=community_ids)
        .order_by("community_id", "name")
        .values_list("id", "name")
    )


def categories() -> list[Category]:
    return list(Category.objects.all())


# --- a need's page -------------------------------------------------------------------------------
@dataclass
class SourceGroup:
    source: str
    label: str
    count: int
    rows: list


def need_get(*, user, pk: int) -> Need:
    """A need the person sees, with how many receipts are filed under it."""
    from core.scope import get_visible_or_404

    return get_visible_or_404(
        Need.objects.select_related("community", "compound", "created_by", "category").annotate(
            receipt_count=Count("receipts")
        ),
        user,
        pk=pk,
    )


def merged_target(*, user, pk: int) -> Need | None:
    """The need a merged one went into, if the person sees the merged one: its old address
    leads there."""
    old = (
        user.scope.within(Need.objects.filter(pk=pk, merged_into__isnull=False))
        .select_related("merged_into")
        .first()
    )
    if old is None:
        return None
    target = old.merged_into
    for _ in range(10):  # a need merged into one merged later: follow on
        if target.merged_into_id is None:
            break
        target = Need.objects.select_related("merged_into").get(pk=target.pk).merged_into
    return target


def sources(need: Need) -> list[SourceGroup]:
    """The need's sources, grouped by kind with their counts, each row linked to its record
    where the app that made it says how (needs.hooks.ORIGIN_LINKS)."""
    rows = list(
        NeedMention.objects.filter(need=need)
        .select_related("created_by")
        .order_by("-noted_on", "-id")[:MENTION_ROWS]
    )
    links = hooks.origin_links(r.origin for r in rows)
    groups: dict[str, SourceGroup] = {}
    for row in rows:
        row.link = links.get(row.origin)
        group = groups.get(row.source)
        if group is None:
            label = NeedSource(row.source).label
            group = groups[row.source] = SourceGroup(row.source, label, 0, [])
        group.count += row.count
        group.rows.append(row)
    return sorted(groups.values(), key=lambda g: NeedSource.values.index(g.source))


def receipts(need: Need) -> list:
    """The latest receipts filed under the need; a number a resident left in one issued before
    excerpts were masked is masked here (needs/privacy.py)."""
    rows = list(need.receipts.order_by("-created_at", "-id")[:RECEIPT_ROWS])
    for row in rows:
        row.excerpt = mask_personal(row.excerpt)
    return rows


def history(need: Need) -> list[NeedEvent]:
    return list(need.events.select_related("actor")[:HISTORY_ROWS])


def merge_candidates(need: Need, q: str, *, limit: int = 20) -> list[Need]:
    """Live needs of the same community to merge `need` into, searched by title."""
    found = Need.objects.alive().filter(community_id=need.community_id).exclude(pk=need.pk)
    if q:
        found = found.filter(title__icontains=q)
    return list(found.select_related("category", "compound")[:limit])


def merge_candidates_by_pk(need: Need, pk: int) -> Need | None:
    """The need picked to merge into, if it is a live need of the same community."""
    return (
        Need.objects.alive()
        .filter(community_id=need.community_id, pk=pk)
        .exclude(pk=need.pk)
        .select_related("category", "compound", "community")
        .annotate(receipt_count=Count("receipts"))
        .first()
    )


def categories_in_use() -> list[Category]:
    """The district's categories with how many needs (live ones) each holds: two queries."""
    counts = dict(
        Need.objects.alive().order_by().values_list("category_id").annotate(n=Count("id"))
    )
    rows = categories()
    for category in rows:
        category.need_count = counts.get(category.code, 0)
    return rows


# --- the residents' receipt page -----------------------------------------------------------------
@dataclass
class Progress:
    """What a resident reads for a receipt."""

    status: str  # received / studying / adopted / solved / declined
    label: str
    note: str = ""
    changed: date | None = None
    adoptions: list = field(default_factory=list)


def receipt_progress(receipt) -> Progress:
    """Follow the receipt to its need (and on through merges) and say where it stands."""
    need = receipt.need
    for _ in range(10):
        if need is None or need.merged_into_id is None:
            break
        need = Need.objects.filter(pk=need.merged_into_id).first()
    received = receipt.handled_at or receipt.created_at
    if need is None:
        if receipt.declined_reason:
            return Progress("declined", "暂不采纳", receipt.declined_reason, received)
        return Progress("received", "已收到", "", received)
    changed = max(need.status_changed_at, received)
    S = NeedStatus
    if need.deleted_at is not None:  # deleted without a merge: what the resident left stands
        return Progress("received", "已收到", "", received)
    if need.status == S.ADOPTED:
        found = hooks.adoptions([need.pk]).get(need.pk, [])
        return Progress("adopted", "已纳入项目", need.status_note, changed, found)
    if need.status == S.SOLVED:
        return Progress("solved", "已解决", need.status_note, changed)
    if need.status == S.DECLINED:
        return Progress("declined", "暂不采纳", need.status_note, changed)
    if need.status == S.STUDYING:
        return Progress("studying", "研究中", need.status_note, changed)
    return Progress("received", "已收到", "社区已记入需求清单。", changed)
