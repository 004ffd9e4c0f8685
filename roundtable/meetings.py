"""The monthly meeting of each community's round table: made for the 17th by the daily job,
moved by hand or by the community's holiday setting, closed with minutes and attendance.

    scheduled ──close (on or after its day, minutes, every open topic with a resolution or set
    │            aside; online attendance recorded from the day's posts)──▶ closed
    reschedule: in place while scheduled (a date in its month or the next, not in the past)
    attendance_add / attendance_remove: from the meeting day, until closed and 7 days after

The phase shown to people (征集议题 / 正在议事 / 已闭会) is computed from the date and the status
(Meeting.phase), never stored. Meetings exist for the current month and the next
(`meetings_ensure`, idempotent and safe with two workers: unique (community, month)). The reads
of the staff pages live in roundtable/selectors_meetings.py.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Community
from core.audit import audit
from core.workdays import is_working_day, working_day_on_or_after
from core.workflow import Action, Conflict, Step, Workflow

from .models import (
    MEETING_DAY,
    Attendance,
    AttendanceCapacity,
    CommunitySettings,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantKind,
    ParticipantStatus,
    Post,
    PostStatus,
    Resolution,
    Topic,
    TopicStatus,
)

SCHEDULED, CLOSED = MeetingStatus.SCHEDULED, MeetingStatus.CLOSED
# Meeting.moved_reason of a date moved by the community's holiday setting (shown as HOLIDAY_LABEL).
HOLIDAY = "holiday"
HOLIDAY_LABEL = "逢节假日顺延"
SYSTEM_LABEL = "system"
# Attendance may still be typed up from the sign-in sheet this long after closing.
ATTENDANCE_DAYS_AFTER = 7
MINUTES_MAX = 5000
REASON_MAX = 200
PLACE_MAX = 100
NAME_MAX = 60
# How many topics without a resolution a refusal to close names.
NAMED_TOPICS = 10
CAPACITY_OF_KIND = {
    ParticipantKind.RESIDENT: AttendanceCapacity.RESIDENT,
    ParticipantKind.PROPERTY: AttendanceCapacity.PROPERTY,
    ParticipantKind.OWNERS_COMMITTEE: AttendanceCapacity.OWNERS_COMMITTEE,
}


# --- the calendar -----------------------------------------------------------------------------
def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def scheduled_date(month: datetime.date, *, holiday_shift: bool) -> tuple[datetime.date, str]:
    """The meeting's date in `month` and why it is not the 17th: the 17th, or with the
    community's holiday shift the next working day when the 17th is a holiday or a weekend."""
    day = month.replace(day=MEETING_DAY)
    if holiday_shift and not is_working_day(day):
        return working_day_on_or_after(day), HOLIDAY
    return day, ""


def moved_label(meeting: Meeting) -> str:
    """Why the date is not the 17th, in words ("" when it is not moved)."""
    return HOLIDAY_LABEL if meeting.moved_reason == HOLIDAY else meeting.moved_reason


def moved_by_hand(meeting: Meeting) -> bool:
    return meeting.moved_reason not in ("", HOLIDAY)


def _time(value) -> datetime.time:
    return datetime.time.fromisoformat(value) if isinstance(value, str) else value


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def meetings_ensure(*, today: datetime.date) -> tuple[list[Meeting], int]:
    """Every community's meeting of the current month and the next (a missed day catches up:
    the run on any day makes whatever is missing). Returns (meetings made by this call, how many
    existed). Two runs at once make each meeting once: the (community, month) constraint
    decides and get_or_create reads the other run's row."""
    months = [month_start(today), add_months(month_start(today), 1)]
    communities = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    have = set(Meeting.objects.filter(month__in=months).values_list("community_id", "month"))
    missing = [(c, m) for m in months for c in communities if (c, m) not in have]
    kept = {
        s.community_id: s
        for s in CommunitySettings.objects.filter(community_id__in={c for c, _ in missing})
    }
    created, existing = [], len(have)
    for community_id, month in missing:
        settings = kept.get(community_id) or CommunitySettings(community_id=community_id)
        date, reason = scheduled_date(month, holiday_shift=settings.holiday_shift)
        with transaction.atomic():
            meeting, made = Meeting.objects.get_or_create(
                community_id=community_id,
                month=month,
                defaults={
                    "date": date,
                    "moved_reason": reason,
                    "starts_at": _time(settings.starts_at),
                    "place": settings.place,
                },
            )
            if made:
                audit(
                    actor=None,
                    actor_label=SYSTEM_LABEL,
                    action="meeting.create",
                    obj=meeting,
                    detail={"month": f"{month:%Y-%m}", "date": date.isoformat(), "moved": reason},
                )
        if made:
            created.append(meeting)
        else:
            existing += 1
    return created, existing


