"""Every change to the training programme that is not a step of a lifecycle (workflow.py): the
rotation's cohorts and who is in which, planning a cohort's month in classes, a quarterly session,
the mentor panel and pairings, a consultation opened, a mentor attached to a project. Each checks
the permission, locks what it changes, validates, saves, writes the audit row and notifies."""

import datetime
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Community, District, RoleAssignment, User
from accounts.roles import Role
from core.audit import audit
from core.dates import validate_sane_date
from core.notifications import notify
from core.workdays import is_working_day
from core.workflow import Conflict
from projects.models import Project, ProjectEvent

from .models import (
    COHORTS,
    MAX_CLASS,
    Attendance,
    Coaching,
    CoachingStatus,
    Cohort,
    Consultation,
    ConsultationMessage,
    Kind,
    Material,
    Mentor,
    Pairing,
    Session,
    SessionStatus,
    Trainee,
    cohort_number_for,
)
from .workflow import SESSION_WORKFLOW

COHORT_NAMES = {1: "第一组", 2: "第二组", 3: "第三组"}


def _admit(by: User, permission: str, obj=None) -> None:
    if not by.has_perm(permission, obj):
        raise PermissionDenied


def _secretaries(district: District):
    """(user id, community id) of every active secretary of the district, one per person (their
    first community), in street and community order."""
    rows = (
        RoleAssignment.objects.filter(
            role=Role.SECRETARY,
            community__street__district=district,
            user__is_active=True,
        )
        .order_by("community__street__name", "community__name", "user_id")
        .values_list("user_id", "community_id")
    )
    seen, people = set(), []
    for user_id, community_id in rows:
        if user_id not in seen:
            seen.add(user_id)
            people.append((user_id, community_id))
    return people


# --- the rotation -------------------------------------------------------------------------------
@transaction.atomic
def cohorts_create(*, by: User, district: District) -> list[Cohort]:
    """The district's three cohorts (those missing), then every secretary not yet in one, spread
    evenly in street order so that a street's secretaries train in each month."""
    _admit(by, "training.manage_programme")
    District.objects.select_for_update().get(pk=district.pk)
    for number in range(1, COHORTS + 1):
        Cohort.objects.get_or_create(
            district=district, number=number, defaults={"name": COHORT_NAMES[number]}
        )
    cohorts = list(Cohort.objects.filter(district=district).order_by("number"))
    added = trainees_enrol(by=by, district=district, cohorts=cohorts)
    audit(
        actor=by,
        action="cohort.setup",
        obj=cohorts[0],
        detail={"cohorts": [c.pk for c in cohorts], "enrolled": added},
    )
    return cohorts


def trainees_enrol(*, by: User, district: District, cohorts=None) -> int:
    """Put every secretary of the district who is in no cohort into the smallest one."""
    _admit(by, "training.manage_programme")
    cohorts = cohorts or list(Cohort.objects.filter(district=district).order_by("number"))
    if not cohorts:
        raise ValidationError("请先建立轮训分组。")
    sizes = dict(
        Trainee.objects.filter(cohort__in=cohorts)
        .values("cohort")
        .annotate(n=Count("pk"))
        .values_list("cohort", "n")
    )
    placed = set(Trainee.objects.values_list("user_id", flat=True))
    new = []
    for user_id, community_id in _secretaries(district):
        if user_id in placed:
            continue
        cohort = min(cohorts, key=lambda c: (sizes.get(c.pk, 0), c.number))
        sizes[cohort.pk] = sizes.get(cohort.pk, 0) + 1
        new.append(Trainee(cohort=cohort, user_id=user_id, community_id=community_id))
    Trainee.objects.bulk_create(new)
    if new:
        audit(actor=by, action="trainee.enrol", obj=cohorts[0], detail={"enrolled": len(new)})
    return len(new)


@transaction.atomic
def trainee_move(*, by: User, trainee: Trainee, cohort: Cohort) -> Trainee:
    """Move a secretary to another cohort; the classes of the old cohort not yet held lose them
    (the district places them in a class of the new cohort's month)."""
    _admit(by, "training.manage_programme")
    locked = Trainee.objects.select_for_update().select_related("cohort").get(pk=trainee.pk)
    if cohort.district_id != locked.cohort.district_id:
        raise ValidationError("只能在本区的轮训分组之间调整。")
    if cohort.pk == locked.cohort_id:
        return locked
    before = locked.cohort_id
    dropped, _ = Attendance.objects.filter(
        user_id=locked.user_id,
        session__cohort_id=before,
        session__status=SessionStatus.PLANNED,
        session__starts_at__gt=timezone.now(),
    ).delete()
    locked.cohort = cohort
    locked.save(update_fields=["cohort"])
    audit(
        actor=by,
        action="trainee.move",
        obj=locked,
        detail={"from": before, "to": cohort.pk, "classes_left": dropped},
    )
    notify(
        locked.user,
        "training.cohort_moved",
        cohort,
        title=f"您已调整到头雁工程轮训{cohort.name}(每年{cohort.months_label}轮训)",
    )
    return locked


