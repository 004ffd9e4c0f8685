"""Who may do what in the base layer. Predicates are shared with the domain apps' rules."""

import rules

from .models import Role


def _has(*roles):
    @rules.predicate(name=f"has_role_{'_or_'.join(roles)}")
    def predicate(user):
        return user.is_authenticated and user.scope.has(*roles)

    return predicate


is_district_staff = _has(Role.DISTRICT_STAFF)
is_auditor = _has(Role.AUDITOR)
is_sysadmin = _has(Role.SYSADMIN)
is_secadmin = _has(Role.SECADMIN)
is_community_staff = _has(Role.SECRETARY, Role.WORKER)
is_street_staff = _has(Role.STREET_LEADER, Role.STREET_MEMBER, Role.EXPERT)
is_street_leader = _has(Role.STREET_LEADER)


def community_of(obj):
    """The community an object belongs to: the object itself, or its `community`."""
    from .models import Community

    return obj if isinstance(obj, Community) else getattr(obj, "community", None)


@rules.predicate
def is_community_staff_of(user, obj):
    """Secretary or worker of the object's community."""
    community = community_of(obj)
    return community is not None and community.pk in user.scope.community_ids()


@rules.predicate
def is_street_leader_of(user, obj):
    """组长 of the street that holds the object's community: the one who decides."""
    community = community_of(obj)
    return community is not None and community.street_id in user.scope.street_ids(
        {Role.STREET_LEADER}
    )


@rules.predicate
def is_street_reviewer_of(user, obj):
    """Any member of the street's leading group, experts included: may read and comment."""
    community = community_of(obj)
    return community is not None and community.street_id in user.scope.street_ids()


@rules.predicate
def is_person_in_scope(user, person):
    return user.__class__.objects.visible_to(user).filter(pk=person.pk).exists()


# Audit log: the auditor reads it; nobody edits it.
rules.add_perm("core.view_auditevent", is_auditor)
# Accounts and security (三员分立).
rules.add_perm("accounts.unlock_account", is_secadmin)
rules.add_perm("accounts.assign_role", is_secadmin)
rules.add_perm("accounts.manage_account", is_sysadmin)
rules.add_perm("accounts.manage_tree", is_district_staff)
rules.add_perm(
    "accounts.view_people", is_community_staff | is_street_staff | is_district_staff | is_sysadmin
)
# The full phone number: only for those who must call the person, and only within scope.
rules.add_perm(
    "accounts.reveal_phone", (is_community_staff | is_district_staff) & is_person_in_scope
)
