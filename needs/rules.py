import rules

from accounts.rules import is_community_staff, is_community_staff_of

rules.add_perm("needs.add_need", is_community_staff)
rules.add_perm("needs.change_need", is_community_staff_of)
rules.add_perm("needs.delete_need", is_community_staff_of)
