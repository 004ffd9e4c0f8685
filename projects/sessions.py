"""Step 6 as a programme, not a log: a project plans its sessions ahead (alone, or as a weekly,
monthly or yearly series), and each session is then held (participants, volunteers with their
hours, what partners contributed besides their hours, photos, spending against the plan's budget
lines, a note) or cancelled.

`SESSION_WORKFLOW` declares what can happen to a session; core/workflow.py performs it (lock,
permission 403, status 409, readiness 422, audit, timeline). Sessions are made by the services
below: `session_schedule` (one) and `series_create` (a series, which generates its sessions no
further than twelve months ahead; `series_extend_all`, run daily by beat, keeps each live series
twelve months ahead as time passes, idempotently).

Holding the first session of an announced project starts implementation: the project's own
`start` action (PROJECT_WORKFLOW) is performed first in the same transaction, so whatever stops
`start` (a 公示 period still running, an objection not yet decided) stops holding too.
"""

import calendar
import datetime
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import audit
from core.dates import LATEST, years_after
from core.uploads import store_upload
from core.workflow import Action, Conflict, Step, Workflow
from partners.models import Partner, PartnerStatus, ResourceKind

from .models import (
    MONEY_UNIT,
    SESSION_CONTRIBUTION_KINDS,
    Activity,
    ActivityContribution,
    ActivityPhoto,
    ActivitySeries,
    ActivitySpending,
    ActivityVolunteer,
    BudgetLine,
    Contribution,
    Project,
    ProjectEvent,
    Recurrence,
    SessionStatus,
    Status,
)
from .workflow import PROJECT_WORKFLOW

S, Kind, Session = Status, ProjectEvent.Kind, SessionStatus
# Sessions are planned once the street has approved, and held once the project is announced.
PLANNABLE = frozenset({S.APPROVED, S.ANNOUNCED, S.IN_PROGRESS})
RUNNING = frozenset({S.ANNOUNCED, S.IN_PROGRESS})
# A series generates its sessions no further ahead than this; the daily task moves it on.
HORIZON_MONTHS = 12
MAX_PHOTOS = 9  # per session: a phone's share sheet sends nine at most
MAX_VOLUNTEERS = 30
MAX_SPENDING_LINES = 20
MAX_CONTRIBUTION_ROWS = 20
MAX_PARTICIPANTS = 100_000
# A project serves children when its class is 一老一小 or its title or target groups name them;
# its photos then need the guardians' consent confirmed explicitly before they are made public.
CHILD_WORDS = ("儿童", "一老一小", "青少年", "孩子", "少儿", "亲子", "幼儿", "小学生", "四点半")

SCHEDULE_FIELDS = (
    "title",
    "date",
    "starts_at",
    "ends_at",
    "place",
    "signup_capacity",
    "signup_deadline",
)
SERIES_FIELDS = (
    "title",
    "place",
    "recurrence",
    "first_date",
    "until",
    "starts_at",
    "ends_at",
    "signup_capacity",
)


# --- dates of a series ------------------------------------------------------------------------
def months_after(day: datetime.date, months: int, *, anchor: int | None = None) -> datetime.date:
    """The same day `months` later; a day the month lacks becomes its last (31 → 30 April)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(anchor or day.day, calendar.monthrange(year, month)[1]))


def occurrence(first: datetime.date, recurrence: str, n: int) -> datetime.date:
    """The n-th date of a series (0: the first), always counted from the first date, so a
    monthly series on the 31st falls on 28/29 February and on 31 March again, and a yearly one
    on 29 February falls on 28 February in other years."""
    if recurrence == Recurrence.WEEKLY:
        return first + datetime.timedelta(weeks=n)
    if recurrence == Recurrence.MONTHLY:
        return months_after(first, n)
    if recurrence == Recurrence.YEARLY:
        return years_after(first, n)
    raise ValueError(f"unknown recurrence {recurrence!r}")


def occurrences(
    first: datetime.date, recurrence: str, *, after: datetime.date | None, until: datetime.date
) -> Iterator[datetime.date]:
    """The series' dates later than `after` (None: from the first) up to `until`."""
    n = 0
    if after is not None and recurrence == Recurrence.WEEKLY and after > first:
        n = (after - first).days // 7  # skip ahead: a weekly series may be years old
    while (day := occurrence(first, recurrence, n)) <= until:
        if after is None or day > after:
            yield day
        n += 1


