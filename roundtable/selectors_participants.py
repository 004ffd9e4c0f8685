"""Reads of the round table's participant pages: the staff list and a participant's page
(roundtable/participant_views.py, starting from Participant.objects.visible_to(user)) and the
resident's own round tables (roundtable/account_views.py). The services are
roundtable/participants.py.
"""

import re

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Household

from .models import Participant, ParticipantStatus, Post, Topic

ST = ParticipantStatus
# Rooms of one building a verifier is shown (a building holds a few dozen).
CANDIDATES = 200
_UNIT_SUFFIX = re.compile(r"(单元|室|号)$")


def _plain(value: str) -> str:
    """'2单元' and '2', '301室' and '301' are the same door."""
    return _UNIT_SUFFIX.sub("", "".join(str(value or "").split())).lstrip("0").lower()


def participant_list(*, user, status: str = "", community=None):
    """The participants the user sees: waiting ones first, then the latest."""
    rows = Participant.objects.visible_to(user).select_related(
        "community", "compound", "building", "user"
    )
    if status:
        rows = rows.filter(status=status)
    if community is not None:
        rows = rows.filter(community_id=community.pk)
    waiting_first = Case(
        When(status=ST.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return rows.order_by(waiting_first, "-created_at", "-id")


def candidate_households(participant: Participant) -> list[tuple[Household, bool]]:
    """The rooms of the declared building, the declared unit and room first (marked True): what
    the verifier compares the declaration with. The household code is never read."""
    if participant.building_id is None:
        return []
    rows = list(
        Household.objects.filter(building_id=participant.building_id)
        .select_related("building__compound")
        .only("id", "unit", "room", "building__number", "building__compound__name")
        .order_by("unit", "room", "id")[:CANDIDATES]
    )
    unit, room = _plain(participant.unit), _plain(participant.room)

    def exact(household) -> bool:
        same_room = _plain(household.room) == room
        return same_room and (not unit or _plain(household.unit) == unit)

    marked = [(household, exact(household)) for household in rows]
    return sorted(marked, key=lambda pair: not pair[1])


def participant_activity(participant: Participant) -> dict:
    """How much the participant has written (published or not): two counts."""
    return {
        "topics": Topic.objects.filter(participant=participant).count(),
        "posts": Post.objects.filter(participant=participant).count(),
    }


def _count(model):
    rows = model.objects.filter(participant=OuterRef("pk")).order_by().values("participant")
    return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")[:1]), 0)


def my_participations(user) -> list[Participant]:
    """The person's round tables (any status but left), each with the number of their topics and
    posts, in one query."""
    return list(
        Participant.objects.filter(user_id=user.pk)
        .exclude(status=ST.LEFT)
        .select_related("community__street", "compound", "building")
        .annotate(topics_n=_count(Topic), posts_n=_count(Post))
        .order_by("community__name", "id")
    )


def own_participation(user, pk) -> Participant | None:
    """One of the user's own participations (not left), or None."""
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.filter(pk=pk, user_id=user.pk)
        .exclude(status=ST.LEFT)
        .select_related("community")
        .first()
    )
