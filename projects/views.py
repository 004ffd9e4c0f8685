"""Project pages: parse, ask the workflow or a selector, call a service. Refusals become pages in
core/http.py; what each status allows is in projects/workflow.py."""

import datetime
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.choice import create_page
from accounts.roles import STREET_RECOMMENDERS
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404
from partners.models import ResourceKind

from . import export, listing, selectors, services, sessions
from .contributions import project_resourcing
from .forms import (
    ActivityForm,
    AnnounceForm,
    BudgetLineForm,
    CommentForm,
    ConditionConfirmForm,
    ContributionForm,
    ContributionRemoveForm,
    DecisionForm,
    GrantForm,
    MeetingForm,
    MilestoneForm,
    PartnerLinkForm,
    PartnerUnlinkForm,
    PlanForm,
    ProjectBasicForm,
    ProjectCreateForm,
    ProjectFilterForm,
    ProposalForm,
    RetrospectiveForm,
    ReturnForm,
    RowChoiceForm,
    SuperviseForm,
    SupervisionReplyForm,
)
from .models import BudgetLine, Decision, Milestone, Project, Status, Supervision
from .review import compare
from .workflow import PROJECT_WORKFLOW, SUPERVISION_WORKFLOW, readiness


def _page(request, project, *, status=200, **forms):
    """The project page, with any action form that came back with errors. With htmx and a
    `partner_q`, only the partner picker's matches."""
    can = PROJECT_WORKFLOW.available(request.user, project)
    partner_q = request.GET.get("partner_q", "")[:50]
    matches, more = (
        selectors.partner_matches(project, partner_q) if can["link_partner"] else ([], False)
    )
    context = {
        "project": project,
        "can": can,
        "partner_q": partner_q,
        "partner_matches": matches,
        "partner_more": more,
    }
    if request.htmx and "partner_q" in request.GET:
        return render(request, "projects/project_detail.html#picker", context, status=status)
    meeting = selectors.project_meeting(project)
    money, unassigned = selectors.funding(project)
    programme = selectors.programme(project)
    resourcing = project_resourcing(project)
    posted = forms.get("contribution_form")
    for share in resourcing.shares:  # a refused contribution comes back under its partner
        share.form = (
            posted if posted and posted["partner"].value() == str(share.partner.pk) else None
        )
    context.update(
        {
            "steps": selectors.project_steps(project, meeting, programme),
            "retro": selectors.retrospective(
                project, money, unassigned, programme, request.user, resourcing
            ),
            "resourcing": resourcing,
            "contribution_kinds": ResourceKind.choices,
            "page_notes": selectors.page_notes(project),
            "page_panels": selectors.page_panels(project, request.user),
            "page_actions": selectors.page_actions(request.user, project),
            "programme": programme,
            "may_plan": sessions.may_plan(request.user, project),
            "meeting": meeting,
            "funding": money,
            "unassigned_spending": unassigned,
            "overspent": [f for f in money if f.overspent],
            "missing": readiness(project) if can["submit"] else [],
            "pending_round": next(
                (r for r in project.rounds.all() if r.decision == Decision.PENDING), None
            ),
            "recommends": request.user.scope.has(*STREET_RECOMMENDERS),
            # Sent back by the street: the button says it goes again.
            "resubmit": project.status == Status.RETURNED,
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "comment_form": forms.get("comment_form") or CommentForm(),
            "grant_form": forms.get("grant_form") or GrantForm(),
        }
    )
    return render(request, "projects/project_detail.html", context, status=status)


def _act(request, project, action: str, call, *, done: str, form=None, form_key: str = ""):
    """A button or a small form on the project page, for one action of the workflow."""
    forms = {form_key: form} if form is not None else {}

    def page(status):
        fresh = selectors.project_get(user=request.user, pk=project.pk)
        return _page(request, fresh, status=status, **forms)

    return perform_or_refuse(
        request,
        call,
        page=page,
        done=done,
        to=project,
        admit=lambda: PROJECT_WORKFLOW.admit(request.user, project, action),
        form=form,
        form_shown=bool(form_key),
    )


def _step_page(request, project, action: str, form, template: str, perform, context=None):
    """A page with one form for one action (edit, announce, log an activity, retrospect)."""
    return form_page(
        request,
        form,
        template=template,
        context={"project": project, "community": project.community, **(context or {})},
        perform=perform,
        admit=lambda: PROJECT_WORKFLOW.admit(request.user, project, action),
        back=project,
    )


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


