"""Staff pages of questionnaires, under needs/surveys/: parse, check the rule, call a selector or a
service; refusals become pages in core/http.py. Residents' pages are in surveys/public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from accounts.models import District, Street
from accounts.roles import STREET_RECOMMENDERS
from accounts.selectors import communities_where
from core import once
from core.audit import audit
from core.http import form_page, perform_or_refuse, refusal_status
from core.models import AuditEvent
from core.paging import paginate
from needs.models import Need

from . import posters, selectors, services
from .export import survey_workbook
from .forms import (
    AdjustForm,
    DeclineForm,
    DistributionForm,
    EntryForm,
    FileForm,
    MoveForm,
    NewNeedForm,
    OptionNeedForm,
    QuestionAddForm,
    QuestionForm,
    SurveyCreateForm,
    SurveyEditForm,
    as_number,
    field_name,
    show_errors,
)
from .models import Channel, Question, QuestionKind, Response, Survey
from .models import SurveyLevel as Level
from .models import SurveyStatus as Status
from .workflow import SURVEY_WORKFLOW

VIEW = "surveys.view_survey"


def _survey(request, pk, permission: str | None = None) -> Survey:
    survey = selectors.survey_get(request.user, pk)
    if permission and not request.user.has_perm(permission, survey):
        raise PermissionDenied
    return survey


def _question(survey: Survey, question_pk) -> Question:
    return get_object_or_404(Question, pk=question_pk, survey_id=survey.question_source_id)


# --- the list and making one -------------------------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def survey_list(request):
    """A community's surveys and copies; a street's and the district's templates with roll-up
    figures (their communities' copies with ?copies=1)."""
    works_in_community = bool(request.user.scope.community_ids())
    copies = works_in_community or request.GET.get("copies") == "1"
    page = paginate(request, selectors.survey_list(request.user, copies=copies))
    context = {
        "page": page,
        "copies": copies,
        "can_toggle": not works_in_community,
        "can_create": request.user.has_perm("surveys.add_survey", None),
    }
    return render(request, "surveys/survey_list.html", context)


def places_for(user) -> list[tuple[str, str, object]]:
    """(key, label, place) where the user may make a survey: their communities, the streets whose
    leading group they sit in (a template), the district (a template)."""
    found = [
        (f"community-{c.pk}", f"{c.name}(社区问卷)", c)
        for c in communities_where(user, "surveys.add_survey")
    ]
    streets = Street.objects.filter(pk__in=user.scope.street_ids(STREET_RECOMMENDERS))
    found += [(f"street-{s.pk}", f"{s.name}(街道模板,各社区填写副本)", s) for s in streets]
    if user.scope.is_district_business:
        districts = District.objects.filter(
            pk__in=[pk for ids in user.scope.districts.values() for pk in ids]
        )
        found += [(f"district-{d.pk}", f"{d.name}(区级模板,各社区填写副本)", d) for d in districts]
    return [
        (key, label, place)
        for key, label, place in found
        if user.has_perm("surveys.add_survey", place)
    ]


@login_required
@permission_required("surveys.add_survey", raise_exception=True)
@require_http_methods(["GET", "POST"])
def survey_create(request):
    places = places_for(request.user)
    if not places:
        raise PermissionDenied
    wanted = request.GET.get("place", "")
    if wanted:
        place, label = next(((p, lb) for key, lb, p in places if key == wanted), (None, ""))
        if place is None:
            raise Http404
    elif len(places) == 1:
        _key, label, place = places[0]
    else:
        choices = [(label, urlencode({"place": key})) for key, label, _p in places]
        return render(request, "surveys/place_choice.html", {"choices": choices})

    def perform(data):
        survey = services.survey_create(by=request.user, place=place, data=data)
        messages.success(request, "问卷草稿已建好,请添加题目。")
        return redirect(survey)

    return form_page(
        request,
        SurveyCreateForm(request.POST if request.method == "POST" else None),
        template="surveys/survey_form.html",
        context={"heading": "新建问卷", "place": place, "place_label": label},
        perform=perform,
    )


# --- a survey's page -----------------------------------------------------------------------------
def _detail(request, survey: Survey, *, status: int = 200, forms: dict | None = None):
    user = request.user
    forms = forms or {}
    actions = SURVEY_WORKFLOW.available(user, survey)
    runs = user.has_perm("surveys.run_survey", survey) and survey.level == Level.COMMUNITY
    context = {
        "survey": survey,
        "questions": selectors.questions_of(survey),
        "actions": actions,
        "figures": selectors.channel_figures(survey),
        "copies": selectors.community_rows(survey) if survey.level != Level.COMMUNITY else [],
        "distributions": list(survey.distributions.select_related("created_by")[:50])
        if survey.level == Level.COMMUNITY
        else [],
        "question_form": forms.get("question") or QuestionAddForm(),
        "distribution_form": forms.get("distribution") or DistributionForm(),
        "runs": runs,
        "can_read": user.has_perm("surveys.view_results", survey),
        # A community does not see the street's or the district's template: no link to a 404.
        "template_visible": survey.template_id is not None
        and user.has_perm("surveys.view_results", survey.template),
        "link": posters.short_link(survey),
    }
    return render(request, "surveys/survey_detail.html", context, status=status)


@login_required
@require_GET
def survey_detail(request, pk):
    return _detail(request, _survey(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    survey = _survey(request, pk)
    initial = {name: getattr(survey, name) for name in SurveyEditForm.base_fields}
    form = SurveyEditForm(request.POST if request.method == "POST" else None, initial=initial)

    def perform(data):
        services.survey_edit(survey=survey, by=request.user, data=data)
        messages.success(request, "已保存。")
        return redirect(survey)

    return form_page(
        request,
        form,
        template="surveys/survey_form.html",
        context={"heading": "修改问卷", "survey": survey},
        perform=perform,
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, "edit"),
        back=survey.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_adjust(request, pk):
    """The community's dates and repeat setting of its open survey or copy."""
    survey = _survey(request, pk)
    initial = {name: getattr(survey, name) for name in AdjustForm.base_fields}
    form = AdjustForm(request.POST if request.method == "POST" else None, initial=initial)

    def perform(data):
        services.survey_adjust(survey=survey, by=request.user, data=data)
        messages.success(request, "已保存。")
        return redirect(survey)

    return form_page(
        request,
        form,
        template="surveys/survey_form.html",
        context={"heading": "调整本社区的填写时间", "survey": survey, "adjust": True},
        perform=perform,
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, "adjust"),
        back=survey.get_absolute_url(),
    )


def _button(request, pk, action: str, call, done: str, to=None):
    survey = _survey(request, pk)
    return perform_or_refuse(
        request,
        lambda data: call(survey=survey, by=request.user),
        page=lambda status: _detail(request, survey, status=status),
        done=done,
        to=to or survey.get_absolute_url(),
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, action),
    )


@login_required
@require_POST
def survey_publish(request, pk):
    return _button(request, pk, "publish", services.survey_publish, "问卷已发布。")


@login_required
@require_POST
def survey_close(request, pk):
    return _button(request, pk, "close", services.survey_close, "问卷已结束,不再接受填写。")


@login_required
@require_POST
def survey_delete(request, pk):
    return _button(
        request, pk, "delete", services.survey_delete, "问卷草稿已删除。", reverse("surveys:list")
    )


# --- questions ---------------------------------------------------------------------------------------
def _question_data(data: dict) -> dict:
    return {name: data[name] for name in ("kind", "text", "required", "options", "rating_max")}


@login_required
@require_POST
def question_add(request, pk):
    survey = _survey(request, pk)
    form = QuestionAddForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: services.question_add(
            survey=survey, by=request.user, data=_question_data(data)
        ),
        page=lambda status: _detail(request, survey, status=status, forms={"question": form}),
        done="题目已添加。",
        to=survey.get_absolute_url() + "#questions",
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, "add_question"),
        form=form,
        form_shown=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk):
    survey = _survey(request, pk)
    question = _question(survey, question_pk)
    form = QuestionForm.of(question, request.POST if request.method == "POST" else None)

    def perform(data):
        services.question_edit(
            survey=survey, question=question, by=request.user, data=_question_data(data)
        )
        messages.success(request, "题目已修改。")
        return redirect(survey.get_absolute_url() + "#questions")

    return form_page(
        request,
        form,
        template="surveys/question_form.html",
        context={"survey": survey, "question": question},
        perform=perform,
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, "edit_question"),
        back=survey.get_absolute_url(),
    )


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    survey = _survey(request, pk)
    question = _question(survey, question_pk)
    return perform_or_refuse(
        request,
        lambda data: services.question_delete(survey=survey, question=question, by=request.user),
        page=lambda status: _detail(request, survey, status=status),
        done="题目已删除。",
        to=survey.get_absolute_url() + "#questions",
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, "delete_question"),
    )


