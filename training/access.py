"""What a mentor's assignments open to them, cheaply (as scoring/access.py does for judges).

Being a mentor (导师) is not a role: it is a row of `Mentor`. Every page a logged-in person opens
asks `Project.objects.visible_to(user)`, which asks `READ_GRANTS` (registered in apps.py) for the
projects a mentor coaches now. The answer costs nothing for the many who are no mentor: one cached
set of every mentor's user id (one query per memo.TIMEOUT for the whole site). A mentor then
pays three small queries once per memo.TIMEOUT: their mentor row, the open coachings' projects and
the classes they teach, kept in core/memo.py's per-user cache. Whoever changes a mentor, a coaching or
a class's trainer forgets them (signals.py).
"""

from django.core.cache import cache
from django.db import connection, transaction

from core import memo

MENTORS_KEY = "training:mentor_ids"
MEMO_KIND = "mentoring"


def mentor_user_ids() -> frozenset:
    """The user ids of everybody on the mentor panel, ever (see scoring.access.judge_ids for why
    a set read inside a transaction is cached only when empty)."""
    ids = cache.get(MENTORS_KEY)
    if ids is None:
        from .models import Mentor

        ids = frozenset(Mentor.objects.order_by().values_list("user_id", flat=True))
        if not ids or not connection.in_atomic_block:
            cache.set(MENTORS_KEY, ids, memo.TIMEOUT)
    return ids


def may_mentor(user) -> bool:
    """On the panel (active or not): no query for most requests, kept on the request's user."""
    known = getattr(user, "_may_mentor", None)
    if known is None:
        known = bool(user.is_authenticated and user.pk in mentor_user_ids())
        user._may_mentor = known
    return known


def _facts(user) -> dict:
    """The mentor's row, whether active, the projects of their open coachings and the sessions
    they teach: three queries, cached per user (and kept on the request's user)."""

    def compute():
        from .models import Coaching, CoachingStatus, Mentor, Session

        row = Mentor.objects.filter(user_id=user.pk).values("pk", "active").first()
        if row is None:
            return {"mentor": None, "active": False, "projects": (), "sessions": ()}
        projects = Coaching.objects.filter(
            mentor_id=row["pk"], status=CoachingStatus.OPEN
        ).values_list("project_id", flat=True)
        sessions = Session.objects.filter(mentor_id=row["pk"]).values_list("pk", flat=True)
        return {
            "mentor": row["pk"],
            "active": row["active"],
            "projects": tuple(projects),
            "sessions": tuple(sessions),
        }

    known = getattr(user, "_mentoring", None)
    if known is None:
        known = user._mentoring = memo.remembered(MEMO_KIND, user.pk, compute)
    return known


def mentor_id(user) -> int | None:
    """The id of this person's row on the panel, or None."""
    return _facts(user)["mentor"] if may_mentor(user) else None


def is_active_mentor(user) -> bool:
    return may_mentor(user) and _facts(user)["active"]


def coached_project_ids(user) -> frozenset:
    """READ_GRANTS' function: the projects this person coaches now (read-only: the rules stay
    role × object, so nothing here lets them act on a project)."""
    if not may_mentor(user):
        return frozenset()
    return frozenset(_facts(user)["projects"])


def taught_session_ids(user) -> frozenset:
    """The sessions this person teaches as a mentor of the panel."""
    if not may_mentor(user):
        return frozenset()
    return frozenset(_facts(user)["sessions"])


def forget_mentor(user_id) -> None:
    """After a change to this person's row, coachings or classes."""
    memo.forget(MEMO_KIND, user_id)
    cache.delete(MENTORS_KEY)
    transaction.on_commit(lambda: cache.delete(MENTORS_KEY))


def forget_mentor_row(mentor_pk) -> None:
    from .models import Mentor

    user_id = Mentor.objects.filter(pk=mentor_pk).values_list("user_id", flat=True).first()
    if user_id is not None:
        memo.forget(MEMO_KIND, user_id)
