"""Scope: which part of the tree a person works in. visible_to() and the rules both read it."""

from dataclasses import dataclass, field

from django.db.models import Q

from .roles import COMMUNITY_STAFF, DISTRICT_BUSINESS, ROLE_PRIORITY, STREET_GROUP, home_group


@dataclass(frozen=True)
class Scope:
    roles: frozenset = frozenset()
    # role -> ids of the communities / streets / districts it covers
    communities: dict = field(default_factory=dict)
    streets: dict = field(default_factory=dict)
    districts: dict = field(default_factory=dict)

    @classmethod
    def empty(cls) -> "Scope":
        return cls()

    @classmethod
    def from_assignments(cls, rows) -> "Scope":
        roles, communities, streets, districts = set(), {}, {}, {}
        for role, district_id, street_id, community_id in rows:
            roles.add(role)
            if community_id:
                communities.setdefault(role, set()).add(community_id)
            if street_id:
                streets.setdefault(role, set()).add(street_id)
            if district_id:
                districts.setdefault(role, set()).add(district_id)
        freeze = lambda d: {k: frozenset(v) for k, v in d.items()}  # noqa: E731
        return cls(frozenset(roles), freeze(communities), freeze(streets), freeze(districts))

    @property
    def primary_role(self) -> str:
        return next((r.value for r in ROLE_PRIORITY if r in self.roles), "")

    @property
    def home_group(self):
        """The role group whose home page this person lands on (None without a role)."""
        return home_group(self.roles)

    def has(self, *roles) -> bool:
        return bool(self.roles.intersection(roles))

    def community_ids(self, roles=COMMUNITY_STAFF) -> frozenset:
        return frozenset().union(*(self.communities.get(r, ()) for r in roles))

    def street_ids(self, roles=STREET_GROUP) -> frozenset:
        return frozenset().union(*(self.streets.get(r, ()) for r in roles))

    @property
    def is_district_business(self) -> bool:
        """District staff see every business record in the district; the auditor does not."""
        return any(self.districts.get(r) for r in DISTRICT_BUSINESS)

    def within(self, queryset, path: str = "community"):
        """Records of the communities this scope covers, reached through `path`. District staff
        see the whole district: no filter at all, so the database can use the list's own index."""
        return queryset if self.is_district_business else queryset.filter(self.community_q(path))

    def community_q(self, path: str = "community") -> Q:
        """Filter for records that belong to a community, reached through `path`."""
        if self.is_district_business:
            # Not Q(): an empty Q vanishes when OR-ed with another condition.
            return Q(pk__isnull=False)
        q = Q(pk__in=[])
        if ids := self.community_ids():
            q |= Q(**{f"{path}_id__in": ids})
        if ids := self.street_ids():
            q |= Q(**{f"{path}__street_id__in": ids})
        return q
