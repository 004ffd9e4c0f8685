"""Permissions of the round table's participants area: who reads the participants, who verifies
them against the household tree, who sees a full phone number, and what a resident may do to
their own participation.

Which participants exist for a staff member is `Participant.objects.visible_to(user)`'s answer;
whether the participant's status allows an action is the workflow table's
(roundtable/participants.py); these rules answer only "may this role do it to this object".
"""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)


@rules.predicate
def is_own_participation(user, participant):
    """The participation is the user's own (asked without an object: no)."""
    return (
        participant is not None
        and user.is_authenticated
        and getattr(participant, "user_id", None) == user.pk
    )


# The list and a participant's page: community staff (their community), the street's leading
# group (read-only, their communities) and district staff (read-only, all).
rules.add_perm(
    "roundtable.view_participants", is_community_staff | is_street_staff | is_district_staff
)
# Verifying against the household tree, or marking "not verified": the community's own staff.
rules.add_perm("roundtable.verify_participant", is_community_staff_of)
# The full phone number, to call the person about the verification: the community's own staff.
rules.add_perm("roundtable.reveal_participant_phone", is_community_staff_of)
# A resident's own participation: reminders on or off, withdrawing consent and leaving.
rules.add_perm("roundtable.change_own_participation", is_own_participation)
