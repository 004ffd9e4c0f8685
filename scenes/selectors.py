"""Reads for the scene and micro-project pages, always starting from visible_to(user) (staff) or
from what residents may see (public pages). Each page's query count stays the same whatever the
number of rows: lists paginate, compound pages show a bounded number of rows."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import Compound, Street
from core.audit import audit
from core.models import AuditEvent
from projects.models import Project

from .models import CareRecord, Claim, MicroProject, Scene, ScenePhoto

# How many rows a compound page shows of each list (the rest through the lists' filters).
COMPOUND_ROWS = 24
# The residents' compound finder: one street's compounds (a street has tens of them), or the
# compounds whose name matches a search.
STREET_ROWS = 200
SEARCH_ROWS = 30


def public_photos() -> Prefetch:
    return Prefetch(
        "photos",
        queryset=ScenePhoto.objects.filter(public=True).select_related("upload"),
        to_attr="public_photos",
    )


def scene_list(*, user, kind: str = "", compound=None) -> QuerySet:
    scenes = Scene.objects.visible_to(user).select_related(
        "community__street", "compound", "public_space"
    )
    if kind:
        scenes = scenes.filter(kind=kind)
    if compound is not None:
        scenes = scenes.filter(compound=compound)
    return scenes.order_by("community__name", "compound__name", "name", "id")


def scene_counts(*, user) -> dict:
    """Scenes and micro-projects in the user's scope: totals, by kind and by street, counted in
    the database (three queries, whatever the numbers)."""
    scenes = Scene.objects.visible_to(user)
    by_kind = list(scenes.values("kind").annotate(n=Count("id")).order_by("kind"))
    by_street = list(
        scenes.values("community__street__name").annotate(n=Count("id")).order_by("-n")
    )
    today = timezone.localdate()
    micro_by_kind = list(
        MicroProject.objects.visible_to(user)
        .values("kind")
        .annotate(
            n=Count("id"),
            neglected=Count(
                "id", filter=Q(status=MicroProject.Status.CLAIMED, care_due_on__lt=today)
            ),
        )
        .order_by("kind")
    )
    return {
        "scenes": sum(row["n"] for row in by_kind),
        "by_kind": by_kind,
        "by_street": by_street,
        "micros": sum(row["n"] for row in micro_by_kind),
        "micro_by_kind": micro_by_kind,
        "neglected": sum(row["neglected"] for row in micro_by_kind),
    }


def scene_figures(*, user) -> dict:
    """The district's figures: scenes, micro-projects and the neglected among them, in scope
    (two queries, whatever the numbers)."""
    micros = MicroProject.objects.visible_to(user).aggregate(
        micros=Count("id"),
        neglected=Count(
            "id",
            filter=Q(status=MicroProject.Status.CLAIMED, care_due_on__lt=timezone.localdate()),
        ),
    )
    return {"scenes": Scene.objects.visible_to(user).count(), **micros}


def scene_get(*, user, pk: int) -> Scene:
    from core.scope import get_visible_or_404

    return get_visible_or_404(
        Scene.objects.select_related("community__street", "compound", "public_space"),
        user,
        pk=pk,
    )


def micro_list(*, user, status: str = "", kind: str = "", neglected: bool = False) -> QuerySet:
    micros = (
        MicroProject.objects.visible_to(user)
        .with_neglect()
        .select_related("community", "compound")
        .prefetch_related(
            Prefetch(
                "claims", queryset=Claim.objects.live().select_related("partner"), to_attr="live"
            )
        )
    )
    if status:
        micros = micros.filter(status=status)
    if kind:
        micros = micros.filter(kind=kind)
    if neglected:
        micros = micros.neglected()
    return micros.order_by("-is_neglected", "community__name", "compound__name", "title", "id")


def micro_get(*, user, pk: int) -> MicroProject:
    from core.scope import get_visible_or_404

    return get_visible_or_404(
        MicroProject.objects.with_neglect().select_related("community__street", "compound"),
        user,
        pk=pk,
    )


def micro_claims(micro: MicroProject) -> list[Claim]:
    """The micro-project's claims, newest first, each with its latest care records."""
    return list(
        micro.claims.select_related("partner").prefetch_related(
            Prefetch("care_records", queryset=CareRecord.objects.select_related("photo"))
        )[:20]
    )


# --- compounds ----------------------------------------------------------------------------------
class CompoundQuerySet(QuerySet):
    def visible_to(self, user):
        return user.scope.within(self)


