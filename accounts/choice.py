"""Which community a new record goes into, for people who work in more than one."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from .models import Community
from .selectors import communities_where


def community_or_choice(request, permission: str, *, heading: str) -> Community | HttpResponse:
    """The community for a create page: the only one the user may create in, or the one picked
    (`?community=<id>`, checked against the rule again); with several and none picked, a page
    to pick one. A community the user may not create in is a 404, like any object out of scope.
    """
    allowed = communities_where(request.user, permission)
    if not allowed:
        raise PermissionDenied
    wanted = request.GET.get("community", "")
    if wanted:
        match = next((c for c in allowed if str(c.pk) == wanted), None)
        if match is None:
            raise Http404
        return match
    if len(allowed) == 1:
        return allowed[0]
    choices = []
    for community in allowed:
        query = request.GET.copy()
        query["community"] = str(community.pk)
        choices.append((community, query.urlencode()))
    return render(
        request,
        "accounts/community_choice.html",
        {"choices": choices, "heading": heading},
    )
