"""Who holds a role over a place, and the places a person may act in."""

from django.db.models import Q, QuerySet

from .models import Community, User


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
    in name order: one query, then the rule on each community."""
    candidates = Community.objects.filter(pk__in=user.scope.community_ids()).select_related(
        "street"
    )
    return [c for c in candidates.order_by("name", "pk") if user.has_perm(permission, c)]
