"""Residents' sign-ups in the demo: on every upcoming session that takes sign-ups (the sessions
demo schedules them, 悦海社区's seventh 百家宴 among them), some places taken, a waiting list
where a session is full, and a few cancelled. Written in bulk like the rest of the demo, with
the statuses signups/services.py would have given."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from projects.models import Activity, Project
from signups.models import CONSENT_VERSION, SignUp, SignUpStatus, code_hash, new_cancel_code

SEED = 2040  # its own draws
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
TITLES = ("阿姨", "大爷", "奶奶", "叔叔", "女士", "先生")


def build(now: datetime) -> int:
    """Sign-ups on the upcoming sessions; returns how many were written."""
    rng = random.Random(SEED)
    today = timezone.localdate(now)
    sessions = Activity.objects.filter(
        project__in=Project.objects.published(),
        status=Activity.Status.SCHEDULED,
        signup_capacity__isnull=False,
        date__gt=today,
    ).order_by("date", "id")
    rows = []
    for session in sessions.iterator():
        rows.extend(_signups(rng, session, now))
    SignUp.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _signups(rng, session: Activity, now: datetime) -> list[SignUp]:
    """Most sessions half to fully taken; about one in four full with a waiting list; a cancelled
    sign-up or two."""
    capacity = session.signup_capacity
    full = rng.random() < 0.25
    taken = capacity if full else rng.randint(capacity // 3, max(capacity - 1, capacity // 3))
    waiting = rng.randint(1, 4) if full else 0
    cancelled = rng.randint(0, 2)
    statuses = (
        [SignUpStatus.CANCELLED] * cancelled
        + [SignUpStatus.CONFIRMED] * taken
        + [SignUpStatus.WAITING] * waiting
    )
    numbers = rng.sample(range(10_000_000, 99_999_999), len(statuses))
    start = now - timedelta(days=3)
    rows = []
    for k, (status, number) in enumerate(zip(statuses, numbers, strict=True)):
        at = start + timedelta(minutes=7 * k)
        rows.append(
            SignUp(
                activity=session,
                name=f"{rng.choice(SURNAMES)}{rng.choice(TITLES)}",
                phone=f"139{number}",
                cancel_code_hash=code_hash(new_cancel_code()),
                status=status,
                status_changed_at=at,
                consent_version=CONSENT_VERSION,
                consented_at=at,
                created_at=at,
                cancelled_at=at + timedelta(hours=5) if status == SignUpStatus.CANCELLED else None,
            )
        )
    return rows
