"""Who may do what with the needs list: role × object only. Whether the need's status allows it
is the workflow table's question (needs/workflow.py); which needs exist for a person,
visible_to()'s. Street and district staff read every need of their scope and change none."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

# Creating is a rule on the community the record goes into.
rules.add_perm("needs.add_need", is_community_staff_of)
# Who works with needs at all (the navigation, the list, its charts and export); which ones,
# visible_to() decides.
rules.add_perm("needs.view_need", is_community_staff | is_street_staff | is_district_staff)
rules.add_perm("needs.export_need", is_community_staff | is_street_staff | is_district_staff)
# The need's own community keeps it: edit, add a mention, move its status, merge, delete.
rules.add_perm("needs.change_need", is_community_staff_of)
rules.add_perm("needs.set_need_status", is_community_staff_of)
rules.add_perm("needs.adopt_need", is_community_staff_of)
rules.add_perm("needs.merge_need", is_community_staff_of)
rules.add_perm("needs.delete_need", is_community_staff_of)
# The district keeps the category list; everybody who works with needs reads it.
rules.add_perm("needs.manage_categories", is_district_staff)
rules.add_perm("needs.view_categories", is_community_staff | is_street_staff | is_district_staff)