# --- the workflow -----------------------------------------------------------------------------
def _tell_moved(meeting: Meeting) -> None:
    """Once committed, a task tells the followers the new date (roundtable/reminders.py)."""
    pk, date = meeting.pk, meeting.date.isoformat()

    def committed():
        from .tasks_schedule import tell_meeting_moved

        tell_meeting_moved.delay(pk, date)

    transaction.on_commit(committed)


def _reschedule_check(step: Step):
    meeting, today = step.obj, timezone.localdate()
    date = _as_date(step.data.get("date"))
    reason = str(step.data.get("reason") or "").strip()
    if date is None:
        yield "请填写新的会议日期。"
    else:
        last = add_months(meeting.month, 2) - datetime.timedelta(days=1)
        if date < today:
            yield "新的会议日期不能早于今天。"
        elif not meeting.month <= date <= last:
            yield (
                f"新的会议日期应在{meeting.month:%Y年%-m月}或下一个月内"
                f"({meeting.month:%Y-%m-%d} 至 {last:%Y-%m-%d})。"
            )
        elif date == meeting.date:
            yield "新的会议日期与原定日期相同。"
    if not reason:
        yield "请写明改期原因。"
    elif len(reason) > REASON_MAX:
        yield f"改期原因不能超过 {REASON_MAX} 字。"
    elif reason.lower() == HOLIDAY:
        yield "请用中文写明改期原因。"


def _reschedule(step: Step) -> None:
    old, new = step.obj.date, _as_date(step.data["date"])
    step.set(date=new, moved_reason=str(step.data["reason"]).strip())
    if new > old:
        step.set(reminded_at=None)  # the new date is announced the day before it, once
    step.detail.update({"from_date": old.isoformat(), "to_date": new.isoformat()})
    _tell_moved(step.obj)


def unresolved_topics(meeting: Meeting):
    """Published topics still open for discussion with no resolution: closing waits for them."""
    return (
        Topic.objects.filter(
            meeting=meeting, moderation=PostStatus.PUBLISHED, status=TopicStatus.OPEN
        )
        .filter(~Q(pk__in=Resolution.objects.values("topic_id")))
        .order_by("-supports", "created_at", "pk")
    )


def _close_check(step: Step):
    meeting, today = step.obj, timezone.localdate()
    minutes = str(step.data.get("minutes") or "").strip()
    if today < meeting.date:
        yield f"圆桌会定于{meeting.date:%Y-%m-%d}召开,会议当天起才能闭会。"
    if not minutes:
        yield "请填写会议纪要。"
    elif len(minutes) > MINUTES_MAX:
        yield f"会议纪要不能超过 {MINUTES_MAX} 字。"
    waiting = list(unresolved_topics(meeting).values_list("title", flat=True)[: NAMED_TOPICS + 1])
    if waiting:
        named = "、".join(f"《{t}》" for t in waiting[:NAMED_TOPICS])
        more = " 等" if len(waiting) > NAMED_TOPICS else ""
        yield (
            f"以下议题还没有决议:{named}{more}。请为每个议题记录决议(谁来做、做什么、何时完成),"
            "或标记为“暂不讨论”后再闭会。"
        )


def posters_of_the_day(meeting: Meeting):
    """Participants who wrote in the meeting's threads on its day and are not recorded yet."""
    posted = Post.objects.filter(
        topic__meeting=meeting, participant__isnull=False, created_at__date=meeting.date
    ).values("participant_id")
    recorded = Attendance.objects.filter(meeting=meeting, participant__isnull=False).values(
        "participant_id"
    )
    return (
        Participant.objects.filter(pk__in=posted)
        .exclude(pk__in=recorded)
        .select_related("building")
        .order_by("pk")
    )


def _attendance_of(participant: Participant, *, online: bool) -> Attendance:
    return Attendance(
        participant=participant,
        name=(participant.name or participant.public_name)[:NAME_MAX],
        capacity=CAPACITY_OF_KIND.get(participant.kind, AttendanceCapacity.OTHER),
        online=online,
    )


