"""Who may do what in the street's work: role × object only. Which records exist for a user is
visible_to()'s question (streetwork/models.py)."""

import rules

from accounts.rules import (
    is_community_staff,
    is_district_staff,
    is_street_reviewer_of,
    is_street_staff,
)


@rules.predicate
def is_street_group_of(user, obj):
    """A member of the leading group (experts included) of the street that holds the object's
    community. Asked without an object (a button, a menu): of some street."""
    if obj is None:
        return bool(user.scope.street_ids())
    return is_street_reviewer_of(user, obj)


# The street's leading group records, corrects and deletes its 研判 and field visits in its own
# street's communities (asked of the community when creating, of the record after).
rules.add_perm("streetwork.add_assessment", is_street_group_of)
rules.add_perm("streetwork.change_assessment", is_street_group_of)
rules.add_perm("streetwork.delete_assessment", is_street_group_of)
rules.add_perm("streetwork.add_fieldvisit", is_street_group_of)
rules.add_perm("streetwork.change_fieldvisit", is_street_group_of)
rules.add_perm("streetwork.delete_fieldvisit", is_street_group_of)
# Who reads them at all (the lists); which ones, visible_to() decides: the community's staff
# their own community's, the street's group its street's, district staff all.
READERS = is_street_staff | is_district_staff | is_community_staff
rules.add_perm("streetwork.view_assessment", READERS)
rules.add_perm("streetwork.view_fieldvisit", READERS)
# The menu entries and the 研判 summary across communities: the street's group and district staff.
rules.add_perm("streetwork.follow_streetwork", is_street_staff | is_district_staff)
