"""Compound scenes and 幸福责任田 in the demo district: the 五微不至 campaign's 89 compound scenes
(小区微阵地, 环境微更新, 协商微议事, and the outdoor public spaces services moved into) and its 45
micro-projects (幸福责任田 plots and 微心愿 tasks), some claimed by partners and residents with
care records, a few neglected. The figures are the seed's totals, a catalogue like the 64
projects: --scale does not multiply them (DESIGN.md)."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from partners.models import Partner
from projects.models import Project, PublicSpaceKind
from scenes.models import CareRecord, Claim, MicroProject, Scene, SceneKind

from .org import Org, person_name

SCENES, MICROS = 89, 45
# 89 = 30 微阵地 + 28 微更新 + 21 微议事 + 10 in the five outdoor public spaces.
SCENE_KINDS = [SceneKind.POST] * 30 + [SceneKind.RENEWAL] * 28 + [SceneKind.DELIBERATION] * 21
OUTDOOR = 10
PLOTS, TASKS = 30, 15
CLAIMED_BY_PARTNERS, CLAIMED_BY_RESIDENTS, NEGLECTED = 12, 10, 4

NAMES = {
    SceneKind.POST: ["{n}号楼党员先锋站", "红色微阵地", "楼栋长服务点", "邻里驿站"],
    SceneKind.RENEWAL: ["口袋花园", "楼道微更新", "共享晾晒区", "非机动车棚改造"],
    SceneKind.DELIBERATION: ["邻里议事角", "楼门议事亭", "协商议事厅", "圆桌议事点"],
}
PLACES = ["{n}号楼东侧", "中心广场北侧", "{n}号楼架空层", "小区南门", "{n}号楼与{m}号楼之间"]
HOURS = ["每天 8:00–20:00", "周一至周五 9:00–17:00", "全天开放", "每周六 9:00–11:00"]
TASK_TITLES = [
    "帮独居老人取快递",
    "楼道绿植认养",
    "周末四点半课堂助教",
    "垃圾分类督导",
    "共享工具屋值守",
]
CARE = ["浇水", "除草、松土", "施肥", "搭架、修枝", "清理落叶"]


def build(org: Org, rng: random.Random, now: datetime, partners: list[Partner], built) -> None:
    """Write the scenes, their photos-free records, micro-projects, claims and care."""
    compounds = _compounds(org)
    spaces = list(PublicSpaceKind.objects.order_by("order", "id")[:5])
    projects_of: dict[int, list[Project]] = {}
    for project in built:
        projects_of.setdefault(project.community_id, []).append(project)
    kinds = SCENE_KINDS + [SceneKind.PUBLIC_SPACE] * OUTDOOR
    scenes = []
    for index, kind in enumerate(kinds):
        compound = compounds[index % len(compounds)]
        space = spaces[index % len(spaces)] if kind == SceneKind.PUBLIC_SPACE and spaces else None
        n, m = rng.randint(1, 12), rng.randint(13, 20)
        name = f"{space.name}便民服务点" if space else rng.choice(NAMES[kind]).format(n=n)
        scenes.append(
            Scene(
                community_id=compound.community_id,
                compound=compound,
                kind=kind if space or kind != SceneKind.PUBLIC_SPACE else SceneKind.POST,
                public_space=space,
                name=f"{compound.name}{name}",
                location=rng.choice(PLACES).format(n=n, m=m),
                opening_hours=rng.choice(HOURS),
                created_by=org.secretary_of[compound.community_id],
                created_at=now - timedelta(days=rng.randint(30, 400)),
            )
        )
    Scene.objects.bulk_create(scenes)
    links = []
    for scene in scenes:
        candidates = projects_of.get(scene.community_id, [])
        if candidates and rng.random() < 0.6:
            links.append(
                Scene.projects.through(scene_id=scene.pk, project_id=rng.choice(candidates).pk)
            )
    Scene.projects.through.objects.bulk_create(links, ignore_conflicts=True)
    _micro_projects(org, rng, now, compounds, partners)


def _compounds(org: Org) -> list:
    """国奥社区's compounds first (the demo logins look there), then every other compound."""
    first = org.compounds_of.get(org.guoao.pk, [])
    return first + [c for c in org.compounds if c.community_id != org.guoao.pk]


def _micro_projects(org, rng, now, compounds, partners) -> None:
    today = timezone.localdate()
    micros = []
    for index in range(PLOTS + TASKS):
        compound = compounds[index % len(compounds)]
        plot = index < PLOTS
        micros.append(
            MicroProject(
                community_id=compound.community_id,
                compound=compound,
                kind=MicroProject.Kind.PLOT if plot else MicroProject.Kind.TASK,
                title=(
                    f"{compound.name}幸福责任田{chr(ord('A') + index % 6)}块"
                    if plot
                    else f"{compound.name}{rng.choice(TASK_TITLES)}"
                ),
                description="认领后请按时浇水除草,收成与邻里分享。" if plot else "",
                location=f"{rng.randint(1, 12)}号楼前" if plot else "",
                neglect_days=14 if plot else 30,
                created_by=org.secretary_of[compound.community_id],
                created_at=now - timedelta(days=rng.randint(60, 300)),
            )
        )
    MicroProject.objects.bulk_create(micros)
    by_community: dict[int, list[Partner]] = {}
    for partner in partners:
        by_community.setdefault(partner.community_id, []).append(partner)
    claims, neglected = [], set()
    taken = CLAIMED_BY_PARTNERS + CLAIMED_BY_RESIDENTS
    for index, micro in enumerate(micros[:taken]):
        days = rng.randint(50, 120)
        own = by_community.get(micro.community_id)
        partner = rng.choice(own) if index < CLAIMED_BY_PARTNERS and own else None
        claims.append(
            Claim(
                micro_project=micro,
                partner=partner,
                name="" if partner else person_name(rng),
                phone="" if partner else f"139{rng.randint(10_000_000, 99_999_999)}",
                consent_at=None if partner else now - timedelta(days=days),
                claimed_at=now - timedelta(days=days),
            )
        )
        if index % (taken // NEGLECTED) == 1 and len(neglected) < NEGLECTED:
            neglected.add(micro.pk)
    Claim.objects.bulk_create(claims)
    records = []
    for claim in claims:
        micro = claim.micro_project
        last = today - timedelta(days=micro.neglect_days + 10 if micro.pk in neglected else 2)
        for back in range(3, -1, -1):
            records.append(
                CareRecord(
                    claim=claim,
                    date=last - timedelta(days=back * 7),
                    done=rng.choice(CARE) if micro.kind == MicroProject.Kind.PLOT else "已完成",
                )
            )
        micro.status = MicroProject.Status.CLAIMED
        micro.status_changed_at = claim.claimed_at
        micro.care_due_on = micro.due_after(last)
    CareRecord.objects.bulk_create(records)
    MicroProject.objects.bulk_update(
        [c.micro_project for c in claims], ["status", "status_changed_at", "care_due_on"]
    )
