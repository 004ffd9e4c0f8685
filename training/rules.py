"""Who may do what in the training programme: role × object only. A mentor is a person with an
assignment (training.Mentor), not a role: the predicates read it from the mentor's cached facts
(training/access.py). Which records exist for a user is visible_to()'s question; whether a
record's status allows an action is the workflow tables' (training/workflow.py)."""

import rules

from accounts.roles import STREET_RECOMMENDERS, Role
from accounts.rules import (
    is_community_staff,
    is_district_staff,
    is_street_staff,
    street_id_of,
)

from .access import is_active_mentor, may_mentor, mentor_id


@rules.predicate
def is_mentor(user, obj=None):
    """On the mentor panel. With a record that names a mentor (a class, a consultation, a
    coaching): that record's mentor."""
    if obj is None or not hasattr(obj, "mentor_id"):
        return may_mentor(user)
    return obj.mentor_id is not None and obj.mentor_id == mentor_id(user)


@rules.predicate
def is_active_mentor_of(user, obj):
    """The record's mentor, still on the panel (a mentor who left keeps reading, not writing)."""
    return is_mentor(user, obj) and is_active_mentor(user)


@rules.predicate
def is_secretary(user):
    return user.is_authenticated and user.scope.has(Role.SECRETARY)


@rules.predicate
def is_own_attendance(user, attendance):
    """The person invited (a secretary replies and rates for themself only)."""
    return attendance is not None and attendance.user_id == user.pk


@rules.predicate
def is_asker(user, consultation):
    return consultation is not None and consultation.asker_id == user.pk


@rules.predicate
def is_street_recommender_of_project(user, obj):
    """组长 or member of the leading group of the street of the project (or a coaching's
    project); without an object, of some street."""
    if obj is None:
        return bool(user.scope.street_ids(STREET_RECOMMENDERS))
    project = getattr(obj, "project", obj)
    street_id = street_id_of(project)
    return street_id is not None and street_id in user.scope.street_ids(STREET_RECOMMENDERS)


# Who opens the training pages at all: secretaries and workers, the streets' leading groups,
# district staff and the mentors (which sessions each sees, visible_to decides).
READERS = is_community_staff | is_street_staff | is_district_staff | is_mentor
rules.add_perm("training.view_programme", READERS)
rules.add_perm("training.view_session", READERS)
rules.add_perm("training.view_mentors", READERS)
# The district plans the rotation: cohorts and who is in which, classes and quarterly sessions,
# their materials; it keeps the mentor panel and pairs secretaries with mentors.
rules.add_perm("training.manage_programme", is_district_staff)
rules.add_perm("training.change_session", is_district_staff)
rules.add_perm("training.cancel_session", is_district_staff)
rules.add_perm("training.add_material", is_district_staff | is_active_mentor_of)
rules.add_perm("training.manage_mentors", is_district_staff)
# Attendance after a session: the district, or the mentor who taught it.
rules.add_perm("training.record_attendance", is_district_staff | is_active_mentor_of)
# Before a session a secretary confirms or asks for leave; after it, if present, rates it.
rules.add_perm("training.reply_attendance", is_own_attendance)
rules.add_perm("training.rate_attendance", is_own_attendance)
# The attendance report: the district for every street, a street's group for its own.
rules.add_perm("training.view_report", is_district_staff | is_street_staff)
# Consultations: a secretary asks a mentor they are paired with; the two write in the thread;
# the asker or the district closes it. District staff read every thread.
rules.add_perm("training.ask_mentor", is_secretary)
rules.add_perm("training.answer_consultation", is_active_mentor_of)
rules.add_perm("training.follow_up_consultation", is_asker)
rules.add_perm("training.close_consultation", is_asker | is_district_staff)
rules.add_perm("training.view_consultations", is_community_staff | is_district_staff | is_mentor)
# 一项目一方案: the district or the project's street attaches a mentor to a project; the
# mentor writes notes and the plan; the district, the street or the mentor ends the coaching.
rules.add_perm("training.attach_coach", is_district_staff | is_street_recommender_of_project)
rules.add_perm("training.write_coaching", is_active_mentor_of)
rules.add_perm(
    "training.close_coaching",
    is_district_staff | is_street_recommender_of_project | is_active_mentor_of,
)
rules.add_perm(
    "training.view_coachings", is_district_staff | is_street_staff | is_community_staff | is_mentor
)
