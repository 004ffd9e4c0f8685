"""Every role and every named group of roles, in one place.

The database constraint on role assignments, `Scope`, the rules, the middleware, the dashboards,
the navigation, the recipients of notifications and the tests all read this module. No other module
spells a role's value. Adding a role to a group is one line here.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARY = "secretary", _("社区书记")
    WORKER = "worker", _("社区工作者")
    STREET_LEADER = "street_leader", _("街道领导小组组长")
    STREET_MEMBER = "street_member", _("街道领导小组成员")
    EXPERT = "expert", _("专家顾问")
    DISTRICT_STAFF = "district_staff", _("区级工作人员")
    AUDITOR = "auditor", _("审计员")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    PARTNER = "partner", _("幸福家园合伙人")
    RESIDENT = "resident", _("居民")


@dataclass(frozen=True)
class RoleGroup:
    """A named set of roles. `in`, iteration and `|` work as on a set; `key` names it in code
    (dashboards, test matrices), `label` in Chinese."""

    key: str
    label: str
    roles: tuple

    def __contains__(self, role) -> bool:
        return role in self.roles

    def __iter__(self):
        return iter(self.roles)

    def __len__(self) -> int:
        return len(self.roles)

    def __or__(self, other: "RoleGroup") -> frozenset:
        return frozenset(self.roles) | frozenset(other.roles)

    @property
    def values(self) -> list[str]:
        """Sorted role values, for database conditions."""
        return sorted(str(role.value) for role in self.roles)


# --- who does the work -----------------------------------------------------------------------
# Secretaries and workers file and run their community's projects.
COMMUNITY_STAFF = RoleGroup("community_staff", _("社区工作人员"), (Role.SECRETARY, Role.WORKER))
# The street's leading group: every member reads and comments on proposals in review.
STREET_GROUP = RoleGroup(
    "street_group",
    _("街道领导小组"),
    (Role.STREET_LEADER, Role.STREET_MEMBER, Role.EXPERT),
)
# Within the leading group, who may recommend approve or return (experts only comment).
STREET_RECOMMENDERS = RoleGroup(
    "street_recommenders", _("街道领导小组组长和成员"), (Role.STREET_LEADER, Role.STREET_MEMBER)
)
# Within the leading group, who decides (批准 / 退回).
STREET_DECIDERS = RoleGroup("street_deciders", _("街道领导小组组长"), (Role.STREET_LEADER,))
# Whom the 组长 may delegate deciding to for a while (a deputy, 副组长: accounts.Delegation).
STREET_DEPUTIES = RoleGroup("street_deputies", _("街道领导小组成员"), (Role.STREET_MEMBER,))
# The leading group's expert advisory panel (专家顾问团): they read and comment, never decide.
STREET_EXPERTS = RoleGroup("street_experts", _("专家顾问团"), (Role.EXPERT,))
# District staff: business users who see every record of the district.
DISTRICT_BUSINESS = RoleGroup("district_business", _("区级工作人员"), (Role.DISTRICT_STAFF,))
# 三员分立: each stands alone on its account (a partial unique constraint).
SEPARATED_ADMINS = RoleGroup(
    "separated_admins",
    _("三员"),
    (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR),
)
SYSADMINS = RoleGroup("sysadmins", _("系统管理员"), (Role.SYSADMIN,))
SECADMINS = RoleGroup("secadmins", _("安全管理员"), (Role.SECADMIN,))
AUDITORS = RoleGroup("auditors", _("审计员"), (Role.AUDITOR,))
PARTNERS = RoleGroup("partners", _("幸福家园合伙人"), (Role.PARTNER,))
RESIDENTS = RoleGroup("residents", _("居民"), (Role.RESIDENT,))

# --- where a role works: the one scope column its assignment sets -----------------------------
COMMUNITY_SCOPED = RoleGroup(
    "community_scoped", _("社区角色"), (*COMMUNITY_STAFF, *PARTNERS, *RESIDENTS)
)
STREET_SCOPED = RoleGroup("street_scoped", _("街道角色"), tuple(STREET_GROUP))
DISTRICT_SCOPED = RoleGroup("district_scoped", _("区级角色"), (*DISTRICT_BUSINESS, *AUDITORS))
INSTALLATION_SCOPED = RoleGroup("installation_scoped", _("全系统角色"), (*SYSADMINS, *SECADMINS))

# Staff change their password every 90 days (等保2.0); residents and partners do not.
STAFF = RoleGroup(
    "staff", _("工作人员"), tuple(r for r in Role if r not in PARTNERS and r not in RESIDENTS)
)

# --- which home a person with several roles lands on, most powerful first ---------------------
# Every role is in exactly one home group (a test checks it); the order is the priority.
HOME_GROUPS = (
    SYSADMINS,
    SECADMINS,
    AUDITORS,
    DISTRICT_BUSINESS,
    STREET_GROUP,
    COMMUNITY_STAFF,
    PARTNERS,
    RESIDENTS,
)
ROLE_PRIORITY = tuple(role for group in HOME_GROUPS for role in group)


def home_group(roles) -> RoleGroup | None:
    """The first home group that holds any of these roles."""
    return next((g for g in HOME_GROUPS if any(r in g for r in roles)), None)


# A second factor (TOTP) at login: district and street staff and the three separated roles. In
# production settings it is required (settings.TOTP_REQUIRED); settings.TOTP_ROLES may name others.
TOTP_ROLES = RoleGroup(
    "totp", _("须使用动态口令的角色"), (*DISTRICT_BUSINESS, *STREET_GROUP, *SEPARATED_ADMINS)
)
