"""Who holds a role over a place, and the places a person may act in."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Community, Delegation, Street, User, WorkingGroup
from .roles import STREET_DECIDERS, STREET_DEPUTIES, STREET_EXPERTS, STREET_GROUP


def people_holding(roles, *, community=None, street=None) -> QuerySet:
    """Active people holding one of `roles` over the place: the community itself, or the street.

    Give a community and street roles answer for the street that holds it; give a street and
    community roles answer for every community in it. Publications, training and judging call
    this as the project notifications do.
    """
    if (community is None) == (street is None):
        raise ValueError("people_holding needs exactly one of community= or street=")
    roles = [str(r) for r in roles]
    if community is not None:
        place = Q(role_assignments__community_id=community.pk) | Q(
            role_assignments__street_id=community.street_id
        )
    else:
        place = Q(role_assignments__street_id=street.pk) | Q(
            role_assignments__community__street_id=street.pk
        )
    holders = User.objects.filter(place, role_assignments__role__in=roles)
    # One row per person, whatever number of their assignments matched.
    return User.objects.filter(is_active=True, pk__in=holders.values("pk")).order_by("pk")


def communities_where(user, permission: str) -> list[Community]:
    """The communities this user may act in with `permission` (for example, to create a record),
    in name order: one query, then the rule on each community. Candidates are the communities
    the user works in and those of the streets whose leading group they sit in (the street's
    研判 and field visits are recorded against one of its communities)."""
    scope = user.scope
    candidates = Community.objects.filter(
        Q(pk__in=scope.community_ids()) | Q(street_id__in=scope.street_ids())
    ).select_related("street")
    return [c for c in candidates.order_by("name", "pk") if user.has_perm(permission, c)]


def street_deciders(street, day=None) -> QuerySet:
    """Who decides for the street on `day` (today if not given): its 组长s and the member an
    active delegation names. Notifications of proposals to decide go to them."""
    day = day or timezone.localdate()
    leaders = people_holding(STREET_DECIDERS, street=street)
    deputies = people_holding(STREET_DEPUTIES, street=street)
    delegates = Delegation.objects.active_on(day).filter(street=street).values("delegate_id")
    return User.objects.filter(
        Q(pk__in=leaders.values("pk")) | Q(pk__in=deputies.filter(pk__in=delegates).values("pk"))
    ).order_by("pk")


@dataclass
class LeadingGroup:
    """Everything the leading group page of one street shows."""

    street: Street
    leaders: list
    members: list
    experts: list
    working_groups: list
    current: Delegation | None  # in force today
    upcoming: list  # not revoked, starting later
    past: list  # ended or revoked


def leading_group_get(street: Street, *, day=None) -> LeadingGroup:
    """The street's 组长s, members, expert panel, working groups and delegations. The caller has
    fetched `street` through Street.objects.visible_to(user)."""
    day = day or timezone.localdate()
    people = {
        group.key: list(people_holding(group, street=street).order_by("display_name", "pk"))
        for group in (STREET_DECIDERS, STREET_DEPUTIES, STREET_EXPERTS)
    }
    groups = WorkingGroup.objects.filter(street=street).prefetch_related(
        Prefetch("members", queryset=User.objects.order_by("display_name", "pk"))
    )
    delegations = list(
        Delegation.objects.filter(street=street).select_related(
            "delegate", "created_by", "revoked_by"
        )[:50]
    )
    current = next((d for d in delegations if d.in_force_on(day)), None)
    upcoming = [d for d in delegations if d.revoked_at is None and d.starts_on > day]
    past = [d for d in delegations if d is not current and d not in upcoming]
    return LeadingGroup(
        street=street,
        leaders=people[STREET_DECIDERS.key],
        members=people[STREET_DEPUTIES.key],
        experts=people[STREET_EXPERTS.key],
        working_groups=list(groups),
        current=current,
        upcoming=sorted(upcoming, key=lambda d: d.starts_on),
        past=past,
    )


def leading_group_list(user) -> QuerySet:
    """The streets whose leading group this user may open, with their district."""
    return Street.objects.visible_to(user).select_related("district").order_by("name", "pk")


def street_group_candidates(street: Street) -> QuerySet:
    """Who may sit in one of the street's working groups: its leading group, experts included."""
    return people_holding(STREET_GROUP, street=street).order_by("display_name", "pk")
