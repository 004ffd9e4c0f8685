"""Permissions of the round table's topics area: what staff may do with topics and threads.

Residents and the partner organisations (物业, 业委会) need no rule: whether they may raise a
topic, support one or post is their place in the community's round table
(`access.poster_for`), asked by the services. Staff take part through these rules: they read a
topic's page in their scope, and the community's own staff raise topics and post as the
community or on behalf of a resident without a phone. Which topics exist for a user is
`Topic.objects.visible_to(user)`; whether the meeting still takes topics and posts is the
services' question (roundtable/topics.py).
"""

import rules

from accounts.rules import is_community_staff_of, is_district_staff, is_street_reviewer_of

# The staff topic page and its live thread: the community's staff, its street's leading group
# and district staff (all of whom see the topic through visible_to).
rules.add_perm(
    "roundtable.view_topic", is_community_staff_of | is_street_reviewer_of | is_district_staff
)
# Raising a topic at the meeting as the community, or for a resident without a phone.
rules.add_perm("roundtable.add_topic", is_community_staff_of)
# Posting in a topic's thread as the community, or for a resident without a phone.
rules.add_perm("roundtable.add_post", is_community_staff_of)
