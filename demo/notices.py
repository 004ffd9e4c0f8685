"""The 公示 periods of the demo (projects/notice.py): the working-day calendar, and two projects
of 国奥社区's street that change shared property, each with an objection the community answered —
one whose period is still running and waits for the street's decision, one whose period is over
and whose objection the street dismissed. Written straight through the ORM like the rest of the
demo (no user acted, so no audit rows)."""

from datetime import datetime, timedelta

from django.db.models import Q

from core.workdays import add_working_days, ensure_calendar, working_day_on_or_after
from projects.models import NoticePolicy, Objection, Project, Status

from .org import Org
from .sessions import SIGNUP_NOTE

SHARED = ("充电", "保温", "维修", "防水", "加装", "电梯")

RUNNING = (
    "充电桩的位置离我家窗户太近,晚上充电会不会有噪音?",
    "已与物业商定把充电桩装在地下车库东侧,离住户20米以上,并配备灭火器和监控。",
)
OVER = (
    "动用维修基金前有没有征求全体业主的意见?",
    "业委会已按规定征集业主意见,超过三分之二业主书面同意,表决结果在楼栋公告栏张贴。",
    "社区答复属实,表决程序合规,异议不成立。",
)


def _pick(street_id, status, exclude=()):
    """The street's project in this status that most needs a 公示 (its title names shared
    property), the most recently announced first."""
    projects = Project.objects.filter(community__street_id=street_id, status=status).exclude(
        pk__in=exclude
    )
    shared = Q()
    for word in SHARED:
        shared |= Q(title__contains=word)
    return (
        projects.filter(shared).order_by("-announced_at", "id").first()
        or projects.order_by("-announced_at", "id").first()
    )


def _open(project: Project, days: int) -> None:
    first = working_day_on_or_after((project.announced_at or datetime.now()).date())
    project.changes_shared_property = True
    project.notice_round = 1
    project.notice_starts_on = first
    project.notice_ends_on = add_working_days(first, days - 1)
    project.save(
        update_fields=[
            "changes_shared_property",
            "notice_round",
            "notice_starts_on",
            "notice_ends_on",
        ]
    )


def _become_charging_piles(project: Project) -> None:
    """The street's announced project, made the 充电桩 project the objection is about (the
    seed's example of shared property), so the demo reads true."""
    where = project.compound.name if project.compound_id else project.community.name
    before = project.title
    project.title = f"{where}加装电动自行车充电桩"[:100]
    # Its sessions were named after the project it was (demo/sessions.py): they follow.
    project.activities.filter(title=before).update(title=project.title)
    project.summary = "电动车充电难,楼道飞线充电有隐患。"
    project.goal = "在小区内集中设置充电车棚,杜绝飞线充电。"
    project.target_groups = "全体居民"
    project.announcement = (
        f"{where}将在地下车库东侧加装电动自行车充电桩 10 个。"
        "公示期内如有意见,请在本页提出,社区会逐条公开答复。"
    )
    if project.activities.filter(signup_capacity__isnull=False).exists():
        project.announcement += SIGNUP_NOTE
    project.save(update_fields=["title", "summary", "goal", "target_groups", "announcement"])


def build(org: Org, now: datetime) -> None:
    ensure_calendar()
    policy = NoticePolicy.current()
    street_id = org.guoao.street_id
    leader = org.leader_of[street_id]
    running = _pick(street_id, Status.ANNOUNCED)
    over = _pick(street_id, Status.IN_PROGRESS, exclude=[running.pk] if running else [])
    if running is not None and not any(word in running.title for word in SHARED):
        _become_charging_piles(running)
    for project, stage in ((running, "running"), (over, "over")):
        if project is None:
            continue
        _open(project, policy.working_days)
        secretary = org.secretary_of[project.community_id]
        raised = datetime.combine(project.notice_starts_on, datetime.min.time(), now.tzinfo)
        raised += timedelta(hours=10)
        text, answer = (RUNNING if stage == "running" else OVER)[:2]
        objection = Objection(
            project=project,
            notice_round=1,
            text=text,
            raised_at=raised,
            status=Objection.Status.ANSWERED,
            status_changed_at=raised + timedelta(hours=20),
            answer=answer,
            answered_by=secretary,
            answered_at=raised + timedelta(hours=20),
        )
        if stage == "over":
            objection.status = Objection.Status.DISMISSED
            objection.decision_note = OVER[2]
            objection.decided_by = leader
            objection.decided_at = raised + timedelta(days=2)
            objection.status_changed_at = objection.decided_at
        objection.save()
