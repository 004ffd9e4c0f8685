"""Permissions of the round table's moderation area (roundtable/moderation.py).

Who publishes or hides a held or published topic or post: community staff of its community and
district staff (district-wide). The street's leading group reads the queue of its communities but
does not act. The district's sensitive words are kept by district staff only.

Whether the item's moderation status allows the action is the workflow tables' question
(moderation.TOPIC_MODERATION, moderation.POST_MODERATION); which items exist for the user is
visible_to()'s.
"""

import rules

from accounts.rules import is_community_staff, is_district_staff, is_street_staff


def community_id_of(item) -> int | None:
    """The community a topic or post belongs to, by id: no community row is fetched (a post
    reads its topic, which the queue and the thread select with it)."""
    if item is None:
        return None
    topic = getattr(item, "topic", None)
    if topic is not None:
        return topic.community_id
    return getattr(item, "community_id", None)


@rules.predicate
def is_community_staff_of_item(user, item):
    """Secretary or worker of the item's community. Asked without an item (a menu, a button):
    of some community."""
    if item is None:
        return bool(user.scope.community_ids())
    return community_id_of(item) in user.scope.community_ids()


# The queue (roundtable:moderation): everyone who may be asked about a held item.
rules.add_perm(
    "roundtable.view_moderation", is_community_staff | is_street_staff | is_district_staff
)
# Publish a held topic or post, hide a held or published one (other areas render their buttons
# by this name).
rules.add_perm("roundtable.moderate_post", is_community_staff_of_item | is_district_staff)
# The district's list of sensitive words (roundtable:words).
rules.add_perm("roundtable.manage_words", is_district_staff)