def series_limit(series: ActivitySeries, today: datetime.date) -> datetime.date:
    """How far a series may be generated now: twelve months ahead, never past its own end, the
    plan's end date, or the last date the portal takes."""
    limits = [months_after(today, HORIZON_MONTHS), LATEST]
    if series.until:
        limits.append(series.until)
    if series.project.end_date:
        limits.append(series.project.end_date)
    return min(limits)


def series_cut_short(series: ActivitySeries, today: datetime.date) -> str:
    """Why a series was generated short of its own end, in a sentence, or "" when it runs to
    the end it was given. The plan's end date is final; the twelve months move on daily."""
    limit = series_limit(series, today)
    if series.until and series.until <= limit:
        return ""
    last = series.sessions.order_by("-date").values_list("date", flat=True).first()
    upto = f",只安排到 {last:%Y-%m-%d}" if last else ",这一期间没有可安排的日期"
    end = series.project.end_date
    if end and limit == end:
        return f"受项目结束日期 {end:%Y-%m-%d} 限制{upto};如需继续,请先修改项目计划的结束日期。"
    if limit == months_after(today, HORIZON_MONTHS):
        return f"系统最多提前 {HORIZON_MONTHS} 个月安排{upto};以后的场次会随时间每天自动续排。"
    return f"受系统可安排的最晚日期限制{upto}。"


# --- who serves children ------------------------------------------------------------------------
def serves_children(project: Project) -> bool:
    """一老一小 projects: by class, or children named in the title or target groups."""
    words = [project.title, project.target_groups]
    if project.project_class_id:
        words.append(project.project_class.name)
    text = " ".join(words)
    return any(word in text for word in CHILD_WORDS)


def needs_guardian_consent(photo: ActivityPhoto, project: Project) -> bool:
    return photo.shows_children or serves_children(project)


# --- readiness: why a session cannot be scheduled, changed or held yet --------------------------
def _plan_window(project: Project, day, what: str):
    start, end = project.start_date, project.end_date
    if day and start and end and not start <= day <= end:
        yield (
            f"{what} {day:%Y-%m-%d} 不在项目计划的时间内"
            f"({start:%Y-%m-%d} 至 {end:%Y-%m-%d}),请核对日期。"
        )


