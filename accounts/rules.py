"""Who may do what in the base layer. Predicates are shared with the domain apps' rules.

Every predicate answers "may this role do this to this object"; whether the object's status
allows it is the workflow table's question (core/workflow.py), and which objects exist for the
user is visible_to()'s.
"""

import rules

from .roles import (
    AUDITORS,
    COMMUNITY_STAFF,
    DISTRICT_BUSINESS,
    SECADMINS,
    STREET_DECIDERS,
    STREET_GROUP,
    SYSADMINS,
    RoleGroup,
)


def holds(group: RoleGroup):
    """A predicate: the user holds any role of the group, anywhere."""

    @rules.predicate(name=f"holds_{group.key}")
    def predicate(user):
        return user.is_authenticated and user.scope.has(*group)

    return predicate


is_district_staff = holds(DISTRICT_BUSINESS)
is_auditor = holds(AUDITORS)
is_sysadmin = holds(SYSADMINS)
is_secadmin = holds(SECADMINS)
is_community_staff = holds(COMMUNITY_STAFF)
is_street_staff = holds(STREET_GROUP)


def community_of(obj):
    """The community an object belongs to: the object itself, or its `community`."""
    from .models import Community

    return obj if isinstance(obj, Community) else getattr(obj, "community", None)


@rules.predicate
def is_community_staff_of(user, obj):
    """Secretary or worker of the object's community. Asked without an object (a menu, a
    button): of some community."""
    if obj is None:
        return bool(user.scope.community_ids())
    community = community_of(obj)
    return community is not None and community.pk in user.scope.community_ids()


def street_id_of(obj):
    """The street an object belongs to: a street itself, a street's record (a working group, a
    delegation), or the street that holds the object's community."""
    from .models import Street

    if isinstance(obj, Street):
        return obj.pk
    if (street_id := getattr(obj, "street_id", None)) is not None:
        return street_id
    community = community_of(obj)
    return community.street_id if community is not None else None


@rules.predicate
def is_street_leader_of(user, obj):
    """组长 of the object's street (the street itself, its records, or its communities' records)."""
    street_id = street_id_of(obj)
    return street_id is not None and street_id in user.scope.street_ids(STREET_DECIDERS)


@rules.predicate
def is_street_decider_of(user, obj):
    """Who decides for the object's street today: its 组长, or the member the 组长 delegated
    deciding to (an active Delegation). At most one query per user object, so a list asking for
    each row stays constant in queries (User.delegated_street_ids)."""
    street_id = street_id_of(obj)
    if street_id is None:
        return False
    if street_id in user.scope.street_ids(STREET_DECIDERS):
        return True
    return street_id in user.delegated_street_ids


@rules.predicate
def is_street_reviewer_of(user, obj):
    """Any member of the street's leading group, experts included: may read and comment."""
    community = community_of(obj)
    return community is not None and community.street_id in user.scope.street_ids()


@rules.predicate
def is_someone_elses_change(user, change):
    """Neither proposed by this person nor about their own account: the second pair of eyes."""
    return change is None or (change.proposed_by_id != user.pk and change.target_id != user.pk)


@rules.predicate
def is_person_in_scope(user, person):
    return user.__class__.objects.visible_to(user).filter(pk=person.pk).exists()


# Audit log: the auditor reads it; nobody edits it.
rules.add_perm("core.view_auditevent", is_auditor)
# Accounts and security (三员分立).
rules.add_perm("accounts.unlock_account", is_secadmin)
rules.add_perm("accounts.assign_role", is_secadmin)
# The street's leading group (accounts/leading_group.py): its people and district staff read it;
# only its 组长 changes its working groups and delegates deciding.
rules.add_perm("accounts.view_leading_group", is_street_staff | is_district_staff)
rules.add_perm("accounts.manage_leading_group", is_street_leader_of)
rules.add_perm("accounts.reset_totp", is_secadmin)
# Changes to accounts (accounts/changes.py): the system admin proposes, the security admin decides
# (never on their own proposal or account), the auditor reads.
rules.add_perm("accounts.propose_account_change", is_sysadmin)
rules.add_perm("accounts.decide_account_change", is_secadmin & is_someone_elses_change)
rules.add_perm("accounts.view_account_change", is_sysadmin | is_secadmin | is_auditor)
rules.add_perm("accounts.manage_account", is_sysadmin)
rules.add_perm("accounts.manage_tree", is_district_staff)
# The household picker (accounts/households.py): those who record something for a household
# of their communities; what it lists is scoped by Scope.within.
rules.add_perm("accounts.pick_household", is_community_staff | is_street_staff | is_district_staff)
# The working-day calendar (core/workdays.py): holidays and 调休 working days.
rules.add_perm("core.manage_calendar", is_district_staff)
# The admin site: each of these roles works on its own part of it.
rules.add_perm("accounts.use_admin_site", is_district_staff | is_sysadmin | is_secadmin)
rules.add_perm(
    "accounts.view_people", is_community_staff | is_street_staff | is_district_staff | is_sysadmin
)
# The full phone number: only for those who must call the person, and only within scope.
rules.add_perm(
    "accounts.reveal_phone", (is_community_staff | is_district_staff) & is_person_in_scope
)
