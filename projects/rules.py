"""Who may do what to a project: role × object only. Whether the project's status allows it is
the workflow table's question (projects/workflow.py)."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_decider_of,
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
rules.add_perm("projects.decide_project", is_street_decider_of)
rules.add_perm("projects.comment_project", is_street_reviewer_of)
rules.add_perm("projects.announce_project", is_community_staff_of)
rules.add_perm("projects.log_activity", is_community_staff_of)
rules.add_perm("projects.retrospect_project", is_community_staff_of)
# Funding: the street's 组长 grants the street's money, district staff the district's.
rules.add_perm("projects.grant_street_funds", is_street_leader_of)
rules.add_perm("projects.grant_district_funds", is_district_staff)
# 督办: district staff ask; the project's community answers (the rule reads the item's community).
rules.add_perm("projects.supervise_project", is_district_staff)
rules.add_perm("projects.reply_supervision", is_community_staff_of)
rules.add_perm(
    "projects.view_supervision", is_community_staff | is_street_staff | is_district_staff
)
# The district's lists (public spaces, project classes) in the admin site.
rules.add_perm("projects.manage_lists", is_district_staff)
# The review queue (the street's) and the approvals filed with the district (备案).
rules.add_perm("projects.view_review_queue", is_street_staff | is_district_staff)
rules.add_perm("projects.view_filings", is_street_staff | is_district_staff)
# Who works with projects at all (the navigation); which ones, visible_to() decides.
rules.add_perm("projects.view_project", is_community_staff | is_street_staff | is_district_staff)
