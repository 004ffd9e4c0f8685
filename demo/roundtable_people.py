"""Who takes part in the demo's round tables (demo/roundtable.py): verified residents of every
community with their accounts and resident roles (国奥社区 more, and a few waiting to be verified;
the `resident` login in her own home), and each community's first property company and owners'
committee among its partners, taking part through a partner account (国奥社区's are the `wuye`
and `yeweihui` logins)."""

import datetime
from collections import defaultdict

from django.contrib.auth.hashers import make_password

from accounts.models import Household, RoleAssignment, User
from accounts.roles import Role
from core.phone import phone_hash
from partners.models import Partner, PartnerCategory
from roundtable.models import (
    CONSENT_NOTICE_VERSION,
    Participant,
    ParticipantKind,
    ParticipantStatus,
)

from .org import person_name
from .records import scaled

# Verified residents per community (国奥社区 more), and 国奥社区's registrations waiting.
RESIDENTS, GUOAO_RESIDENTS, GUOAO_PENDING = 6, 24, 3


class People:
    def __init__(self):
        self.residents: dict[int, list[Participant]] = defaultdict(list)  # verified
        self.pending: list[Participant] = []
        self.organisations: dict[int, dict[str, Participant]] = defaultdict(dict)


def build(tree, rng, now, scale) -> People:
    """The participants of every community's round table, written; returned by community."""
    people = People()
    households = _households(tree)
    phones = set(User.objects.exclude(phone_hash="").values_list("phone_hash", flat=True))

    def new_phone() -> str:
        while True:
            number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            digest = phone_hash(number)
            if digest not in phones:
                phones.add(digest)
                return number

    users, rows, roles = [], [], []
    resident_login = tree.logins["resident"]
    for community in tree.communities:
        guoao = community.pk == tree.guoao.pk
        homes = households.get(community.pk, [])
        if not homes:
            continue
        # A round table needs a few voices even at a small scale.
        wanted = max(3, scaled(GUOAO_RESIDENTS if guoao else RESIDENTS, scale))
        pending = GUOAO_PENDING if guoao else int(rng.random() < 0.3)
        secretary = tree.secretary_of[community.pk]
        for index in range(wanted + pending):
            home = homes[index % len(homes)]
            verified = index < wanted
            joined = now - datetime.timedelta(days=rng.randint(3, 360) if verified else index + 1)
            if guoao and index == 0:
                user, home = resident_login, _home_of(resident_login)  # the demo's resident
            else:
                name = person_name(rng)
                user = User(
                    username=f"rt_demo_{len(users) + 1}",
                    display_name=name,
                    phone=new_phone(),
                    password=make_password(None),
                    date_joined=joined,
                )
                users.append(user)
            household_id, building_id, compound_id, unit, room = home
            participant = Participant(
                community=community,
                user=user,
                name=user.display_name.split(" ")[-1],
                compound_id=compound_id,
                building_id=building_id,
                unit=unit,
                room=room,
                household_id=household_id if verified else None,
                status=ParticipantStatus.VERIFIED if verified else ParticipantStatus.PENDING,
                status_reason="已核对住户信息" if verified else "",
                decided_by=secretary if verified else None,
                decided_at=joined + datetime.timedelta(days=1) if verified else None,
                follows=rng.random() < 0.85,
                consent_version=CONSENT_NOTICE_VERSION,
                consented_at=joined,
                created_at=joined,
            )
            rows.append(participant)
            if verified:
                people.residents[community.pk].append(participant)
                if user is not resident_login:
                    roles.append((user, community))
            else:
                people.pending.append(participant)
    User.objects.bulk_create(users, batch_size=1000)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.RESIDENT, community=c) for u, c in roles], batch_size=1000
    )
    _organisations(tree, rng, now, people, new_phone, rows)
    Participant.objects.bulk_create(rows, batch_size=1000)
    return people


def _home_of(user) -> tuple:
    """(household, building, compound, unit, room) of the user's own household."""
    return (
        Household.objects.filter(pk=user.household_id)
        .values_list("id", "building_id", "building__compound_id", "unit", "room")
        .get()
    )


def _households(tree) -> dict[int, list[tuple]]:
    """Up to 80 homes per community (id, building, compound, unit, room), in a fixed order."""
    found = defaultdict(list)
    rows = (
        Household.objects.order_by("building__compound__community_id", "id")
        .values_list(
            "building__compound__community_id",
            "id",
            "building_id",
            "building__compound_id",
            "unit",
            "room",
        )
        .iterator(chunk_size=5000)
    )
    for community_id, *home in rows:
        homes = found[community_id]
        if len(homes) < 80:
            homes.append(tuple(home))
    return found


def _organisations(tree, rng, now, people, new_phone, rows) -> None:
    """Each community's first property company and owners' committee among its partners takes
    part through a partner account (国奥社区's are the `wuye` and `yeweihui` logins)."""
    kinds = {
        PartnerCategory.PROPERTY.value: ParticipantKind.PROPERTY,
        PartnerCategory.OWNERS_COMMITTEE.value: ParticipantKind.OWNERS_COMMITTEE,
    }
    chosen: dict[tuple[int, str], Partner] = {}
    for partner in Partner.objects.filter(category_id__in=list(kinds), user__isnull=True).order_by(
        "community_id", "id"
    ):
        chosen.setdefault((partner.community_id, partner.category_id), partner)
    logins = {
        (tree.guoao.pk, PartnerCategory.PROPERTY.value): ("wuye", "国奥花园物业服务中心"),
        (tree.guoao.pk, PartnerCategory.OWNERS_COMMITTEE.value): ("yeweihui", "国奥花园业主委员会"),
    }
    password = tree.logins["partner"].password  # the demo's one password hash
    users, roles = [], []
    for (community_id, category), partner in sorted(chosen.items()):
        username, name = logins.get((community_id, category), (f"org_{partner.pk}", partner.name))
        login = username in ("wuye", "yeweihui")
        user = User(
            username=username,
            display_name=name,
            phone=new_phone(),
            password=password if login else make_password(None),
        )
        users.append(user)
        roles.append(RoleAssignment(user=user, role=Role.PARTNER, community_id=community_id))
        partner.user, partner.name = user, name
        participant = Participant(
            community_id=community_id,
            user=user,
            kind=kinds[category],
            name=name,
            partner=partner,
            status=ParticipantStatus.VERIFIED,
            status_reason="经审核的幸福家园合伙人",
            decided_at=now - datetime.timedelta(days=rng.randint(200, 380)),
            consent_version=CONSENT_NOTICE_VERSION,
            consented_at=now - datetime.timedelta(days=380),
            created_at=now - datetime.timedelta(days=380),
        )
        rows.append(participant)
        people.organisations[community_id][kinds[category]] = participant
        if login:
            tree.logins[username] = user
    missing = {"wuye", "yeweihui"} - set(tree.logins)
    assert not missing, f"国奥社区 has no partner of the kind of {missing}"
    User.objects.bulk_create(users, batch_size=1000)
    RoleAssignment.objects.bulk_create(roles, batch_size=1000)
    Partner.objects.bulk_update(list(chosen.values()), ["user", "name"], batch_size=500)
