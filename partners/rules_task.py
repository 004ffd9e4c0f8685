"""Who may do what to practical tasks (实事) and excellent partners: role × object only. Which
tasks exist for a user is PracticalTask.objects.visible_to()'s question; whether a task's or a
nomination's status allows an action is the workflow tables' (partners/practical.py,
partners/excellence.py)."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_decider_of,
    is_street_staff,
)

from .models import Partner, PartnerStatus


def partner_community_ids(user) -> frozenset:
    """The communities where this user is an active partner: one query per user object, so a
    list asking the rules for every row stays constant in queries."""
    if not user.is_authenticated:
        return frozenset()
    cached = user.__dict__.get("_partner_community_ids")
    if cached is None:
        cached = frozenset(
            Partner.objects.alive()
            .filter(user_id=user.pk, status=PartnerStatus.ACTIVE)
            .values_list("community_id", flat=True)
        )
        user.__dict__["_partner_community_ids"] = cached
    return cached


@rules.predicate
def is_partner(user):
    """Somebody with an active partner profile (幸福家园合伙人) in some community."""
    return bool(partner_community_ids(user))


@rules.predicate
def is_partner_of(user, task):
    """An active partner of the task's community. Asked without a task: of some community."""
    ids = partner_community_ids(user)
    return bool(ids) if task is None else task.community_id in ids


def acts_as(user, partner) -> bool:
    """The person behind this partner record (a unit's account, a person's own) while it is on
    the register: a record deactivated by staff (or in the trash) acts no more, even in a
    session signed in before."""
    return (
        partner is not None
        and user.is_authenticated
        and partner.user_id == user.pk
        and partner.status == PartnerStatus.ACTIVE
        and partner.deleted_at is None
    )


@rules.predicate
def is_claimant_of(user, task):
    """The person behind the active partner who claimed the task."""
    return task is not None and task.claimed_by_id is not None and acts_as(user, task.claimed_by)


def _partner_of(obj):
    """An excellent nomination's partner, or the partner itself."""
    return getattr(obj, "partner", obj)


@rules.predicate
def is_community_staff_of_partner(user, obj):
    """Staff of the community the partner (or the nominated partner) belongs to. Asked without
    an object (a button): of some community."""
    return is_community_staff_of.test(user, None if obj is None else _partner_of(obj))


@rules.predicate
def is_street_decider_of_partner(user, obj):
    """Who decides for the street of the nominated partner's community: its 组长 (or the member
    the 组长 delegated deciding to), as for projects."""
    return obj is not None and is_street_decider_of.test(user, _partner_of(obj))


# Who works with tasks at all (the list, the menu); which ones, visible_to() decides.
rules.add_perm(
    "partners.view_task", is_community_staff | is_street_staff | is_district_staff | is_partner
)
# The community's staff publish tasks, correct open ones and cancel them.
rules.add_perm("partners.add_task", is_community_staff_of)
rules.add_perm("partners.change_task", is_community_staff_of)
# A partner claims for themselves in their own community; staff claim on behalf of a unit or a
# partner (which partner may claim is the service's check).
rules.add_perm("partners.claim_task", is_community_staff_of | is_partner_of)
# The claimant gives a task back or marks it done; so may the community's staff.
rules.add_perm("partners.release_task", is_community_staff_of | is_claimant_of)
rules.add_perm("partners.complete_task", is_community_staff_of | is_claimant_of)

# Excellent partners (优秀幸福家园合伙人): the community nominates, the street's 组长 decides, the
# district publishes the year's list.
rules.add_perm("partners.view_excellent", is_community_staff | is_street_staff | is_district_staff)
rules.add_perm("partners.nominate_excellent", is_community_staff_of_partner)
rules.add_perm("partners.decide_excellent", is_street_decider_of_partner)
rules.add_perm("partners.publish_excellent", is_district_staff)