def arrangement_problems(project: Project, session: Activity, *, today=None) -> Iterator[str]:
    """What is wrong with a session's date, times, place, sign-up and milestone."""
    today = today or timezone.localdate()
    if project.status not in PLANNABLE:
        yield f"项目当前状态为“{project.get_status_display()}”,不能安排活动。"
    if not session.date:
        yield "请填写活动日期。"
        return
    if not str(session.place or "").strip():
        yield "请填写活动地点。"
    horizon = months_after(today, HORIZON_MONTHS)
    if session.date > horizon:
        yield f"活动最多提前 {HORIZON_MONTHS} 个月安排(不晚于 {horizon:%Y-%m-%d})。"
    yield from _plan_window(project, session.date, "活动日期")
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        yield "结束时间应晚于开始时间。"
    if session.signup_capacity is not None and session.signup_capacity > 10_000:
        yield "报名名额最多 10000 人。"
    if session.signup_deadline is not None:
        if session.signup_capacity is None:
            yield "不需要报名的活动不用填写报名截止时间。"
        starts = datetime.datetime.combine(session.date, session.starts_at or datetime.time(23, 59))
        if timezone.localtime(session.signup_deadline).replace(tzinfo=None) > starts:
            yield "报名截止时间不能晚于活动开始时间。"
    if session.milestone_id and session.milestone.project_id != project.pk:
        yield "所选计划节点不属于这个项目。"
    if session.series_id and (
        Activity.objects.filter(series_id=session.series_id, date=session.date)
        .exclude(pk=session.pk)
        .exists()
    ):
        yield "这个系列在这一天已经有一场活动。"


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def record_problems(step: Step) -> Iterator[str]:
    """What is wrong with the record of a held session."""
    session, data = step.obj, step.data
    project = session.project
    if project.status not in RUNNING:
        yield f"项目当前状态为“{project.get_status_display()}”,不能记录活动。"
    if session.date > timezone.localdate():
        yield f"活动日期是 {session.date:%Y-%m-%d},还没到:请在活动举办后再记录。"
    yield from _plan_window(project, session.date, "活动日期")
    participants = _decimal(data.get("participants"))
    if participants is None or not 0 <= participants <= MAX_PARTICIPANTS:
        yield f"请填写参与人数(0 至 {MAX_PARTICIPANTS})。"
    volunteers = list(data.get("volunteer_rows") or [])
    if len(volunteers) > MAX_VOLUNTEERS:
        yield f"志愿者最多登记 {MAX_VOLUNTEERS} 位。"
    partners = [partner for partner, _ in volunteers]
    if len({p.pk for p in partners}) != len(partners):
        yield "同一位合伙人只能登记一次。"
    if any(p.community_id != project.community_id or p.is_deleted for p in partners):
        yield "志愿者只能是本社区登记的合伙人。"
    given = list(data.get("contribution_rows") or [])
    yield from contribution_problems(project, given)
    # A partner who left or was deactivated stays on the record it is already on, and is never
    # added to a new one.
    named = {p.pk: p for p in [*partners, *(row["partner"] for row in given)] if p is not None}
    newly = set(named) - recorded_partner_ids(session)
    for pk in sorted(newly):
        if named[pk].status != PartnerStatus.ACTIVE:
            yield f"“{named[pk].name}”的状态为“{named[pk].get_status_display()}”,不能再登记。"
    for partner, hours in volunteers:
        number = _decimal(hours)
        if number is None or not Decimal(0) < number <= 24:
            yield f"{partner.name}的服务时长应在 0 到 24 小时之间。"
    lines = list(data.get("spending_rows") or [])
    if len(lines) > MAX_SPENDING_LINES:
        yield f"支出最多填写 {MAX_SPENDING_LINES} 条。"
    for line, amount in lines:
        if not isinstance(line, BudgetLine) or line.project_id != project.pk:
            yield "支出只能记在这个项目的预算明细上。"
            continue
        number = _decimal(amount)
        if number is None or not Decimal(0) <= number < Decimal("1e8"):
            yield f"“{line.item}”的支出金额应在 0 至 1 亿元之间。"
    photos = list(data.get("photos") or [])
    if len(photos) + session.photos.count() > MAX_PHOTOS:
        yield f"每场活动最多 {MAX_PHOTOS} 张照片。"


def recorded_partner_ids(session: Activity) -> set[int]:
    """The partners the session's record already names (as volunteers or contributors)."""
    if session.status != Session.HELD:
        return set()
    return set(session.volunteer_rows.values_list("partner_id", flat=True)) | set(
        session.contribution_rows.values_list("partner_id", flat=True)
    )


def contribution_problems(project: Project, rows: list[dict]) -> Iterator[str]:
    """What is wrong with the contributions recorded for a session: partners of the project's
    community, a kind a session records (hours go on the volunteer rows), money with its
    amount, quantities that are not negative."""
    if len(rows) > MAX_CONTRIBUTION_ROWS:
        yield f"贡献最多登记 {MAX_CONTRIBUTION_ROWS} 条。"
    kinds = {k.value for k in SESSION_CONTRIBUTION_KINDS}
    for row in rows:
        partner = row.get("partner")
        if (
            not isinstance(partner, Partner)
            or partner.community_id != project.community_id
            or partner.is_deleted
        ):
            yield "贡献只能由本社区登记的合伙人提供。"
            continue
        if row.get("kind") not in kinds:
            yield f"{partner.name}的贡献:请选择场地、资金、物资或专业服务(志愿时长登记在志愿者一栏)。"
        quantity = row.get("quantity")
        number = _decimal(quantity) if quantity is not None else None
        if quantity is not None and (number is None or not Decimal(0) <= number < Decimal("1e10")):
            yield f"{partner.name}的贡献数量应为不小于 0 的数字。"
        if row.get("kind") == ResourceKind.MONEY and not number:
            yield f"{partner.name}的资金贡献请填写金额(元)。"
        if len(str(row.get("unit") or "")) > 10 or len(str(row.get("note") or "")) > 200:
            yield f"{partner.name}的贡献:单位最多 10 个字,内容最多 200 个字。"