@login_required
def project_list(request):
    form = ProjectFilterForm(request.GET or None, user=request.user)
    if request.htmx and request.htmx.target == "f-community-box":  # a street was picked
        return render(request, "projects/project_list.html#community", {"form": form})
    page = paginate(request, selectors.project_list(user=request.user, **form.filters()))
    page.object_list = listing.with_steps(page.object_list)
    template = "projects/project_list.html#rows" if request.htmx else "projects/project_list.html"
    context = {"page": page, "form": form, "export_cap": export.EXPORT_CAP}
    return render(request, template, context)


@login_required
@permission_required("projects.view_project", raise_exception=True)
def project_export(request):
    """The list as it is filtered and ordered, every page, as an Excel workbook."""
    form = ProjectFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    projects = selectors.project_list(user=request.user, **filters)
    return export.project_workbook(user=request.user, projects=projects, filters=filters)


@login_required
@permission_required("projects.add_project", raise_exception=True)
def project_create(request):
    initial = {"needs": request.GET.getlist("need")} if request.method == "GET" else None
    return create_page(
        request,
        permission="projects.add_project",
        heading="新建领办项目",
        form=lambda data, community: ProjectCreateForm(data, community=community, initial=initial),
        template="projects/project_form.html",
        create=lambda community, data: services.project_create(
            by=request.user,
            community=community,
            title=data["title"],
            summary=data["summary"],
            theme=data["theme"],
            compound=data["compound"],
            needs=data["needs"],
        ),
        done="项目已创建。下一步:链接合伙人、填写计划和方案。",
    )


@login_required
def project_detail(request, pk):
    return _page(request, selectors.project_get(user=request.user, pk=pk))


def _edit(request, pk, form_class, heading, *, with_needs=False):
    """Edit part of a draft or returned project (the workflow's `edit`)."""
    project = selectors.project_get(user=request.user, pk=pk)
    kwargs = {"community": project.community} if with_needs else {}
    form = form_class(_posted(request)[0], instance=project, **kwargs)

    def perform(data):
        services.project_update(
            project=project,
            by=request.user,
            data={f: data[f] for f in form._meta.fields},
            needs=data["needs"] if with_needs else None,
        )
        messages.success(request, f"{heading}已保存。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "edit",
        form,
        "projects/project_form.html",
        perform,
        {"heading": heading},
    )


@login_required
def project_edit(request, pk):
    return _edit(request, pk, ProjectBasicForm, "基本信息", with_needs=True)


