"""Permissions of the round table's follow-up: resolutions (who does what by when), a topic set
aside or turned into a need, and the follow-up list.

The community's own staff write what their meeting decided and follow it until done; the street's
leading group and district staff read it (the list, the panel, the dashboards). Whether the topic
or the resolution is in a status that allows the action is the workflow tables' question
(roundtable/followup.py); which records exist for the user is visible_to()'s.
"""

import rules

from accounts.rules import is_community_staff, is_district_staff, is_street_staff


def community_id_of(obj) -> int | None:
    """The community a follow-up object belongs to, read from ids only (a resolution through its
    topic), so that asking for every row of a list costs no query for the community."""
    if obj is None:
        return None
    if (community_id := getattr(obj, "community_id", None)) is not None:
        return community_id
    topic = getattr(obj, "topic", None)
    return getattr(topic, "community_id", None)


@rules.predicate
def is_staff_of_its_community(user, obj):
    """Secretary or worker of the topic's (or the resolution's) community. Asked without an
    object (a menu): of some community."""
    ids = user.scope.community_ids() if user.is_authenticated else frozenset()
    if obj is None:
        return bool(ids)
    return community_id_of(obj) in ids


# The follow-up list and the dashboards' figures: whoever works with the communities' records.
rules.add_perm(
    "roundtable.view_resolutions", is_community_staff | is_street_staff | is_district_staff
)
# A meeting's decisions, and following them until done: the community's own staff.
rules.add_perm("roundtable.add_resolution", is_staff_of_its_community)
rules.add_perm("roundtable.edit_resolution", is_staff_of_its_community)
rules.add_perm("roundtable.finish_resolution", is_staff_of_its_community)
rules.add_perm("roundtable.set_aside_topic", is_staff_of_its_community)
# needs.add_need must pass as well (needs.services.need_create asks it).
rules.add_perm("roundtable.topic_to_need", is_staff_of_its_community)
