"""Who may do what in 双报到, 双包 (单位包小区, 党员包楼栋), the coverage view and 战时 call-outs:
role × object only. Which records exist for a user is visible_to()'s question; whether an
emergency's status allows an action is its workflow table's (partners/emergencies.py)."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

from .models import PartnerStatus
from .rules_task import acts_as

READERS = is_community_staff | is_street_staff | is_district_staff


@rules.predicate
def is_community_staff_of_adoption(user, adoption):
    """Secretary or worker of the community of the adopting unit or party member."""
    return adoption is not None and is_community_staff_of(user, adoption.partner)


@rules.predicate
def is_called_in(user, emergency):
    """The person holds a partner record this emergency called out (an Alert of theirs)."""
    if emergency is None or not user.is_authenticated:
        return False
    return emergency.alerts.filter(
        partner__user_id=user.pk, partner__deleted_at=None, partner__status=PartnerStatus.ACTIVE
    ).exists()


@rules.predicate
def owns_alert(user, alert):
    """The alert was sent to one of this person's own partner records, still on the register."""
    return alert is not None and acts_as(user, alert.partner)


# 双报到: the community's staff register units and serving party members (a rule on the
# community); street and district staff read the list.
rules.add_perm("partners.report_partner", is_community_staff_of)
rules.add_perm("partners.view_dual_report", READERS)
# 双包: the community's staff record and end adoptions of its compounds and buildings.
rules.add_perm("partners.adopt", is_community_staff_of)
rules.add_perm("partners.end_adoption", is_community_staff_of_adoption)
# The coverage view: each at their level (community, street, district).
rules.add_perm("partners.view_coverage", READERS)
# 战时: the community's staff open and close call-outs; the street and the district follow them.
rules.add_perm("partners.view_emergency", READERS)
rules.add_perm("partners.open_emergency", is_community_staff_of)
rules.add_perm("partners.close_emergency", is_community_staff_of)
# A called partner answers on the emergency (its workflow) through their own alert.
rules.add_perm("partners.answer_emergency", is_called_in)
rules.add_perm("partners.answer_alert", owns_alert)
