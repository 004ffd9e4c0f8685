"""The 64 projects of the seed (25 / 16 / 23 for old / resettlement / commercial compounds), at every
status, each with the timeline, activities and links its status implies."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Compound
from core.models import Notification
from needs.models import Need
from partners.models import Partner, PartnerCategory
from projects.models import Activity, Project, ProjectEvent, Status

from . import catalog
from .catalog import GUOAO, HAIYUN, YUEHAI
from .org import Org

KIND_TOTALS = {Compound.Kind.OLD: 25, Compound.Kind.RESETTLEMENT: 16, Compound.Kind.COMMERCIAL: 23}
STATUS_TOTALS = {
    Status.DRAFT: 8,
    Status.SUBMITTED: 12,
    Status.RETURNED: 5,
    Status.APPROVED: 7,
    Status.ANNOUNCED: 8,
    Status.IN_PROGRESS: 12,
    Status.RETROSPECTED: 12,
}
PAST_REVIEW = (Status.APPROVED, Status.ANNOUNCED, Status.IN_PROGRESS, Status.RETROSPECTED)
Kind = ProjectEvent.Kind

GUOAO_FESTIVAL = (
    "国奥社区已连续14年举办“邻居节”。今年的邻居节以“邻里守望·幸福国奥”为主题,开展百家美食分享、"
    "楼栋才艺展示、亲子趣味游戏和邻里互助集市,让住在同一栋楼的人从“面熟”到“相知”。"
)
YUEHAI_FEAST = (
    "悦海社区已举办6次“百家宴”:每家带一道拿手菜,在悦海花园中心广场摆开长桌,新老居民围坐一起,"
    "边吃边聊小区大小事,把“陌生人小区”变成“熟人社区”。"
)


@dataclass
class Spec:
    """One project to create. `community` is a name for the named projects, None for the rest."""

    kind: str
    idea: str
    status: str
    community: str | None = None
    age: int | None = None  # days since the last status change
    title: str = ""
    summary: str = ""
    overdue: bool = False
    resubmitted: bool = False
    return_note: str = ""
    # (days after the start, note, participants) per activity session
    sessions: list = field(default_factory=list)
    end_in: int | None = None  # days from today to the planned end


OLD, RES, COM = Compound.Kind.OLD, Compound.Kind.RESETTLEMENT, Compound.Kind.COMMERCIAL
S = Status

FIXED = [
    # 国奥社区 (the secretary's): one project at every status.
    Spec(COM, "邻居节", S.IN_PROGRESS, GUOAO, age=21, title="邻居节", summary=GUOAO_FESTIVAL,
         end_in=25, sessions=[
             (0, "开幕式暨百家美食分享会,32个楼栋代表带来家乡菜", 260),
             (7, "楼栋邻里才艺展示,居民自编自演节目14个", 180),
         ]),
    Spec(COM, "幸福集市", S.APPROVED, GUOAO, age=2, title="幸福集市", resubmitted=True),
    Spec(COM, "社区运动会", S.RETURNED, GUOAO, age=3, title="社区运动会",
         return_note="运动会场地需与物业确认安全方案,奖品支出请列出明细,修改后重新提交。"),
    Spec(OLD, "增设电动自行车充电桩", S.DRAFT, GUOAO, age=1, title="增设电动自行车充电桩"),
    Spec(RES, "老年养生课堂", S.SUBMITTED, GUOAO, age=3, title="老年养生课堂"),
    Spec(OLD, "法律援助进小区", S.ANNOUNCED, GUOAO, age=1, title="法律援助进小区"),
    Spec(COM, "跳蚤市场", S.RETROSPECTED, GUOAO, age=40, title="跳蚤市场"),
    # 悦海社区 (secretary2's, another street).
    Spec(COM, "百家宴", S.IN_PROGRESS, YUEHAI, age=170, title="百家宴", summary=YUEHAI_FEAST,
         end_in=60, sessions=[
             (0, "第一次百家宴:28户居民带来拿手菜,长桌摆满中心广场", 96),
             (28, "第二次百家宴:新搬来的年轻住户第一次参加", 132),
             (56, "第三次百家宴:以“家乡味道”为主题", 150),
             (84, "第四次百家宴:邀请小区物业和业委会同桌共话", 178),
             (112, "第五次百家宴:中秋团圆宴,增设孩子们的手工摊位", 236),
             (140, "第六次百家宴:百户居民同席,现场征集下一年的小区心愿", 312),
         ]),
    Spec(COM, "社区运动会", S.ANNOUNCED, YUEHAI, age=4, title="悦海社区运动会"),
    Spec(RES, "幼儿陪护", S.DRAFT, YUEHAI, age=2, title="幼儿陪护驿站"),
    # The street of 国奥社区 has a queue of proposals waiting, some for longer than the limit.
    Spec(OLD, "外墙保温改造", S.SUBMITTED, HAIYUN, age=20),
    Spec(RES, "四点半课堂", S.SUBMITTED, "长江社区", age=9),
    Spec(COM, "亲子运动会", S.SUBMITTED, "泰山社区", age=1),
    Spec(OLD, "楼道照明改造", S.SUBMITTED, "华山社区", age=16),
]  # fmt: skip

DEFAULT_AGES = {
    S.DRAFT: (0, 10),
    S.SUBMITTED: (1, 30),
    S.RETURNED: (1, 8),
    S.APPROVED: (1, 10),
    S.ANNOUNCED: (0, 6),
    S.IN_PROGRESS: (5, 60),
    S.RETROSPECTED: (5, 150),
}


@dataclass
class Plan:
    """A spec resolved against the tree, with its timeline worked out but nothing saved yet."""

    spec: Spec
    community: object
    compound: Compound
    idea: catalog.Idea
    title: str
    # transition name -> when it happened
    at: dict = field(default_factory=dict)
    project: Project | None = None
    place: str = ""
    created_note: str = ""
    sessions: list[Activity] = field(default_factory=list)


def apportion(totals: dict, n: int) -> dict:
    """Split n in the proportions of `totals`, rounding so the parts add up to n exactly."""
    whole = sum(totals.values())
    exact = {key: total * n / whole for key, total in totals.items()}
    parts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - parts[key], reverse=True)
    for key in by_remainder[: n - sum(parts.values())]:
        parts[key] += 1
    return parts


def generated_specs(rng: random.Random, scale: float = 1.0) -> list[Spec]:
    """The projects beyond the named ones, so that kinds and statuses add up to the seed's figures
    times the scale. Below scale 1 the seed's 64 stay: the named projects need their neighbours
    for every dashboard to have something to show."""
    total = round(sum(KIND_TOTALS.values()) * max(scale, 1.0))
    kinds, statuses = [], []
    for kind, count in apportion(KIND_TOTALS, total).items():
        kinds += [kind] * (count - sum(s.kind == kind for s in FIXED))
    for status, count in apportion(STATUS_TOTALS, total).items():
        statuses += [status] * (count - sum(s.status == status for s in FIXED))
    rng.shuffle(kinds)
    rng.shuffle(statuses)
    next_idea = dict.fromkeys(KIND_TOTALS, 0)
    specs, late = [], 0
    for kind, status in zip(kinds, statuses, strict=True):
        ideas = catalog.IDEAS[kind]
        idea = ideas[next_idea[kind] % len(ideas)]
        next_idea[kind] += 1
        spec = Spec(kind, idea.title, status)
        if status == S.IN_PROGRESS and late < 3 * max(scale, 1.0):
            # Past the planned end and not yet retrospected: the district dashboard flags these.
            spec.overdue, spec.age, late = True, rng.randint(30, 60), late + 1
        spec.resubmitted = status in PAST_REVIEW and rng.random() < 0.25
        specs.append(spec)
    return specs


def _when(now: datetime, days: float, rng: random.Random) -> datetime:
    return now - timedelta(days=days, hours=rng.randint(1, 6), minutes=rng.randint(0, 59))


def _timeline(spec: Spec, rng: random.Random, now: datetime) -> dict:
    """When each transition happened, worked backwards from the age of the current status."""
    low, high = DEFAULT_AGES[spec.status]
    last = _when(now, spec.age if spec.age is not None else rng.randint(low, high), rng)
    at = {}
    order = ["created", "submitted", "decided", "announced", "started", "retrospected"]
    gaps = {
        "retrospected": timedelta(days=rng.randint(25, 70)),
        "started": timedelta(days=rng.randint(2, 10)),
        "announced": timedelta(days=rng.randint(1, 6)),
        "decided": timedelta(days=rng.randint(2, 9)),
        "submitted": timedelta(days=rng.randint(4, 15)),
    }
    reached = {
        S.DRAFT: "created",
        S.SUBMITTED: "submitted",
        S.RETURNED: "decided",
        S.APPROVED: "decided",
        S.ANNOUNCED: "announced",
        S.IN_PROGRESS: "started",
        S.RETROSPECTED: "retrospected",
    }[spec.status]
    steps = order[: order.index(reached) + 1]
    at[steps[-1]] = last
    for previous, step in zip(reversed(steps[:-1]), reversed(steps[1:]), strict=True):
        at[previous] = at[step] - gaps[step]
    if spec.resubmitted:
        # A first round was sent back before the one that counts.
        at["first_submitted"] = at["submitted"] - timedelta(days=rng.randint(6, 10))
        at["first_returned"] = at["submitted"] - timedelta(days=rng.randint(2, 4))
        at["created"] = at["first_submitted"] - gaps["submitted"]
    return at


def plan_projects(org: Org, rng: random.Random, now: datetime, scale: float = 1.0) -> list[Plan]:
    named = {GUOAO, YUEHAI}
    pool = {
        kind: [c for c in compounds if org.communities_by_id[c.community_id].name not in named]
        for kind, compounds in org.compounds_by_kind.items()
    }
    for compounds in pool.values():
        rng.shuffle(compounds)
    plans = []
    taken = dict.fromkeys(pool, 0)
    for spec in FIXED + generated_specs(rng, scale):
        idea = catalog.IDEA_BY_TITLE[spec.idea]
        if spec.community:
            community = org.by_name[spec.community]
            compound = next(c for c in org.compounds_of[community.pk] if c.kind == spec.kind)
        else:
            # Each compound once before any gets a second project (more at a larger scale).
            compounds = pool[spec.kind]
            compound = compounds[taken[spec.kind] % len(compounds)]
            taken[spec.kind] += 1
            community = org.communities_by_id[compound.community_id]
        title = spec.title or f"{compound.name}{idea.title}"
        plans.append(Plan(spec, community, compound, idea, title, at=_timeline(spec, rng, now)))
    return plans


def wanted_needs(plans: list[Plan]) -> list[dict]:
    """The need behind each project, recorded before the project was opened."""
    return [
        {
            "community": p.community,
            "compound": p.compound,
            "title": p.idea.need_title,
            "category": p.idea.need_category,
            "before": p.at["created"],
        }
        for p in plans
    ]


def _labels(categories) -> str:
    return "、".join(str(PartnerCategory(c).label) for c in categories)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _at_local(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class ProjectBuilder:
    """Turns plans into projects, links, timelines, activities and inbox entries, in bulk."""

    def __init__(self, org: Org, rng: random.Random, now: datetime, needs, partners):
        self.org, self.rng, self.now = org, rng, now
        self.today = timezone.localdate(now)
        self.needs_by_community: dict[int, list[Need]] = {}
        for need in needs:
            self.needs_by_community.setdefault(need.community_id, []).append(need)
        self.partners_by_community: dict[int, list[Partner]] = {}
        for partner in partners:
            self.partners_by_community.setdefault(partner.community_id, []).append(partner)
        self.experts = {org.guoao.street_id: [org.logins["expert"], org.logins["member"]]}
        self.events, self.activities, self.notes = [], [], []
        self.need_links, self.partner_links = [], []

    def build(self, plans: list[Plan]) -> list[Project]:
        """Work everything out on unsaved objects, then insert table by table."""
        for plan in plans:
            plan.project = self._project(plan)
            self._links(plan)
            self._history(plan)
        projects = Project.objects.bulk_create([plan.project for plan in plans])
        Project.needs.through.objects.bulk_create(self.need_links)
        Project.partners.through.objects.bulk_create(self.partner_links)
        ProjectEvent.objects.bulk_create(self.events, batch_size=1000)
        Activity.objects.bulk_create(self.activities)
        for note, plan in self.notes:
            note.url = plan.project.get_absolute_url()
        Notification.objects.bulk_create([note for note, _ in self.notes])
        return projects

    # -- the project row --------------------------------------------------------------------
    def _project(self, plan: Plan) -> Project:
        spec, idea, rng, at = plan.spec, plan.idea, self.rng, plan.at
        status = spec.status
        budget = Decimal(round(idea.budget * rng.uniform(0.8, 1.2), -2)).quantize(Decimal("1.00"))
        start, end = self._dates(plan)
        place = rng.choice(catalog.PLACES).format(compound=plan.compound.name)
        kind_label = Compound.Kind(plan.compound.kind).label
        project = Project(
            community=plan.community,
            compound=plan.compound,
            title=plan.title,
            summary=spec.summary
            or f"{plan.compound.name}({kind_label})居民反映“{idea.need_title}”。"
            f"{plan.community.name}党组织领办本项目,{idea.goal}。",
            theme=idea.theme,
            status=status,
            status_changed_at=max(at.values()),
            goal=idea.goal,
            target_groups=idea.target_groups,
            created_by=self.org.secretary_of[plan.community.pk],
            created_at=at["created"],
        )
        # Half of the drafts have their plan filled in already; the named ones all do.
        if status != S.DRAFT or spec.community or rng.random() < 0.5:
            project.start_date, project.end_date, project.budget_total = start, end, budget
        if status != S.DRAFT:
            # The joint meeting, budget lines and milestones: demo/plans.py.
            project.proposal = (
                f"一、前期准备:{plan.community.name}党组织牵头召开联席会明确分工,发布招募令招募志愿者。\n"
                f"二、组织实施:在{place}开展“{plan.title}”,活动前通过楼栋群和小区公告栏发布通知。\n"
                f"三、资源保障:链接{_labels(idea.partner_categories)}等合伙人参与,"
                f"预算{budget}元。\n"
                "四、复盘评估:活动结束后开展走访入户评、邀请现场评、线上投票评,形成复盘报告。"
            )
        if "announced" in at:
            project.announced_at = at["announced"]
            project.announcement = (
                f"【项目预告】“{plan.title}”将于{start.month}月{start.day}日起在{place}开展,"
                f"欢迎{idea.target_groups}参加,各场活动的时间和地点见本页。"
            )
        plan.place = place
        return project

    def _dates(self, plan: Plan) -> tuple[date, date]:
        spec, at, rng, today = plan.spec, plan.at, self.rng, self.today
        if "started" in at:
            start = _local_date(at["started"])
            if "retrospected" in at:
                end = max(
                    start, _local_date(at["retrospected"]) - timedelta(days=rng.randint(1, 5))
                )
            elif spec.end_in is not None:
                end = today + timedelta(days=spec.end_in)
            elif spec.overdue:
                end = max(start, today - timedelta(days=rng.randint(2, 10)))
            else:
                end = today + timedelta(days=rng.randint(10, 60))
            return start, end
        soon = (1, 14) if spec.status == S.ANNOUNCED else (7, 40)
        start = today + timedelta(days=rng.randint(*soon))
        return start, start + timedelta(days=rng.randint(14, 90))

    # -- needs and partners ------------------------------------------------------------------
    def _links(self, plan: Plan) -> None:
        """The needs of the community the project answers, and partners of the community."""
        project, rng = plan.project, self.rng
        needs = [
            n
            for n in self.needs_by_community.get(plan.community.pk, [])
            if n.title == plan.idea.need_title
        ][:3]
        partners: list[Partner] = []
        if plan.spec.status != S.DRAFT or rng.random() < 0.5:
            available = self.partners_by_community.get(plan.community.pk, [])
            mine = [p for p in available if p.user_id]
            if plan.idea.title == "法律援助进小区":
                partners += mine
            for category in plan.idea.partner_categories:
                match = [p for p in available if p.category_id == category and p not in partners]
                if match:
                    partners.append(rng.choice(match))
            rest = [p for p in available if p not in partners and not p.user_id]
            partners += rng.sample(rest, min(len(rest), rng.randint(0, 2)))
        self.need_links += [Project.needs.through(project=project, need=n) for n in needs]
        self.partner_links += [
            Project.partners.through(project=project, partner=p) for p in partners
        ]
        secretary = self.org.secretary_of[plan.community.pk]
        linked = plan.at["created"] + timedelta(hours=1)
        # Opened from the needs list: the first entry of the timeline names them.
        plan.created_note = ("回应需求:" + "、".join(n.title for n in needs)) if needs else ""
        for partner in partners:
            self._event(
                plan, Kind.PARTNER_LINKED, linked + timedelta(days=1), secretary, partner.name
            )

    # -- timeline, activities, inbox ---------------------------------------------------------
    def _event(self, plan: Plan, kind: str, at: datetime, actor, note: str = "") -> None:
        self.events.append(
            ProjectEvent(
                project=plan.project, kind=kind, actor=actor, at=min(at, self.now), note=note
            )
        )

    def _notify(self, user, event: str, plan: Plan, title: str, at: datetime, body="") -> None:
        note = Notification(
            recipient=user,
            event=event,
            title=title[:200],
            body=body,
            created_at=at,
            emailed_at=at,  # seeded history: nothing left to e-mail
            # What came in during the last week is still waiting to be read.
            read_at=None if self.now - at < timedelta(days=7) else at + timedelta(hours=3),
        )
        self.notes.append((note, plan))  # the url needs the project's id

    def _history(self, plan: Plan) -> None:
        spec, at, rng, project = plan.spec, plan.at, self.rng, plan.project
        community = plan.community
        secretary = self.org.secretary_of[community.pk]
        leader = self.org.leader_of[community.street_id]
        reviewers = [leader, *self.experts.get(community.street_id, [])]
        self._event(plan, Kind.CREATED, at["created"], secretary, plan.created_note)
        if spec.resubmitted:
            self._event(plan, Kind.SUBMITTED, at["first_submitted"], secretary)
            self._event(
                plan, Kind.RETURNED, at["first_returned"], leader, rng.choice(catalog.RETURN_NOTES)
            )
            self._event(
                plan,
                Kind.UPDATED,
                at["first_returned"] + timedelta(days=1),
                secretary,
                "实施方案、预算总额",
            )
        if "submitted" not in at:
            return
        self._event(plan, Kind.SUBMITTED, at["submitted"], secretary)
        if spec.status == S.SUBMITTED:
            for reviewer in reviewers:
                self._notify(
                    reviewer,
                    "project.submitted",
                    plan,
                    f"待审核:{community.name}“{plan.title}”",
                    at["submitted"],
                )
        commenters = reviewers[1:]
        if commenters and (spec.status == S.RETURNED or rng.random() < 0.6):
            comment = rng.choice(catalog.EXPERT_COMMENTS)
            when = at["submitted"] + timedelta(hours=20)
            self._event(plan, Kind.COMMENTED, when, rng.choice(commenters), comment)
            self._notify(
                secretary, "project.commented", plan, f"审核意见:“{plan.title}”", when, comment
            )
        if "decided" not in at:
            return
        if spec.status == S.RETURNED:
            note = spec.return_note or rng.choice(catalog.RETURN_NOTES)
            self._event(plan, Kind.RETURNED, at["decided"], leader, note)
            self._notify(
                secretary,
                "project.returned",
                plan,
                f"项目被退回修改:“{plan.title}”",
                at["decided"],
                note,
            )
            return
        note = rng.choice(catalog.APPROVE_NOTES)
        self._event(plan, Kind.APPROVED, at["decided"], leader, note)
        self._notify(
            secretary, "project.approved", plan, f"项目已批准:“{plan.title}”", at["decided"], note
        )
        if "announced" not in at:
            return
        self._event(plan, Kind.ANNOUNCED, at["announced"], secretary)
        if "started" not in at:
            return
        self._sessions(plan, secretary)
        if "retrospected" in at:
            project.retrospective = self._retrospective(plan)
            # The structured 复盘 (the summary's three parts; money, participation and the
            # residents' grades are read from the sessions and evaluation).
            project.retro_worked = "联席会前置研判,合伙人全程参与,居民从旁观者变成组织者。"
            project.retro_missed = "宣传主要靠楼栋群,部分老年居民知晓率不高。"
            project.retro_changes = "将做法纳入社区常态化服务,宣传加上楼道海报和入户告知。"
            project.retrospected_at = at["retrospected"]
            self._event(plan, Kind.RETROSPECTED, at["retrospected"], secretary)

    def _sessions(self, plan: Plan, secretary) -> None:
        """Activity sessions from the start date on; the first one started implementation."""
        spec, rng, project = plan.spec, self.rng, plan.project
        start = project.start_date
        last_day = min(project.end_date, self.today)
        sessions = spec.sessions
        if not sessions:
            count = rng.randint(2, 4) if spec.status == S.RETROSPECTED else rng.randint(1, 3)
            span = max((last_day - start).days, 0)
            offsets = sorted({0, *(rng.randint(0, span) for _ in range(count - 1))})
            sessions = [
                (offset, f"第{i}次活动:{plan.idea.title},{plan.idea.goal}", rng.randint(20, 220))
                for i, offset in enumerate(offsets, start=1)
            ]
        share = (project.budget_total or Decimal(0)) * Decimal("0.8") / len(sessions)
        for index, (offset, note, participants) in enumerate(sessions):
            day = min(start + timedelta(days=offset), last_day)
            place = plan.place
            activity = Activity(
                project=project,
                date=day,
                place=place,
                participants=participants,
                volunteers=rng.randint(3, 25),
                spending=(share * Decimal(rng.uniform(0.7, 1.2))).quantize(Decimal("1.00")),
                note=note,
                status=Activity.Status.HELD,
                created_by=secretary,
                created_at=min(_at_local(day, 18), self.now),
            )
            self.activities.append(activity)
            plan.sessions.append(activity)
            if index == 0:
                self._event(plan, Kind.STARTED, plan.at["started"], secretary)
            when = plan.at["started"] if index == 0 else _at_local(day, 18)
            self._event(
                plan, Kind.ACTIVITY, when + timedelta(minutes=1), secretary, f"{day} {place}"
            )

    def _retrospective(self, plan: Plan) -> str:
        sessions = plan.sessions
        people = sum(a.participants for a in sessions)
        volunteers = sum(a.volunteers for a in sessions)
        spent = sum(a.spending for a in sessions)
        rate = self.rng.randint(86, 99)
        return (
            f"“{plan.title}”共开展活动{len(sessions)}次,参与居民{people}人次,志愿者{volunteers}人次,"
            f"实际支出{spent}元。走访入户评满意率{rate}%。\n"
            "经验:联席会前置研判,合伙人全程参与,居民从旁观者变成组织者。\n"
            "不足:宣传主要靠楼栋群,部分老年居民知晓率不高。\n"
            "下一步:将做法纳入社区常态化服务,申报区级“百社百景”项目库。"
        )