def _plan_context(project, **forms):
    return {
        "milestones": project.milestones.order_by("date", "id"),
        "budget_lines": project.budget_lines.all(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "budget_form": forms.get("budget_form") or BudgetLineForm(),
    }


@login_required
def project_plan(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = PlanForm(_posted(request)[0], instance=project, community=project.community)

    def perform(data):
        services.project_update(
            project=project,
            by=request.user,
            data={f: data[f] for f in form._meta.fields},
            compounds=data["compounds"],
        )
        messages.success(request, "项目计划已保存。")
        return redirect("projects:plan", pk=project.pk)

    return _step_page(
        request,
        project,
        "edit",
        form,
        "projects/project_plan.html",
        perform,
        _plan_context(project),
    )


def _plan_row(request, pk, action: str, call, *, done: str, form_class=None, row=None):
    """Add or remove a milestone or a budget line from the plan page; a refusal shows the plan
    page again with the reasons (and what was typed)."""
    project = selectors.project_get(user=request.user, pk=pk)
    if row is not None:
        name, queryset = row
        form = RowChoiceForm(request.POST, queryset=queryset(project), name=name)
        key = ""
    else:
        form, key = form_class(request.POST), form_class.__name__
    forms = {"MilestoneForm": "milestone_form", "BudgetLineForm": "budget_form"}

    def page(status):
        fresh = selectors.project_get(user=request.user, pk=pk)
        extra = {forms[key]: form} if key else {}
        context = {
            "project": fresh,
            "community": fresh.community,
            "form": PlanForm(instance=fresh, community=fresh.community),
            **_plan_context(fresh, **extra),
        }
        return render(request, "projects/project_plan.html", context, status=status)

    return perform_or_refuse(
        request,
        lambda data: call(project, data),
        page=page,
        done=done,
        to=reverse("projects:plan", kwargs={"pk": project.pk}),
        admit=lambda: PROJECT_WORKFLOW.admit(request.user, project, action),
        form=form,
        form_shown=bool(key),
    )


@require_POST
@login_required
def milestone_add(request, pk):
    return _plan_row(
        request,
        pk,
        "add_milestone",
        lambda project, data: services.milestone_add(project=project, by=request.user, **data),
        done="计划节点已添加。",
        form_class=MilestoneForm,
    )


@require_POST
@login_required
def milestone_remove(request, pk):
    return _plan_row(
        request,
        pk,
        "remove_milestone",
        lambda project, data: services.milestone_remove(
            project=project, by=request.user, milestone=data["milestone"]
        ),
        done="计划节点已删除。",
        row=("milestone", lambda project: Milestone.objects.filter(project=project)),
    )


@require_POST
@login_required
def budget_line_add(request, pk):
    return _plan_row(
        request,
        pk,
        "add_budget_line",
        lambda project, data: services.budget_line_add(project=project, by=request.user, **data),
        done="预算明细已添加。",
        form_class=BudgetLineForm,
    )


@require_POST
@login_required
def budget_line_remove(request, pk):
    return _plan_row(
        request,
        pk,
        "remove_budget_line",
        lambda project, data: services.budget_line_remove(
            project=project, by=request.user, budget_line=data["budget_line"]
        ),
        done="预算明细已删除。",
        row=("budget_line", lambda project: BudgetLine.objects.filter(project=project)),
    )


@login_required
def project_meeting(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    meeting = selectors.project_meeting(project)
    data, files = _posted(request)
    form = MeetingForm(data, files, instance=meeting)

    def perform(cleaned):
        fields = {name: cleaned[name] for name in MeetingForm._meta.fields}
        services.meeting_record(
            project=project,
            by=request.user,
            data=fields,
            attendances=cleaned["attendances"],
            minutes=cleaned.get("minutes_file"),
        )
        messages.success(request, "联席会记录已保存。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "record_meeting",
        form,
        "projects/project_meeting.html",
        perform,
        {"meeting": meeting},
    )


@login_required
def project_proposal(request, pk):
    return _edit(request, pk, ProposalForm, "实施方案")


@require_POST
@login_required
def project_partner_link(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return _act(
        request,
        project,
        "link_partner",
        lambda data: services.project_link_partner(
            project=project, partner=data["partner"], by=request.user
        ),
        done="已链接合伙人。",
        form=PartnerLinkForm(request.POST, project=project),
    )


@require_POST
@login_required
def project_partner_unlink(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return _act(
        request,
        project,
        "unlink_partner",
        lambda data: services.project_unlink_partner(
            project=project, partner=data["partner"], by=request.user
        ),
        done="已移除合伙人。",
        form=PartnerUnlinkForm(request.POST, project=project),
    )


@require_POST
@login_required
def project_contribution_add(request, pk):
    """Step 2: what a linked partner contributes (from the form under it on the project page)."""
    project = selectors.project_get(user=request.user, pk=pk)
    return _act(
        request,
        project,
        "add_contribution",
        lambda data: services.project_add_contribution(project=project, by=request.user, data=data),
        done="已登记合伙人的贡献。",
        form=ContributionForm(request.POST, project=project),
        form_key="contribution_form",
    )


@require_POST
@login_required
def project_contribution_remove(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return _act(
        request,
        project,
        "remove_contribution",
        lambda data: services.project_remove_contribution(
            project=project, contribution=data["contribution"], by=request.user
        ),
        done="已删除这项贡献。",
        form=ContributionRemoveForm(request.POST, project=project),
    )


@require_POST
@login_required
def project_submit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return _act(
        request,
        project,
        "submit",
        lambda data: services.project_submit(project=project, by=request.user),
        done="已提交街道审核。审核结果会发到您的消息中心。",
    )


# The street's review: approve (with conditions or without) / return / comment, each one action
# with its form.
REVIEW = {
    "approve": (
        DecisionForm,
        "decision_form",
        lambda data: {"comment": data["comment"], "conditions": data["conditions"]},
        services.project_approve,
        "已批准,社区将收到通知。",
    ),
    "return": (
        ReturnForm,
        "return_form",
        lambda data: {"comment": data["comment"]},
        services.project_return,
        "已退回社区修改。",
    ),
    "comment": (
        CommentForm,
        "comment_form",
        lambda data: {"comment": data["comment"], "recommendation": data["recommendation"]},
        services.project_comment,
        "意见已发送给社区。",
    ),
}


def _review(request, pk, action: str):
    project = selectors.project_get(user=request.user, pk=pk)
    form_class, form_key, arguments, service, done = REVIEW[action]
    return _act(
        request,
        project,
        action,
        lambda data: service(project=project, by=request.user, **arguments(data)),
        done=done,
        form=form_class(request.POST),
        form_key=form_key,
    )


@require_POST
@login_required
def project_grant(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = GrantForm(request.POST)
    source = request.POST.get("source")
    action = "grant_district" if source == "district" else "grant_street"
    return _act(
        request,
        project,
        action,
        lambda data: services.funds_grant(
            project=project,
            by=request.user,
            source=data["source"],
            amount=data["amount"],
            note=data["note"],
        ),
        done="核定经费已记录。",
        form=form,
        form_key="grant_form",
    )


@login_required
def review_round(request, pk, number):
    review = selectors.round_get(user=request.user, project_pk=pk, number=number)
    before = selectors.previous_snapshot(review)
    changes, left_out = compare(before, review.snapshot) if before is not None else ([], 0)
    return render(
        request,
        "projects/review_round.html",
        {
            "review": review,
            "project": review.project,
            "before": before,
            "changes": changes,
            "left_out": left_out,
        },
    )


@login_required
def condition_confirm(request, pk, condition_pk):
    project = selectors.project_get(user=request.user, pk=pk)
    condition = next((c for c in project.conditions.all() if c.pk == condition_pk), None)
    if condition is None:
        raise Http404

    def perform(data):
        services.condition_confirm(
            project=project,
            by=request.user,
            condition=condition,
            evidence=data["evidence"],
            evidence_file=data.get("evidence_file"),
        )
        messages.success(request, "已确认落实该条件。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "confirm_condition",
        ConditionConfirmForm(*_posted(request)),
        "projects/condition_confirm.html",
        perform,
        {"condition": condition},
    )


@login_required
def project_supervise(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)

    def perform(data):
        item = services.supervision_raise(
            project=project, by=request.user, question=data["question"], due_date=data["due_date"]
        )
        messages.success(request, "督办事项已发给社区。")
        return redirect(item)

    return _step_page(
        request,
        project,
        "supervise",
        SuperviseForm(_posted(request)[0]),
        "projects/supervise_form.html",
        perform,
    )


@login_required
@permission_required("projects.view_supervision", raise_exception=True)
def supervision_list(request):
    status = request.GET.get("status", "")
    status = status if status in Supervision.Status.values else ""
    overdue = request.GET.get("overdue") == "1"
    page = paginate(
        request, selectors.supervision_list(user=request.user, status=status, overdue=overdue)
    )
    return render(
        request,
        "projects/supervision_list.html",
        {
            "page": page,
            "status": status,
            "overdue": overdue,
            "statuses": Supervision.Status.choices,
            "today": timezone.localdate(),
        },
    )


def _supervision_page(request, item, *, status=200, form=None):
    can = SUPERVISION_WORKFLOW.available(request.user, item)
    context = {
        "item": item,
        "can": can,
        "form": form or SupervisionReplyForm(),
        "today": timezone.localdate(),
    }
    return render(request, "projects/supervision_detail.html", context, status=status)


@login_required
def supervision_detail(request, pk):
    return _supervision_page(request, selectors.supervision_get(user=request.user, pk=pk))


@require_POST
@login_required
def supervision_reply(request, pk):
    item = selectors.supervision_get(user=request.user, pk=pk)
    form = SupervisionReplyForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: services.supervision_reply(item=item, by=request.user, reply=data["reply"]),
        page=lambda status: _supervision_page(
            request, selectors.supervision_get(user=request.user, pk=pk), status=status, form=form
        ),
        done="回复已发送给区级工作人员。",
        to=item,
        admit=lambda: SUPERVISION_WORKFLOW.admit(request.user, item, "reply"),
        form=form,
        form_shown=True,
    )


@login_required
@permission_required("projects.view_review_queue", raise_exception=True)
def review_queue(request):
    overdue = request.GET.get("overdue") == "1"
    page = paginate(request, selectors.review_queue(user=request.user, overdue_only=overdue))
    cutoff = timezone.now() - timedelta(days=settings.REVIEW_OVERDUE_DAYS)
    return render(
        request,
        "projects/review_queue.html",
        {
            "page": page,
            "overdue": overdue,
            "cutoff": cutoff,
            "overdue_days": settings.REVIEW_OVERDUE_DAYS,
            "now": timezone.now(),
        },
    )


@login_required
@permission_required("projects.view_filings", raise_exception=True)
def filing_list(request):
    month = _month(request.GET.get("month", ""))
    table, rows = selectors.filings(user=request.user, month=month)
    months = _filing_table(table)
    return render(
        request,
        "projects/filing_list.html",
        {
            "months": months,
            "month": month,
            "rows": rows[:500] if rows is not None else None,
        },
    )


def _month(value: str):
    """A YYYY-MM parameter as the first day of the month, or None."""
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


def _filing_table(table):
    """month → [(street name, count)], newest month first, at most 24 months."""
    months: dict = {}
    for row in table:
        if row["month"] is None:
            continue
        key = (
            timezone.localtime(row["month"]).date()
            if hasattr(row["month"], "hour")
            else row["month"]
        )
        months.setdefault(key.replace(day=1), []).append(
            (row["project__community__street__name"], row["count"])
        )
    return [
        {"month": month, "streets": streets, "total": sum(c for _, c in streets)}
        for month, streets in list(months.items())[:24]
    ]


@require_POST
@login_required
def project_approve(request, pk):
    return _review(request, pk, "approve")


@require_POST
@login_required
def project_return(request, pk):
    return _review(request, pk, "return")


@require_POST
@login_required
def project_comment(request, pk):
    return _review(request, pk, "comment")


@login_required
def project_announce(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)

    def perform(data):
        services.project_announce(
            project=project, by=request.user, announcement=data["announcement"]
        )
        messages.success(request, "预告已发布,居民在居民页面上就能看到。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "announce",
        AnnounceForm(_posted(request)[0]),
        "projects/project_announce.html",
        perform,
    )


@login_required
def activity_create(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)

    def perform(data):
        data = dict(data)
        photo = data.pop("photo", None)
        services.activity_log(project=project, by=request.user, data=data, photo=photo)
        messages.success(request, "活动已记录。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "log_activity",
        ActivityForm(*_posted(request)),
        "projects/activity_form.html",
        perform,
    )


@login_required
def project_retrospective(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)

    def perform(data):
        services.project_retrospect(project=project, by=request.user, **data)
        messages.success(request, "复盘已完成。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "retrospect",
        RetrospectiveForm(_posted(request)[0]),
        "projects/project_retrospective.html",
        perform,
        # The figures the 复盘 is written beside: money, participation, residents' grades.
        {
            "retro": selectors.retrospective(
                project, *selectors.funding(project), selectors.programme(project), request.user
            )
        },
    )


@require_POST
@login_required
def project_delete(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.project_delete(project=project, by=request.user),
        page=lambda status: _page(
            request, selectors.project_get(user=request.user, pk=pk), status=status
        ),
        done="草稿已删除,可在“已删除的草稿”中恢复。",
        to="projects:list",
        admit=lambda: PROJECT_WORKFLOW.admit(request.user, project, "delete"),
    )


def _trash(request, status=200):
    page = paginate(request, selectors.project_trash(user=request.user))
    page.object_list = selectors.with_actions(request.user, page.object_list)
    return render(request, "projects/project_trash.html", {"page": page}, status=status)


@login_required
@permission_required("projects.add_project", raise_exception=True)
def project_trash(request):
    return _trash(request)


@require_POST
@login_required
def project_restore(request, pk):
    project = get_visible_or_404(Project, request.user, visible_kwargs={"deleted": True}, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.project_restore(project=project, by=request.user),
        page=lambda status: _trash(request, status),
        done=f"“{project.title}”已恢复。",
        to=project,
        admit=lambda: PROJECT_WORKFLOW.admit(request.user, project, "restore"),
    )
