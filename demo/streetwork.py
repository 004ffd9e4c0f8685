"""The street's work in the demo district: about 132 研判 over the ten project classes, 25 / 16 / 23
of them adopted for old / resettlement / commercial compounds (each adopted one the 研判 of a demo
project), and 42 field visits; --scale multiplies them (never below the seed's figures, like the
projects they point at)."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Compound, RoleAssignment
from accounts.roles import STREET_DECIDERS, STREET_GROUP
from needs.models import Need
from projects.models import Project, ProjectClass
from streetwork.models import Assessment, FieldVisit, Source, Verdict

from . import catalog
from .org import Org

ASSESSMENTS, VISITS = 132, 42
ADOPTED = {Compound.Kind.OLD: 25, Compound.Kind.RESETTLEMENT: 16, Compound.Kind.COMMERCIAL: 23}
# Of the 研判 not adopted: deferred for more groundwork, or not adopted.
LATER_SHARE = 0.6

REASONS = {
    Verdict.ADOPT: [
        "居民需求集中,{community}党组织有意愿领办,已有合伙人和志愿者可以依托,经费可控,同意采纳。",
        "与小区实际契合,前期走访中居民呼声高,方案简单易行,同意采纳并纳入本年度领办项目。",
        "符合十类治理服务项目方向,小区党支部、业委会和物业均表示支持,同意采纳。",
    ],
    Verdict.LATER: [
        "需求真实,但场地尚未落实,请社区与物业协商后再提交研判。",
        "与已在实施的项目内容重叠,待现有项目复盘后再研究。",
        "资金来源不明确,请社区先链接合伙人资源,下季度再研判。",
    ],
    Verdict.REJECT: [
        "属于物业服务合同内的事项,应由物业履行,不作为领办项目。",
        "涉及公共安全,需由职能部门处理,不宜由社区领办。",
        "居民意见分歧较大,暂不具备领办条件。",
    ],
}
CANDIDATES = [
    "{compound}楼道微更新",
    "{compound}邻里议事角",
    "{compound}电动车集中充电",
    "{compound}儿童友好空间",
    "{compound}老年助餐点",
    "{compound}口袋公园",
    "{compound}垃圾分类督导",
    "{compound}共享工具屋",
    "{compound}停车秩序整治",
    "{compound}楼栋长培训",
]
FINDINGS = [
    "{compound}楼道杂物较多,消防通道不畅;居民希望有人牵头定期清理。",
    "走访{compound}独居老人,助餐需求集中,现有助餐点距离较远。",
    "{compound}车辆乱停现象突出,业委会和物业愿意共同商量停车方案。",
    "查看{compound}中心广场,场地可以承接邻里活动,但照明不足。",
    "与{community}两委、小区党支部座谈,梳理出居民急难愁盼问题清单。",
    "{compound}儿童放学后无人看管的情况较多,居民希望开设四点半课堂。",
]
FOLLOW_UPS = [
    "请社区两周内召开联席会,拿出方案报街道研判。",
    "协调物业和业委会,下月再次到现场查看。",
    "由街道相关科室对接区级部门,争取资源支持。",
    "",
]
OTHERS = [
    "{community}书记、小区党支部书记",
    "{community}书记、物业经理、业委会主任",
    "小区党支部书记、楼栋长代表",
    "",
]


def scaled(count: int, scale: float) -> int:
    """A seed figure at this scale, never below the seed's own (the projects never are)."""
    return round(count * max(scale, 1.0))


def _day(rng: random.Random, today, low: int, high: int):
    return today - timedelta(days=rng.randint(low, high))


def _moment(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16, 30)))


def _street_groups() -> dict[int, list[int]]:
    """Street id -> ids of its leading group, the 组长 first (one query)."""
    groups: dict[int, list[int]] = {}
    rows = RoleAssignment.objects.filter(role__in=STREET_GROUP.values, street__isnull=False)
    for street_id, user_id, role in rows.order_by("id").values_list("street_id", "user_id", "role"):
        people = groups.setdefault(street_id, [])
        if role in STREET_DECIDERS:
            people.insert(0, user_id)
        else:
            people.append(user_id)
    return groups


