"""Who may do what in scoring: role × object only. A judge is a person with an assignment
(scoring.Judge), not a role: the predicates below read the assignment from the judge's cached
facts (scoring/access.py), never a status. Which rounds exist for a user is visible_to()'s
question; whether a round's or a sheet's status allows an action is the workflow tables'."""

import rules

from accounts.roles import STREET_DECIDERS
from accounts.rules import is_district_staff, street_id_of

from .access import judge_round_ids, may_judge, own_street_ids


def _round_of(obj):
    """The round of a round, an entry, a judge or a sheet."""
    return getattr(obj, "round", obj)


@rules.predicate
def is_judge(user, obj=None):
    """Assigned to judge the object's round; without an object, to some round."""
    if obj is None:
        return may_judge(user)
    return _round_of(obj).pk in judge_round_ids(user)


def own_street(user, entry) -> bool:
    """The entry's project is of a street the person is of (a street role there, or a community
    role in one of its communities: access.own_street_ids): no judge scores a project of their
    own street."""
    return entry.community.street_id in own_street_ids(user)


@rules.predicate
def may_score(user, obj):
    """The sheet's judge (or, for an entry not yet scored, an assigned judge), not of the
    project's street."""
    if obj is None:
        return may_judge(user)
    entry = getattr(obj, "entry", obj)
    if hasattr(obj, "judge_id") and obj.judge_id != user.pk:
        return False
    return entry.round_id in judge_round_ids(user) and not own_street(user, entry)


@rules.predicate
def is_street_leader_of_entrant(user, obj):
    """组长 of the street of the community (or entry) the entrant is chosen for; without an
    object, of some street."""
    if obj is None:
        return bool(user.scope.street_ids(STREET_DECIDERS))
    street_id = street_id_of(obj)
    return street_id is not None and street_id in user.scope.street_ids(STREET_DECIDERS)


@rules.predicate
def is_competition_chooser(user, obj):
    """A street's 组长, for a competition (they choose their communities' entrants)."""
    if obj is None:
        return bool(user.scope.street_ids(STREET_DECIDERS))
    return _round_of(obj).is_competition and bool(user.scope.street_ids(STREET_DECIDERS))


# The district defines rubrics, runs rounds (projects, judges, open, close, publish) and may
# send a submitted sheet back to its judge with a reason.
rules.add_perm("scoring.manage_rubric", is_district_staff)
rules.add_perm("scoring.manage_round", is_district_staff)
rules.add_perm("scoring.reopen_sheet", is_district_staff)
rules.add_perm("scoring.export_round", is_district_staff)
# Reading a round: district staff, its judges; a competition also the 组长s choosing entrants.
rules.add_perm("scoring.view_round", is_district_staff | is_judge | is_competition_chooser)
# The menu entry and the list of rounds.
rules.add_perm("scoring.view_rounds", is_district_staff | is_judge | is_street_leader_of_entrant)
# Scoring: the sheet's own judge, never on a project of their street.
rules.add_perm("scoring.score_sheet", may_score)
# A community's entrant in a competition: its street's 组长.
rules.add_perm("scoring.choose_entrant", is_street_leader_of_entrant)
