"""Staff pages of questionnaires, under needs/surveys/: parse, check the rule, call a selector or a
service; refusals become pages in core/http.py. Residents' pages are in surveys/public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from accounts.models import District, Street
from accounts.roles import STREET_RECOMMENDERS
from accounts.selectors import communities_where
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from needs.models import Need

from . import posters, selectors, services
from .export import survey_workbook
from .forms import (
    AdjustForm,
    DeclineForm,
    DistributionForm,
    FileForm,
    MoveForm,
    NewNeedForm,
    OptionNeedForm,
    QuestionAddForm,
    QuestionForm,
    SurveyCreateForm,
    SurveyEditForm,
)
from .models import Question, Response, Survey
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
