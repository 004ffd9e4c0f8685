"""Who may do what in the 百社百景库: role × object only. Which nominations exist for a user is
visible_to()'s question; whether a nomination's status allows an action is the workflow table's
(library/workflow.py)."""

import rules

from accounts.roles import STREET_RECOMMENDERS
from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
    street_id_of,
)


@rules.predicate
def is_street_recommender_of(user, obj):
    """组长 or member of the leading group of the object's street (a project's, a nomination's
    project's). Asked without an object (a menu): of some street."""
    ids = user.scope.street_ids(STREET_RECOMMENDERS)
    if obj is None:
        return bool(ids)
    project = getattr(obj, "project", None)
    street_id = street_id_of(project if project is not None else obj)
    return street_id is not None and street_id in ids


# The tree, its items, library projects and the guidance: one library every community reads.
rules.add_perm("library.view_library", is_community_staff | is_street_staff | is_district_staff)
# District staff keep the guidance and the write-ups (the classes and items in the admin site).
rules.add_perm("library.manage_library", is_district_staff)
# A street's 组长 and members recommend their street's completed projects; district staff decide.
rules.add_perm("library.nominate_project", is_street_recommender_of)
rules.add_perm("library.decide_nomination", is_district_staff)
# The nominations pages: the street's group (their street's) and the district (all).
rules.add_perm("library.view_nominations", is_street_staff | is_district_staff)
# Starting a project from the library: a rule on the community the draft goes into.
rules.add_perm("library.start_project", is_community_staff_of)
