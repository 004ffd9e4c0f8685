"""Who may do what to scenes and micro-projects: role × object only. Which records exist for a
user is visible_to()'s question; whether a micro-project's status allows an action is the
workflow table's (scenes/workflow.py)."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)


@rules.predicate
def is_anyone(user, obj=None):
    """A resident's own act on a public page (claiming a plot, recording its care, giving it up).
    Who acts is proven by the service, not by a role: a verified SMS code or the partner's login."""
    return True


# The community's staff publish scenes and micro-projects and look after them.
rules.add_perm("scenes.add_scene", is_community_staff_of)
rules.add_perm("scenes.change_scene", is_community_staff_of)
rules.add_perm("scenes.add_microproject", is_community_staff_of)
rules.add_perm("scenes.change_microproject", is_community_staff_of)
# Claiming, caring and giving up one's own claim happen on the public pages.
rules.add_perm("scenes.claim_microproject", is_anyone)
rules.add_perm("scenes.care_microproject", is_anyone)
rules.add_perm("scenes.give_up_microproject", is_anyone)
# Who reads them at all (the lists, compound pages); which ones, visible_to() decides.
READERS = is_community_staff | is_street_staff | is_district_staff
rules.add_perm("scenes.view_scene", READERS)
