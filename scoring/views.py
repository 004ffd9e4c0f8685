"""Staff pages of scoring, under /evaluation/rounds/: rubrics, rounds, judges' sheets, the ranking
board. Parse, check the rule, call a selector or a service; refusals become pages in core/http.py.
Residents' pages (published competitions) are in scoring/public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.models import Community
from accounts.roles import STREET_DECIDERS
from core.audit import audit
from core.http import form_page, perform_or_refuse
from core.models import AuditEvent
from core.paging import paginate
from core.workflow import Conflict
from projects.models import Project

from . import export, selectors, services
from .forms import (
    EntrantForm,
    EntryAddForm,
    EntryRemoveForm,
    JudgeAssignForm,
    JudgeRemoveForm,
    JudgeSearchForm,
    ProjectSearchForm,
    ReopenForm,
    RoundCreateForm,
    RoundForm,
    RubricCreateForm,
    RubricForm,
    SheetForm,
)
from .models import Entry, Judge, RoundKind, RoundStatus, ScoreSheet, SheetStatus
from .rules import own_street
from .workflow import ENTRANT_STATUSES, ROUND_WORKFLOW, SHEET_WORKFLOW

# The board refreshes this often (seconds) while judges score.
BOARD_EVERY = 5


def _admit(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- rubrics ------------------------------------------------------------------------------------
@login_required
@permission_required("scoring.manage_rubric", raise_exception=True)
def rubric_list(request):
    page = paginate(request, selectors.rubric_list())
    return render(request, "scoring/rubric_list.html", {"page": page})


@login_required
@permission_required("scoring.manage_rubric", raise_exception=True)
def rubric_create(request):
    form = RubricCreateForm(_posted(request))

    def perform(data):
        rubric = services.rubric_create(
            by=request.user,
            name=data["name"],
            description=data["description"],
            criteria=data["criteria"],
        )
        messages.success(request, "评分细则已保存。")
        return redirect(rubric)

    return form_page(
        request,
        form,
        template="scoring/rubric_form.html",
        context={"heading": "新建评分细则"},
        perform=perform,
    )


@login_required
@permission_required("scoring.manage_rubric", raise_exception=True)
def rubric_detail(request, pk):
    rubric = selectors.rubric_get(pk)
    context = {
        "rubric": rubric,
        "criteria": list(rubric.criteria.all()),
        "in_use": services.rubric_in_use(rubric),
        "rounds": list(rubric.rounds.order_by("-year", "-id")[:20]),
    }
    return render(request, "scoring/rubric_detail.html", context)


@login_required
@permission_required("scoring.manage_rubric", raise_exception=True)
def rubric_edit(request, pk):
    rubric = selectors.rubric_get(pk)
    if services.rubric_in_use(rubric) and request.method != "POST":
        messages.error(
            request, "这份评分细则已被开始评分的评审轮次使用,不能修改;请复制一份再修改。"
        )
        return redirect(rubric)
    form = RubricForm(_posted(request), rubric=rubric)

    def perform(data):
        services.rubric_update(
            rubric=rubric,
            by=request.user,
            name=data["name"],
            description=data["description"],
            criteria=data["criteria"],
        )
        messages.success(request, "评分细则已保存。")
        return redirect(rubric)

    return form_page(
        request,
        form,
        template="scoring/rubric_form.html",
        context={"heading": "修改评分细则", "rubric": rubric},
        perform=perform,
    )


@require_POST
@login_required
@permission_required("scoring.manage_rubric", raise_exception=True)
def rubric_copy(request, pk):
    rubric = selectors.rubric_get(pk)
    copy = services.rubric_copy(rubric=rubric, by=request.user)
    messages.success(request, f"已复制为“{copy.name}”,可以修改。")
    return redirect("scoring:rubric_edit", copy.pk)


# --- rounds -------------------------------------------------------------------------------------
@login_required
@permission_required("scoring.view_rounds", raise_exception=True)
def round_list(request):
    page = paginate(request, selectors.round_list(request.user))
    return render(
        request,
        "scoring/round_list.html",
        {"page": page, "can_manage": request.user.has_perm("scoring.manage_round")},
    )


@login_required
@permission_required("scoring.manage_round", raise_exception=True)
def round_create(request):
    kind = request.GET.get("kind") or request.POST.get("kind") or RoundKind.REVIEW
    if kind not in RoundKind.values:
        kind = RoundKind.REVIEW
    today = timezone.localdate()
    form = RoundCreateForm(
        _posted(request),
        initial={"year": today.year, "opens_on": today, "closes_on": today},
    )

    def perform(data):
        round_ = services.round_create(by=request.user, kind=kind, data=data)
        messages.success(request, "已创建,请加入项目、指派评委后开始评分。")
        return redirect(round_)

    heading = "新建擂台比武" if kind == RoundKind.COMPETITION else "新建评审轮次"
    return form_page(
        request,
        form,
        template="scoring/round_form.html",
        context={"heading": heading, "kind": kind},
        perform=perform,
    )


def _round_page(request, round_, status=200):
    user = request.user
    context = {
        "round": round_,
        "can": ROUND_WORKFLOW.available(user, round_),
        "manage": user.has_perm("scoring.manage_round", round_),
        "criteria": list(round_.rubric.criteria.all()),
    }
    if context["manage"]:
        context["entries"] = paginate(
            request,
            round_.entries.select_related("project", "community__street")
            .annotate(n_sheets=Count("sheets"))
            .order_by("community__street__name", "community__name", "id"),
        )
        context["judges"] = selectors.round_judges(round_)
        # Judges are found by a search (judge_search), never listed: the candidates grow.
        context["judge_search"] = JudgeSearchForm()
    if round_.pk in _judged(user):
        context["mine"] = selectors.judge_entries(round_, user)[:100]
        context["accepting"] = round_.accepting_on()
    if round_.is_competition and user.scope.street_ids(STREET_DECIDERS):
        context["communities"] = selectors.entrant_communities(round_, user)
    return render(request, "scoring/round_detail.html", context, status=status)


def _judged(user) -> frozenset:
    from .access import judge_round_ids

    return judge_round_ids(user)


@login_required
def round_detail(request, pk):
    round_ = selectors.round_get(user=request.user, pk=pk)
    _admit(request.user, "scoring.view_round", round_)
    return _round_page(request, round_)


@login_required
def round_edit(request, pk):
    round_ = selectors.round_get(user=request.user, pk=pk)
    admit = lambda: ROUND_WORKFLOW.admit(request.user, round_, "edit")  # noqa: E731
    form = RoundForm(_posted(request), instance=round_)

    def perform(data):
        services.round_update(round=round_, by=request.user, data=data)
        messages.success(request, "已保存。")
        return redirect(round_)

    return form_page(
        request,
        form,
        template="scoring/round_form.html",
        context={"heading": f"修改:{round_.name}", "round": round_, "kind": round_.kind},
        perform=perform,
        admit=admit,
        back=round_,
    )


def _round_step(request, pk, action: str, done: str, call, form=None, to=None):
    round_ = selectors.round_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: call(round_, data),
        admit=lambda: ROUND_WORKFLOW.admit(request.user, round_, action),
        form=form,
        page=lambda status: _round_page(request, round_, status),
        done=done,
        to=to or round_,
    )


@require_POST
@login_required
def round_open(request, pk):
    return _round_step(
        request,
        pk,
        "open",
        "已开始评分,评委可以打分了。",
        lambda r, data: services.round_open(round=r, by=request.user),
    )


@require_POST
@login_required
def round_close(request, pk):
    return _round_step(
        request,
        pk,
        "close",
        "评分已结束。",
        lambda r, data: services.round_close(round=r, by=request.user),
    )


@require_POST
@login_required
def round_publish(request, pk):
    return _round_step(
        request,
        pk,
        "publish",
        "结果已公布。",
        lambda r, data: services.round_publish(round=r, by=request.user),
    )


@require_POST
@login_required
def judge_assign(request, pk):
    return _round_step(
        request,
        pk,
        "assign_judge",
        "评委已指派。",
        lambda r, data: services.judge_assign(round=r, by=request.user, user=data["user"]),
        form=JudgeAssignForm(request.POST),
    )


@login_required
def judge_search(request, pk):
    """District staff look for a judge by name or username (at least one character, at most
    selectors.JUDGE_RESULTS people): htmx gets the results alone, a plain GET the whole page."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    _admit(request.user, "scoring.manage_round", round_)
    search = JudgeSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    can_assign = ROUND_WORKFLOW.allows(ROUND_WORKFLOW["assign_judge"], round_)
    found = selectors.judge_search(round_, q) if can_assign else []
    context = {
        "round": round_,
        "search": search,
        "q": q,
        "found": found,
        "more": len(found) >= selectors.JUDGE_RESULTS,
        "can_assign": can_assign,
    }
    template = "scoring/_judge_results.html" if request.htmx else "scoring/judge_search.html"
    return render(request, template, context)