def _close(step: Step) -> None:
    meeting = step.obj
    step.set(
        minutes=str(step.data["minutes"]).strip(),
        closed_at=timezone.now(),
        closed_by=step.by,
    )
    rows = []
    for participant in posters_of_the_day(meeting).iterator():
        row = _attendance_of(participant, online=True)
        row.meeting = meeting
        rows.append(row)
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    step.detail.update({"minutes_length": len(meeting.minutes), "online_recorded": len(rows)})


def attendance_open(meeting: Meeting, *, now=None) -> bool:
    """Whether attendance may be recorded now: from the meeting day, until closed and
    ATTENDANCE_DAYS_AFTER days after."""
    now = now or timezone.now()
    if timezone.localdate(now) < meeting.date:
        return False
    if meeting.status == CLOSED and meeting.closed_at is not None:
        return now <= meeting.closed_at + datetime.timedelta(days=ATTENDANCE_DAYS_AFTER)
    return True


def _attendance_window(meeting: Meeting) -> None:
    if attendance_open(meeting):
        return
    if timezone.localdate() < meeting.date:
        raise Conflict(f"圆桌会定于{meeting.date:%Y-%m-%d}召开,会议当天起才能登记出席。")
    raise Conflict(
        f"闭会已超过 {ATTENDANCE_DAYS_AFTER} 天,出席记录不能再修改。", code="attendance_closed"
    )


def _attendance_add_check(step: Step):
    meeting, data = step.obj, step.data
    _attendance_window(meeting)
    participant = data.get("participant")
    if participant is not None:
        if participant.community_id != meeting.community_id:
            yield "只能登记本社区圆桌会的参与人。"
        elif participant.status == ParticipantStatus.LEFT:
            yield "这位参与人已退出圆桌会。"
        elif Attendance.objects.filter(meeting=meeting, participant=participant).exists():
            yield f"{participant.name or participant.public_name} 已登记出席。"
        return
    name = str(data.get("name") or "").strip()
    if not name:
        yield "请填写出席人的姓名或单位,或从参与人中选择。"
    elif len(name) > NAME_MAX:
        yield f"姓名或单位不能超过 {NAME_MAX} 字。"
    if data.get("capacity") not in AttendanceCapacity.values:
        yield "请选择出席身份。"


def _attendance_add(step: Step) -> None:
    data = step.data
    participant = data.get("participant")
    if participant is not None:
        row = _attendance_of(participant, online=bool(data.get("online")))
    else:
        row = Attendance(
            name=str(data["name"]).strip(),
            capacity=data["capacity"],
            online=bool(data.get("online")),
        )
    row.meeting = step.obj
    row.save()
    step.result = row
    step.detail.update(
        {"attendance": row.pk, "participant": row.participant_id, "online": row.online}
    )


def _attendance_remove_check(step: Step):
    _attendance_window(step.obj)
    found = Attendance.objects.filter(meeting=step.obj, pk=step.data.get("attendance")).first()
    if found is None:
        yield "这条出席记录不存在或已删除,请刷新页面。"
    step.data["row"] = found


def _attendance_remove(step: Step) -> None:
    row = step.data["row"]
    step.detail.update({"attendance": row.pk, "participant": row.participant_id})
    row.delete()


MEETING_WORKFLOW = Workflow(
    Meeting,
    [
        Action(
            "reschedule",
            "改期",
            "roundtable.reschedule_meeting",
            frozenset({SCHEDULED}),
            check=_reschedule_check,
            apply=_reschedule,
        ),
        Action(
            "close",
            "闭会",
            "roundtable.close_meeting",
            frozenset({SCHEDULED}),
            target=CLOSED,
            check=_close_check,
            apply=_close,
        ),
        Action(
            "attendance_add",
            "登记出席",
            "roundtable.record_attendance",
            frozenset({SCHEDULED, CLOSED}),
            check=_attendance_add_check,
            apply=_attendance_add,
        ),
        Action(
            "attendance_remove",
            "删除出席记录",
            "roundtable.record_attendance",
            frozenset({SCHEDULED, CLOSED}),
            check=_attendance_remove_check,
            apply=_attendance_remove,
        ),
    ],
    initial=SCHEDULED,
    noun="圆桌会",
    changed_at_field=None,
)