def photo_of_session(step: Step) -> Iterator[str]:
    photo = step.data.get("photo")
    if not isinstance(photo, ActivityPhoto) or photo.activity_id != step.obj.pk:
        yield "该照片不属于这场活动。"
        return
    # Read again now that the session is locked: a colleague may have just published it.
    step.data["photo"] = ActivityPhoto.objects.get(pk=photo.pk)


def may_publish(step: Step) -> Iterator[str]:
    reasons = list(photo_of_session(step))
    if reasons:
        yield from reasons
        return
    photo = step.data["photo"]
    if photo.public:
        yield "这张照片已经公开。"
    if not step.data.get("consent"):
        yield "请确认照片中的人已同意公开。"
    if needs_guardian_consent(photo, step.obj.project) and not step.data.get("guardian_consent"):
        yield "照片涉及儿童(或这是一老一小项目):请确认已取得监护人同意后再公开。"


def may_withdraw(step: Step) -> Iterator[str]:
    yield from photo_of_session(step)
    photo = step.data.get("photo")
    if isinstance(photo, ActivityPhoto) and not photo.public:
        yield "这张照片没有公开。"


def arrangement_ok(step: Step) -> Iterator[str]:
    yield from arrangement_problems(step.obj.project, step.obj)


def reason_given(step: Step) -> Iterator[str]:
    if not str(step.data.get("cancel_reason") or "").strip():
        yield "请写明取消的原因(居民会看到)。"


# --- the work of each action --------------------------------------------------------------------
def record(step: Step) -> None:
    """Hold (or correct) a session: participants, volunteers with hours, spending against
    budget lines (the total kept in `spending`), photos through the upload service, a note.
    The first session held of an announced project starts implementation first."""
    session, data = step.obj, step.data
    project = session.project
    if project.status == S.ANNOUNCED:
        PROJECT_WORKFLOW.perform(project, "start", by=step.by)
    volunteers = list(data.get("volunteer_rows") or [])
    session.volunteer_rows.all().delete()
    ActivityVolunteer.objects.bulk_create(
        ActivityVolunteer(
            activity=session, partner=partner, hours=_decimal(hours).quantize(Decimal("0.1"))
        )
        for partner, hours in volunteers
    )
    given = list(data.get("contribution_rows") or [])
    # A kind the partner pledged at step 2 with one of its resources is that resource.
    named = {}
    for partner_id, kind, resource_id in (
        Contribution.objects.filter(project=project, resource__isnull=False)
        .order_by("id")
        .values_list("partner_id", "kind", "resource_id")
    ):
        named.setdefault((partner_id, kind), resource_id)
    session.contribution_rows.all().delete()
    ActivityContribution.objects.bulk_create(
        ActivityContribution(
            activity=session,
            partner=row["partner"],
            resource_id=named.get((row["partner"].pk, row["kind"])),
            kind=row["kind"],
            quantity=None
            if row.get("quantity") is None
            else _decimal(row["quantity"]).quantize(Decimal("0.01")),
            unit=MONEY_UNIT if row["kind"] == ResourceKind.MONEY else str(row.get("unit") or ""),
            note=str(row.get("note") or ""),
        )
        for row in given
    )
    lines = [
        (line, _decimal(amount).quantize(Decimal("0.01")))
        for line, amount in data.get("spending_rows") or []
    ]
    session.spending_rows.all().delete()
    ActivitySpending.objects.bulk_create(
        ActivitySpending(activity=session, budget_line=line, amount=amount)
        for line, amount in lines
        if amount
    )
    total = sum((amount for _, amount in lines), Decimal(0)).quantize(Decimal("0.01"))
    sources = {line.source for line, amount in lines if amount}
    counted = int(data.get("volunteers") or 0)
    step.set(
        participants=int(data["participants"]),
        volunteers=max(counted, len(volunteers)),
        spending=total,
        funding_source=sources.pop() if len(sources) == 1 else "",
        note=str(data.get("note") or "")[:2000],
    )
    for upload in data.get("photos") or []:
        stored = store_upload(uploaded_file=upload, kind="image", by=step.by, owner=project)
        ActivityPhoto.objects.create(
            activity=session,
            upload=stored,
            caption=str(data.get("caption") or "")[:100],
            shows_children=bool(data.get("shows_children")),
        )
    hours = sum((_decimal(h) for _, h in volunteers), Decimal(0))
    step.note = (
        f"{session.date:%Y-%m-%d} {session.title or session.place}:参与 {session.participants} 人,"
        f"志愿者 {session.volunteers} 人(服务 {hours} 小时),支出 {total} 元"
        + (f",合伙人贡献 {len(given)} 项" if given else "")
    )
    step.detail.update(
        {
            "project": project.pk,
            "volunteers": [p.pk for p, _ in volunteers],
            "contributions": [row["partner"].pk for row in given],
            "spending": str(total),
            "photos": len(data.get("photos") or []),
        }
    )


