"""Who may do what to a project: role × object only. Whether the project's status allows it is
the workflow table's question (projects/workflow.py)."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_leader_of,
    is_street_reviewer_of,
    is_street_staff,
)

# Creating is a rule on the community the project goes into.
rules.add_perm("projects.add_project", is_community_staff_of)
rules.add_perm("projects.change_project", is_community_staff_of)
rules.add_perm("projects.delete_project", is_community_staff_of)
rules.add_perm("projects.restore_project", is_community_staff_of)
rules.add_perm("projects.submit_project", is_community_staff_of)
rules.add_perm("projects.decide_project", is_street_leader_of)
rules.add_perm("projects.comment_project", is_street_reviewer_of)
rules.add_perm("projects.announce_project", is_community_staff_of)
rules.add_perm("projects.log_activity", is_community_staff_of)
rules.add_perm("projects.retrospect_project", is_community_staff_of)
# Who works with projects at all (the navigation); which ones, visible_to() decides.
rules.add_perm("projects.view_project", is_community_staff | is_street_staff | is_district_staff)