def _working_days_from(day: datetime.date):
    while True:
        if is_working_day(day):
            yield day
        day += datetime.timedelta(days=1)


def _invite(session: Session, people) -> None:
    """Attendance rows for (user id, community id) pairs; each hears of it."""
    Attendance.objects.bulk_create(
        [Attendance(session=session, user_id=u, community_id=c) for u, c in people]
    )
    when = timezone.localtime(session.starts_at)
    users = User.objects.filter(pk__in=[u for u, _ in people])
    for user in users:
        notify(
            user,
            "training.invited",
            session,
            title=f"培训通知:{session.title}({when:%m月%d日 %H:%M})",
            body=session.place or session.online_url,
        )


def _session_fields(data: dict) -> dict:
    allowed = {
        "title",
        "topic",
        "starts_at",
        "ends_at",
        "place",
        "online_url",
        "trainer",
        "mentor",
        "description",
    }
    if not set(data) <= allowed:
        raise ValueError(f"fields not writable: {sorted(set(data) - allowed)}")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None or ends is None or ends <= starts:
        raise ValidationError("结束时间须晚于开始时间。")
    validate_sane_date(timezone.localtime(starts).date())
    if not (data.get("place") or data.get("online_url")):
        raise ValidationError("请填写培训地点或线上参加链接。")
    mentor = data.get("mentor")
    if mentor is not None and not mentor.active:
        raise ValidationError("所选导师已不在导师团中。")
    return dict(data)


@transaction.atomic
def month_plan(*, by: User, cohort: Cohort, data: dict) -> list[Session]:
    """Split the cohort's secretaries not yet in a class of the month into classes of at most
    MAX_CLASS, in street order (neighbours learn together), on consecutive working days from
    the first class's date; every class has the given topic, time, place and trainer, which
    the district then adjusts class by class."""
    _admit(by, "training.manage_programme")
    Cohort.objects.select_for_update().get(pk=cohort.pk)
    data = _session_fields(data)
    first = timezone.localtime(data["starts_at"])
    month = first.date().replace(day=1)
    if cohort_number_for(month) != cohort.number:
        raise ValidationError(
            f"{cohort.name}在{cohort.months_label}轮训,{month.month}月不是它的轮训月。"
        )
    placed = set(
        Attendance.objects.filter(
            session__cohort=cohort, session__month=month, session__status__in=["planned", "held"]
        ).values_list("user_id", flat=True)
    )
    people = [
        (t.user_id, t.community_id)
        for t in Trainee.objects.filter(cohort=cohort, user__is_active=True)
        .select_related("community__street")
        .order_by("community__street__name", "community__name", "id")
        if t.user_id not in placed
    ]
    if not people:
        raise Conflict(f"{cohort.name}的学员都已编入{month.month}月的班次。")
    count = math.ceil(len(people) / MAX_CLASS)
    size = math.ceil(len(people) / count)
    length = data["ends_at"] - data["starts_at"]
    days = _working_days_from(first.date())
    sessions = []
    for number in range(count):
        day = next(days)
        starts = first.replace(year=day.year, month=day.month, day=day.day)
        session = Session.objects.create(
            district=cohort.district,
            kind=Kind.CLASS,
            cohort=cohort,
            month=month,
            created_by=by,
            **{**data, "starts_at": starts, "ends_at": starts + length},
        )
        if count > 1:
            session.title = f"{data['title']}({number + 1}班)"[:80]
            session.save(update_fields=["title"])
        _invite(session, people[number * size : (number + 1) * size])
        sessions.append(session)
    audit(
        actor=by,
        action="session.plan_month",
        obj=cohort,
        detail={"month": f"{month:%Y-%m}", "classes": [s.pk for s in sessions]},
    )
    return sessions


@transaction.atomic
def quarterly_create(*, by: User, district: District, data: dict) -> Session:
    """The quarterly themed session: every secretary in the rotation is invited."""
    _admit(by, "training.manage_programme")
    data = _session_fields(data)
    month = timezone.localtime(data["starts_at"]).date().replace(day=1)
    session = Session.objects.create(
        district=district, kind=Kind.QUARTERLY, month=month, created_by=by, **data
    )
    people = list(
        Trainee.objects.filter(cohort__district=district, user__is_active=True)
        .order_by("community__street__name", "community__name", "id")
        .values_list("user_id", "community_id")
    )
    _invite(session, people)
    SESSION_WORKFLOW.created(session, by=by, event=None, detail={"invited": len(people)})
    return session


