"""The lifecycles of the training programme, one table per model (core/workflow.py performs them):
a session (planned → held or cancelled), a person's attendance (their reply; then rating), a
consultation (waiting ⇄ answered → closed) and a coaching (open → done). Every action locks the
row, checks the rule and the status, writes the audit row and tells whoever needs to know."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.notifications import notify
from core.uploads import store_upload
from core.workflow import Action, Step, Workflow, stamp
from projects.models import ProjectEvent

from .models import (
    Attendance,
    Coaching,
    CoachingNote,
    CoachingStatus,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Material,
    Reply,
    Session,
    SessionStatus,
)

PLANNED, HELD, CANCELLED = SessionStatus.PLANNED, SessionStatus.HELD, SessionStatus.CANCELLED
SESSION_FIELDS = (
    "title",
    "topic",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "trainer",
    "mentor",
    "description",
)


def _session_times(step: Step) -> list[str]:
    session = step.obj
    reasons = []
    if session.ends_at <= session.starts_at:
        reasons.append("结束时间须晚于开始时间。")
    if not (session.place or session.online_url):
        reasons.append("请填写培训地点或线上参加链接。")
    if session.mentor is not None and not session.mentor.active:
        reasons.append("所选导师已不在导师团中。")
    return reasons


def _session_moved(step: Step) -> None:
    """Attendees hear of a change of time or place, and a class's month follows its date. The
    edit form posts every field: only those whose value differs from the saved row count as
    changed, and a mentor who no longer teaches the class forgets it (signals.py)."""
    session = step.obj
    if step.changed:
        attnames = {name: Session._meta.get_field(name).attname for name in step.changed}
        before = Session.objects.filter(pk=session.pk).values(*attnames.values()).get()
        step.changed[:] = [
            name
            for name, attname in attnames.items()
            if getattr(session, attname) != before[attname]
        ]
        if "mentor" in step.changed:
            session._mentor_before = before["mentor_id"]
    if "starts_at" in step.changed:
        step.set(month=timezone.localtime(session.starts_at).date().replace(day=1))
    step.detail["fields"] = sorted(step.changed)


def _tell_attendees(event: str, title: str):
    def tell(step: Step) -> None:
        session = step.obj
        if event == "training.session_changed" and not (
            {"starts_at", "ends_at", "place", "online_url"} & set(step.changed)
        ):
            return
        when = timezone.localtime(session.starts_at)
        heading = title.format(title=session.title, when=f"{when:%m月%d日 %H:%M}")
        for attendance in session.attendances.select_related("user"):
            notify(attendance.user, event, session, title=heading, body=step.note)

    return tell


def _record(step: Step) -> None:
    """Who came: `present` holds the ids of the attendances marked present; the others of the
    session are absent."""
    session = step.obj
    if session.starts_at > timezone.now():
        raise ValidationError("培训开始之后才能登记出勤。")
    present = {int(pk) for pk in step.data.get("present", ())}
    rows = list(session.attendances.all())
    unknown = present - {row.pk for row in rows}
    if unknown:
        raise ValidationError("所选学员不在本次培训名单中,请刷新页面后重试。")
    came = [row.pk for row in rows if row.pk in present]
    missed = [row.pk for row in rows if row.pk not in present]
    Attendance.objects.filter(pk__in=came).update(present=True)
    Attendance.objects.filter(pk__in=missed).update(present=False)
    step.detail.update({"present": len(came), "absent": len(missed)})


def _material(step: Step) -> None:
    upload = store_upload(
        uploaded_file=step.data["file"], kind="document", by=step.by, owner=step.obj
    )
    title = (step.data.get("title") or "").strip() or upload.original_name
    step.result = Material.objects.create(
        session=step.obj, title=title[:80], upload=upload, added_by=step.by
    )
    step.detail["material"] = step.result.pk


SESSION_WORKFLOW = Workflow(
    Session,
    [
        Action(
            "edit",
            "修改",
            "training.change_session",
            frozenset({PLANNED}),
            fields=SESSION_FIELDS,
            check=_session_times,
            apply=_session_moved,
            notify=_tell_attendees("training.session_changed", "培训安排有变:{title}({when})"),
        ),
        Action(
            "cancel",
            "取消",
            "training.cancel_session",
            frozenset({PLANNED}),
            target=CANCELLED,
            notify=_tell_attendees("training.session_cancelled", "培训已取消:{title}({when})"),
        ),
        Action(
            "record",
            "登记出勤",
            "training.record_attendance",
            frozenset({PLANNED, HELD}),
            target=HELD,
            apply=_record,
        ),
        Action(
            "add_material",
            "上传材料",
            "training.add_material",
            frozenset({PLANNED, HELD}),
            apply=_material,
        ),
    ],
    initial=PLANNED,
    noun="培训",
)


# --- a person's attendance ---------------------------------------------------------------------
def _before_start(step: Step) -> list[str]:
    session = step.obj.session
    if session.status != PLANNED:
        return [f"该培训{session.get_status_display()},不能再回复。"]
    if session.starts_at <= timezone.now():
        return ["培训已经开始,不能再回复。"]
    return []


def _leave(step: Step) -> None:
    reason = (step.data.get("leave_reason") or "").strip()
    if not reason:
        raise ValidationError("请填写请假事由。")
    step.set(leave_reason=reason[:200])


def _may_rate(step: Step) -> list[str]:
    attendance = step.obj
    if attendance.present is not True:
        return ["只有登记为出席的学员才能评价本次培训。"]
    return []


def _rate(step: Step) -> None:
    rating = step.data.get("rating")
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError("请选择1到5分。")
    step.set(rating=rating, comment=(step.data.get("comment") or "").strip()[:1000])
    stamp("rated_at")(step)
    step.detail["rating"] = rating


ATTENDANCE_WORKFLOW = Workflow(
    Attendance,
    [
        Action(
            "confirm",
            "确认参加",
            "training.reply_attendance",
            frozenset({Reply.PENDING, Reply.LEAVE}),
            target=Reply.CONFIRMED,
            check=_before_start,
            apply=lambda step: step.set(leave_reason=""),
        ),
        Action(
            "leave",
            "请假",
            "training.reply_attendance",
            frozenset({Reply.PENDING, Reply.CONFIRMED}),
            target=Reply.LEAVE,
            check=_before_start,
            apply=_leave,
        ),
        Action(
            "rate",
            "评价",
            "training.rate_attendance",
            frozenset(Reply.values),
            check=_may_rate,
            apply=_rate,
        ),
    ],
    initial=Reply.PENDING,
    noun="参训回复",
    status_field="reply",
    changed_at_field="replied_at",
)


# --- consultations -----------------------------------------------------------------------------
def _message(step: Step) -> None:
    text = (step.data.get("text") or "").strip()
    if not text:
        raise ValidationError("请填写留言内容。")
    step.result = ConsultationMessage.objects.create(
        consultation=step.obj, author=step.by, text=text[:2000]
    )
    step.set(last_message_at=step.result.created_at)


def _tell_asker(step: Step) -> None:
    consultation = step.obj
    notify(
        consultation.asker,
        "training.consultation_answered",
        consultation,
        title=f"导师{consultation.mentor}答复了您的咨询:{consultation.subject}",
    )


def _tell_mentor(step: Step) -> None:
    consultation = step.obj
    notify(
        consultation.mentor.user,
        "training.consultation_asked",
        consultation,
        title=f"{consultation.asker}({consultation.community.name})追问:{consultation.subject}",
    )


OPEN_THREAD = frozenset({ConsultationStatus.WAITING, ConsultationStatus.ANSWERED})
CONSULTATION_WORKFLOW = Workflow(
    Consultation,
    [
        Action(
            "answer",
            "答复",
            "training.answer_consultation",
            OPEN_THREAD,
            target=ConsultationStatus.ANSWERED,
            apply=_message,
            notify=_tell_asker,
        ),
        Action(
            "follow_up",
            "追问",
            "training.follow_up_consultation",
            OPEN_THREAD,
            target=ConsultationStatus.WAITING,
            apply=_message,
            notify=_tell_mentor,
        ),
        Action(
            "close",
            "结束咨询",
            "training.close_consultation",
            OPEN_THREAD,
            target=ConsultationStatus.CLOSED,
        ),
    ],
    initial=ConsultationStatus.WAITING,
    noun="咨询",
)


# --- 一项目一方案 ---------------------------------------------------------------------------------
def coaching_timeline(step: Step) -> None:
    """The coaching shows on its project's timeline."""
    coaching = step.obj
    note = step.note or f"导师:{coaching.mentor}({coaching.get_topic_display()})"
    ProjectEvent.objects.create(
        project_id=coaching.project_id, kind=step.action.event, actor=step.by, note=note[:2000]
    )


