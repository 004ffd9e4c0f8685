"""Who may do what with questionnaires: role × object only. Whether the survey's status allows it
is the workflow table's question (surveys/workflow.py); which surveys exist for a user is
`Survey.objects.visible_to(user)`.

A survey belongs to the level that made it: a community's (its own, or its copy of a template) to
the community's staff, a street's template to the street's 组长 and members, a district template to
district staff. The community runs its copy: it sets the copy's dates, hands copies out, types in
paper copies, closes it early and files the comments. Reading results goes up the tree: the
street reads its communities' surveys, the district every survey.

Predicates read the survey's `community` (with its street) and `street_id`: lists fetch them with
select_related, so asking for each row costs no query.
"""

import rules

from accounts.models import Community, District, Street
from accounts.roles import STREET_RECOMMENDERS
from accounts.rules import is_community_staff, is_district_staff, is_street_staff


def _level(survey) -> str:
    return getattr(survey, "level", "")


@rules.predicate
def is_survey_owner(user, survey):
    """The staff of the level that made the survey: who edits, publishes and closes it."""
    scope = user.scope
    if survey is None:
        return False
    level = _level(survey)
    if level == "community":
        return survey.community_id in scope.community_ids()
    if level == "street":
        return survey.street_id in scope.street_ids(STREET_RECOMMENDERS)
    if level == "district":
        return scope.is_district_business
    return False


@rules.predicate
def is_survey_creator(user, place):
    """May make a survey at this place: a community (its staff), a street (its 组长 and members:
    a street template), the district (district staff: a district template). Asked without a
    place (the create button): somewhere."""
    scope = user.scope
    if place is None:
        return bool(
            scope.community_ids()
            or scope.street_ids(STREET_RECOMMENDERS)
            or scope.is_district_business
        )
    if isinstance(place, Community):
        return place.pk in scope.community_ids()
    if isinstance(place, Street):
        return place.pk in scope.street_ids(STREET_RECOMMENDERS)
    if isinstance(place, District):
        return scope.is_district_business
    return False


@rules.predicate
def is_survey_community_staff(user, survey):
    """Staff of the community that runs the survey (its own, or its copy of a template)."""
    community_id = getattr(survey, "community_id", None)
    return community_id is not None and community_id in user.scope.community_ids()


@rules.predicate
def is_survey_reader(user, survey):
    """Who reads the survey's results: its community's staff, the street above it (the street
    of its community, or the street that made the template), district staff."""
    scope = user.scope
    if scope.is_district_business:
        return True
    if survey is None:
        return False
    if survey.community_id is not None:
        if survey.community_id in scope.community_ids():
            return True
        return survey.community.street_id in scope.street_ids()
    return _level(survey) == "street" and survey.street_id in scope.street_ids()


@rules.predicate
def is_response_community_staff(user, response):
    """Staff of the community whose copy the returned questionnaire belongs to."""
    return response is not None and is_survey_community_staff(user, response.survey)


# The menu and the list: whoever works with surveys somewhere.
rules.add_perm("surveys.view_survey", is_community_staff | is_street_staff | is_district_staff)
# Making one: at the user's own level (the service checks the place it goes to).
rules.add_perm("surveys.add_survey", is_survey_creator)
# Editing, questions, publishing, closing and deleting a draft: the level that made it.
rules.add_perm("surveys.manage_survey", is_survey_owner)
# The community running a survey or copy: its dates and repeat setting while open, closing it
# early, the copies handed out, paper entry, the comments' triage.
rules.add_perm("surveys.run_survey", is_survey_community_staff)
rules.add_perm("surveys.triage_comment", is_response_community_staff)
# Results, the answers' export and the posters: whoever reads the survey.
rules.add_perm("surveys.view_results", is_survey_reader)
rules.add_perm("surveys.export_responses", is_survey_reader)
rules.add_perm("surveys.print_poster", is_survey_reader)
# Residents answer on the public page: the survey's dates and the device are the checks.
rules.add_perm("surveys.answer_survey", rules.always_allow)
