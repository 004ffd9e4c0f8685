"""Volume records of steps 1 and 2: the needs list and the 幸福家园合伙人, multiplied by --scale."""

import random
from datetime import datetime, timedelta

from needs.models import Need, SeededCategory
from partners.models import Partner, PartnerCategory

from . import catalog
from .org import Org, _phone, person_name


def scaled(count: int, scale: float) -> int:
    """A seed figure at this scale: at least one record, rounded half up."""
    return max(1, int(count * scale + 0.5))


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build_needs(
    org: Org, rng: random.Random, now: datetime, count: int, wanted: list[dict]
) -> list[Need]:
    """`count` needs: first the ones projects respond to (`wanted`), then others all over the
    district, in all six categories."""
    categories = list(SeededCategory)
    needs = []
    # Leave room for one need of each category, so that a small scale still shows all six.
    for spec in wanted[: max(count - len(categories), 0)]:
        needs.append(
            Need(
                community=spec["community"],
                compound=spec["compound"],
                title=spec["title"],
                description="由社区党组织梳理汇总,已纳入需求清单。",
                category_id=spec["category"],
                source=_weighted(rng, catalog.NEED_SOURCE_WEIGHTS),
                mentions=rng.randint(8, 90),
                created_by=org.secretary_of[spec["community"].pk],
                created_at=spec["before"]
                - timedelta(days=rng.randint(3, 30), hours=rng.randint(0, 8)),
            )
        )
    for index in range(count - len(needs)):
        category = categories[index] if index < len(categories) else rng.choice(categories)
        community = rng.choice(org.communities)
        compound = rng.choice(org.compounds_of[community.pk])
        needs.append(
            Need(
                community=community,
                compound=compound if rng.random() < 0.8 else None,
                title=rng.choice(catalog.NEED_TITLES[category]),
                category_id=category,
                source=_weighted(rng, catalog.NEED_SOURCE_WEIGHTS),
                mentions=rng.randint(1, 60),
                created_by=org.secretary_of[community.pk],
                created_at=now - timedelta(days=rng.randint(1, 330), hours=rng.randint(0, 10)),
            )
        )
    return Need.objects.bulk_create(needs)


def _partner_name(rng: random.Random, category: str, community, compound) -> str:
    prefix = community.name.removesuffix("社区")
    match category:
        case PartnerCategory.PROPERTY:
            return f"{rng.choice(catalog.PROPERTY_BRANDS)}物业{compound.name}项目部"
        case PartnerCategory.OWNERS_COMMITTEE:
            return f"{compound.name}业主委员会"
        case PartnerCategory.PARTNER_UNIT:
            return rng.choice(catalog.PARTNER_UNITS)
        case PartnerCategory.SOCIAL_ORG:
            return f"{prefix}{rng.choice(catalog.SOCIAL_ORGS)}"
        case PartnerCategory.MERCHANT:
            return f"{prefix}{rng.choice(catalog.SHOPS)}"
        case _:
            return person_name(rng)


def build_partners(org: Org, rng: random.Random, now: datetime, count: int) -> list[Partner]:
    """`count` partners in nine categories over every community; the `partner` login owns one."""
    categories = list(PartnerCategory)
    partners = [
        Partner(
            community=org.guoao,
            name=org.logins["partner"].display_name,
            category_id=PartnerCategory.PROFESSIONAL.value,
            skills="律师,提供法律咨询、法律援助",
            phone=org.logins["partner"].phone,
            user=org.logins["partner"],
            created_by=org.logins["secretary"],
            created_at=now - timedelta(days=200),
        )
    ]
    # Every community gets partners before any gets a second round, so links always find some.
    communities = org.communities[:]
    rng.shuffle(communities)
    for index in range(count - 1):
        category = (
            categories[index]
            if index < len(categories)
            else _weighted(rng, catalog.PARTNER_WEIGHTS)
        )
        community = communities[index % len(communities)]
        compound = rng.choice(org.compounds_of[community.pk])
        partners.append(
            Partner(
                community=community,
                name=_partner_name(rng, category, community, compound),
                category_id=category.value,
                skills=rng.choice(catalog.PARTNER_SKILLS[category]),
                # PhoneField.pre_save (which bulk_create calls) encrypts it and fills phone_hash.
                phone=_phone(rng),
                created_by=org.secretary_of[community.pk],
                created_at=now - timedelta(days=rng.randint(1, 400), hours=rng.randint(0, 10)),
            )
        )
    return Partner.objects.bulk_create(partners, batch_size=1000)