# --- services -----------------------------------------------------------------------------------
def meeting_reschedule(*, meeting: Meeting, by, date, reason: str) -> Meeting:
    """Move a scheduled meeting to another day of its month or the next; the followers are told
    (a text message and an inbox entry, once), and a later date is reminded again the day
    before."""
    step = MEETING_WORKFLOW.perform(
        meeting, "reschedule", by=by, data={"date": date, "reason": reason}
    )
    return step.obj


def meeting_close(*, meeting: Meeting, by, minutes: str) -> Meeting:
    """Close the meeting with its minutes, on or after its day, once every open topic has a
    resolution or was set aside; participants who posted on the day are recorded as online
    attendance."""
    step = MEETING_WORKFLOW.perform(meeting, "close", by=by, data={"minutes": minutes})
    return step.obj


def attendance_add(
    *,
    meeting: Meeting,
    by,
    participant: Participant | None = None,
    name: str = "",
    capacity: str = AttendanceCapacity.RESIDENT,
    online: bool = False,
) -> Attendance:
    """Record one attendee: a participant of the community, or a name typed from the sign-in
    sheet with the capacity they came in."""
    data = {"participant": participant, "name": name, "capacity": capacity, "online": online}
    return MEETING_WORKFLOW.perform(meeting, "attendance_add", by=by, data=data).result


def attendance_remove(*, meeting: Meeting, by, attendance_id: int) -> None:
    """Delete one attendance row of the meeting (a slip on the sign-in sheet)."""
    MEETING_WORKFLOW.perform(
        meeting, "attendance_remove", by=by, data={"attendance": attendance_id}
    )


def settings_update(
    *,
    community: Community,
    by,
    holiday_shift: bool,
    review_first: bool,
    starts_at,
    place: str,
) -> CommunitySettings:
    """Save the community's round-table settings and apply the time, the place and the holiday
    shift to its scheduled meetings not moved by hand (a meeting under way keeps its date; a
    date that changes is announced to the followers)."""
    if not by.has_perm("roundtable.change_settings", community):
        raise PermissionDenied
    place = str(place or "").strip()
    if len(place) > PLACE_MAX:
        raise ValidationError(f"线下地点不能超过 {PLACE_MAX} 字。")
    try:
        starts_at = _time(starts_at)
    except (TypeError, ValueError):
        starts_at = None
    if not isinstance(starts_at, datetime.time):
        raise ValidationError("请填写开始时间,例如 19:00。")
    today = timezone.localdate()
    with transaction.atomic():
        CommunitySettings.objects.get_or_create(community=community)
        row = CommunitySettings.objects.select_for_update().get(community=community)
        values = {
            "holiday_shift": bool(holiday_shift),
            "review_first": bool(review_first),
            "starts_at": starts_at,
            "place": place,
        }
        before = {k: getattr(row, k) for k in values}
        before["starts_at"] = _time(before["starts_at"])
        changed = [k for k, v in values.items() if before[k] != v]
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        touched, moved = _apply_settings(row, today)
        audit(
            actor=by,
            action="communitysettings.update",
            obj=row,
            detail={"changed": changed, "meetings": touched, "moved": moved},
        )
    return row


def _apply_settings(settings: CommunitySettings, today: datetime.date) -> tuple[list, list]:
    meetings = (
        Meeting.objects.select_for_update()
        .filter(
            community_id=settings.community_id,
            status=SCHEDULED,
            moved_reason__in=["", HOLIDAY],
            date__gte=today,
        )
        .order_by("date")
    )
    touched, moved = [], []
    for meeting in meetings:
        fields = []
        if meeting.starts_at != settings.starts_at or meeting.place != settings.place:
            meeting.starts_at, meeting.place = settings.starts_at, settings.place
            fields += ["starts_at", "place"]
        if meeting.date > today:  # a meeting under way keeps its day
            date, reason = scheduled_date(meeting.month, holiday_shift=settings.holiday_shift)
            if date > today and (date, reason) != (meeting.date, meeting.moved_reason):
                was = meeting.date
                if date > was:
                    meeting.reminded_at = None
                    fields.append("reminded_at")
                meeting.date, meeting.moved_reason = date, reason
                fields += ["date", "moved_reason"]
                if date != was:
                    moved.append(meeting.pk)
                    _tell_moved(meeting)
        if fields:
            meeting.save(update_fields=fields)
            touched.append(meeting.pk)
    return touched, moved
