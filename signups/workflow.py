"""The sign-up's lifecycle as one table, performed by core.workflow's engine."""

from django.utils import timezone

from core.workflow import Action, Step, Workflow

from .models import SignUp, SignUpStatus

LIVE = frozenset({SignUpStatus.CONFIRMED, SignUpStatus.WAITING})


def _cancelled(step: Step) -> None:
    step.set(cancelled_at=timezone.now())
    step.detail.update(activity=step.obj.activity_id, was=step.source)


def _attendance(step: Step) -> None:
    step.set(attended=step.data["attended"])
    step.detail.update(activity=step.obj.activity_id, attended=step.data["attended"])


def _session_not_cancelled(step: Step):
    from projects.models import Activity

    if step.obj.activity.status == Activity.Status.CANCELLED:
        yield "这场活动已取消,不能登记到场。"


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
            check=_session_not_cancelled,
            apply=_attendance,
        ),
    ],
    initial=SignUpStatus.CONFIRMED,
    noun="报名",
)
