"""Paper entry (纸质录入) under needs/surveys/<id>/entry/: workers type returned paper copies (or
copies filled in on a home visit) with the keyboard alone, and correct a copy they mistyped."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from core import once
from core.audit import audit
from core.http import refusal_status
from core.models import AuditEvent

from . import selectors, services
from .forms import (
    EntryForm,
    as_number,
    field_name,
    show_errors,
)
from .models import Channel, Question, QuestionKind, Response, Survey
from .models import SurveyLevel as Level
from .models import SurveyStatus as Status
from .views import _survey


# --- paper entry ----------------------------------------------------------------------------------
def _entry_admit(request, survey: Survey) -> None:
    if not request.user.has_perm("surveys.run_survey", survey) or survey.level != Level.COMMUNITY:
        raise PermissionDenied
    if survey.status == Status.DRAFT:
        messages.error(request, "问卷发布后才能录入纸质问卷。")
        raise _Back(survey.get_absolute_url())


class _Back(Exception):
    def __init__(self, url):
        self.url = url


def _count_param(request, name: str) -> int:
    """A whole number from the query string (ASCII digits: "²" passes isdigit()), else 0."""
    return as_number(request.GET.get(name, "")) or 0


@login_required
@require_http_methods(["GET", "POST"])
def survey_entry(request, pk):
    """纸质录入: one small input per question, Enter moves on, Ctrl+Enter or F2 saves and opens
    a blank copy (the channel stays as chosen; a counter and the last copy's summary)."""
    survey = _survey(request, pk)
    try:
        _entry_admit(request, survey)
    except _Back as back:
        return redirect(back.url)
    questions = selectors.questions_of(survey)
    count = min(_count_param(request, "n"), 100_000)
    channel = request.GET.get("channel", Channel.PAPER)
    if channel not in (Channel.PAPER, Channel.VISIT):
        channel = Channel.PAPER
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, questions=questions)
        if form.is_valid():
            data = form.cleaned_data
            here = reverse("surveys:entry", args=[survey.pk])
            try:
                with transaction.atomic():
                    if once.claim(data["once"], result_url=here) is None:
                        messages.info(request, "这份问卷已经保存过,没有重复录入。")
                        return redirect(here)
                    saved = services.response_submit(
                        survey=survey,
                        answers=form.answers(),
                        comment=data["comment"],
                        channel=data["channel"],
                        by=request.user,
                        paper_no=data["paper_no"],
                    ).response
                query = urlencode({"channel": data["channel"], "n": count + 1, "last": saved.pk})
                return redirect(f"{here}?{query}")
            except ValidationError as exc:
                show_errors(form, exc)
                status = refusal_status(exc)
        else:
            status = 422
    else:
        form = EntryForm(questions=questions, initial={"channel": channel})
    last = None
    if last_pk := _count_param(request, "last"):
        last = (
            Response.objects.filter(survey=survey, pk=last_pk).prefetch_related("answers").first()
        )
    # Where a 修改 link comes back to: this page as it is (the channel, counter and last copy).
    state = {"n": count, "next_channel": form["channel"].value() or Channel.PAPER}
    if last is not None:
        state["last"] = last.pk
    context = {
        "survey": survey,
        "form": form,
        "count": count,
        "last": last,
        "last_summary": _summary(questions, last) if last else [],
        "typed_today": selectors.typed_today(survey, request.user),
        "state": urlencode(state),
    }
    return render(request, "surveys/entry.html", context, status=status)


def _by_question(response) -> dict[int, list]:
    found: dict[int, list] = {}
    for answer in response.answers.all():
        found.setdefault(answer.question_id, []).append(answer)
    return found


def _summary(questions, response) -> list[str]:
    """The saved copy as typed: "1:2 2:13 3:4分 …", to check against the paper."""
    by_question = _by_question(response)
    parts = []
    for number, question in enumerate(questions, start=1):
        answers = by_question.get(question.pk, [])
        if not answers:
            shown = "—"
        elif answers[0].option is not None:
            shown = "".join(str(a.option + 1) for a in answers)
        elif answers[0].rating is not None:
            shown = f"{answers[0].rating}分"
        else:
            shown = answers[0].text[:12]
        parts.append(f"{number}:{shown}")
    return parts


