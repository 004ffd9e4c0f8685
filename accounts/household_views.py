"""The household picker's page and fragments (accounts/households.py does the reading)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .households import field_name, picker_state, picker_vals


def _back(request) -> str:
    """The form page to go back to with the household chosen (a local path only)."""
    back = (request.GET.get("next") or "").strip()[:300]
    ok = back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return back if ok else ""


@login_required
def household_picker(request):
    """Compound → building → unit → room, or a search. A plain GET form without scripts; with
    htmx only the steps after the one changed come back (`#steps`), as links to go back to the
    form (`next`) or, inside a form's widget (`mode=form`), as radio inputs of its field."""
    if not request.user.has_perm("accounts.pick_household"):
        raise PermissionDenied
    picker = picker_state(user=request.user, data=request.GET)
    back = _back(request)
    name = field_name(request.GET.get("field"))
    in_form = request.GET.get("mode") == "form"
    context = {
        "picker": picker,
        "name": name,
        "back": back,
        "joiner": "&" if "?" in back else "?",
        "in_form": in_form,
        "vals": picker_vals(name, in_form=in_form, marks=picker.marks),
    }
    template = "accounts/household_picker.html"
    if request.htmx:
        template += "#steps"
    return render(request, template, context)
