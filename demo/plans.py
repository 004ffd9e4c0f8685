"""Steps 3–4 of the demo projects in depth: the plan's compounds, class, public space, milestones
and budget lines; the joint meeting; the review rounds with the version each kept, the comments
and conditions; the money granted and spent per source; and the district's 督办 items.

Runs after ProjectBuilder.build(): it reads the plans (their timelines) and the saved projects,
and inserts table by table. One project of 国奥社区 went through three rounds (the benchmark's).
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from projects.models import (
    Activity,
    BudgetLine,
    Decision,
    FundingGrant,
    JointMeeting,
    MeetingAttendance,
    MicroKind,
    Milestone,
    Project,
    ProjectClass,
    ProjectEvent,
    PublicSpaceKind,
    ReviewComment,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from projects.review import snapshot

from . import catalog
from .org import Org, person_name

S, Kind = Status, ProjectEvent.Kind
SUBMITTED_ONCE = frozenset(S.values) - {S.DRAFT}
APPROVED = frozenset({S.APPROVED, S.ANNOUNCED, S.IN_PROGRESS, S.RETROSPECTED})
# Words in an idea's title or need → the district's project class (projects/0006 made the list).
CLASS_WORDS = [
    ("环境整治", ("楼道", "环境", "绿化", "垃圾", "卫生", "花园", "微更新", "美化")),
    ("物业管理", ("物业", "维修", "停车", "充电")),
    ("为老服务", ("老", "助餐", "银发")),
    ("一老一小", ("儿童", "四点半", "亲子", "托管", "小小")),
    ("邻里互助", ("邻里", "百家宴", "邻居节", "互助")),
    ("文化体育", ("文化", "读书", "健身", "运动", "书法", "合唱", "舞")),
    ("平安建设", ("安全", "平安", "调解", "法律", "消防")),
    ("协商议事", ("议事", "圆桌", "协商")),
    ("便民服务", ("便民", "理发", "义诊", "维修", "集市")),
]
CONDITIONS = [
    "活动前与物业签订场地使用协议,并报街道备案。",
    "补充安全应急预案,明确现场安全责任人。",
    "预算中的物资采购需比价三家,保留票据备查。",
    "活动前在楼栋群和公告栏公示活动时间与报名方式。",
]
MEMBER_NOTES = {
    "approve": "方案完整,联席会意见一致,建议批准。",
    "return": "预算依据不足,建议退回补充报价。",
}
SUPERVISION_QUESTIONS = [
    "项目已过计划结束日期仍未复盘,请说明原因和复盘安排。",
    "请说明活动经费使用情况,并上传票据照片。",
    "居民反映活动通知不及时,请说明下一次活动的预告安排。",
    "请报告项目参与人数偏少的原因和改进措施。",
]


def _class_for(idea, classes: dict[str, ProjectClass], rng: random.Random) -> ProjectClass:
    text = idea.title + idea.need_title
    for name, words in CLASS_WORDS:
        if any(word in text for word in words) and name in classes:
            return classes[name]
    return rng.choice(list(classes.values()))


class PlanBuilder:
    def __init__(self, org: Org, rng: random.Random, now: datetime):
        self.org, self.rng, self.now = org, rng, now
        self.today = timezone.localdate(now)
        self.classes = {c.name: c for c in ProjectClass.objects.all()}
        self.spaces = list(PublicSpaceKind.objects.all())
        self.member = org.logins["member"]
        self.expert = org.logins["expert"]
        self.district = org.logins["district"]

    def build(self, plans) -> None:
        plans = [p for p in plans if p.project is not None and p.project.pk]
        self.linked = set(
            Project.partners.through.objects.filter(
                project_id__in=[p.project.pk for p in plans]
            ).values_list("project_id", flat=True)
        )
        self._three_rounds(plans)
        self._plan_fields(plans)
        self._milestones_and_budget(plans)
        meetings = self._meetings(plans)
        MeetingAttendance.objects.bulk_create(self._attendances(meetings, plans), batch_size=1000)
        self._rounds(plans)
        self._grants_and_spending(plans)
        self._supervisions(plans)

    # -- the plan ---------------------------------------------------------------------------
    def _plan_fields(self, plans) -> None:
        rng, links = self.rng, []
        for plan in plans:
            project = plan.project
            project.project_class = _class_for(plan.idea, self.classes, rng)
            if any(word in plan.place for word in ("广场", "凉亭", "步道")) and self.spaces:
                word_space = {"广场": "广场内", "凉亭": "凉亭下", "步道": "步道旁"}
                name = next(v for k, v in word_space.items() if k in plan.place)
                project.public_space = next(
                    (s for s in self.spaces if s.name == name), rng.choice(self.spaces)
                )
            if "微" in plan.idea.title or rng.random() < 0.2:
                project.micro_kind = rng.choice(MicroKind.values)
            if project.status != S.DRAFT and plan.project.pk not in self.linked:
                project.no_partner_reason = "由小区党支部和居民志愿者承担,暂不需要外部资源。"
            links.append(Project.compounds.through(project=project, compound=plan.compound))
        Project.objects.bulk_update(
            [p.project for p in plans],
            ["project_class", "public_space", "micro_kind", "no_partner_reason"],
            batch_size=500,
        )
        Project.compounds.through.objects.bulk_create(links, batch_size=1000)

    def _milestones_and_budget(self, plans) -> None:
        milestones, lines = [], []
        for plan in plans:
            project = plan.project
            if project.start_date is None:
                continue
            start, end = project.start_date, project.end_date
            middle = start + (end - start) / 2
            for day, title in (
                (start - timedelta(days=5), "发布招募令,招募志愿者"),
                (start, "第一次活动"),
                (middle, "中期走访,听取居民意见"),
                (end, "复盘评估会"),
            ):
                milestones.append(
                    Milestone(
                        project=project,
                        date=day,
                        title=title,
                        responsible=person_name(self.rng),
                    )
                )
            total = project.budget_total or Decimal(0)
            street = (total * Decimal("0.7")).quantize(Decimal("1.00"))
            rest = total - street
            lines.append(
                BudgetLine(project=project, item="活动物资", amount=street, source="street")
            )
            if rest > 0:
                source = "partner" if plan.project.pk in self.linked else "self"
                item = "合伙人捐赠物资" if source == "partner" else "居民自筹"
                lines.append(BudgetLine(project=project, item=item, amount=rest, source=source))
        Milestone.objects.bulk_create(milestones, batch_size=1000)
        BudgetLine.objects.bulk_create(lines, batch_size=1000)

    # -- step 4: the joint meeting -------------------------------------------------------------
    def _meetings(self, plans) -> list[JointMeeting]:
        meetings = []
        for plan in plans:
            project = plan.project
            if project.status == S.DRAFT:
                continue
            first = (
                plan.at.get("zeroth_submitted")
                or plan.at.get("first_submitted")
                or plan.at["submitted"]
            )
            day = timezone.localdate(first - timedelta(days=2))
            meetings.append(
                JointMeeting(
                    project=project,
                    date=day,
                    place=f"{plan.community.name}党群服务中心会议室",
                    feasibility=(
                        f"居民需求集中(“{plan.idea.need_title}”),联席会一致同意领办;"
                        f"场地定在{plan.place},人员由小区党支部、志愿者和合伙人承担,安全风险可控。"
                    ),
                    agreed_goal=plan.idea.goal,
                    agreed_budget=project.budget_total,
                    volunteers_needed=self.rng.randint(4, 20),
                    venues_needed=plan.place,
                    skills_needed=self.rng.choice(["摄影", "急救", "组织协调", "维修", "文艺"]),
                    decisions="同意领办本项目,按实施方案分工推进;活动前发布预告,活动后开展复盘评估。",
                    recorded_by=self.org.secretary_of[plan.community.pk],
                    recorded_at=first - timedelta(days=2),
                )
            )
        return JointMeeting.objects.bulk_create(meetings, batch_size=1000)

    def _attendances(self, meetings, plans):
        compound_of = {p.project.pk: p.compound for p in plans}
        for meeting in meetings:
            compound = compound_of[meeting.project_id]
            yield MeetingAttendance(
                meeting=meeting,
                party="branch",
                name=f"{compound.name}党支部 {person_name(self.rng)}",
            )
            yield MeetingAttendance(meeting=meeting, party="owners", name=person_name(self.rng))
            yield MeetingAttendance(meeting=meeting, party="property", name=person_name(self.rng))
            for _ in range(self.rng.randint(2, 4)):
                yield MeetingAttendance(
                    meeting=meeting, party="residents", name=person_name(self.rng)
                )
            yield MeetingAttendance(meeting=meeting, party="department", name="街道社区建设办")

    # -- step 4: the review rounds ------------------------------------------------------------
    def _rounds(self, plans) -> None:
        """A round per submission in each timeline, each keeping a snapshot; the comments of the
        timeline go to the round they were made in."""
        fresh = {
            p.pk: p
            for p in Project.objects.filter(pk__in=[plan.project.pk for plan in plans])
            .exclude(status=S.DRAFT)
            .select_related("project_class", "public_space", "meeting")
            .prefetch_related(
                "compounds",
                "milestones",
                "budget_lines",
                "needs",
                "partners",
                "meeting__attendances",
            )
        }
        rounds, conditions = [], []
        for plan in plans:
            project = fresh.get(plan.project.pk)
            if project is None:
                continue
            current = snapshot(project)
            leader = self.org.leader_of[plan.community.street_id]
            submissions = [
                plan.at[key]
                for key in ("zeroth_submitted", "first_submitted", "submitted")
                if key in plan.at
            ]
            returns = [
                plan.at[key] for key in ("zeroth_returned", "first_returned") if key in plan.at
            ]
            for number, submitted in enumerate(submissions, start=1):
                last = number == len(submissions)
                review = ReviewRound(
                    project=project,
                    number=number,
                    submitted_by=self.org.secretary_of[plan.community.pk],
                    submitted_at=submitted,
                    comments_due=timezone.localdate(submitted) + timedelta(days=5),
                    snapshot=current if last else _earlier(current, number),
                )
                if not last:
                    review.decision, review.decided_at = Decision.RETURNED, returns[number - 1]
                    review.decided_by = leader
                    review.decision_note = catalog.RETURN_NOTES[number % len(catalog.RETURN_NOTES)]
                elif project.status == S.RETURNED:
                    review.decision, review.decided_at = Decision.RETURNED, plan.at["decided"]
                    review.decided_by = leader
                elif project.status in APPROVED:
                    conditional = self.rng.random() < 0.3
                    review.decision = Decision.CONDITIONAL if conditional else Decision.APPROVED
                    review.decided_at, review.decided_by = plan.at["decided"], leader
                    if conditional:
                        confirmed = project.status != S.APPROVED
                        for text in self.rng.sample(CONDITIONS, self.rng.randint(1, 2)):
                            conditions.append((review, text, confirmed, plan))
                else:  # waiting at the street
                    review.reminded_on = None
                rounds.append(review)
        ReviewRound.objects.bulk_create(rounds, batch_size=500)
        ReviewCondition.objects.bulk_create(
            [
                ReviewCondition(
                    project=review.project,
                    round=review,
                    text=text,
                    evidence="已落实,材料已存档。" if confirmed else "",
                    confirmed_by=self.org.secretary_of[plan.community.pk] if confirmed else None,
                    confirmed_at=review.decided_at + timedelta(days=1) if confirmed else None,
                )
                for review, text, confirmed, plan in conditions
            ]
        )
        self._comments(rounds)

    def _three_rounds(self, plans) -> None:
        """One of 国奥社区's resubmitted projects was sent back twice: an earlier round goes
        before its first, with the timeline entries the workflow would have written."""
        chosen = next(
            (
                p
                for p in plans
                if p.community.name == catalog.GUOAO
                and "first_submitted" in p.at
                and p.project.status in APPROVED
            ),
            None,
        )
        if chosen is None:
            return
        created, first = chosen.at["created"], chosen.at["first_submitted"]
        gap = (first - created) / 4
        chosen.at["zeroth_submitted"] = created + gap
        chosen.at["zeroth_returned"] = created + 2 * gap
        secretary = self.org.secretary_of[chosen.community.pk]
        leader = self.org.leader_of[chosen.community.street_id]
        ProjectEvent.objects.bulk_create(
            [
                ProjectEvent(
                    project=chosen.project,
                    kind=Kind.SUBMITTED,
                    actor=secretary,
                    at=chosen.at["zeroth_submitted"],
                ),
                ProjectEvent(
                    project=chosen.project,
                    kind=Kind.RETURNED,
                    actor=leader,
                    at=chosen.at["zeroth_returned"],
                    note="请补充联席会纪要和居民代表意见。",
                ),
                ProjectEvent(
                    project=chosen.project,
                    kind=Kind.UPDATED,
                    actor=secretary,
                    at=chosen.at["zeroth_returned"] + timedelta(hours=20),
                    note="联席会、实施方案",
                ),
            ]
        )
        self.three_rounds = chosen.project

    def _comments(self, rounds) -> None:
        """The timeline's comments belong to the round open when they were made; in rounds the
        street decided, the member recommended what the 组长 then decided."""
        by_project: dict[int, list[ReviewRound]] = {}
        for review in rounds:
            by_project.setdefault(review.project_id, []).append(review)
        comments = []
        events = ProjectEvent.objects.filter(
            project_id__in=list(by_project), kind=Kind.COMMENTED
        ).only("project_id", "actor_id", "at", "note")
        for event in events:
            review = next(
                (r for r in reversed(by_project[event.project_id]) if r.submitted_at <= event.at),
                None,
            )
            if review is not None:
                comments.append(
                    ReviewComment(
                        round=review, author_id=event.actor_id, text=event.note, at=event.at
                    )
                )
        for reviews in by_project.values():
            for review in reviews:
                if review.decided_at is None or self.rng.random() < 0.5:
                    continue
                verdict = "return" if review.decision == Decision.RETURNED else "approve"
                comments.append(
                    ReviewComment(
                        round=review,
                        author=self.member,
                        text=MEMBER_NOTES[verdict],
                        recommendation=verdict,
                        at=review.submitted_at + (review.decided_at - review.submitted_at) / 2,
                    )
                )
        ReviewComment.objects.bulk_create(comments, batch_size=1000)

    # -- money --------------------------------------------------------------------------------
    def _grants_and_spending(self, plans) -> None:
        grants, sessions, events = [], [], []
        for plan in plans:
            project = plan.project
            if project.status not in APPROVED or not project.budget_total:
                continue
            leader = self.org.leader_of[plan.community.street_id]
            street = (project.budget_total * Decimal("0.7")).quantize(Decimal("1.00"))
            granted = street if self.rng.random() < 0.7 else street * Decimal("0.8")
            grants.append(
                FundingGrant(
                    project=project,
                    source="street",
                    amount=granted.quantize(Decimal("1.00")),
                    note="街道服务群众专项经费",
                    granted_by=leader,
                    granted_at=min(plan.at["decided"] + timedelta(hours=2), self.now),
                )
            )
            if self.rng.random() < 0.3:
                grants.append(
                    FundingGrant(
                        project=project,
                        source="district",
                        amount=Decimal(self.rng.choice([500, 1000, 2000])),
                        note="区级以奖代补",
                        granted_by=self.district,
                        granted_at=min(plan.at["decided"] + timedelta(hours=4), self.now),
                    )
                )
            for grant in grants[-2:]:
                if grant.project is project:
                    events.append(
                        ProjectEvent(
                            project=project,
                            kind=Kind.GRANTED,
                            actor=grant.granted_by,
                            at=grant.granted_at,
                            note=f"{grant.get_source_display()}核定经费 {grant.amount} 元",
                        )
                    )
            for activity in plan.sessions:
                activity.funding_source = "street"
                sessions.append(activity)
        FundingGrant.objects.bulk_create(grants, batch_size=1000)
        ProjectEvent.objects.bulk_create(events, batch_size=1000)
        Activity.objects.bulk_update(
            [a for a in sessions if a.pk], ["funding_source"], batch_size=1000
        )

    # -- 督办 ------------------------------------------------------------------------------------
    def _supervisions(self, plans) -> None:
        """The district follows up on projects past their end date and a few others: some
        answered, some waiting, three overdue (per scale unit of 64 projects)."""
        running = [p for p in plans if p.project.status == S.IN_PROGRESS]
        overdue = [p for p in running if p.spec.overdue]
        chosen = overdue + [p for p in running if not p.spec.overdue][: max(4, len(overdue))]
        items, events = [], []
        for index, plan in enumerate(chosen):
            project = plan.project
            raised = self.now - timedelta(days=self.rng.randint(8, 20))
            due = timezone.localdate(raised) + timedelta(days=7)
            answered = index % 3 == 1
            if index % 3 == 2:  # still within its deadline
                raised = self.now - timedelta(days=2)
                due = self.today + timedelta(days=5)
            secretary = self.org.secretary_of[plan.community.pk]
            question = SUPERVISION_QUESTIONS[index % len(SUPERVISION_QUESTIONS)]
            item = Supervision(
                project=project,
                question=question,
                due_date=due,
                raised_by=self.district,
                raised_at=raised,
            )
            events.append(
                ProjectEvent(
                    project=project,
                    kind=Kind.SUPERVISED,
                    actor=self.district,
                    at=raised,
                    note=f"{question}(请于 {due:%Y-%m-%d} 前回复)",
                )
            )
            if answered:
                item.status = Supervision.Status.ANSWERED
                item.reply = "已召开复盘准备会,下周完成复盘并上传材料。"
                item.replied_by, item.replied_at = secretary, raised + timedelta(days=3)
                item.status_changed_at = item.replied_at
                events.append(
                    ProjectEvent(
                        project=project,
                        kind=Kind.SUPERVISION_REPLIED,
                        actor=secretary,
                        at=item.replied_at,
                        note=item.reply,
                    )
                )
            else:
                item.status_changed_at = raised
            items.append(item)
        Supervision.objects.bulk_create(items)
        ProjectEvent.objects.bulk_create(events)


def _earlier(current: list, number: int) -> list:
    """The version an earlier round kept: the same, with a thinner budget and proposal."""
    earlier = []
    for label, text in current:
        if label == "预算明细":
            text = text.splitlines()[0] if text else text
        elif label == "实施方案":
            text = "\n".join(text.splitlines()[: max(1, 2 + number)])
        elif label == "联席会参会人" and number == 1:
            text = "\n".join(text.splitlines()[:3])
        earlier.append([label, text])
    return earlier


def build(org: Org, rng: random.Random, now: datetime, plans) -> PlanBuilder:
    builder = PlanBuilder(org, rng, now)
    builder.build(plans)
    return builder


def project_with_rounds(count: int = 3) -> Project | None:
    """A project with `count` review rounds (the benchmark's)."""
    return (
        Project.objects.filter(rounds__number=count)
        .prefetch_related(Prefetch("rounds"))
        .order_by("id")
        .first()
    )
