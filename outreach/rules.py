"""Who may do what with visits, meetings, boxes and suggestions: role × object only. Which records
exist for a user is visible_to()'s question."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

# A community's staff record visits and meetings, register boxes, type in paper slips and
# handle the suggestions of their own community (the rule is asked on the community or the
# record).
rules.add_perm("outreach.add_record", is_community_staff_of)
rules.add_perm("outreach.change_record", is_community_staff_of)
rules.add_perm("outreach.handle_suggestion", is_community_staff_of)
# The full number a resident left, to call them back: the community's staff only, audited.
rules.add_perm("outreach.reveal_suggestion_phone", is_community_staff_of)
# Who reads the lists at all (the menu, the inbox, the export with masked numbers); which
# records, visible_to() decides.
READERS = is_community_staff | is_street_staff | is_district_staff
rules.add_perm("outreach.view_outreach", READERS)
rules.add_perm("outreach.export_suggestions", READERS)
