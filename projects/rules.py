"""Who may do what to a project. Status moves are validated by the transitions table, not here."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_street_leader_of,
    is_street_reviewer_of,
)

from .models import EDITABLE_STATUSES, Status


@rules.predicate
def status_is_editable(user, project):
    return project.status in EDITABLE_STATUSES


@rules.predicate
def status_is_draft(user, project):
    return project.status == Status.DRAFT


@rules.predicate
def status_is_submitted(user, project):
    return project.status == Status.SUBMITTED


@rules.predicate
def status_is_running(user, project):
    return project.status in (Status.ANNOUNCED, Status.IN_PROGRESS)


rules.add_perm("projects.add_project", is_community_staff)
rules.add_perm("projects.change_project", is_community_staff_of & status_is_editable)
rules.add_perm("projects.delete_project", is_community_staff_of & status_is_draft)
rules.add_perm("projects.restore_project", is_community_staff_of)
rules.add_perm("projects.submit_project", is_community_staff_of)
rules.add_perm("projects.approve_project", is_street_leader_of)
rules.add_perm("projects.return_project", is_street_leader_of)
rules.add_perm("projects.comment_project", is_street_reviewer_of & status_is_submitted)
rules.add_perm("projects.announce_project", is_community_staff_of)
rules.add_perm("projects.log_activity", is_community_staff_of)
rules.add_perm("projects.complete_project", is_community_staff_of)

from accounts.rules import is_district_staff, is_street_staff  # noqa: E402

rules.add_perm("projects.view_pipeline", is_street_staff)
rules.add_perm("projects.view_overview", is_district_staff)
