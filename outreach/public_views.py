"""Residents leave a suggestion without an account (under /p/, the part facing the internet).

`p/boxes/<code>/` is what a stairwell box's QR label opens: the form tagged with that box.
`p/suggest/` is the same form for a community picked by street and community (plain GET selects:
no script needed in WeChat's browser). Both answer with the thank-you page and the receipt code
(shown once, never stored); a second post of the same form is sent back to the form. Every POST
counts against the `public_form` limit per device, with a high per-address cap: 429 past it; so
does a GET of a code that names no live box (nobody tries codes for long)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Community, Street
from core import once
from core.http import refusal_status
from core.ratelimit import device_of, over_limit, rate_limited

from . import selectors, services
from .forms import SuggestionForm


def _submit(request, form, *, here, context, template, box=None, community=None):
    """The form's POST: validate, save once with its receipt, show the thank-you page."""
    if not form.is_valid():
        return render(request, template, context, status=422)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if once.claim(data["once"], result_url=here) is None:
                messages.info(request, "这条留言已经提交过,没有重复保存。")
                return redirect(here)
            suggestion, code = services.suggestion_submit(
                text=data["text"],
                phone=data["phone"],
                consent=data["consent"],
                box=box,
                community=community,
                device=device_of(request),
            )
    except ValidationError as exc:
        form.add_error(None, ValidationError(exc.messages))
        return render(request, template, context, status=refusal_status(exc))
    done = {"suggestion": suggestion, "receipt_code": code, "box": box, "community": community}
    return render(request, "outreach/public_done.html", done)


def _missing(request):
    """An unknown or deactivated box: one page for both. A GET that misses counts against the
    device's public_form limit (POSTs are counted by the decorator), so trying codes one after
    another soon meets 429 while a resident with a torn label never notices."""
    if request.method == "GET" and settings.RATE_LIMITS_ENABLED:
        seconds = over_limit(request, "public_form")
        if seconds is not None:
            minutes = max(1, round(seconds / 60))
            return render(request, "429.html", {"minutes": minutes}, status=429)
    return render(request, "outreach/public_box_missing.html", status=404)


@require_http_methods(["GET", "POST"])
@rate_limited("public_form")
def box_form(request, code):
    """The form a box's QR label opens (404 for an unknown or deactivated box)."""
    try:
        box = selectors.public_box(code)
    except Http404:
        return _missing(request)
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    context = {"box": box, "community": box.community, "form": form}
    if request.method != "POST":
        return render(request, "outreach/public_form.html", context)
    here = reverse("outreach:public_box", args=[box.code])
    return _submit(
        request, form, here=here, context=context, template="outreach/public_form.html", box=box
    )


def _picked(request) -> tuple[list, Street | None, list, Community | None]:
    """The streets, the street picked, its communities, the community picked (one of them)."""
    data = request.POST if request.method == "POST" else request.GET
    streets = list(Street.objects.order_by("name").only("id", "name")[:200])
    street = next((s for s in streets if str(s.pk) == data.get("street", "")), None)
    communities, community = [], None
    if street is not None:
        communities = list(
            Community.objects.filter(street=street).order_by("name").only("id", "name")[:200]
        )
        community = next((c for c in communities if str(c.pk) == data.get("community", "")), None)
    return streets, street, communities, community


@require_http_methods(["GET", "POST"])
@rate_limited("public_form")
def suggest(request):
    """网上留言: pick the street and the community, then the same form as a box's."""
    streets, street, communities, community = _picked(request)
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    context = {
        "streets": streets,
        "street": street,
        "communities": communities,
        "community": community,
        "form": form,
    }
    if request.method != "POST":
        return render(request, "outreach/public_suggest.html", context)
    if community is None:
        messages.error(request, "请先选择您所在的街道和社区。")
        return render(request, "outreach/public_suggest.html", context, status=422)
    here = f"{reverse('outreach:public_suggest')}?street={street.pk}&community={community.pk}"
    return _submit(
        request,
        form,
        here=here,
        context=context,
        template="outreach/public_suggest.html",
        community=community,
    )
