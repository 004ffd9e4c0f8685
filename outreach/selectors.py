"""Reads for the outreach pages, each starting from visible_to(user), each a constant number of
queries whatever the size of the data."""

import datetime

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.households import compounds as scoped_compounds
from accounts.models import Building, Compound, Household
from core.scope import get_visible_or_404

from .models import HomeVisit, ResidentMeeting, Suggestion, SuggestionBox, is_box_code


def month_range(month: datetime.date | None) -> tuple[datetime.date, datetime.date] | None:
    if month is None:
        return None
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def visible_compounds(user):
    """The compounds of the user's communities, for the filters (a district's hundred or so)."""
    return (
        scoped_compounds()
        .visible_to(user)
        .select_related("community")
        .only("id", "name", "community__name")
        .order_by("community__name", "name")
    )


# --- visits ---------------------------------------------------------------------------------
def visit_list(*, user, compound=None, building_id=None, month=None):
    visits = HomeVisit.objects.visible_to(user).select_related(
        "community", "household__building__compound"
    )
    if compound is not None:
        visits = visits.filter(household__building__compound=compound)
    if building_id is not None:
        visits = visits.filter(household__building_id=building_id)
    if (span := month_range(month)) is not None:
        visits = visits.filter(visited_on__gte=span[0], visited_on__lt=span[1])
    return visits


def visit_get(*, user, pk) -> HomeVisit:
    return get_visible_or_404(
        HomeVisit.objects.select_related(
            "community", "household__building__compound", "created_by"
        ),
        user,
        pk=pk,
    )


def year_coverage(*, user, year: int | None = None) -> dict:
    """This year's visits in the user's communities: visits, households visited, households."""
    year = year or timezone.localdate().year
    visits = HomeVisit.objects.visible_to(user).filter(_year(year))
    done = visits.aggregate(visits=Count("id"), households=Count("household", distinct=True))
    total = (
        Household.objects.filter(user.scope.community_q("building__compound__community"))
        .order_by()
        .count()
    )
    percent = round(100 * done["households"] / total) if total else 0
    return {"year": year, **done, "total": total, "percent": percent}


def _year(year: int) -> Q:
    return Q(
        visited_on__gte=datetime.date(year, 1, 1), visited_on__lt=datetime.date(year + 1, 1, 1)
    )


def visited_buildings(compound: Compound, *, year: int | None = None) -> list[dict]:
    """Per building of a compound: households, households visited this year and the last visit
    date, in one query (the compound's page)."""
    year = year or timezone.localdate().year
    visits = (
        HomeVisit.objects.alive()
        .filter(_year(year), household__building=OuterRef("pk"))
        .order_by()
        .values("household__building")
    )
    rows = (
        Building.objects.filter(compound=compound)
        .annotate(
            n_households=Count("households"),
            n_visited=Subquery(
                visits.annotate(n=Count("household", distinct=True)).values("n"),
                output_field=IntegerField(),
            ),
            last_visit=Subquery(visits.annotate(d=Max("visited_on")).values("d")),
        )
        .order_by("number")
        .values("id", "number", "n_households", "n_visited", "last_visit")
    )
    return [{**row, "n_visited": row["n_visited"] or 0} for row in rows]


# --- meetings -------------------------------------------------------------------------------
def meeting_list(*, user, kind="", compound=None, month=None):
    meetings = ResidentMeeting.objects.visible_to(user).select_related("community", "compound")
    if kind:
        meetings = meetings.filter(kind=kind)
    if compound is not None:
        meetings = meetings.filter(compound=compound)
    if (span := month_range(month)) is not None:
        meetings = meetings.filter(held_on__gte=span[0], held_on__lt=span[1])
    return meetings


def meeting_get(*, user, pk) -> ResidentMeeting:
    return get_visible_or_404(
        ResidentMeeting.objects.select_related("community", "compound", "minutes", "created_by"),
        user,
        pk=pk,
    )


def linked_needs(record, limit: int = 50) -> list:
    return list(
        record.needs.alive()
        .select_related("category")
        .only("id", "title", "status", "mentions", "category__name")
        .order_by("-id")[:limit]
    )


# --- boxes ----------------------------------------------------------------------------------
def box_list(*, user, compound=None):
    boxes = (
        SuggestionBox.objects.visible_to(user)
        .select_related("community", "building__compound")
        .annotate(
            n_new=Count("suggestions", filter=Q(suggestions__status="new")),
            n_all=Count("suggestions"),
        )
        .order_by("community__name", "building__compound__name", "building__number", "unit")
    )
    if compound is not None:
        boxes = boxes.filter(building__compound=compound)
    return boxes


def box_get(*, user, pk) -> SuggestionBox:
    return get_visible_or_404(
        SuggestionBox.objects.select_related("community", "building__compound"), user, pk=pk
    )


def public_box(code: str) -> SuggestionBox:
    """The live box a label's link names; an unknown or deactivated one is a 404, and so is
    anything that is not a code (asked of no database)."""
    if not is_box_code(code):
        raise Http404
    return get_object_or_404(
        SuggestionBox.objects.alive().select_related("community__street", "building__compound"),
        code=code,
    )


def taken_stairwells(community) -> set:
    return set(
        SuggestionBox.objects.alive().filter(community=community).values_list("building_id", "unit")
    )


# --- suggestions ----------------------------------------------------------------------------
def suggestion_list(*, user, status="", channel="", compound=None, box_id=None, month=None):
    suggestions = Suggestion.objects.visible_to(user).select_related(
        "community", "box__building__compound", "need"
    )
    if status:
        suggestions = suggestions.filter(status=status)
    if channel:
        suggestions = suggestions.filter(channel=channel)
    if compound is not None:
        suggestions = suggestions.filter(box__building__compound=compound)
    if box_id is not None:
        suggestions = suggestions.filter(box_id=box_id)
    if (span := month_range(month)) is not None:
        start = timezone.make_aware(datetime.datetime.combine(span[0], datetime.time()))
        end = timezone.make_aware(datetime.datetime.combine(span[1], datetime.time()))
        suggestions = suggestions.filter(submitted_at__gte=start, submitted_at__lt=end)
    return suggestions


def suggestion_counts(*, user) -> dict:
    rows = Suggestion.objects.visible_to(user).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def suggestion_get(*, user, pk) -> Suggestion:
    return get_visible_or_404(
        Suggestion.objects.select_related(
            "community", "box__building__compound", "need", "receipt", "entered_by", "handled_by"
        ),
        user,
        pk=pk,
    )
