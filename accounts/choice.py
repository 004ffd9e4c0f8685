"""Which community a new record goes into, for people who work in more than one, and the create
page every community record shares."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from core.http import form_page

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


def create_page(
    request,
    *,
    permission: str,
    heading: str,
    form,
    template: str,
    create,
    done: str,
    context: dict | None = None,
) -> HttpResponse:
    """The create page of a record that belongs to a community: pick the community (if the
    user has several), show `form(data, community)`, and on a valid post call
    `create(community, cleaned_data)` (a service) at most once, then go to what it made.
    Refusals are core.http.form_page's."""
    community = community_or_choice(request, permission, heading=heading)
    if isinstance(community, HttpResponse):
        return community

    def perform(data):
        made = create(community, data)
        messages.success(request, done)
        return redirect(made)

    return form_page(
        request,
        form(request.POST if request.method == "POST" else None, community),
        template=template,
        context={"community": community, "heading": heading, **(context or {})},
        perform=perform,
    )