@require_POST
@login_required
def judge_remove(request, pk):
    def call(round_, data):
        judge = Judge.objects.filter(round=round_, pk=data["judge"]).first()
        if judge is None:
            raise Http404
        services.judge_unassign(round=round_, by=request.user, judge=judge)

    return _round_step(
        request, pk, "unassign_judge", "已取消指派。", call, form=JudgeRemoveForm(request.POST)
    )


@login_required
def round_projects(request, pk):
    """The district adds retrospected projects to a review round: search, paginated."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    admit = lambda: ROUND_WORKFLOW.admit(request.user, round_, "add_entry")  # noqa: E731
    if request.method == "POST":

        def call(round_, data):
            project = Project.objects.alive().filter(pk=data["project"]).first()
            if project is None:
                raise Http404
            services.round_add_entry(round=round_, by=request.user, project=project)

        return _round_step(
            request,
            pk,
            "add_entry",
            "项目已加入本轮评审。",
            call,
            form=EntryAddForm(request.POST),
            to=request.get_full_path(),
        )
    try:
        admit()
    except Conflict as exc:  # the round no longer takes projects: back to it, with the reason
        for message in exc.messages:
            messages.error(request, message)
        return redirect(round_)
    search = ProjectSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = paginate(request, selectors.candidate_projects(round_, q))
    return render(
        request,
        "scoring/round_projects.html",
        {"round": round_, "page": page, "search": search, "q": q},
    )


@require_POST
@login_required
def entry_remove(request, pk):
    def call(round_, data):
        entry = Entry.objects.filter(round=round_, pk=data["entry"]).first()
        if entry is None:
            raise Http404
        services.round_remove_entry(round=round_, by=request.user, entry=entry)

    return _round_step(
        request, pk, "remove_entry", "项目已移出。", call, form=EntryRemoveForm(request.POST)
    )


@login_required
def entrants(request, pk):
    """A street's 组长 chooses each of their communities' entrant in a competition."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    if not round_.is_competition:
        raise Http404
    community = _entrant_community(request, round_)
    admit = lambda: (  # noqa: E731
        _admit(request.user, "scoring.choose_entrant", community),
        ROUND_WORKFLOW.admit(request.user, round_, "choose_entrant"),
    )
    if request.method == "POST":
        form = EntrantForm(request.POST)

        def call(round_, data):
            project = (
                Project.objects.alive()
                .filter(pk=data["project"], community_id=community.pk)
                .first()
            )
            if project is None:
                raise Http404
            services.entrant_choose(
                round=round_, by=request.user, community=community, project=project
            )

        return perform_or_refuse(
            request,
            lambda data: call(round_, data),
            admit=admit,
            form=form,
            page=lambda status: _entrants_page(request, round_, community, status),
            done=f"已选定{community.name}的参赛项目。",
            to=round_,
        )
    _admit(request.user, "scoring.choose_entrant", community)
    return _entrants_page(request, round_, community)


