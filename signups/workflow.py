"""The sign-up's lifecycle as one table, performed by core.workflow's engine."""

from django.utils import timezone

from core.workflow import Action, Step, Workflow
from projects.models import Activity

from .models import SignUp, SignUpStatus

LIVE = frozenset({SignUpStatus.CONFIRMED, SignUpStatus.WAITING})


def _cancelled(step: Step) -> None:
    step.set(cancelled_at=timezone.now())
    step.detail.update(activity=step.obj.activity_id, was=step.source)


def _attendance(step: Step) -> None:
    step.set(attended=step.data["attended"])
    step.detail.update(activity=step.obj.activity_id, attended=step.data["attended"])


def attendance_closed_reason(activity: Activity, *, today=None) -> str:
    """Why attendance cannot be marked for this session now, or "" if it can: not for a
    cancelled session, and not before the session's day (nobody has come yet)."""
    if activity.status == Activity.Status.CANCELLED:
        return "这场活动已取消,不能登记到场。"
    today = today or timezone.localdate()
    if activity.date > today:
        when = f"{activity.date.month}月{activity.date.day}日"
        return f"这场活动在{when}举行,活动当天起才能登记到场。"
    return ""


def _attendance_open(step: Step):
    if reason := attendance_closed_reason(step.obj.activity):
        yield reason


SIGNUP_WORKFLOW = Workflow(
    SignUp,
    [
        Action(
            "cancel",
            "取消报名",
            "signups.cancel_signup",
            LIVE,
            target=SignUpStatus.CANCELLED,
            apply=_cancelled,
        ),
        Action(
            "promote",
            "从候补转为报名",
            "signups.promote_signup",
            frozenset({SignUpStatus.WAITING}),
            target=SignUpStatus.CONFIRMED,
        ),
        Action(
            "attend",
            "登记到场",
            "signups.mark_attendance",
            frozenset({SignUpStatus.CONFIRMED}),
            check=_attendance_open,
            apply=_attendance,
        ),
    ],
    initial=SignUpStatus.CONFIRMED,
    noun="报名",
)