def _note(step: Step) -> None:
    text = (step.data.get("text") or "").strip()
    date = step.data.get("date")
    if not text or date is None:
        raise ValidationError("请填写指导日期和指导记录。")
    if date > timezone.localdate():
        raise ValidationError("指导日期不能晚于今天。")
    step.result = CoachingNote.objects.create(
        coaching=step.obj,
        author=step.by,
        date=date,
        mode=step.data.get("mode") or CoachingNote.Mode.OFFLINE,
        text=text[:2000],
    )
    step.note = f"{date:%Y-%m-%d} {step.result.get_mode_display()}指导:{text[:200]}"


def _plan(step: Step) -> None:
    coaching = step.obj
    if not (coaching.plan or "").strip():
        raise ValidationError("请填写指导方案。")
    if step.data.get("file") is not None:
        upload = store_upload(
            uploaded_file=step.data["file"], kind="document", by=step.by, owner=coaching
        )
        step.set(plan_file=upload)
    stamp("plan_at")(step)
    step.note = f"导师{coaching.mentor}形成指导方案(一项目一方案)"


def _tell_community(title: str):
    def tell(step: Step) -> None:
        from accounts.roles import COMMUNITY_STAFF
        from accounts.selectors import people_holding

        coaching = step.obj
        project = coaching.project
        heading = title.format(project=project.title, mentor=coaching.mentor)
        for person in people_holding(COMMUNITY_STAFF, community=project.community):
            notify(person, "training.coaching", coaching, title=heading)

    return tell


COACHING_WORKFLOW = Workflow(
    Coaching,
    [
        Action(
            "note",
            "记录指导",
            "training.write_coaching",
            frozenset({CoachingStatus.OPEN}),
            event=ProjectEvent.Kind.COACHING_NOTE,
            apply=_note,
        ),
        Action(
            "plan",
            "填写指导方案",
            "training.write_coaching",
            frozenset({CoachingStatus.OPEN}),
            event=ProjectEvent.Kind.COACHING_PLAN,
            fields=("plan",),
            apply=_plan,
            notify=_tell_community("导师{mentor}为“{project}”形成了指导方案"),
        ),
        Action(
            "close",
            "结束指导",
            "training.close_coaching",
            frozenset({CoachingStatus.OPEN}),
            target=CoachingStatus.DONE,
            event=ProjectEvent.Kind.COACHING_DONE,
        ),
    ],
    initial=CoachingStatus.OPEN,
    noun="项目指导",
    timeline=coaching_timeline,
)
