"""The place a dashboard, a report or a 幸福账单 is about: the district, one street or one
community, resolved to the ids of its communities so that every figure filters one indexed
column (`community_id IN (…)`) whatever the place.

A person reaches only the places inside what they see (`Community.objects.visible_to`): district
staff every street and community, a street's leading group its street(s) and their communities,
community staff their own community. Figures of one place are the same whoever asks, so they are
cached per place (figures/cache.py), never per person.
"""

from dataclasses import dataclass

from django.http import Http404

from accounts.models import Community, District, Street
from accounts.roles import DISTRICT_BUSINESS

DISTRICT, STREET, COMMUNITY = "district", "street", "community"


@dataclass(frozen=True)
class Place:
    kind: str
    pk: int
    name: str
    community_ids: tuple[int, ...]
    street_id: int | None = None  # a community's street
    district_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def label(self) -> str:
        return {DISTRICT: "全区", STREET: "街道", COMMUNITY: "社区"}[self.kind]

    def query(self) -> str:
        """The query string that names this place on the dashboard's and reports' pages."""
        return "" if self.kind == DISTRICT else f"{self.kind}={self.pk}"


def _ids(queryset) -> tuple[int, ...]:
    return tuple(queryset.order_by("pk").values_list("pk", flat=True))


def district_place(district: District) -> Place:
    ids = _ids(Community.objects.filter(street__district=district))
    return Place(DISTRICT, district.pk, district.name, ids, district_id=district.pk)


def street_place(street: Street) -> Place:
    ids = _ids(Community.objects.filter(street=street))
    return Place(STREET, street.pk, street.name, ids, district_id=street.district_id)


def community_place(community: Community) -> Place:
    return Place(
        COMMUNITY,
        community.pk,
        community.name,
        (community.pk,),
        street_id=community.street_id,
        district_id=community.street.district_id,
    )


def _int(value) -> int | None:
    """A primary key from a query string: plain ASCII digits that fit the column, else None
    ("²" is a digit to str.isdigit; a twenty-digit number overflows PostgreSQL's integer)."""
    raw = str(value or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def place_for(user, params) -> Place:
    """The place `params` (a QueryDict: ?street= or ?community=) names, or the person's own:
    the district for district staff, their first street for a leading group, their first
    community for community staff. A place outside what the person sees is a 404."""
    communities = Community.objects.visible_to(user).select_related("street__district")
    if (pk := _int(params.get("community"))) is not None:
        community = communities.filter(pk=pk).first()
        if community is None:
            raise Http404("没有这个社区。")
        return community_place(community)
    scope = user.scope
    if scope.is_district_business:
        if (pk := _int(params.get("street"))) is not None:
            street = Street.objects.visible_to(user).filter(pk=pk).first()
            if street is None:
                raise Http404("没有这个街道。")
            return street_place(street)
        ids = frozenset().union(*(scope.districts.get(role, ()) for role in DISTRICT_BUSINESS))
        district = District.objects.filter(pk__in=ids).order_by("pk").first()
        if district is None:
            raise Http404("没有可查看的区。")
        return district_place(district)
    streets = Street.objects.visible_to(user).order_by("name", "pk")
    if (pk := _int(params.get("street"))) is not None:
        street = streets.filter(pk=pk).first()
        if street is None:
            raise Http404("没有这个街道。")
        return street_place(street)
    street = streets.first()
    if street is not None:
        return street_place(street)
    community = communities.order_by("name", "pk").first()
    if community is None:
        raise Http404("没有可查看的社区。")
    return community_place(community)