@login_required
@require_POST
def question_move(request, pk, question_pk):
    survey = _survey(request, pk)
    question = _question(survey, question_pk)
    return perform_or_refuse(
        request,
        lambda data: services.question_move(
            survey=survey, question=question, by=request.user, direction=data["direction"]
        ),
        page=lambda status: _detail(request, survey, status=status),
        done="题目顺序已调整。",
        to=survey.get_absolute_url() + f"#question-{question.pk}",
        admit=lambda: SURVEY_WORKFLOW.admit(request.user, survey, "move_question"),
        form=MoveForm(request.POST),
    )


# --- copies handed out ------------------------------------------------------------------------------
@login_required
@require_POST
def distribution_add(request, pk):
    survey = _survey(request, pk, "surveys.run_survey")
    form = DistributionForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: services.distribution_add(survey=survey, by=request.user, data=data),
        page=lambda status: _detail(request, survey, status=status, forms={"distribution": form}),
        done="发放份数已登记。",
        to=survey.get_absolute_url() + "#distribution",
        form=form,
        form_shown=True,
    )


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
def _results(request, survey: Survey, *, status: int = 200):
    questions = selectors.questions_of(survey)
    comments = paginate(request, selectors.comments_of(survey), selectors.COMMENTS_PER_PAGE)
    triage = request.user.has_perm("surveys.run_survey", survey) and survey.community_id
    context = {
        "survey": survey,
        "figures": selectors.channel_figures(survey),
        "copies": selectors.community_rows(survey) if survey.level != Level.COMMUNITY else [],
        "results": selectors.question_results(survey, questions),
        "comments": comments,
        "triage": triage,
        "needs": selectors.needs_offered(survey.community_id) if triage else [],
        "categories": selectors.categories() if triage else [],
        "decline_form": DeclineForm(),
        "new_need_form": NewNeedForm(),
        "option_form": OptionNeedForm(),
    }
    return render(request, "surveys/results.html", context, status=status)


