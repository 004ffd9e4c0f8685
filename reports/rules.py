"""Who may do what to half-year reports and yearly assessments: role × object only. Which
records exist for a user is visible_to()'s question; whether a report's status allows an action
is the workflow table's (reports/workflow.py).

The street's 组长 and members draft and edit their street's report (members help write it), only
the 组长 submits it; experts read it. District staff read every street's, return or accept it,
compare the streets and record the yearly assessment. Community staff and everybody else: none.
"""

import rules

from accounts.roles import STREET_RECOMMENDERS
from accounts.rules import (
    is_district_staff,
    is_street_leader_of,
    is_street_staff,
    street_id_of,
)


@rules.predicate
def is_street_drafter_of(user, obj):
    """组长 or member of the object's street (a street, or a street's report). Asked without an
    object (a button on the list): of some street."""
    ids = user.scope.street_ids(STREET_RECOMMENDERS)
    if obj is None:
        return bool(ids)
    street_id = street_id_of(obj)
    return street_id is not None and street_id in ids


# Who opens the pages at all; which reports and assessments, visible_to() decides.
rules.add_perm("reports.view_report", is_street_staff | is_district_staff)
rules.add_perm("reports.view_assessment", is_street_staff | is_district_staff)
# The street writes its report; only its 组长 sends it up.
rules.add_perm("reports.draft_report", is_street_drafter_of)
rules.add_perm("reports.submit_report", is_street_leader_of)
# The district reads the streets side by side, returns or accepts, downloads any.
rules.add_perm("reports.review_report", is_district_staff)
rules.add_perm("reports.compare_reports", is_district_staff)
# 年度考核: recorded, corrected and finalised by district staff.
rules.add_perm("reports.assess_street", is_district_staff)
