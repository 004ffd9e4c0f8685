"""What outreach tells needs through needs.hooks (needs never imports this app): re-pointing the
links of a merged need, and the records behind a need's sources ("outreach.homevisit:12")."""

from django.db.models import Subquery
from django.urls import reverse

from .models import HomeVisit, ResidentMeeting, Suggestion

PREFIXES = {
    "outreach.homevisit": HomeVisit,
    "outreach.residentmeeting": ResidentMeeting,
    "outreach.suggestion": Suggestion,
}


def _repoint_m2m(through, owner_column: str, old, new) -> None:
    """Links of `old` move to `new`; a record already linked to both keeps one link."""
    already = through.objects.filter(need_id=new.pk).values(owner_column)
    through.objects.filter(need_id=old.pk).exclude(
        **{f"{owner_column}__in": Subquery(already)}
    ).update(need_id=new.pk)
    through.objects.filter(need_id=old.pk).delete()


def merge_needs(old, new, by) -> None:
    """needs.hooks.MERGE_HOOKS: visits, meetings and suggestions of the merged need follow it."""
    _repoint_m2m(HomeVisit.needs.through, "homevisit_id", old, new)
    _repoint_m2m(ResidentMeeting.needs.through, "residentmeeting_id", old, new)
    Suggestion.objects.filter(need_id=old.pk).update(need_id=new.pk)


def _ids(origins, prefix: str) -> dict[int, str]:
    found = {}
    for origin in origins:
        head, _, tail = str(origin).partition(":")
        if head == prefix and tail.isascii() and tail.isdigit() and len(tail) < 12:
            found[int(tail)] = origin
    return found


def visit_links(origins) -> dict:
    wanted = _ids(origins, "outreach.homevisit")
    if not wanted:
        return {}
    rows = HomeVisit.objects.filter(pk__in=wanted).select_related("household__building__compound")
    return {
        wanted[v.pk]: (
            f"入户走访 · {v.visited_on:%Y-%m-%d} {v.household.building.compound.name}"
            f"{v.household.building.number}",
            reverse("outreach:visit", args=[v.pk]),
        )
        for v in rows
    }


def meeting_links(origins) -> dict:
    wanted = _ids(origins, "outreach.residentmeeting")
    if not wanted:
        return {}
    rows = ResidentMeeting.objects.filter(pk__in=wanted).only("id", "kind", "title", "held_on")
    return {
        wanted[m.pk]: (
            f"{m.get_kind_display()} · {m.held_on:%Y-%m-%d} {m.title}",
            reverse("outreach:meeting", args=[m.pk]),
        )
        for m in rows
    }


def suggestion_links(origins) -> dict:
    wanted = _ids(origins, "outreach.suggestion")
    if not wanted:
        return {}
    rows = Suggestion.objects.filter(pk__in=wanted).select_related("box__building")
    return {
        wanted[s.pk]: (
            f"{s.get_channel_display()} · {s.box}" if s.box_id else s.get_channel_display(),
            reverse("outreach:suggestion", args=[s.pk]),
        )
        for s in rows
    }
