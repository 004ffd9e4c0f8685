"""What surveys adds to needs' pages through needs.hooks (needs never imports surveys)."""

from django.urls import reverse

from .models import Response


def merge_responses(old, new, by) -> None:
    """Comments filed under a need merged into another follow it."""
    Response.objects.filter(need_id=old.pk).update(need_id=new.pk)


PREFIX = "surveys.response:"


def response_links(origins) -> dict[str, tuple[str, str]]:
    """A need's source "surveys.response:<id>" → (the questionnaire's title, its comments)."""
    ids = {}
    for origin in origins:
        if origin.startswith(PREFIX) and origin[len(PREFIX) :].isdigit():
            ids[int(origin[len(PREFIX) :])] = origin
    if not ids:
        return {}
    found = {}
    rows = Response.objects.filter(pk__in=ids).values_list("pk", "survey_id", "survey__title")
    for pk, survey_id, title in rows:
        url = reverse("surveys:results", args=[survey_id]) + f"#response-{pk}"
        found[ids[pk]] = (f"问卷“{title}”的留言", url)
    return found
