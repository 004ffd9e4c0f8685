import rules

from accounts.rules import is_community_staff, is_community_staff_of

rules.add_perm("partners.add_partner", is_community_staff)
rules.add_perm("partners.change_partner", is_community_staff_of)
