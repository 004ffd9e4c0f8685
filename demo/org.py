"""The organisation tree of the demo district (区 → 街道 → 社区 → 小区 → 楼栋 → 户) and its people."""

import random
from dataclasses import dataclass, field

from accounts.models import (
    AccountChange,
    Building,
    Community,
    Compound,
    Delegation,
    District,
    Household,
    RoleAssignment,
    Street,
    User,
    WorkingGroup,
    new_household_code,
)
from accounts.roles import (
    INSTALLATION_SCOPED,
    SEPARATED_ADMINS,
    STREET_DECIDERS,
    STREET_DEPUTIES,
    STREET_EXPERTS,
    STREET_GROUP,
    Role,
)

from . import catalog

KIND_PAIRS = [
    (Compound.Kind.OLD, Compound.Kind.COMMERCIAL),
    (Compound.Kind.OLD, Compound.Kind.RESETTLEMENT),
    (Compound.Kind.RESETTLEMENT, Compound.Kind.COMMERCIAL),
]
ALL_KINDS = tuple(Compound.Kind)


@dataclass
class Org:
    """What the other builders need to know about the tree and its people."""

    district: District
    streets: list[Street]
    communities: list[Community]
    compounds: list[Compound]
    by_name: dict[str, Community]
    communities_by_id: dict[int, Community] = field(default_factory=dict)
    # kind -> compounds of that kind; community id -> its compounds
    compounds_by_kind: dict[str, list[Compound]] = field(default_factory=dict)
    compounds_of: dict[int, list[Compound]] = field(default_factory=dict)
    households: int = 0
    buildings: int = 0
    logins: dict[str, User] = field(default_factory=dict)
    # community id -> its secretary; street id -> its 组长
    secretary_of: dict[int, User] = field(default_factory=dict)
    leader_of: dict[int, User] = field(default_factory=dict)

    @property
    def guoao(self) -> Community:
        return self.by_name[catalog.GUOAO]

    @property
    def yuehai(self) -> Community:
        return self.by_name[catalog.YUEHAI]


def person_name(rng: random.Random) -> str:
    return rng.choice(catalog.SURNAMES) + "".join(
        rng.choice(catalog.GIVEN) for _ in range(rng.choice((1, 2, 2)))
    )


def compound_branch(name: str) -> str:
    """The compound's party branch: 悦海花园 → 悦海花园小区党支部, 泰山小区 → 泰山小区党支部."""
    return f"{name}党支部" if name.endswith("小区") else f"{name}小区党支部"


def build_tree(rng: random.Random) -> Org:
    district = District.objects.create(name=catalog.DISTRICT_NAME)
    streets = Street.objects.bulk_create(
        [Street(district=district, name=name) for name in catalog.STREETS]
    )
    communities = Community.objects.bulk_create(
        [
            Community(street=street, name=f"{prefix}社区")
            for street in streets
            for prefix in catalog.STREETS[street.name]
        ]
    )
    by_name = {c.name: c for c in communities}
    named = {catalog.GUOAO, catalog.YUEHAI}

    compounds = []
    for index, community in enumerate(communities):
        prefix = community.name.removesuffix("社区")
        kinds = ALL_KINDS if community.name in named else KIND_PAIRS[index % len(KIND_PAIRS)]
        for kind in kinds:
            suffix = catalog.COMPOUND_SUFFIXES[kind][0 if community.name in named else index % 3]
            name = f"{prefix}{suffix}"
            compounds.append(
                Compound(
                    community=community, name=name, kind=kind, party_branch=compound_branch(name)
                )
            )
    compounds = Compound.objects.bulk_create(compounds)

    buildings = Building.objects.bulk_create(
        [
            Building(compound=compound, number=f"{n}号楼")
            for compound in compounds
            for n in range(1, catalog.BUILDINGS_PER_COMPOUND + 1)
        ]
    )
    codes: set[str] = set()
    households = []
    for building in buildings:
        for unit in catalog.UNITS:
            for room in catalog.ROOMS:
                code = new_household_code()
                while code in codes:
                    code = new_household_code()
                codes.add(code)
                households.append(Household(building=building, unit=unit, room=room, code=code))
    Household.objects.bulk_create(households, batch_size=2000)

    org = Org(
        district=district,
        streets=streets,
        communities=communities,
        compounds=compounds,
        by_name=by_name,
        communities_by_id={c.pk: c for c in communities},
        households=len(households),
        buildings=len(buildings),
    )
    for compound in compounds:
        org.compounds_by_kind.setdefault(compound.kind, []).append(compound)
        org.compounds_of.setdefault(compound.community_id, []).append(compound)
    return org


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def build_people(org: Org, rng: random.Random, password_hash: str) -> None:
    """The demo logins, a secretary for every community and a 组长 for every street.

    Every account gets the same pre-computed hash: hashing each password would take ~0.5 s apiece.
    """
    home_street = org.guoao.street
    where = {
        "district": {"district": org.district},
        "street": {"street": home_street},
        "guoao": {"community": org.guoao},
        "yuehai": {"community": org.yuehai},
        "": {},
    }
    guoao_home = (
        Household.objects.filter(
            building__compound__community=org.guoao, building__compound__kind="commercial"
        )
        .order_by("building__number", "unit", "room")
        .first()
    )
    users, roles = [], []

    def add(username: str, display_name: str, role: str, scope: dict, **extra) -> User:
        user = User(
            username=username,
            display_name=display_name,
            email=f"{username}@{catalog.EMAIL_DOMAIN}",
            password=password_hash,
            **extra,
        )
        users.append(user)
        roles.append((user, role, scope))
        return user

    phones: set[str] = set()
    for username, role, place, display_name in catalog.LOGINS:
        extra = {}
        if role in INSTALLATION_SCOPED:
            extra["is_staff"] = True  # the Django admin site; never is_superuser
        if role == Role.RESIDENT:
            extra["household"] = guoao_home
        if role not in SEPARATED_ADMINS:
            while (phone := _phone(rng)) in phones:
                pass
            phones.add(phone)
            extra["phone"] = phone
        org.logins[username] = add(username, display_name, role, where[place], **extra)

    org.secretary_of[org.guoao.pk] = org.logins["secretary"]
    org.secretary_of[org.yuehai.pk] = org.logins["secretary2"]
    org.leader_of[home_street.pk] = org.logins["street"]
    for community in org.communities:
        if community.pk not in org.secretary_of:
            org.secretary_of[community.pk] = add(
                f"sec_{community.pk}",
                f"{community.name}书记 {person_name(rng)}",
                Role.SECRETARY,
                {"community": community},
            )
    for street in org.streets:
        if street.pk not in org.leader_of:
            org.leader_of[street.pk] = add(
                f"street_{street.pk}",
                f"{street.name}党工委书记 {person_name(rng)}",
                Role.STREET_LEADER,
                {"street": street},
            )

    User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role, **scope) for user, role, scope in roles]
    )