def note_change(step: Step) -> None:
    session = step.obj
    step.note = f"{session.date:%Y-%m-%d} {session.title or session.place}:" + "、".join(
        str(Activity._meta.get_field(f).verbose_name) for f in step.changed
    )
    step.detail.update({"project": session.project_id, "fields": sorted(step.changed)})


def note_cancel(step: Step) -> None:
    session = step.obj
    step.note = f"{session.date:%Y-%m-%d} {session.title or session.place}:{session.cancel_reason}"
    step.detail["project"] = session.project_id


def publish(step: Step) -> None:
    photo = step.data["photo"]
    photo.public, photo.consent_by, photo.consent_at = True, step.by, timezone.now()
    photo.save(update_fields=["public", "consent_by", "consent_at"])
    guardians = needs_guardian_consent(photo, step.obj.project)
    step.note = f"照片“{photo}”可以公开:已确认本人同意" + ("及监护人同意" if guardians else "")
    step.detail.update({"photo": photo.pk, "guardians": guardians})


def withdraw(step: Step) -> None:
    photo = step.data["photo"]
    photo.public, photo.consent_by, photo.consent_at = False, None, None
    photo.save(update_fields=["public", "consent_by", "consent_at"])
    step.note = f"照片“{photo}”撤回公开"
    step.detail["photo"] = photo.pk


# Who else hears of a session changed or cancelled: apps above projects (signups tells the
# residents signed up) register a callable(session, event) here in their AppConfig.ready(),
# since projects never imports them. It runs inside the action's transaction.
SESSION_LISTENERS: list = []
ARRANGEMENT = ("date", "starts_at", "ends_at", "place")


def tell_listeners(event: str):
    def notify_step(step: Step) -> None:
        if event == "changed" and not set(step.changed) & set(ARRANGEMENT):
            return  # a new capacity or milestone changes nothing for those signed up
        for listener in SESSION_LISTENERS:
            listener(step.obj, event)

    return notify_step


def session_timeline(step: Step) -> None:
    ProjectEvent.objects.create(
        project_id=step.obj.project_id, kind=step.action.event, actor=step.by, note=step.note
    )


RECORD_FIELDS = ("participants",)

SESSION_WORKFLOW = Workflow(
    Activity,
    [
        Action(
            "edit",
            "调整活动安排",
            "projects.change_session",
            frozenset({Session.SCHEDULED}),
            event=Kind.SESSION_CHANGED,
            fields=(*SCHEDULE_FIELDS, "milestone"),
            check=arrangement_ok,
            apply=note_change,
            notify=tell_listeners("changed"),
        ),
        Action(
            "hold",
            "记录举办情况",
            "projects.hold_session",
            frozenset({Session.SCHEDULED}),
            Session.HELD,
            Kind.ACTIVITY,
            check=record_problems,
            apply=record,
        ),
        Action(
            "correct",
            "更正活动记录",
            "projects.hold_session",
            frozenset({Session.HELD}),
            event=Kind.SESSION_CHANGED,
            check=record_problems,
            apply=record,
        ),
        Action(
            "cancel",
            "取消活动",
            "projects.cancel_session",
            frozenset({Session.SCHEDULED}),
            Session.CANCELLED,
            Kind.SESSION_CANCELLED,
            fields=("cancel_reason",),
            check=reason_given,
            apply=note_cancel,
            notify=tell_listeners("cancelled"),
        ),
        Action(
            "publish_photo",
            "公开照片",
            "projects.publish_photo",
            frozenset({Session.HELD}),
            event=Kind.PHOTO_CONSENT,
            check=may_publish,
            apply=publish,
        ),
        Action(
            "withdraw_photo",
            "撤回公开",
            "projects.publish_photo",
            frozenset({Session.HELD}),
            event=Kind.PHOTO_CONSENT,
            check=may_withdraw,
            apply=withdraw,
        ),
    ],
    initial=Session.SCHEDULED,
    timeline=session_timeline,
    noun="活动场次",
)


