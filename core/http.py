"""How a refused call becomes a page, in one place.

A service refuses with PermissionDenied (403: the role may not do this to this object), Conflict
(409: the object's status does not allow it, usually because somebody acted first) or
ValidationError (422: the input or the object is not ready, with the reasons). Views never map
these themselves: a form page goes through `form_page`, a button on an object's page through
`perform_or_refuse`. PermissionDenied is re-raised so Django's 403 page and the audit middleware
see it; the other two come back as the same page with the message and the status.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render

from . import once
from .workflow import Conflict

REFUSAL_STATUS = {Conflict: 409, ValidationError: 422}


def refusal_status(exc: Exception) -> int:
    """403, 409 or 422 for a refusal (Conflict is a ValidationError: it is asked first)."""
    if isinstance(exc, PermissionDenied):
        return 403
    return next(code for kind, code in REFUSAL_STATUS.items() if isinstance(exc, kind))


def _template(request, template: str, partial: str | None) -> str:
    return f"{template}#{partial}" if partial and getattr(request, "htmx", False) else template


def form_page(
    request,
    form,
    *,
    template: str,
    perform: Callable[[dict], HttpResponse],
    context: dict | None = None,
    admit: Callable[[], object] | None = None,
    back=None,
    partial: str | None = None,
) -> HttpResponse:
    """The skeleton of every form page.

    `admit()` is asked first, on GET and POST alike: PermissionDenied → 403 before the form is
    even read; Conflict → on GET, back to `back` with the message (a stale link), on POST the
    form again with the message and 409, so nothing the person typed is lost. A valid POST calls
    `perform(cleaned_data)`, which returns the response (a redirect); a form that carries a
    one-time token (core/once.py) is performed at most once. The refusals of `perform` come back
    on the form with 409 or 422; an invalid form with 422. With htmx, `partial` of the template.
    """
    context = {**(context or {}), "form": form}
    name = _template(request, template, partial)
    try:
        if admit is not None:
            admit()
    except Conflict as exc:
        if request.method != "POST":
            for message in exc.messages:
                messages.error(request, message)
            return redirect(back)
        _show_on_form(form, exc)
        return render(request, name, context, status=409)
    if request.method != "POST":
        return render(request, name, context)
    if not form.is_valid():
        return render(request, name, context, status=422)
    try:
        data = _without_token(form.cleaned_data)
        if "once" in form.cleaned_data:
            return _once(request, form.cleaned_data["once"], lambda: perform(data))
        return perform(data)
    except ValidationError as exc:  # Conflict included; PermissionDenied goes on to the 403 page
        _show_on_form(form, exc)
        return render(request, name, context, status=refusal_status(exc))


def _show_on_form(form, exc: ValidationError) -> None:
    """A service's reasons at the top of the form, whatever fields (of the model, perhaps not of
    this form) they were raised for."""
    form.add_error(None, ValidationError(exc.messages))


def _without_token(cleaned: dict) -> dict:
    return {name: value for name, value in cleaned.items() if name != "once"}


def _once(request, nonce: str, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """respond() at most once per token: a second post of the same form is sent to the page
    the first one went to. The claim and what respond() writes commit together."""
    with transaction.atomic():
        claim = once.claim(nonce)
        if claim is None:
            first = once.claimed(nonce)
            messages.info(request, "这份表单已经提交过,没有重复保存。")
            return redirect(first.result_url if first and first.result_url else request.path)
        response = respond()
        if response.status_code in (301, 302, 303):
            claim.result_url = response["Location"][:300]
            claim.save(update_fields=["result_url"])
        else:
            transaction.set_rollback(True)  # nothing was made: the same token may post again
        return response


def perform_or_refuse(
    request,
    call: Callable[[dict], object],
    *,
    page: Callable[[int], HttpResponse],
    done: str,
    to,
    admit: Callable[[], object] | None = None,
    form=None,
    form_shown: bool = False,
) -> HttpResponse:
    """A button or a small form on an object's page.

    `admit()` first (PermissionDenied → 403 before the form is read), then the form, then
    `call(cleaned_data)` (at most once if the form carries a one-time token); success goes to
    `to` with `done`. A refusal comes back as the object's
    page, `page(status)`, with the reasons as messages: 409 when the status moved on, 422 for
    bad input or an object not ready. `form_shown`: `page` shows `form` again with its errors
    beside its fields, so only what no field shows is a message (see `_form_messages`).
    """
    data = {}

    def succeed() -> HttpResponse:
        call(data)
        messages.success(request, done)
        return redirect(to)

    try:
        if admit is not None:
            admit()
        if form is not None:
            if not form.is_valid():
                for message in _form_messages(form, shown=form_shown):
                    messages.error(request, message)
                return page(422)
            data = _without_token(form.cleaned_data)
            if "once" in form.cleaned_data:
                return _once(request, form.cleaned_data["once"], succeed)
        return succeed()
    except ValidationError as exc:  # Conflict included; PermissionDenied goes on to the 403 page
        for message in exc.messages:
            messages.error(request, message)
        return page(refusal_status(exc))


def _form_messages(form, *, shown: bool) -> list[str]:
    """The invalid form's errors to flash. A page that shows the form again lists each field's
    errors with its label above the form and beside the field; a message without the field's
    name would only repeat them. What no visible field shows still goes to the top: errors of
    the whole form and of hidden fields (an expired one-time token)."""
    hidden = {field.name for field in form.hidden_fields()}
    return [
        message
        for name, errors in form.errors.items()
        if not shown or name == NON_FIELD_ERRORS or name in hidden
        for message in errors
    ]
