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
# Step 6 as a programme (projects/sessions.py): the project's community plans its sessions,
# changes, holds and cancels them, and makes photos public once consent is confirmed. The rules
# read the session's community (its project's).
rules.add_perm("projects.plan_sessions", is_community_staff_of)
rules.add_perm("projects.change_session", is_community_staff_of)
rules.add_perm("projects.hold_session", is_community_staff_of)
rules.add_perm("projects.cancel_session", is_community_staff_of)
rules.add_perm("projects.publish_photo", is_community_staff_of)
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
# 公示 objections (projects/notice.py): the community answers publicly, staff of the community or
# the street hide abuse with a reason, the street's decider decides.
rules.add_perm("projects.answer_objection", is_community_staff_of)
rules.add_perm("projects.hide_objection", is_community_staff_of | is_street_reviewer_of)
rules.add_perm("projects.decide_objection", is_street_decider_of)
rules.add_perm("projects.view_objections", is_community_staff | is_street_staff | is_district_staff)
# The number a resident left with an objection, shown masked: the community calls back, so only
# its staff reveal it (audited, projects.notice.objection_phone_reveal).
rules.add_perm("projects.reveal_objection_phone", is_community_staff_of)
# The district's 公示 rule (threshold, working days) in the admin site.
rules.add_perm("projects.manage_notice_policy", is_district_staff)