# --- services ------------------------------------------------------------------------------------
def _admit_planning(project: Project, by: User) -> None:
    """403 unless the project's community staff; 409 unless the project may plan sessions."""
    if not by.has_perm("projects.plan_sessions", project):
        raise PermissionDenied
    if project.deleted_at is not None or project.status not in PLANNABLE:
        raise Conflict(
            f"该项目当前状态为“{project.get_status_display()}”,不能安排活动。"
            "请刷新页面查看最新情况。",
            code="status",
        )


def admit_planning(user: User, project: Project) -> None:
    """For the pages: the same answer as the services, before a form is read."""
    _admit_planning(project, user)


def may_plan(user: User, project: Project) -> bool:
    """Whether the planning buttons show (no query beyond the rule's)."""
    try:
        _admit_planning(project, user)
    except (PermissionDenied, ValidationError):
        return False
    return True


@transaction.atomic
def session_schedule(*, project: Project, by: User, data: dict, milestone=None) -> Activity:
    """Plan one session of the project: date, times, place, sign-up, milestone of the plan."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _admit_planning(project, by)
    fields = {k: data[k] for k in SCHEDULE_FIELDS if k in data}
    session = Activity(
        project=project,
        status=SESSION_WORKFLOW.initial,
        milestone=milestone,
        created_by=by,
        **fields,
    )
    _validate(session, arrangement_problems(project, session))
    session.save()
    SESSION_WORKFLOW.created(
        session,
        by=by,
        event=Kind.SESSION_PLANNED,
        note=f"{session.date:%Y-%m-%d} {session.title or session.place}",
        detail={"project": project.pk},
    )
    return session


def _validate(obj, reasons) -> None:
    reasons = list(reasons)
    if reasons:
        raise ValidationError(reasons, code="not_ready")
    try:
        obj.full_clean(exclude=["project", "created_by", "series", "milestone"])
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


def series_problems(series: ActivitySeries, today: datetime.date) -> Iterator[str]:
    project = series.project
    if series.recurrence not in Recurrence.values:
        yield "请选择重复方式(每周、每月或每年)。"
    if not series.first_date:
        yield "请填写首次日期。"
        return
    if not str(series.place or "").strip():
        yield "请填写活动地点。"
    if series.until and series.until < series.first_date:
        yield "截止日期不能早于首次日期。"
    horizon = months_after(today, HORIZON_MONTHS)
    if series.first_date > horizon:
        yield f"首次日期最多提前 {HORIZON_MONTHS} 个月(不晚于 {horizon:%Y-%m-%d})。"
    yield from _plan_window(project, series.first_date, "首次日期")
    if series.starts_at and series.ends_at and series.ends_at <= series.starts_at:
        yield "结束时间应晚于开始时间。"
    if series.signup_capacity is not None and series.signup_capacity > 10_000:
        yield "报名名额最多 10000 人。"


@transaction.atomic
def series_create(*, project: Project, by: User, data: dict, today=None) -> ActivitySeries:
    """Plan a recurring series (weekly, monthly, yearly) and generate its sessions up to twelve
    months ahead (never past its end or the plan's)."""
    today = today or timezone.localdate()
    project = Project.objects.select_for_update().get(pk=project.pk)
    _admit_planning(project, by)
    series = ActivitySeries(
        project=project, created_by=by, **{k: data[k] for k in SERIES_FIELDS if k in data}
    )
    _validate(series, series_problems(series, today))
    series.save()
    made = _generate(series, today)
    ProjectEvent.objects.create(
        project=project,
        kind=Kind.SESSION_PLANNED,
        actor=by,
        note=f"系列活动“{series}”:自 {series.first_date:%Y-%m-%d} 起,已安排 {made} 场",
    )
    audit(
        actor=by,
        action="activityseries.create",
        obj=series,
        detail={"project": project.pk, "sessions": made},
    )
    return series


def _generate(series: ActivitySeries, today: datetime.date) -> int:
    """Create the series' sessions after `generated_until` up to its limit (the row is locked
    or new); returns how many were made."""
    limit = series_limit(series, today)
    dates = list(
        occurrences(series.first_date, series.recurrence, after=series.generated_until, until=limit)
    )
    Activity.objects.bulk_create(
        (
            Activity(
                project_id=series.project_id,
                series=series,
                title=series.title,
                date=day,
                starts_at=series.starts_at,
                ends_at=series.ends_at,
                place=series.place,
                signup_capacity=series.signup_capacity,
                status=Session.SCHEDULED,
                created_by_id=series.created_by_id,
            )
            for day in dates
        ),
        ignore_conflicts=True,  # the constraint's answer to a second worker: one per date
    )
    if series.generated_until is None or limit > series.generated_until:
        series.generated_until = limit
        series.save(update_fields=["generated_until"])
    return len(dates)


def series_extend(*, series: ActivitySeries, today: datetime.date) -> int:
    """Move one series on to twelve months ahead of `today`; a second call the same day makes
    nothing (the row is locked, `generated_until` says how far it went)."""
    with transaction.atomic():
        locked = (
            ActivitySeries.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=series.pk)
        )
        if locked.project.deleted_at is not None or locked.project.status not in PLANNABLE:
            return 0
        made = _generate(locked, today)
        if made:
            audit(
                actor=None,
                actor_label="system",
                action="activityseries.extend",
                obj=locked,
                detail={"project": locked.project_id, "sessions": made},
            )
        return made


