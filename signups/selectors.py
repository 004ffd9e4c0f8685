"""Reads for the sign-up pages, each starting from what the user may see."""

from django.db import models
from django.db.models import Case, Count, Q, Value, When

from core.scope import get_visible_or_404
from projects.models import Activity, Project

from .models import SignUp, SignUpStatus

PLACES = {
    "taken": Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
    "waiting_count": Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
    "attended_count": Count("signups", filter=Q(signups__attended=True)),
}


def session_list(*, user):
    """Sessions taking sign-ups in the user's scope, newest first, with their counts."""
    return (
        SessionQuerySet(model=Activity)
        .visible_to(user)
        .select_related("project__community")
        .annotate(**PLACES)
        .order_by("-date", "-id")
    )


class SessionQuerySet(models.QuerySet):
    """Sessions seen from the sign-up pages: a session's scope is its project's."""

    def visible_to(self, user):
        return self.filter(
            project__in=Project.objects.visible_to(user, grants=False),
            signup_capacity__isnull=False,
        )


def session_get(*, user, pk) -> Activity:
    """One session taking sign-ups, with its counts (404 out of scope, audited)."""
    sessions = SessionQuerySet(model=Activity).select_related("project__community__street")
    return get_visible_or_404(sessions.annotate(**PLACES), user, pk=pk)


# The list's order: places first, then the waiting list, then the cancelled.
STATUS_ORDER = Case(
    *(
        When(status=status, then=Value(rank))
        for rank, status in enumerate(
            (SignUpStatus.CONFIRMED, SignUpStatus.WAITING, SignUpStatus.CANCELLED)
        )
    ),
    default=Value(len(SignUpStatus)),
)


def signup_rows(activity):
    """A session's sign-ups: places first, then the waiting list (by position), then the
    cancelled, each in the order they came."""
    return (
        SignUp.objects.filter(activity=activity)
        .select_related("household__building__compound")
        .order_by(STATUS_ORDER, "created_at", "id")
    )