def build(org: Org, rng: random.Random, now, needs: list[Need], projects: list[Project], scale):
    """The demo's 研判 and field visits, written in bulk. Returns their counts."""
    today = timezone.localdate(now)
    classes = list(ProjectClass.objects.order_by("order", "id"))
    groups = _street_groups()
    needs_of: dict[int, list[Need]] = {}
    for need in needs:
        needs_of.setdefault(need.community_id, []).append(need)
    need_of_project = dict(
        Project.needs.through.objects.filter(project__in=projects)
        .order_by("need_id")
        .values_list("project_id", "need_id")
    )
    projects_of: dict[int, list[Project]] = {}
    for project in projects:
        projects_of.setdefault(project.community_id, []).append(project)

    rows: list[Assessment] = []

    def add(community, compound, kind, verdict, title, project_class=None, **extra):
        street = community.street_id
        rows.append(
            Assessment(
                community=community,
                compound=compound,
                compound_kind=kind,
                verdict=verdict,
                title=title[:100],
                # The class the project was given, else the ten in turn (so all ten appear).
                project_class=project_class or classes[len(rows) % len(classes)],
                reason=rng.choice(REASONS[verdict]).format(community=community.name),
                assessed_by_id=rng.choice(groups.get(street) or [org.leader_of[street].pk]),
                **extra,
            )
        )

    # Adopted: the 研判 behind each demo project, a few days before it was opened.
    for kind, count in ADOPTED.items():
        target = scaled(count, scale)
        mine = [p for p in projects if p.compound and p.compound.kind == kind][:target]
        for project in mine:
            need_id = need_of_project.get(project.pk)
            day = _day(rng, timezone.localdate(project.created_at), 3, 20)
            add(
                org.communities_by_id[project.community_id],
                project.compound,
                kind,
                Verdict.ADOPT,
                project.title,
                project=project,
                project_class=project.project_class,
                need_id=need_id,
                source=Source.NEED if need_id else Source.COMMUNITY,
                assessed_on=day,
                created_at=_moment(day),
            )
        for _ in range(target - len(mine)):  # more wanted than projects built: no project yet
            compound = rng.choice(org.compounds_by_kind[kind])
            day = _day(rng, today, 1, 300)
            add(
                org.communities_by_id[compound.community_id],
                compound,
                kind,
                Verdict.ADOPT,
                rng.choice(CANDIDATES).format(compound=compound.name),
                source=Source.LIBRARY,
                assessed_on=day,
                created_at=_moment(day),
            )

    # The rest: deferred or not adopted, over every street's communities in turn.
    rest = max(scaled(ASSESSMENTS, scale) - len(rows), 0)
    later = round(rest * LATER_SHARE)
    communities = org.communities[:]
    rng.shuffle(communities)
    for index in range(rest):
        community = communities[index % len(communities)]
        compound = rng.choice(org.compounds_of[community.pk])
        candidates = needs_of.get(community.pk, [])
        need = rng.choice(candidates) if candidates and rng.random() < 0.5 else None
        day = _day(rng, today, 1, 300)
        add(
            community,
            compound if rng.random() < 0.8 else None,
            compound.kind,
            Verdict.LATER if index < later else Verdict.REJECT,
            need.title if need else rng.choice(CANDIDATES).format(compound=compound.name),
            need=need,
            source=Source.NEED if need else rng.choice([Source.COMMUNITY, Source.OTHER]),
            assessed_on=day,
            created_at=_moment(day),
        )
    Assessment.objects.bulk_create(rows, batch_size=1000)

    visits = _visits(org, rng, today, groups, projects_of, scaled(VISITS, scale))
    return {"assessments": len(rows), "field_visits": len(visits)}


def _visits(org: Org, rng, today, groups, projects_of, count: int) -> list[FieldVisit]:
    """`count` visits, street by street in turn; 国奥社区 gets the first of its street."""
    by_street: dict[int, list] = {}
    for community in org.communities:
        by_street.setdefault(community.street_id, []).append(community)
    for communities in by_street.values():
        rng.shuffle(communities)
        communities.sort(key=lambda c: c.name != catalog.GUOAO)
    streets = sorted(by_street)
    visits, members, links = [], [], []
    for index in range(count):
        street_id = streets[index % len(streets)]
        communities = by_street[street_id]
        community = communities[(index // len(streets)) % len(communities)]
        compound = rng.choice(org.compounds_of[community.pk])
        group = groups.get(street_id) or [org.leader_of[street_id].pk]
        day = _day(rng, today, 1, 200)
        visit = FieldVisit(
            community=community,
            date=day,
            others=rng.choice(OTHERS).format(community=community.name),
            findings=rng.choice(FINDINGS).format(compound=compound.name, community=community.name),
            follow_ups=rng.choice(FOLLOW_UPS),
            recorded_by_id=group[0],
            created_at=_moment(day),
        )
        went = [group[0], *rng.sample(group[1:], min(len(group) - 1, rng.randint(0, 2)))]
        concerned = projects_of.get(community.pk, [])
        visits.append(visit)
        members.append(went)
        links.append(rng.sample(concerned, min(len(concerned), rng.randint(0, 2))))
    FieldVisit.objects.bulk_create(visits, batch_size=1000)
    FieldVisit.members.through.objects.bulk_create(
        [
            FieldVisit.members.through(fieldvisit_id=visit.pk, user_id=user_id)
            for visit, went in zip(visits, members, strict=True)
            for user_id in went
        ],
        batch_size=1000,
    )
    FieldVisit.projects.through.objects.bulk_create(
        [
            FieldVisit.projects.through(fieldvisit_id=visit.pk, project_id=project.pk)
            for visit, concerned in zip(visits, links, strict=True)
            for project in concerned
        ],
        batch_size=1000,
    )
    return visits
