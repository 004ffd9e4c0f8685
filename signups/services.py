"""Every change to sign-ups. The session's row is locked first, so two residents taking the
last place at once get one place and one waiting-list position, never an oversold session."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Household
from core.audit import audit
from core.phone import mask_phone, normalise_phone, phone_hash, reveal_phone
from core.sms import send_sms
from core.workflow import Conflict
from projects.models import PUBLIC_STATUSES, Activity

from .models import CONSENT_VERSION, SignUp, SignUpStatus, code_hash, new_cancel_code
from .workflow import SIGNUP_WORKFLOW


def signup_deadline(activity: Activity) -> datetime.datetime:
    """When sign-up closes: the session's own deadline, else when the session starts (the
    start of its day if it has no time)."""
    if activity.signup_deadline:
        return activity.signup_deadline
    start = datetime.datetime.combine(activity.date, activity.starts_at or datetime.time(0, 0))
    return timezone.make_aware(start)


def signup_closed_reason(activity: Activity, *, now=None) -> str:
    """Why this session takes no sign-up now, or "" if it does. Reads activity.project."""
    now = now or timezone.now()
    project = activity.project
    if activity.signup_capacity is None:
        return "这场活动不需要报名,直接参加即可。"
    if project.deleted_at is not None or project.status not in PUBLIC_STATUSES:
        return "这个项目还没有发布预告,暂不能报名。"
    if activity.status != Activity.Status.SCHEDULED:
        return f"这场活动{activity.get_status_display()},不能再报名。"
    if now >= signup_deadline(activity):
        return "报名已截止。"
    return ""


def _locked_session(activity_id) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=activity_id)
    )


def _household(code: str) -> Household:
    household = Household.objects.filter(code=code.strip().upper()[:12]).first()
    if household is None:
        raise ValidationError("户码不正确,请核对后再填。", code="household")
    return household


@transaction.atomic
def signup_create(
    *, activity_id: int, name: str, phone: str = "", household_code: str = "", by=None
) -> tuple[SignUp, str]:
    """Sign a resident up for a session: a place if one is left, else the waiting list.
    Returns the sign-up and its cancel code (shown once, kept only as a hash)."""
    activity = _locked_session(activity_id)
    if reason := signup_closed_reason(activity):
        raise Conflict(reason, code="closed")
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写姓名。", code="name")
    number = normalise_phone(phone) if phone else ""
    household = _household(household_code) if household_code else None
    if not number and household is None:
        raise ValidationError("请填写手机号码或户码。", code="contact")
    live = activity.signups.live()
    if number and live.filter(phone_hash=phone_hash(number)).exists():
        raise ValidationError("这个手机号码已经报过名了,不用重复报名。", code="duplicate")
    if household and live.filter(household=household).exists():
        raise ValidationError("这一户已经报过名了,不用重复报名。", code="duplicate")
    taken = activity.signups.confirmed().count()
    status = SignUpStatus.CONFIRMED if taken < activity.signup_capacity else SignUpStatus.WAITING
    code = new_cancel_code()
    now = timezone.now()
    signup = SignUp.objects.create(
        activity=activity,
        name=name[:20],
        phone=number,
        household=household,
        cancel_code_hash=code_hash(code),
        status=status,
        consent_version=CONSENT_VERSION,
        consented_at=now,
        created_at=now,
        status_changed_at=now,
    )
    SIGNUP_WORKFLOW.created(
        signup,
        by=by,
        event=None,
        detail={"activity": activity.pk, "status": status, "phone": mask_phone(number)},
    )
    return signup, code


def waiting_position(signup: SignUp) -> int:
    """1 for the first on the waiting list."""
    before = Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, id__lt=signup.pk)
    return signup.activity.signups.waiting().filter(before).count() + 1


def _fill_places(activity: Activity, *, by) -> list[SignUp]:
    """Move the first on the waiting list up while places are free (the session is locked)."""
    moved = []
    free = activity.signup_capacity - activity.signups.confirmed().count()
    for waiting in activity.signups.waiting()[: max(free, 0)]:
        SIGNUP_WORKFLOW.perform(waiting, "promote", by=by)
        moved.append(waiting)
    return moved


@transaction.atomic
def signup_cancel(*, activity_id: int, code: str, by=None) -> SignUp:
    """Cancel the sign-up holding this code; the first on the waiting list takes the place."""
    by = by or AnonymousUser()
    activity = _locked_session(activity_id)
    signup = activity.signups.live().filter(cancel_code_hash=code_hash(code)).first()
    if not code or signup is None:
        raise ValidationError("取消码不正确,或这份报名已经取消。", code="code")
    if activity.status != Activity.Status.SCHEDULED:
        raise Conflict(f"这场活动{activity.get_status_display()},不能再取消报名。")
    SIGNUP_WORKFLOW.perform(signup, "cancel", by=by)
    if activity.signup_capacity is not None:
        _fill_places(activity, by=by)
    signup.refresh_from_db()
    return signup


def signup_phone_reveal(*, signup: SignUp, by) -> str:
    """The full number of one sign-up, for the community staff who must tell the resident of a
    change to the session (audited, core.phone.reveal_phone); none for a cancelled one."""
    if signup.status == SignUpStatus.CANCELLED and by.has_perm("signups.reveal_phone", signup):
        raise ValidationError("这份报名已经取消,不再需要联系。", code="cancelled")
    return reveal_phone(
        signup,
        by=by,
        permission="signups.reveal_phone",
        missing="这份报名没有留手机号码,请按户码联系。",
        detail={"activity": signup.activity_id},
    )


def signup_mark_attendance(*, signup: SignUp, attended: bool | None, by) -> SignUp:
    """Record whether a signed-up resident came (None: not yet marked)."""
    step = SIGNUP_WORKFLOW.perform(signup, "attend", by=by, data={"attended": attended})
    return step.obj


def session_changed(session: Activity, event: str) -> None:
    """A listener of projects.sessions: once the change is committed, text those signed up
    (by a task: the numbers are read by the worker, never put on the queue)."""
    from .tasks import tell_signed_up as task

    if session.signups.live().exclude(phone_hash="").exists():
        transaction.on_commit(lambda: task.delay(session.pk, event))


def tell_signed_up(*, activity_id: int, event: str) -> int:
    """Text the residents signed up (with a phone) what changed; returns how many were told."""
    session = Activity.objects.select_related("project").get(pk=activity_id)
    what = session.title or session.project.title
    if event == "cancelled":
        template = "SIGNUP_CANCELLED"
        params = {
            "date": f"{session.date:%m月%d日}",
            "what": what[:20],
            "reason": session.cancel_reason[:20],
        }
    else:
        when = f"{session.date:%m月%d日}" + (
            f" {session.starts_at:%H:%M}" if session.starts_at else ""
        )
        template = "SIGNUP_CHANGED"
        params = {"what": what[:20], "when": when, "place": session.place[:20]}
    told = 0
    for signup in session.signups.live().exclude(phone_hash=""):
        send_sms(signup.phone.full, template, params)
        told += 1
    if told:
        audit(
            actor=None,
            action="signups.told",
            obj=session,
            detail={"event": event, "told": told},
        )
    return told