def compound_get(*, user, pk: int) -> Compound:
    """A compound of the user's scope (404, audited, otherwise)."""
    compounds = CompoundQuerySet(model=Compound).select_related("community__street")
    compound = compounds.visible_to(user).filter(pk=pk).first()
    if compound is None:
        if Compound.objects.filter(pk=pk).exists():
            audit(
                actor=user,
                action="access.denied",
                result=AuditEvent.Result.DENIED,
                detail={"model": "accounts.compound", "lookup": {"pk": str(pk)}, "status": 404},
            )
        raise Http404
    return compound


def compound_page(*, compound: Compound, user=None) -> dict:
    """What a compound's page shows: its size, scenes, micro-projects and projects (staff), or
    the scenes with public photos and open plots (residents, user=None)."""
    counts = Compound.objects.filter(pk=compound.pk).aggregate(
        n_buildings=Count("buildings", distinct=True),
        n_households=Count("buildings__households", distinct=True),
    )
    scenes = (
        Scene.objects.alive()
        .filter(compound=compound)
        .select_related("public_space")
        .prefetch_related(public_photos())
        .order_by("kind", "name", "id")
    )
    micros = MicroProject.objects.alive().filter(compound=compound)
    if user is None:
        micros = micros.filter(status=MicroProject.Status.OPEN).order_by("kind", "title", "id")
        return {
            "counts": counts,
            "scenes": list(scenes[:COMPOUND_ROWS]),
            "micros": list(micros[:COMPOUND_ROWS]),
        }
    micros = micros.with_neglect().order_by("-is_neglected", "status", "title", "id")
    projects = (
        Project.objects.visible_to(user)
        .filter(Q(compound=compound))
        .order_by("-status_changed_at", "-id")
        .only("id", "title", "status", "community_id")
    )
    return {
        "counts": counts,
        "scenes": list(scenes[:COMPOUND_ROWS]),
        "micros": list(micros[:COMPOUND_ROWS]),
        "projects": list(projects[:COMPOUND_ROWS]),
    }


# --- residents ----------------------------------------------------------------------------------
def public_compound(pk: int) -> Compound:
    compound = Compound.objects.select_related("community__street").filter(pk=pk).first()
    if compound is None:
        raise Http404
    return compound


def _counted(model, **filters):
    """A compound's number of live `model` rows, as a subquery (no join multiplying the rows)."""
    rows = (
        model.objects.alive()
        .filter(compound=OuterRef("pk"), **filters)
        .order_by()
        .values("compound")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def compound_directory(*, street_id: int | None = None, q: str = "") -> dict:
    """The residents' finder: every street with its number of compounds, and the compounds of
    one street (or those whose name or community matches `q`), each with its scenes and open
    micro-projects counted. Two queries, whatever the numbers."""
    streets = list(
        Street.objects.annotate(n_compounds=Count("communities__compounds")).order_by("name", "id")
    )
    street = next((s for s in streets if s.pk == street_id), None)
    limit = SEARCH_ROWS if q else STREET_ROWS
    compounds = []
    if street is not None or q:
        rows = Compound.objects.select_related("community__street").annotate(
            n_scenes=_counted(Scene),
            n_open=_counted(MicroProject, status=MicroProject.Status.OPEN),
        )
        if street is not None:
            rows = rows.filter(community__street=street)
        if q:
            rows = rows.filter(Q(name__icontains=q) | Q(community__name__icontains=q))
        order = ("community__street__name", "community__name", "name", "id")
        compounds = list(rows.order_by(*order)[: limit + 1])
    return {
        "streets": streets,
        "street": street,
        "compounds": compounds[:limit],
        "more": len(compounds) > limit,
    }


def public_micro(pk: int) -> MicroProject:
    micro = (
        MicroProject.objects.alive().select_related("community", "compound").filter(pk=pk).first()
    )
    if micro is None:
        raise Http404
    return micro


def claims_of(*, phone_hash: str = "", user=None) -> list[Claim]:
    """The live claims a resident (by the verified phone) or a logged-in partner holds."""
    who = Q(pk__in=[])
    if phone_hash:
        who |= Q(phone_hash=phone_hash, partner__isnull=True)
    if user is not None and user.is_authenticated:
        who |= Q(partner__user_id=user.pk, partner__deleted_at__isnull=True)
    return list(
        Claim.objects.live()
        .filter(who, micro_project__deleted_at__isnull=True)
        .select_related("micro_project__compound", "partner")
        .prefetch_related(
            Prefetch("care_records", queryset=CareRecord.objects.order_by("-date", "-id"))
        )
        .order_by("-claimed_at")[:20]
    )
