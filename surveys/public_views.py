"""Residents answer a questionnaire without an account (under /p/, the part facing the internet).

`/p/q/<code>/` is the short link printed under the poster's QR code. A copy open today shows its
words to residents and then the questions: one long plain form that works without scripts, which
static/js/surveys-answer.js turns into one question per screen with 上一题 / 下一题 and a progress
bar. A template's link lists its communities' copies. Before the first day the page says when it
opens; after the last day or once closed it answers 410; a draft or a deleted survey is not there:
the same 404 as an unknown code, so a link cannot tell them apart or show a draft's title.

One answer per device per copy (a keyed hash of the device cookie, core/ratelimit.device_of),
unless the copy allows more: a second try gets the friendly "已经填写过" page (409). Bad input shows
the form again with the messages (422), never half-saved. A comment gets a receipt code, shown once
on the thank-you page, which no cache may keep (a shared phone's back button). Every POST counts
against the `public_form` limit (429 past it).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from core import once
from core.http import refusal_status
from core.ratelimit import device_of, rate_limited

from . import selectors, services
from .forms import AnswerForm, show_errors
from .models import Response, Survey
from .workflow import answering_state

STATUS = {"upcoming": 200, "closed": 410}


def _public_survey(short_code: str) -> Survey:
    """The survey behind a short link; 404 for an unknown code, a draft and a deleted survey
    alike (one page: nothing tells them apart)."""
    code = str(short_code or "").strip().lower()[:8]
    survey = (
        Survey.objects.select_related("community__street", "street", "district")
        .filter(short_code=code)
        .first()
    )
    if survey is None or answering_state(survey) == "draft":
        raise Http404
    return survey


def _answered(survey: Survey, request) -> bool:
    """This device answered this copy already (and the copy allows one answer)."""
    device = device_of(request)
    if survey.allow_repeat or not device:
        return False
    hashed = services.device_hash(survey, device)
    return Response.objects.filter(survey_id=survey.pk, device_hash=hashed).exists()


def _state_page(request, survey: Survey, state: str, *, status: int | None = None):
    context = {"survey": survey, "state": state}
    if state == "template":
        context["copies"] = [
            c for c in selectors.copies_of(survey) if answering_state(c) in ("open", "upcoming")
        ]
        return render(request, "surveys/public_template.html", context)
    return render(
        request, "surveys/public_state.html", context, status=status or STATUS.get(state, 409)
    )


@require_http_methods(["GET", "POST"])
@rate_limited("public_form")
def answer(request, short_code):
    survey = _public_survey(short_code)
    state = answering_state(survey)
    if state != "open":
        # Before the first day a POST is refused (409), the page says when it opens.
        status = 409 if request.method == "POST" and state == "upcoming" else None
        return _state_page(request, survey, state, status=status)
    if _answered(survey, request):
        return _state_page(request, survey, "answered", status=409)
    questions = selectors.questions_of(survey)
    if request.method != "POST":
        form = AnswerForm(questions=questions)
        return render(request, "surveys/public_answer.html", {"survey": survey, "form": form})
    form = AnswerForm(request.POST, questions=questions)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        thanks = reverse("surveys:thanks", kwargs={"short_code": survey.short_code})
        try:
            with transaction.atomic():
                if once.claim(data["once"], result_url=thanks) is None:
                    messages.info(request, "这份问卷已经提交过,没有重复保存。")
                    return redirect(thanks)
                submitted = services.response_submit(
                    survey=survey,
                    answers=form.answers(),
                    comment=data["comment"],
                    device=device_of(request),
                )
        except services.AlreadyAnswered:
            return _state_page(request, survey, "answered", status=409)
        except ValidationError as exc:  # Conflict included: closed meanwhile
            show_errors(form, exc)
            status = refusal_status(exc)
        else:
            context = {"survey": survey, "receipt_code": submitted.receipt_code}
            thanks_page = render(request, "surveys/public_thanks.html", context)
            add_never_cache_headers(thanks_page)  # the receipt code is shown once
            return thanks_page
    return render(
        request, "surveys/public_answer.html", {"survey": survey, "form": form}, status=status
    )


@require_GET
def thanks(request, short_code):
    """Where a repeated post of the same form lands (the receipt code was shown once)."""
    survey = _public_survey(short_code)
    return render(request, "surveys/public_thanks.html", {"survey": survey, "receipt_code": ""})
