"""Who may do what with sign-ups: role × object only (the object is a session or a sign-up,
whose community is its project's)."""

import rules

from accounts.rules import is_community_staff, is_community_staff_of, is_district_staff


@rules.predicate
def is_staff_of_session_community(user, obj):
    """Community staff of the session's (or the sign-up's) project's community."""
    if obj is None:
        return is_community_staff(user)
    activity = getattr(obj, "activity", obj)
    return is_community_staff_of(user, activity.project)


# Anybody holding the cancel code may cancel: the code is the proof, checked by the service.
rules.add_perm("signups.cancel_signup", rules.always_allow)
# Moving up from the waiting list happens when a place frees; nobody presses it.
rules.add_perm("signups.promote_signup", rules.always_allow)
# The secretary or worker running the session marks attendance and exports the list.
rules.add_perm("signups.mark_attendance", is_staff_of_session_community)
rules.add_perm("signups.export_signups", is_staff_of_session_community)
# They call a resident about a change to the session: one sign-up's full number, audited.
rules.add_perm("signups.reveal_phone", is_staff_of_session_community)
# Reading the lists: community staff of the session's community; district staff read all.
rules.add_perm("signups.view_signups", is_staff_of_session_community | is_district_staff)