def _as_typed(question: Question, answers: list) -> str:
    """An answer as a worker would type it on the entry form (option numbers from 1)."""
    options = sorted(a.option + 1 for a in answers if a.option is not None)
    ratings = [a.rating for a in answers if a.rating is not None]
    if question.kind == QuestionKind.TEXT:
        return answers[0].text if answers else ""
    if question.kind == QuestionKind.RATING:
        return str(ratings[0]) if ratings else ""
    separator = "" if len(question.options) <= 9 else ","
    return separator.join(str(option) for option in options)


def _typed_initial(questions, response: Response) -> dict:
    by_question = _by_question(response)
    initial = {
        field_name(number): _as_typed(question, by_question.get(question.pk, []))
        for number, question in enumerate(questions, start=1)
    }
    return {
        **initial,
        "channel": response.channel,
        "paper_no": response.paper_no,
        "comment": response.comment,
    }


def _entry_state(request, survey: Survey) -> str:
    """The entry page a correction goes back to: its channel for the next copy, its counter and
    its last copy, as the 修改 link carried them."""
    channel = request.GET.get("next_channel", Channel.PAPER)
    state = {
        "channel": channel if channel in (Channel.PAPER, Channel.VISIT) else Channel.PAPER,
        "n": min(_count_param(request, "n"), 100_000),
    }
    if last := _count_param(request, "last"):
        state["last"] = last
    return reverse("surveys:entry", args=[survey.pk]) + "?" + urlencode(state)


def _copy_of(request, survey: Survey, response_pk) -> Response:
    """A returned copy of this survey, else 404; a copy of another survey named in the address is
    a denial the audit log keeps."""
    response = (
        Response.objects.filter(pk=response_pk, survey_id=survey.pk)
        .prefetch_related("answers")
        .first()
    )
    if response is None:
        if Response.objects.filter(pk=response_pk).exists():
            audit(
                actor=request.user,
                action="access.denied",
                result=AuditEvent.Result.DENIED,
                detail={
                    "model": Response._meta.label_lower,
                    "lookup": {"pk": str(response_pk), "survey": str(survey.pk)},
                    "status": 404,
                },
            )
        raise Http404
    return response


@login_required
@require_http_methods(["GET", "POST"])
def survey_entry_correct(request, pk, response_pk):
    """修改: a copy typed in from paper, in the same keyboard form filled with what was saved;
    saving replaces its answers and goes back to the entry page for the next copy."""
    survey = _survey(request, pk)
    try:
        _entry_admit(request, survey)
    except _Back as back:
        return redirect(back.url)
    response = _copy_of(request, survey, response_pk)
    back = _entry_state(request, survey)
    if response.channel not in services.STAFF_CHANNELS and request.method != "POST":
        messages.error(request, services.ONLINE_IS_RESIDENTS)
        return redirect(back)
    questions = selectors.questions_of(survey)
    number = selectors.copy_number(response)
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, questions=questions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if once.claim(data["once"], result_url=back) is None:
                        messages.info(request, "这次修改已经保存过,没有重复保存。")
                        return redirect(back)
                    services.response_correct(
                        response=response,
                        answers=form.answers(),
                        comment=data["comment"],
                        channel=data["channel"],
                        by=request.user,
                        paper_no=data["paper_no"],
                    )
                messages.success(request, f"已修改第 {number} 份。")
                return redirect(back)
            except ValidationError as exc:
                show_errors(form, exc)
                status = refusal_status(exc)
        else:
            status = 422
    else:
        form = EntryForm(questions=questions, initial=_typed_initial(questions, response))
    context = {
        "survey": survey,
        "form": form,
        "correcting": response,
        "number": number,
        "action": request.get_full_path(),
        "back": back,
        "comment_locked": response.comment_handled_at is not None,
    }
    return render(request, "surveys/entry.html", context, status=status)


# --- results ----------------------------------------------------------------------------------------
