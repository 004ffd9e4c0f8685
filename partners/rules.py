import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

# Creating is a rule on the community the record goes into.
rules.add_perm("partners.add_partner", is_community_staff_of)
# Who works with partners at all (the navigation); which ones, visible_to() decides.
rules.add_perm("partners.view_partner", is_community_staff | is_street_staff | is_district_staff)

# Each area of partners/ declares its own permissions (imported here, as django-rules loads
# rules.py of each app).
from . import (  # noqa: E402, F401
    rules_recruit,
    rules_resource,
    rules_staff,
    rules_task,
    rules_unit,
)