@login_required
@require_GET
def survey_results(request, pk):
    return _results(request, _survey(request, pk, "surveys.view_results"))


@login_required
@require_GET
def text_answers(request, pk, question_pk):
    survey = _survey(request, pk, "surveys.view_results")
    question = _question(survey, question_pk)
    page = paginate(request, selectors.text_answers(survey, question))
    return render(
        request, "surveys/text_answers.html", {"survey": survey, "question": question, "page": page}
    )


def _response(request, pk) -> Response:
    response = get_object_or_404(Response.objects.select_related("survey"), pk=pk)
    survey = selectors.survey_get(request.user, response.survey_id)  # 404 out of scope
    if not request.user.has_perm("surveys.triage_comment", response):
        raise PermissionDenied
    return response, survey


def _triage(request, pk, call, done: str, form=None):
    response, survey = _response(request, pk)
    return perform_or_refuse(
        request,
        lambda data: call(response, data),
        page=lambda status: _results(request, survey, status=status),
        done=done,
        to=reverse("surveys:results", args=[survey.pk]) + "#comments",
        form=form,
    )


@login_required
@require_POST
def comment_file(request, pk):
    response, survey = _response(request, pk)
    form = FileForm(request.POST, needs=selectors.needs_offered(survey.community_id))

    def call(response, data):
        need = Need.objects.filter(pk=data["need"]).first()  # the service checks its community
        services.comment_file(response=response, need=need, by=request.user)

    return _triage(request, pk, call, "留言已记入需求。", form)


@login_required
@require_POST
def comment_need(request, pk):
    return _triage(
        request,
        pk,
        lambda response, data: services.comment_new_need(
            response=response, by=request.user, data=data
        ),
        "已根据留言新建需求。",
        NewNeedForm(request.POST),
    )


@login_required
@require_POST
def comment_decline(request, pk):
    return _triage(
        request,
        pk,
        lambda response, data: services.comment_decline(
            response=response, reason=data["reason"], by=request.user
        ),
        "已答复不予采纳。",
        DeclineForm(request.POST),
    )


@login_required
@require_POST
def option_need(request, pk):
    """A chosen option becomes a need of the community, counted as often as it was chosen."""
    survey = _survey(request, pk, "surveys.run_survey")
    form = OptionNeedForm(request.POST)

    def call(data):
        question = Question.objects.filter(
            pk=data["question"], survey_id=survey.question_source_id
        ).first()
        if question is None:
            raise ValidationError("题目不正确。")
        services.option_to_need(
            survey=survey, question=question, option=data["option"], by=request.user, data=data
        )

    return perform_or_refuse(
        request,
        call,
        page=lambda status: _results(request, survey, status=status),
        done="已将这个选项记入需求清单。",
        to=reverse("surveys:results", args=[survey.pk]),
        form=form,
    )


# --- export and posters -------------------------------------------------------------------------
@login_required
@require_GET
def survey_export(request, pk):
    survey = _survey(request, pk, "surveys.export_responses")
    return survey_workbook(survey=survey, user=request.user)


def _poster_survey(request, pk) -> Survey:
    survey = _survey(request, pk, "surveys.print_poster")
    if survey.status == Status.DRAFT:
        raise Http404
    return survey


@login_required
@require_GET
def poster_png(request, pk):
    survey = _poster_survey(request, pk)
    response = HttpResponse(posters.poster_png(survey), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-poster.png"'
    return response


@login_required
@require_GET
def poster_pdf(request, pk):
    survey = _poster_survey(request, pk)
    response = HttpResponse(posters.poster_pdf(survey), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-poster.pdf"'
    return response
