"""Where the programme is thin, for one place: communities (and streets) with no project in a
theme, partner categories with fewer than FIGURES_THIN_PARTNERS per 100 households in a
community, compounds and buildings nobody covers (双包), and the projects stuck longest in one
step. Plain data (cached with the rest of the dashboard); eight queries.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from accounts.models import Community, Household, Street
from core.templatetags.portal import days_since
from partners.models import Category, Partner
from partners.units import coverage_by_community, coverage_by_street
from projects.models import Project, Status, Theme

from .places import DISTRICT, Place

STUCK = 10


@dataclass
class ThemeGap:
    theme: str
    communities: list = field(default_factory=list)  # names of communities with none
    streets: list = field(default_factory=list)  # names of streets with none (district only)


def theme_gaps(place: Place) -> list[ThemeGap]:
    """Per theme, the communities (and, for the district, the streets) with no project in it."""
    communities = list(
        Community.objects.filter(pk__in=place.community_ids)
        .select_related("street")
        .order_by("street__name", "name", "pk")
        .values_list("pk", "name", "street__name")
    )
    present = set(
        Project.objects.alive()
        .filter(community_id__in=place.community_ids)
        .values_list("community_id", "theme")
        .distinct()
    )
    gaps = []
    for value, label in Theme.choices:
        gap = ThemeGap(str(label))
        streets_with: dict[str, bool] = {}
        for pk, name, street in communities:
            has = (pk, value) in present
            streets_with[street] = streets_with.get(street, False) or has
            if not has:
                gap.communities.append(f"{street} · {name}" if place.kind == DISTRICT else name)
        if place.kind == DISTRICT:
            gap.streets = sorted(name for name, has in streets_with.items() if not has)
        gaps.append(gap)
    return gaps


@dataclass
class ThinCategory:
    category: str
    communities: list = field(default_factory=list)  # (name, partners, households)


def thin_categories(place: Place) -> tuple[float, list[ThinCategory]]:
    """Per active partner category, the communities where it has fewer than the configured
    number of partners per 100 households (communities without households are left out)."""
    threshold = settings.FIGURES_THIN_PARTNERS
    households = dict(
        Household.objects.filter(building__compound__community_id__in=place.community_ids)
        .values("building__compound__community_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("building__compound__community_id", "n")
    )
    partners = {
        (row["community_id"], row["category__name"]): row["n"]
        for row in Partner.objects.alive()
        .filter(community_id__in=place.community_ids)
        .values("community_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by()
    }
    names = dict(
        Community.objects.filter(pk__in=place.community_ids)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    thin = []
    for category in Category.objects.filter(active=True).order_by("order", "pk"):
        row = ThinCategory(category.name)
        for pk, name in names.items():
            homes = households.get(pk, 0)
            count = partners.get((pk, category.name), 0)
            if homes and count * 100 < threshold * homes:
                row.communities.append((name, count, homes))
        thin.append(row)
    return threshold, thin


def uncovered(place: Place) -> dict:
    """Compounds and buildings nobody covers, per street (district) or community (otherwise)."""
    if place.kind == DISTRICT:
        rows, total = coverage_by_street(
            Street.objects.filter(communities__pk__in=place.community_ids).distinct()
        )
        link = reverse("partners:coverage")
    else:
        rows, total = coverage_by_community(Community.objects.filter(pk__in=place.community_ids))
        link = reverse("partners:coverage") + "?" + place.query()
    return {
        "url": link,
        "total": total.__dict__.copy(),
        "rows": [
            {"name": row.place.name, **row.counts.__dict__}
            for row in rows
            if not row.counts.complete
        ],
    }


def stuck(place: Place) -> list[dict]:
    """The projects (still open) that have waited longest in their present status."""
    projects = (
        Project.objects.alive()
        .filter(community_id__in=place.community_ids)
        .exclude(status=Status.RETROSPECTED)
        .select_related("community")
        .only("id", "title", "status", "status_changed_at", "community__name")
        .order_by("status_changed_at", "id")[:STUCK]
    )
    return [
        {
            "pk": p.pk,
            "title": p.title,
            "community": p.community.name,
            "status": p.get_status_display(),
            "days": days_since(p.status_changed_at),
        }
        for p in projects
    ]


def coverage(place: Place) -> dict:
    threshold, thin = thin_categories(place)
    return {
        "themes": theme_gaps(place),
        "threshold": threshold,
        "thin": thin,
        "uncovered": uncovered(place),
        "stuck": stuck(place),
    }