@transaction.atomic
def attendee_move(*, by: User, attendance: Attendance, to: Session) -> Attendance:
    """Move a secretary to another class of the same cohort and month (at most MAX_CLASS)."""
    _admit(by, "training.manage_programme")
    # The attendance's row only: locking its class too would deadlock two people swapped
    # between two classes at once (each holding the class the other moves into).
    locked = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=attendance.pk)
    )
    target = Session.objects.select_for_update().get(pk=to.pk)
    source = locked.session
    if not (
        source.is_class
        and target.is_class
        and target.cohort_id == source.cohort_id
        and target.month == source.month
    ):
        raise ValidationError("只能调到同一轮训分组同月的其他班次。")
    if source.status != SessionStatus.PLANNED or target.status != SessionStatus.PLANNED:
        raise Conflict("已举办或已取消的班次不能调整学员。")
    if target.attendances.count() >= MAX_CLASS:
        raise ValidationError(f"{target.title}已满{MAX_CLASS}人。")
    locked.session = target
    locked.reply, locked.replied_at, locked.reminded_at = Attendance.Reply.PENDING, None, None
    locked.save(update_fields=["session", "reply", "replied_at", "reminded_at"])
    audit(
        actor=by,
        action="attendance.move",
        obj=locked,
        detail={"from": source.pk, "to": target.pk},
    )
    notify(
        locked.user,
        "training.invited",
        target,
        title=f"您的培训班次已调整为:{target.title}"
        f"({timezone.localtime(target.starts_at):%m月%d日 %H:%M})",
    )
    return locked


def material_add(*, by: User, session: Session, title: str, uploaded_file) -> Material:
    """A file handed out with a session (the workflow checks the rule and the status)."""
    data = {"title": title, "file": uploaded_file}
    return SESSION_WORKFLOW.perform(session, "add_material", by=by, data=data).result


# --- the mentor panel ---------------------------------------------------------------------------
MENTOR_FIELDS = frozenset({"kind", "organisation", "expertise", "bio"})
STAFF_ROLES = (
    Role.SECRETARY,
    Role.WORKER,
    Role.STREET_LEADER,
    Role.STREET_MEMBER,
    Role.EXPERT,
    Role.DISTRICT_STAFF,
)


@transaction.atomic
def mentor_add(*, by: User, district: District, user: User, data: dict) -> Mentor:
    """Put a person with a staff account (an expert, an outstanding secretary, district staff)
    on the panel."""
    _admit(by, "training.manage_mentors")
    if not set(data) <= MENTOR_FIELDS:
        raise ValueError(f"fields not writable: {sorted(set(data) - MENTOR_FIELDS)}")
    if not user.is_active or not user.scope.has(*STAFF_ROLES):
        raise ValidationError("导师须是在岗的社区、街道或区级工作人员账号(专家顾问亦可)。")
    if Mentor.objects.filter(user=user).exists():
        raise ValidationError(f"{user}已在导师团中。")
    mentor = Mentor.objects.create(district=district, user=user, added_by=by, **data)
    audit(actor=by, action="mentor.add", obj=mentor, detail={"user": user.pk, "kind": mentor.kind})
    notify(user, "training.mentor_added", mentor, title="您已加入头雁工程导师团")
    return mentor


