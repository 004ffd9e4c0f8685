"""Step 2 in depth (链接资源): the partners' duties and availability, 双报到 units and party members
with the compounds and buildings they adopt (双包), recruitment calls and applications, 战时
call-outs, practical tasks (实事) and last year's excellent partners, at the seed's figures:
659 tasks claimed and 276 excellent partners (×scale); a few compounds and buildings nobody covers.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Building
from partners.models import (
    CONSENT_NOTICE_VERSION,
    Alert,
    Application,
    Availability,
    BuildingAdoption,
    CallStatus,
    CompoundAdoption,
    Duty,
    DutyMode,
    Emergency,
    Excellent,
    ExcellentStatus,
    Partner,
    PartnerCategory,
    PartnerKind,
    PracticalTask,
    RecruitmentCall,
    Resource,
    ResourceKind,
    TaskKind,
    TaskStatus,
)

from . import catalog
from .org import Org, _phone, person_name
from .records import scaled

CLAIMED_TASKS, EXCELLENT = 659, 276
ORGANISATIONS = {
    PartnerCategory.PROPERTY,
    PartnerCategory.OWNERS_COMMITTEE,
    PartnerCategory.PARTNER_UNIT,
    PartnerCategory.SOCIAL_ORG,
    PartnerCategory.MERCHANT,
}
# Which duties each category tends to take (codes of partners.models.SEEDED_DUTIES).
DUTIES_OF = {
    PartnerCategory.VOLUNTEER: ["publicity", "opinion", "service", "order"],
    PartnerCategory.PARTY_MEMBER: ["publicity", "opinion", "service", "standby", "order"],
    PartnerCategory.NEW_EMPLOYMENT: ["opinion", "service", "supplies"],
    PartnerCategory.MERCHANT: ["service", "supplies"],
    PartnerCategory.PROPERTY: ["service", "standby", "supplies", "order"],
    PartnerCategory.OWNERS_COMMITTEE: ["opinion", "publicity", "order"],
    PartnerCategory.PARTNER_UNIT: ["service", "supplies", "standby"],
    PartnerCategory.SOCIAL_ORG: ["service", "publicity"],
    PartnerCategory.PROFESSIONAL: ["service", "opinion", "standby"],
}
TASKS = [
    (TaskKind.LEGAL_AID, "法律援助进小区", "社区活动室", "免费法律咨询,帮居民看合同、调解纠纷。"),
    (
        TaskKind.LEGAL_AID,
        "老年人防诈骗法律讲座",
        "社区党群服务中心",
        "讲解常见诈骗手法和维权途径。",
    ),
    (TaskKind.HEALTH, "家门口义诊", "小区广场", "量血压、测血糖,慢病用药咨询。"),
    (TaskKind.REPAIR, "家电义务维修", "小区广场", "小家电、电动车充电器免费检修。"),
    (TaskKind.HAIRCUT, "爱心理发", "社区活动室", "为高龄和行动不便老人理发,可上门。"),
    (TaskKind.ELDERLY, "独居老人助餐送餐", "老年食堂", "为独居老人送餐上门,陪同聊天。"),
    (TaskKind.CHILDREN, "四点半课堂", "社区书屋", "放学后课业辅导和兴趣活动。"),
    (TaskKind.CLEANUP, "楼道清理杂物", "楼道", "清理楼道堆物,消除消防隐患。"),
]
TASK_WEIGHTS = [18, 6, 14, 12, 10, 14, 14, 12]
RESULTS = [
    "服务居民{n}人次,现场解答问题,反响很好。",
    "共服务{n}位居民,已约定下月再来。",
    "完成服务{n}人次,收集意见3条已转社区。",
]
EMERGENCIES = [
    ("暴雨红色预警值守", "夜间有特大暴雨,请到小区低洼处和地下车库入口值守,协助转移车辆。"),
    ("寒潮停暖应急", "供热管线抢修,请协助排查独居老人家中情况,发放暖贴和棉被。"),
    ("燃气泄漏疏散演练", "联合消防开展疏散演练,请到各单元门口引导居民撤离。"),
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build(
    org: Org, rng: random.Random, now: datetime, partners: list[Partner], scale: float
) -> dict:
    duties = {d.code: d for d in Duty.objects.all()}
    war = {code for code, d in duties.items() if d.mode == DutyMode.WAR}
    by_community: dict[int, list[Partner]] = {}
    for partner in partners:
        by_community.setdefault(partner.community_id, []).append(partner)
    buildings_of: dict[int, list[Building]] = {}
    for building in Building.objects.order_by("id"):
        buildings_of.setdefault(building.compound_id, []).append(building)

    # Duties, availability, compound, kind and 双报到 of every partner.
    through = Partner.duties.through
    links = []
    availability = list(Availability.values)
    for partner in partners:
        category = PartnerCategory(partner.category_id)
        compounds = org.compounds_of[partner.community_id]
        partner.kind = PartnerKind.ORGANISATION if category in ORGANISATIONS else PartnerKind.PERSON
        partner.compound = rng.choice(compounds)
        partner.availability = sorted(rng.sample(availability, rng.randint(1, 2)))
        for code in rng.sample(
            DUTIES_OF[category], min(3, rng.randint(1, len(DUTIES_OF[category])))
        ):
            links.append(through(partner_id=partner.pk, duty_id=duties[code].pk))
        if category == PartnerCategory.PARTNER_UNIT:
            partner.party_org = f"{partner.name}党支部"
            partner.reported_at = partner.created_at
        elif category == PartnerCategory.PARTY_MEMBER:
            partner.employer = rng.choice(catalog.PARTNER_UNITS)
            partner.home_building = rng.choice(buildings_of[partner.compound.pk])
            partner.reported_at = partner.created_at
    Partner.objects.bulk_update(
        partners,
        [
            "kind",
            "compound",
            "availability",
            "party_org",
            "employer",
            "home_building",
            "reported_at",
        ],
        batch_size=1000,
    )
    through.objects.bulk_create(links, batch_size=2000)
    war_partners = {
        link.partner_id for link in links if link.duty_id in {duties[c].pk for c in war}
    }

    # 双包: units adopt most compounds, party members cover most buildings; some stay uncovered
    # (the coverage view has something to show), and 国奥社区's first compound is one of them.
    compound_adoptions, building_adoptions = [], []
    for community in org.communities:
        mine = by_community.get(community.pk, [])
        units = [p for p in mine if p.category_id == PartnerCategory.PARTNER_UNIT]
        members = [p for p in mine if p.category_id == PartnerCategory.PARTY_MEMBER]
        secretary = org.secretary_of[community.pk]
        for index, compound in enumerate(org.compounds_of[community.pk]):
            skip = community == org.guoao and index == 0
            if units and not skip and rng.random() < 0.85:
                compound_adoptions.append(
                    CompoundAdoption(
                        partner=rng.choice(units),
                        compound=compound,
                        note=rng.choice(["环境整治", "为老服务", "设施维修", "文明创建"]),
                        started_on=(now - timedelta(days=rng.randint(30, 300))).date(),
                        created_by=secretary,
                    )
                )
            for building in buildings_of[compound.pk]:
                if members and not skip and rng.random() < 0.75:
                    building_adoptions.append(
                        BuildingAdoption(
                            partner=rng.choice(members),
                            building=building,
                            note="联系楼内居民,收集意见,帮办代办",
                            started_on=(now - timedelta(days=rng.randint(30, 300))).date(),
                            created_by=secretary,
                        )
                    )
    CompoundAdoption.objects.bulk_create(compound_adoptions)
    BuildingAdoption.objects.bulk_create(building_adoptions, batch_size=2000)

    # What organisations offer: a resource each.
    offers = {
        PartnerCategory.PROPERTY: (ResourceKind.VENUE, "物业服务中心会议室", Decimal(60), "平方米"),
        PartnerCategory.OWNERS_COMMITTEE: (ResourceKind.SERVICES, "组织业主协商议事", None, ""),
        PartnerCategory.PARTNER_UNIT: (ResourceKind.MONEY, "党建共建经费", Decimal(5000), "元"),
        PartnerCategory.SOCIAL_ORG: (ResourceKind.SERVICES, "活动策划和组织", None, ""),
        PartnerCategory.MERCHANT: (ResourceKind.MATERIALS, "活动用水果饮料", Decimal(20), "箱"),
        PartnerCategory.PROFESSIONAL: (ResourceKind.SERVICES, "专业咨询服务", Decimal(8), "小时"),
    }
    resources = [
        Resource(
            partner=p,
            kind=offers[p.category_id][0],
            description=offers[p.category_id][1],
            quantity=offers[p.category_id][2],
            unit=offers[p.category_id][3],
            created_by=org.secretary_of[p.community_id],
            created_at=p.created_at,
        )
        for p in partners
        if p.category_id in offers
    ]
    Resource.objects.bulk_create(resources, batch_size=2000)

    # A recruitment call in every community (open), and last spring's (closed) in 国奥社区.
    calls = []
    for community in org.communities:
        calls.append(
            RecruitmentCall(
                community=community,
                title=f"{community.name}“幸福家园合伙人”招募令",
                body=(
                    "社区吹哨子,合伙人来报到!诚邀辖区单位、物业、业委会、新就业群体和热心居民"
                    "加入“幸福家园合伙人”,平时共建美好家园,战时守护邻里平安。"
                ),
                looking_for="物业、业委会、新就业群体、专业人士",
                status=CallStatus.OPEN,
                opened_at=now - timedelta(days=60),
                created_by=org.secretary_of[community.pk],
                created_at=now - timedelta(days=61),
            )
        )
    calls.append(
        RecruitmentCall(
            community=org.guoao,
            title="国奥社区2025年春季合伙人招募令",
            body="邻居节筹备需要志愿者和共建单位,欢迎报名。",
            looking_for="志愿者、周边商户",
            status=CallStatus.CLOSED,
            opened_at=now - timedelta(days=600),
            closed_at=now - timedelta(days=540),
            created_by=org.secretary_of[org.guoao.pk],
            created_at=now - timedelta(days=601),
        )
    )
    calls = RecruitmentCall.objects.bulk_create(calls)
    call_through = RecruitmentCall.duties.through
    call_through.objects.bulk_create(
        [
            call_through(recruitmentcall_id=c.pk, duty_id=d.pk)
            for c in calls
            for d in duties.values()
        ]
    )
    call_of = {c.community_id: c for c in calls if c.status == CallStatus.OPEN}

    # Applications: a few waiting in every tenth community (and in 国奥社区), approved ones behind
    # some partners, one declined.
    applications = []
    for index, community in enumerate(org.communities):
        if community != org.guoao and index % 10:
            continue
        for n in range(3 if community == org.guoao else 1):
            category = rng.choice([PartnerCategory.VOLUNTEER, PartnerCategory.NEW_EMPLOYMENT])
            applications.append(
                Application(
                    community=community,
                    call=call_of[community.pk],
                    name=person_name(rng),
                    category_id=category.value,
                    availability=[Availability.WEEKEND],
                    skills=rng.choice(catalog.PARTNER_SKILLS[category]),
                    compound=rng.choice(org.compounds_of[community.pk]),
                    phone=_phone(rng),
                    consent_version=CONSENT_NOTICE_VERSION,
                    consented_at=now - timedelta(days=n + 1),
                    created_at=now - timedelta(days=n + 1),
                    updated_at=now - timedelta(days=n + 1),
                )
            )
    for partner in by_community.get(org.guoao.pk, [])[:6]:
        applications.append(
            Application(
                community=org.guoao,
                call=call_of[org.guoao.pk],
                kind=partner.kind,
                name=partner.name,
                category_id=partner.category_id,
                availability=partner.availability,
                skills=partner.skills,
                compound=partner.compound,
                phone=_phone(rng),
                consent_version=CONSENT_NOTICE_VERSION,
                consented_at=partner.created_at,
                status=Application.Status.APPROVED,
                partner=partner,
                decided_by=org.secretary_of[org.guoao.pk],
                decided_at=partner.created_at,
                created_at=partner.created_at - timedelta(days=2),
                updated_at=partner.created_at,
            )
        )
    applications.append(
        Application(
            community=org.guoao,
            call=call_of[org.guoao.pk],
            name=person_name(rng),
            category_id=PartnerCategory.MERCHANT.value,
            kind=PartnerKind.ORGANISATION,
            skills="代购",
            phone=_phone(rng),
            consent_version=CONSENT_NOTICE_VERSION,
            consented_at=now - timedelta(days=20),
            status=Application.Status.DECLINED,
            decided_by=org.secretary_of[org.guoao.pk],
            decided_at=now - timedelta(days=18),
            decline_reason="经营范围与社区需求不符,欢迎以个人身份参加志愿服务。",
            created_at=now - timedelta(days=20),
            updated_at=now - timedelta(days=18),
        )
    )
    applications = Application.objects.bulk_create(applications)
    app_through = Application.duties.through
    app_through.objects.bulk_create(
        [app_through(application_id=a.pk, duty_id=duties["service"].pk) for a in applications]
    )

    # 战时: three call-outs answered and closed, in 国奥社区 and two other communities.
    emergencies = alerts = 0
    for community, (title, description), days in zip(
        [org.guoao, org.yuehai, org.communities[5]], EMERGENCIES, (40, 120, 200), strict=True
    ):
        compounds = org.compounds_of[community.pk][:2]
        opened = now - timedelta(days=days)
        emergency = Emergency.objects.create(
            community=community,
            title=title,
            description=description,
            status=Emergency.Status.CLOSED,
            opened_by=org.secretary_of[community.pk],
            opened_at=opened,
            closed_by=org.secretary_of[community.pk],
            closed_at=opened + timedelta(hours=9),
            report="合伙人按时到岗,协助转移车辆和老人,无人员受伤。",
        )
        emergency.compounds.set(compounds)
        called = [
            p
            for p in by_community.get(community.pk, [])
            if p.pk in war_partners and p.compound_id in {c.pk for c in compounds}
        ]
        rows = []
        for partner in called:
            answer = rng.choices(
                [Alert.Answer.AVAILABLE, Alert.Answer.UNAVAILABLE, Alert.Answer.NONE], [7, 2, 1]
            )[0]
            rows.append(
                Alert(
                    emergency=emergency,
                    partner=partner,
                    created_at=opened,
                    sms_sent_at=opened + timedelta(minutes=1),
                    answer=answer,
                    answered_at=opened + timedelta(minutes=rng.randint(5, 60)) if answer else None,
                )
            )
        Alert.objects.bulk_create(rows)
        emergencies, alerts = emergencies + 1, alerts + len(rows)

    # Practical tasks: 659 claimed at scale 1 (most done), plus open and cancelled ones.
    claimed_count = scaled(CLAIMED_TASKS, scale)
    open_count, cancelled_count = scaled(60, scale), scaled(12, scale)
    me = org.logins["partner"]
    mine = next(p for p in partners if p.user_id == me.pk)
    communities = [c for c in org.communities if by_community.get(c.pk)]
    tasks = []
    for index in range(claimed_count + open_count + cancelled_count):
        kind, title, place, description = rng.choices(TASKS, TASK_WEIGHTS)[0]
        community = org.guoao if index < 8 else rng.choice(communities)
        if index < claimed_count:
            # The `partner` login (a lawyer) claimed 国奥社区's first legal-aid tasks.
            if index < 4:
                kind, title, place, description = TASKS[0]
                claimant = mine
            else:
                claimant = rng.choice(by_community[community.pk])
            day = (now - timedelta(days=rng.randint(3, 360))).date()
            done = rng.random() < 0.88 or index < 3
            tasks.append(
                PracticalTask(
                    community=community,
                    title=title,
                    kind=kind,
                    description=description,
                    date=day,
                    place=place,
                    compound=rng.choice(org.compounds_of[community.pk]),
                    status=TaskStatus.DONE if done else TaskStatus.CLAIMED,
                    created_by=org.secretary_of[community.pk],
                    created_at=_at(day - timedelta(days=10), 9),
                    claimed_by=claimant,
                    claimed_at=_at(day - timedelta(days=rng.randint(1, 8)), 15),
                    result=rng.choice(RESULTS).format(n=rng.randint(8, 60)) if done else "",
                    hours=Decimal(rng.choice([2, 3, 4])) if done else None,
                    done_at=_at(day, 17) if done else None,
                )
            )
        else:
            cancelled = index >= claimed_count + open_count
            day = (now + timedelta(days=rng.randint(3, 40))).date()
            tasks.append(
                PracticalTask(
                    community=community,
                    title=title,
                    kind=kind,
                    description=description,
                    date=day
                    if not cancelled
                    else (now - timedelta(days=rng.randint(5, 90))).date(),
                    place=place,
                    compound=rng.choice(org.compounds_of[community.pk]),
                    status=TaskStatus.CANCELLED if cancelled else TaskStatus.OPEN,
                    created_by=org.secretary_of[community.pk],
                    created_at=now - timedelta(days=rng.randint(1, 20)),
                )
            )
    PracticalTask.objects.bulk_create(tasks, batch_size=2000)

    # Excellent partners: last year's list published (276 at scale 1), this year's under way.
    last_year, this_year = now.year - 1, now.year
    eligible = [p for p in partners if p.created_at.year <= last_year and p.user_id is None]
    rng.shuffle(eligible)
    honoured = [mine, *eligible[: scaled(EXCELLENT, scale) - 1]]
    published_at = _at(datetime(last_year + 1, 1, 15).date(), 10)
    leaders = org.leader_of
    excellent = [
        Excellent(
            partner=p,
            year=last_year,
            reason=f"{p.skills or '积极参与社区治理'},全年参与项目和实事服务,居民评价高。",
            status=ExcellentStatus.PUBLISHED,
            nominated_by=org.secretary_of[p.community_id],
            nominated_at=_at(datetime(last_year, 12, 10).date(), 9),
            reviewed_by=leaders[org.communities_by_id[p.community_id].street_id],
            reviewed_at=_at(datetime(last_year, 12, 20).date(), 9),
            published_at=published_at,
        )
        for p in honoured
    ]
    rest = eligible[len(honoured) :]
    # The demo `street` (国奥社区's street) has nominations to decide: its communities' first.
    home = org.guoao.street_id
    rest.sort(key=lambda p: org.communities_by_id[p.community_id].street_id != home)
    pending = rest[: scaled(30, scale)]
    for n, p in enumerate(pending):
        status = [ExcellentStatus.NOMINATED, ExcellentStatus.APPROVED, ExcellentStatus.DECLINED][
            n % 3
        ]
        excellent.append(
            Excellent(
                partner=p,
                year=this_year,
                reason=f"{p.skills or '热心公益'},本年度多次认领实事。",
                status=status,
                nominated_by=org.secretary_of[p.community_id],
                nominated_at=now - timedelta(days=10),
                reviewed_by=(
                    leaders[org.communities_by_id[p.community_id].street_id]
                    if status != ExcellentStatus.NOMINATED
                    else None
                ),
                reviewed_at=now - timedelta(days=3)
                if status != ExcellentStatus.NOMINATED
                else None,
                review_note="材料不足,请补充服务记录" if status == ExcellentStatus.DECLINED else "",
            )
        )
    Excellent.objects.bulk_create(excellent, batch_size=2000)

    return {
        "partner_duties": len(links),
        "compound_adoptions": len(compound_adoptions),
        "building_adoptions": len(building_adoptions),
        "resources": len(resources),
        "recruitment_calls": len(calls),
        "applications": len(applications),
        "emergencies": emergencies,
        "alerts": alerts,
        "tasks": len(tasks),
        "tasks_claimed": claimed_count,
        "excellent_published": len(honoured),
    }


def build_contributions(built: list) -> dict:
    """What each linked partner contributes to its project at step 2 (its resource where it offers
    one, else its service), and the money and materials given at the held sessions."""
    from projects.models import Activity, ActivityContribution, Contribution

    offered = {}
    for resource in Resource.objects.filter(active=True).order_by("id"):
        offered.setdefault(resource.partner_id, resource)
    pledges, given = [], []
    for project in built:
        for partner in project.partners.all():
            resource = offered.get(partner.pk)
            kind = resource.kind if resource else ResourceKind.SERVICES
            pledges.append(
                Contribution(
                    project=project,
                    partner=partner,
                    resource=resource,
                    kind=kind,
                    description=resource.description
                    if resource
                    else (partner.skills or "志愿服务")[:200],
                    quantity=resource.quantity if resource else None,
                    unit=resource.unit if resource else "",
                    created_by=project.created_by,
                    created_at=project.created_at,
                )
            )
    Contribution.objects.bulk_create(pledges, batch_size=2000)
    material = {
        c.project_id: c for c in pledges if c.kind in (ResourceKind.MONEY, ResourceKind.MATERIALS)
    }
    held = Activity.objects.filter(project_id__in=material, status=Activity.Status.HELD).order_by(
        "id"
    )
    for activity in held:
        pledge = material[activity.project_id]
        share = (pledge.quantity or Decimal(10)) / 4
        given.append(
            ActivityContribution(
                activity=activity,
                partner_id=pledge.partner_id,
                resource=pledge.resource,
                kind=pledge.kind,
                quantity=share.quantize(Decimal("0.01")),
                unit=pledge.unit,
                note=pledge.description[:200],
            )
        )
    ActivityContribution.objects.bulk_create(given, batch_size=2000)
    return {"contributions": len(pledges), "session_contributions": len(given)}
