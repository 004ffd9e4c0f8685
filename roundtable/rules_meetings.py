"""Permissions of the round table's meetings: the list and the meeting page, rescheduling, closing
with minutes, attendance, and the community's round-table settings.

The community's own staff run their meeting (move it, record who came, close it) and keep its
settings; the street's leading group and district staff read meetings and settings of the
communities in their scope. Whether the meeting's status allows the action is the workflow
table's question (roundtable/meetings.py MEETING_WORKFLOW); which meetings exist for the user is
visible_to()'s.
"""

import rules

from accounts.models import Community
from accounts.rules import is_community_staff, is_district_staff, is_street_staff


def community_id_of(obj) -> int | None:
    """The community a meeting (or a community, or its settings) belongs to, read from ids only,
    so asking for every row of a list costs no query."""
    if obj is None:
        return None
    if isinstance(obj, Community):
        return obj.pk
    return getattr(obj, "community_id", None)


def street_id_of(obj) -> int | None:
    if isinstance(obj, Community):
        return obj.street_id
    community = getattr(obj, "community", None)
    return getattr(community, "street_id", None)


@rules.predicate
def is_staff_of_its_community(user, obj):
    """Secretary or worker of the meeting's community. Asked without an object (a menu, a
    button): of some community."""
    ids = user.scope.community_ids() if user.is_authenticated else frozenset()
    if obj is None:
        return bool(ids)
    return community_id_of(obj) in ids


@rules.predicate
def is_street_group_of_its_community(user, obj):
    """A member of the leading group of the street that holds the meeting's community."""
    if not user.is_authenticated:
        return False
    if obj is None:
        return bool(user.scope.street_ids())
    return street_id_of(obj) in user.scope.street_ids()


# The list of meetings and a meeting's page: whoever works with the communities' records.
rules.add_perm("roundtable.view_meetings", is_community_staff | is_street_staff | is_district_staff)
# Running the meeting: the community's own staff.
rules.add_perm("roundtable.reschedule_meeting", is_staff_of_its_community)
rules.add_perm("roundtable.close_meeting", is_staff_of_its_community)
rules.add_perm("roundtable.record_attendance", is_staff_of_its_community)
# The community's round-table settings (holiday shift, review first, time and place): its staff
# change them; the street's leading group and district staff read them.
rules.add_perm(
    "roundtable.view_settings",
    is_staff_of_its_community | is_street_group_of_its_community | is_district_staff,
)
rules.add_perm("roundtable.change_settings", is_staff_of_its_community)