def live_series(today: datetime.date):
    """Series of running projects that may still have dates to generate."""
    from django.db.models import F, Q

    return ActivitySeries.objects.filter(
        project__deleted_at__isnull=True,
        project__status__in=PLANNABLE,
    ).filter(
        Q(generated_until__isnull=True) | Q(until__isnull=True) | Q(until__gt=F("generated_until"))
    )


def series_extend_all(*, today: datetime.date | None = None) -> int:
    """Daily (beat): every live series kept twelve months ahead. Returns the sessions made."""
    today = today or timezone.localdate()
    return sum(
        series_extend(series=series, today=today)
        for series in live_series(today).only("pk").iterator()
    )


# --- one line each: the actions on a session -----------------------------------------------------
def session_edit(*, session: Activity, by: User, data: dict) -> Activity:
    """Change a scheduled session's date, times, place, sign-up or milestone."""
    return SESSION_WORKFLOW.perform(session, "edit", by=by, data=data).obj


def session_hold(
    *,
    session: Activity,
    by: User,
    data: dict,
    volunteers=(),
    spending=(),
    photos=(),
    contributions=(),
) -> Activity:
    """Record that a scheduled session took place (the first one starts implementation), or
    correct the record of a held one. `contributions`: dicts of partner, kind (not hours),
    quantity, unit and note — what partners gave besides their volunteer hours."""
    payload = {
        **data,
        "volunteer_rows": list(volunteers),
        "spending_rows": list(spending),
        "contribution_rows": list(contributions),
        "photos": list(photos),
    }
    action = "hold" if session.status == Session.SCHEDULED else "correct"
    return SESSION_WORKFLOW.perform(session, action, by=by, data=payload).obj


def session_cancel(*, session: Activity, by: User, reason: str) -> Activity:
    """Cancel a scheduled session, with the reason residents will read."""
    return SESSION_WORKFLOW.perform(
        session, "cancel", by=by, data={"cancel_reason": reason, "note": reason}
    ).obj


def photo_publish(
    *, session: Activity, photo: ActivityPhoto, by: User, consent: bool, guardian_consent=False
) -> ActivityPhoto:
    """Mark a photo public: staff confirm the people in it agreed (and the guardians, for
    children or an 一老一小 project)."""
    data = {"photo": photo, "consent": consent, "guardian_consent": guardian_consent}
    SESSION_WORKFLOW.perform(session, "publish_photo", by=by, data=data)
    return photo


def photo_withdraw(*, session: Activity, photo: ActivityPhoto, by: User) -> ActivityPhoto:
    """Take a photo off the public pages."""
    SESSION_WORKFLOW.perform(session, "withdraw_photo", by=by, data={"photo": photo})
    return photo


__all__ = [
    "SESSION_WORKFLOW",
    "occurrence",
    "occurrences",
    "photo_publish",
    "photo_withdraw",
    "series_create",
    "series_extend",
    "series_extend_all",
    "serves_children",
    "session_cancel",
    "session_edit",
    "session_hold",
    "session_schedule",
]
