"""Reads of the round table's staff meeting pages (roundtable/meeting_views.py): the meetings in
the user's scope with their counts, one meeting, its topics and its attendance. Each starts from
Meeting.objects.visible_to(user) (or a meeting already fetched through it) and costs a constant
number of queries. The services are roundtable/meetings.py.
"""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .meetings import CLOSED, SCHEDULED, month_start
from .models import (
    Attendance,
    Meeting,
    Phase,
    Post,
    PostStatus,
    Resolution,
    ResolutionStatus,
    Topic,
)


def _count(queryset, group: str):
    """A correlated count of `queryset` per meeting (`group` leads to the meeting)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{group: OuterRef("pk")})
            .order_by()
            .values(group)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _with_counts(queryset, today: datetime.date):
    published = Topic.objects.filter(moderation=PostStatus.PUBLISHED)
    open_resolutions = Resolution.objects.filter(status=ResolutionStatus.OPEN)
    supports = Coalesce(
        Subquery(
            published.filter(meeting=OuterRef("pk"))
            .order_by()
            .values("meeting")
            .annotate(n=Sum("supports"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )
    return queryset.annotate(
        topics_count=_count(published, "meeting"),
        supports_count=supports,
        held_topics=_count(Topic.objects.filter(moderation=PostStatus.HELD), "meeting"),
        attendance_count=_count(Attendance.objects.all(), "meeting"),
        resolutions_open=_count(open_resolutions, "topic__meeting"),
        resolutions_overdue=_count(open_resolutions.filter(due_on__lt=today), "topic__meeting"),
    )


def phase_filter(phase: str, today: datetime.date) -> Q:
    """The phase (computed from the date and the status) as a condition on the rows."""
    if phase == Phase.COLLECTING:
        return Q(status=SCHEDULED, date__gt=today)
    if phase == Phase.DISCUSSING:
        return Q(status=SCHEDULED, date__lte=today)
    if phase == Phase.CLOSED:
        return Q(status=CLOSED)
    return Q()


def meeting_list(
    *,
    user,
    street=None,
    community=None,
    month: datetime.date | None = None,
    phase: str = "",
    today: datetime.date | None = None,
):
    """The meetings in the user's scope, newest month first, with their counts (one query)."""
    today = today or timezone.localdate()
    rows = Meeting.objects.visible_to(user).select_related("community__street")
    if street is not None:
        rows = rows.filter(community__street=street)
    if community is not None:
        rows = rows.filter(community=community)
    if month is not None:
        rows = rows.filter(month=month_start(month))
    rows = rows.filter(phase_filter(phase, today))
    return _with_counts(rows, today).order_by("-month", "community__name", "pk")


def current_meetings(*, user, today: datetime.date | None = None) -> list[Meeting]:
    """This month's meeting of each community the user works in as its staff."""
    today = today or timezone.localdate()
    ids = user.scope.community_ids()
    if not ids:
        return []
    rows = Meeting.objects.visible_to(user).filter(community_id__in=ids, month=month_start(today))
    return list(_with_counts(rows.select_related("community"), today).order_by("community__name"))


def meeting_get(*, user, pk: int) -> Meeting:
    """One meeting in the user's scope with its counts (404, audited, otherwise)."""
    from core.scope import get_visible_or_404

    today = timezone.localdate()
    held_posts = _count(Post.objects.filter(status=PostStatus.HELD), "topic__meeting")
    rows = _with_counts(Meeting.objects.select_related("community__street", "closed_by"), today)
    return get_visible_or_404(rows.annotate(held_posts=held_posts), user, pk=pk)


def meeting_topics(meeting: Meeting):
    """The meeting's published topics, most supported first, with their resolutions counted."""
    return (
        Topic.objects.filter(meeting=meeting, moderation=PostStatus.PUBLISHED)
        .select_related("participant__building")
        .annotate(
            resolutions_count=_count_by_topic(Resolution.objects.all()),
            resolutions_open=_count_by_topic(
                Resolution.objects.filter(status=ResolutionStatus.OPEN)
            ),
        )
        .order_by("-supports", "created_at", "pk")
    )


def _count_by_topic(queryset):
    return Coalesce(
        Subquery(
            queryset.filter(topic=OuterRef("pk"))
            .order_by()
            .values("topic")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def meeting_attendance(meeting: Meeting):
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("participant__building")
        .order_by("pk")
    )