def _entrant_community(request, round_) -> Community:
    raw = request.POST.get("community") or request.GET.get("community") or ""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        raise Http404
    community = Community.objects.select_related("street").filter(pk=int(raw)).first()
    if community is None:
        raise Http404
    return community


def _entrants_page(request, round_, community, status=200):
    search = ProjectSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    projects = (
        Project.objects.alive()
        .filter(community=community, status__in=ENTRANT_STATUSES)
        .only("id", "title", "status")
        .order_by("-status_changed_at", "-id")
    )
    if q:
        projects = projects.filter(title__icontains=q)
    current = Entry.objects.filter(round=round_, community=community).first()
    context = {
        "round": round_,
        "community": community,
        "page": paginate(request, projects),
        "search": search,
        "current": current,
        "can_choose": ROUND_WORKFLOW.allows(ROUND_WORKFLOW["choose_entrant"], round_),
    }
    return render(request, "scoring/entrants.html", context, status=status)


# --- the ranking board --------------------------------------------------------------------------
@login_required
def ranking(request, pk):
    """The round's ranking; the #board fragment refreshes itself (htmx) while judges score."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    _admit(request.user, "scoring.export_round", round_)
    context = {
        "round": round_,
        "rows": selectors.round_ranking(round_),
        "live": round_.status == RoundStatus.OPEN,
        "every": BOARD_EVERY,
        "updated": timezone.localtime(),
    }
    template = "scoring/ranking.html"
    # The board alone: htmx's refresh (and ?board=1, the same fragment without the header, which
    # `make bench` measures).
    board = request.htmx or request.GET.get("board") == "1"
    return render(request, f"{template}#board" if board else template, context)


@login_required
def round_sheets(request, pk):
    round_ = selectors.round_get(user=request.user, pk=pk)
    _admit(request.user, "scoring.export_round", round_)
    page = paginate(request, selectors.round_sheets(round_))
    return render(request, "scoring/round_sheets.html", {"round": round_, "page": page})


@login_required
def export_ranking(request, pk):
    round_ = selectors.round_get(user=request.user, pk=pk)
    _admit(request.user, "scoring.export_round", round_)
    return export.ranking_workbook(user=request.user, round_=round_)


@login_required
def export_sheets(request, pk):
    round_ = selectors.round_get(user=request.user, pk=pk)
    _admit(request.user, "scoring.export_round", round_)
    return export.sheets_workbook(user=request.user, round_=round_)


# --- a judge's sheet ----------------------------------------------------------------------------
def _own_street_refusal(request, entry):
    """403 with the reason: no judge scores a project of their own street (audited)."""
    audit(
        actor=request.user,
        action="access.denied",
        result=AuditEvent.Result.DENIED,
        obj=entry,
        detail={"path": request.path[:200], "method": request.method, "status": 403},
    )
    return render(
        request,
        "scoring/refused.html",
        {
            "round": entry.round,
            "message": f"“{entry.project.title}”是您所在街道的项目,按评审回避规则,您不能为它打分。",
        },
        status=403,
    )


def _sheet_page(request, entry, form=None, status=200):
    sheet = (
        ScoreSheet.objects.filter(entry=entry, judge=request.user)
        .prefetch_related("scores")
        .first()
    )
    criteria = list(entry.round.rubric.criteria.all())
    scores = {s.criterion_id: s.points for s in sheet.scores.all()} if sheet else {}
    if form is None:
        comment = sheet.comment if sheet else ""
        form = SheetForm(criteria=criteria, scores=scores, initial={"comment": comment})
    rate = selectors.satisfaction_rates([entry.project_id]).get(entry.project_id)
    locked = sheet is not None and sheet.status == SheetStatus.SUBMITTED
    context = {
        "entry": entry,
        "round": entry.round,
        "sheet": sheet,
        "form": form,
        "criteria": criteria,
        "scores": [(c, scores.get(c.pk)) for c in criteria],
        "locked": locked,
        "accepting": entry.round.accepting_on(),
        "next_entry": selectors.next_to_score(entry, request.user) if locked else None,
        "rate": rate,
    }
    return render(request, "scoring/sheet.html", context, status=status)


def _entry_for_judge(request, pk):
    entry = selectors.entry_get(user=request.user, pk=pk)
    if not request.user.has_perm("scoring.score_sheet", entry):
        if entry.round_id in _judged(request.user) and own_street(request.user, entry):
            return entry, _own_street_refusal(request, entry)
        raise PermissionDenied
    return entry, None


def _save(request, pk, *, submit: bool):
    entry, refused = _entry_for_judge(request, pk)
    if refused:
        return refused
    criteria = list(entry.round.rubric.criteria.all())
    # A sheet already submitted is refused as such (409) before the form is read, and a round
    # not taking scores says so: only a sheet that may still be scored gets empty fields marked.
    sheet = ScoreSheet.objects.filter(entry=entry, judge=request.user).first()
    action = "submit" if submit else "save"
    admit = (lambda: SHEET_WORKFLOW.admit(request.user, sheet, action)) if sheet else None
    form = SheetForm(request.POST, criteria=criteria, submit=submit and entry.round.accepting_on())
    done = "评分表已提交,不能再修改。" if submit else "已保存草稿,可以稍后继续打分。"
    return perform_or_refuse(
        request,
        lambda data: services.sheet_save(
            entry=entry,
            by=request.user,
            points=form.points(),
            comment=data.get("comment", ""),
            submit=submit,
        ),
        admit=admit,
        form=form,
        form_shown=True,
        page=lambda status: _sheet_page(request, entry, form=form, status=status),
        done=done,
        to=reverse("scoring:sheet", args=[entry.pk]),
    )


@login_required
def sheet(request, pk):
    """The judge's sheet for one project: GET shows it, POST saves the draft."""
    if request.method == "POST":
        return _save(request, pk, submit=False)
    entry, refused = _entry_for_judge(request, pk)
    return refused or _sheet_page(request, entry)


@require_POST
@login_required
def sheet_submit(request, pk):
    return _save(request, pk, submit=True)


def _sheet_detail_page(request, sheet_, status=200):
    context = {
        "sheet": sheet_,
        "round": sheet_.round,
        "scores": list(sheet_.scores.select_related("criterion")),
        "can": SHEET_WORKFLOW.available(request.user, sheet_),
        "reopen_form": ReopenForm(),
    }
    return render(request, "scoring/sheet_detail.html", context, status=status)


@login_required
def sheet_detail(request, pk):
    return _sheet_detail_page(request, selectors.sheet_get(user=request.user, pk=pk))


@require_POST
@login_required
def sheet_reopen(request, pk):
    sheet_ = selectors.sheet_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.sheet_reopen(sheet=sheet_, by=request.user, reason=data["reason"]),
        admit=lambda: SHEET_WORKFLOW.admit(request.user, sheet_, "reopen"),
        form=ReopenForm(request.POST),
        page=lambda status: _sheet_detail_page(request, sheet_, status),
        done="评分表已退回评委重评。",
        to=sheet_,
    )
