"""Permissions of recruitment (招募令), applications and the partner's own page. Role × object
only: whether a call or an application's status allows an action is partners/recruitment.py's
workflow tables; which calls and applications exist for a person, visible_to()'s.

The call's own community publishes it and decides its applications; street and district staff
read both. A partner sees their own page and may leave; residents apply and withdraw on public
pages without an account (the SMS code proves the phone)."""

import rules

from accounts.roles import PARTNERS
from accounts.rules import (
    holds,
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

is_partner = holds(PARTNERS)


@rules.predicate
def is_own_partner_record(user, partner):
    """The partner record is linked to this person's account."""
    return partner is not None and user.is_authenticated and partner.user_id == user.pk


# Calls: the lists and pages are read by the staff of the scope; the community writes them.
rules.add_perm("partners.view_call", is_community_staff | is_street_staff | is_district_staff)
rules.add_perm("partners.add_call", is_community_staff_of)
rules.add_perm("partners.change_call", is_community_staff_of)
# Applications: the queue is read by the same people; the call's community decides.
rules.add_perm(
    "partners.view_application", is_community_staff | is_street_staff | is_district_staff
)
rules.add_perm("partners.decide_application", is_community_staff_of)
# The partner's own page, and leaving (deactivates and anonymises their record).
rules.add_perm("partners.view_own_partner", is_partner)
rules.add_perm("partners.leave_partner", is_own_partner_record)