@transaction.atomic
def mentor_update(*, by: User, mentor: Mentor, data: dict) -> Mentor:
    _admit(by, "training.manage_mentors")
    fields = set(data) - {"active"}
    if not fields <= MENTOR_FIELDS:
        raise ValueError(f"fields not writable: {sorted(fields - MENTOR_FIELDS)}")
    locked = Mentor.objects.select_for_update().get(pk=mentor.pk)
    changed = [name for name, value in data.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, data[name])
    if changed:
        locked.save(update_fields=changed)
    if "active" in changed and not locked.active:
        ended = Pairing.objects.filter(mentor=locked, ended_on__isnull=True).update(
            ended_on=timezone.localdate()
        )
        changed.append(f"pairings_ended:{ended}")
    audit(actor=by, action="mentor.update", obj=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def pairing_create(*, by: User, mentor: Mentor, secretary: User) -> Pairing:
    """Pair a secretary with a mentor; both hear of it."""
    _admit(by, "training.manage_mentors")
    locked = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if not locked.active:
        raise Conflict("该导师已不在导师团中。")
    communities = secretary.scope.community_ids([Role.SECRETARY])
    if not communities or not secretary.is_active:
        raise ValidationError("只能为在岗的社区书记结对导师。")
    if secretary.pk == locked.user_id:
        raise ValidationError("导师不能与自己结对。")
    if Pairing.objects.filter(mentor=locked, mentee=secretary, ended_on__isnull=True).exists():
        raise ValidationError(f"{secretary}已与{locked}结对。")
    community = Community.objects.filter(pk__in=communities).order_by("name").first()
    pairing = Pairing.objects.create(
        mentor=locked, mentee=secretary, community=community, created_by=by
    )
    audit(
        actor=by,
        action="pairing.create",
        obj=pairing,
        detail={"mentor": locked.pk, "mentee": secretary.pk},
    )
    notify(secretary, "training.paired", locked, title=f"您已与导师{locked}结对,可以在线咨询")
    notify(
        locked.user,
        "training.paired",
        locked,
        title=f"您已与{community.name}社区书记{secretary}结对",
    )
    return pairing


@transaction.atomic
def pairing_end(*, by: User, pairing: Pairing) -> Pairing:
    _admit(by, "training.manage_mentors")
    locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if locked.ended_on is not None:
        raise Conflict("该结对已经结束。")
    locked.ended_on = timezone.localdate()
    locked.save(update_fields=["ended_on"])
    audit(actor=by, action="pairing.end", obj=locked)
    return locked


def paired_mentors(user: User):
    """The active mentors this person is paired with now."""
    return Mentor.objects.filter(
        active=True, pairings__mentee=user, pairings__ended_on__isnull=True
    ).select_related("user")


@transaction.atomic
def consultation_open(*, by: User, mentor: Mentor, subject: str, text: str) -> Consultation:
    """A secretary asks a mentor they are paired with; the mentor hears of it."""
    _admit(by, "training.ask_mentor")
    pairing = (
        Pairing.objects.select_for_update()
        .filter(mentor=mentor, mentee=by, ended_on__isnull=True, mentor__active=True)
        .first()
    )
    if pairing is None:
        raise ValidationError("只能向与您结对的导师咨询。")
    subject, text = subject.strip(), text.strip()
    if not subject or not text:
        raise ValidationError("请填写咨询事项和具体问题。")
    consultation = Consultation.objects.create(
        mentor=mentor, asker=by, community=pairing.community, subject=subject[:80]
    )
    ConsultationMessage.objects.create(consultation=consultation, author=by, text=text[:2000])
    audit(actor=by, action="consultation.create", obj=consultation, detail={"mentor": mentor.pk})
    notify(
        mentor.user,
        "training.consultation_asked",
        consultation,
        title=f"{by}({pairing.community.name})向您咨询:{consultation.subject}",
    )
    return consultation


# --- 一项目一方案 ---------------------------------------------------------------------------------
@transaction.atomic
def coaching_attach(*, by: User, project: Project, mentor: Mentor, data: dict) -> Coaching:
    """Attach a mentor or trainer to a project that needs help; the mentor and the community's
    staff hear of it, and the project's timeline shows it."""
    locked = Project.objects.select_for_update().select_related("community").get(pk=project.pk)
    _admit(by, "training.attach_coach", locked)
    if not set(data) <= {"topic", "problem"}:
        raise ValueError("only topic and problem")
    if getattr(locked, "deleted_at", None) is not None:
        raise Conflict("该项目已被删除。")
    if not mentor.active:
        raise ValidationError("所选导师已不在导师团中。")
    if Coaching.objects.filter(project=locked, mentor=mentor, status=CoachingStatus.OPEN).exists():
        raise ValidationError(f"{mentor}已在指导这个项目。")
    problem = (data.get("problem") or "").strip()
    if not problem:
        raise ValidationError("请说明项目需要帮助的问题。")
    coaching = Coaching.objects.create(
        project=locked, mentor=mentor, topic=data["topic"], problem=problem, assigned_by=by
    )
    ProjectEvent.objects.create(
        project=locked,
        kind=ProjectEvent.Kind.COACHING_ASSIGNED,
        actor=by,
        note=f"导师:{mentor}({coaching.get_topic_display()}):{problem[:200]}",
    )
    audit(
        actor=by,
        action="coaching.create",
        obj=coaching,
        detail={"project": locked.pk, "mentor": mentor.pk},
    )
    notify(
        mentor.user,
        "training.coaching",
        coaching,
        title=f"请您指导{locked.community.name}的项目“{locked.title}”",
        body=problem,
    )
    from accounts.roles import COMMUNITY_STAFF
    from accounts.selectors import people_holding

    for person in people_holding(COMMUNITY_STAFF, community=locked.community):
        notify(
            person,
            "training.coaching",
            coaching,
            title=f"导师{mentor}将指导项目“{locked.title}”",
        )
    return coaching
