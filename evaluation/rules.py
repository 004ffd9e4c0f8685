"""Who may do what with residents' grades: role × object only (the object is a project, whose
community is the grade's). Which grades exist for a user is `Grade.objects.visible_to(user)`."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

# Residents grade on the public pages: the household code (or, unverified, the device) is the
# proof, checked by the service; nobody logs in.
rules.add_perm("evaluation.grade_project", rules.always_allow)
# A worker enters the grades collected on home visits (走访入户评) for their own community.
rules.add_perm("evaluation.grade_visit", is_community_staff_of)
# Reading the results and comments, exporting them: the staff who see the project.
rules.add_perm("evaluation.view_grades", is_community_staff | is_street_staff | is_district_staff)
rules.add_perm("evaluation.export_grades", is_community_staff | is_street_staff | is_district_staff)

# The slips and posters keep their permissions beside their code; load them with the rest.
from . import slip_rules  # noqa: E402, F401