def build_account_changes(org: Org, now) -> None:
    """What the three separated admins find on their pages: one reset waiting for the security
    admin, one deactivation carried out, one proposal rejected (三员分立, accounts/changes.py)."""
    import datetime

    sysadmin, secadmin = org.logins["sysadmin"], org.logins["secadmin"]
    day = datetime.timedelta(days=1)
    # A worker who moved on: the account stays (records point at it), switched off.
    community = org.yuehai
    leaver = User.objects.create(
        username="worker_left",
        display_name=f"{community.name}原社区工作者",
        email=f"worker_left@{catalog.EMAIL_DOMAIN}",
        password=sysadmin.password,
        is_active=False,
    )
    RoleAssignment.objects.create(user=leaver, role=Role.WORKER, community=community)
    Kind, Status = AccountChange.Kind, AccountChange.Status
    AccountChange.objects.bulk_create(
        [
            AccountChange(
                kind=Kind.DEACTIVATE,
                target=leaver,
                reason="调任其他岗位,工作已交接",
                proposed_by=sysadmin,
                proposed_at=now - 12 * day,
                status=Status.APPROVED,
                status_changed_at=now - 11 * day,
                decided_by=secadmin,
                decided_at=now - 11 * day,
                decision_note="已核对社区的工作交接单",
            ),
            AccountChange(
                kind=Kind.RESET_PASSWORD,
                target=org.logins["street"],
                reason="本人来电:密码遗忘",
                proposed_by=sysadmin,
                proposed_at=now - 6 * day,
                status=Status.REJECTED,
                status_changed_at=now - 5 * day,
                decided_by=secadmin,
                decided_at=now - 5 * day,
                decision_note="电话申请无法核实本人身份,请本人到窗口办理",
            ),
            AccountChange(
                kind=Kind.RESET_PASSWORD,
                target=org.logins["secretary2"],
                reason="本人到区委组织部窗口申请,已核验身份证",
                proposed_by=sysadmin,
                proposed_at=now - datetime.timedelta(hours=3),
            ),
        ]
    )


# Every street's leading group has these working groups: (name, duties, the role groups it takes).
WORKING_GROUPS = [
    ("专家顾问团", "审阅各社区的项目方案,提出专业意见", (STREET_EXPERTS,)),
    ("资源协调组", "对接共建单位与街道经费,协调项目所需资源", (STREET_DECIDERS, STREET_DEPUTIES)),
]


def build_leading_groups(org: Org, now) -> None:
    """Each street's leading group: its expert panel and a resource group as working groups. The
    home street's 组长 once delegated deciding to its member, weeks ago: nothing is in force
    today, so the demo 组长 decides (accounts/leading_group.py)."""
    import datetime

    from django.utils import timezone

    held: dict[tuple[int, str], list[int]] = {}
    for user_id, role, street_id in RoleAssignment.objects.filter(
        street__in=org.streets, role__in=STREET_GROUP.values
    ).values_list("user_id", "role", "street_id"):
        held.setdefault((street_id, role), []).append(user_id)
    groups = WorkingGroup.objects.bulk_create(
        [
            WorkingGroup(street=street, name=name, description=duties, created_at=now)
            for street in org.streets
            for name, duties, _ in WORKING_GROUPS
        ]
    )
    takes = {name: role_groups for name, _, role_groups in WORKING_GROUPS}
    WorkingGroup.members.through.objects.bulk_create(
        [
            WorkingGroup.members.through(workinggroup_id=group.pk, user_id=user_id)
            for group in groups
            for role in sorted({r for g in takes[group.name] for r in g})
            for user_id in held.get((group.street_id, role), [])
        ]
    )

    member = org.logins.get("member")
    if member is None:
        return
    today, day = timezone.localdate(now), datetime.timedelta(days=1)
    Delegation.objects.create(
        street=org.guoao.street,
        delegate=member,
        starts_on=today - 40 * day,
        ends_on=today - 27 * day,
        reason="组长参加市委党校中青年干部培训班",
        created_by=org.leader_of[org.guoao.street_id],
        created_at=now - 41 * day,
    )
