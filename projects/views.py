from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.models import home_community
from core.scope import get_visible_or_404

from . import selectors, services
from .forms import (
    ActivityForm,
    AnnounceForm,
    CommentForm,
    DecisionForm,
    PartnerLinkForm,
    PartnerUnlinkForm,
    PlanForm,
    ProjectBasicForm,
    ProjectFilterForm,
    ProposalForm,
    ReturnForm,
    ReviewForm,
)
from .models import Project
from .services import TransitionError


def _detail(request, project, *, status=200, **forms):
    """The project page, with any action form that came back with errors."""
    context = {
        "project": project,
        "steps": selectors.project_steps(project),
        "can": selectors.project_actions(user=request.user, project=project),
        "partner_form": forms.get("partner_form") or PartnerLinkForm(project=project),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
    }
    return render(request, "projects/project_detail.html", context, status=status)


def _failed(request, project, exc: ValidationError, **forms):
    """A service refused: say why on the project page (409 if the status moved on, else 422)."""
    for message in exc.messages:
        messages.error(request, message)
    status = 409 if isinstance(exc, TransitionError) else 422
    return _detail(
        request, selectors.project_get(user=request.user, pk=project.pk), status=status, **forms
    )


@login_required
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(
        user=request.user, status=filters.get("status", ""), q=filters.get("q", "")
    )
    page = Paginator(projects, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    template = "projects/project_list.html#rows" if request.htmx else "projects/project_list.html"
    return render(request, template, {"page": page, "form": form})


@login_required
@permission_required("projects.add_project", raise_exception=True)
def project_create(request):
    community = home_community(request.user)
    if community is None:
        raise PermissionDenied
    initial = {"needs": request.GET.getlist("need")} if request.method == "GET" else None
    form = ProjectBasicForm(
        request.POST if request.method == "POST" else None, community=community, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            project = services.project_create(
                by=request.user,
                community=community,
                title=data["title"],
                summary=data["summary"],
                module=data["module"],
                compound=data["compound"],
                needs=data["needs"],
            )
            messages.success(request, "项目已创建。下一步:链接合伙人、填写计划和方案。")
            return redirect(project)
        return render(
            request,
            "projects/project_form.html",
            {"form": form, "community": community, "heading": "新建领办项目"},
            status=422,
        )
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "community": community, "heading": "新建领办项目"},
    )


@login_required
def project_detail(request, pk):
    return _detail(request, selectors.project_get(user=request.user, pk=pk))


def _edit(request, pk, form_class, heading, *, with_needs=False):
    """Edit part of a draft or returned project through project_update."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not request.user.has_perm("projects.change_project", project):
        if request.user.has_perm("projects.submit_project", project):
            messages.error(request, f"项目当前状态为“{project.get_status_display()}”,不能修改。")
            return redirect(project)
        raise PermissionDenied
    kwargs = {"community": project.community} if with_needs else {}
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=project, **kwargs)
    context = {"form": form, "project": project, "community": project.community, "heading": heading}
    if request.method == "POST":
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form._meta.fields}
            try:
                services.project_update(
                    project=project,
                    by=request.user,
                    data=data,
                    needs=form.cleaned_data["needs"] if with_needs else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                return render(
                    request,
                    "projects/project_form.html",
                    context,
                    status=409 if isinstance(exc, TransitionError) else 422,
                )
            messages.success(request, f"{heading}已保存。")
            return redirect(project)
        return render(request, "projects/project_form.html", context, status=422)
    return render(request, "projects/project_form.html", context)


@login_required
def project_edit(request, pk):
    return _edit(request, pk, ProjectBasicForm, "基本信息", with_needs=True)


@login_required
def project_plan(request, pk):
    return _edit(request, pk, PlanForm, "项目计划")


@login_required
def project_proposal(request, pk):
    return _edit(request, pk, ProposalForm, "实施方案")


@require_POST
@login_required
def project_partner_link(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied
    form = PartnerLinkForm(request.POST, project=project)
    if not form.is_valid():
        return _detail(request, project, status=422, partner_form=form)
    try:
        services.project_link_partner(
            project=project, partner=form.cleaned_data["partner"], by=request.user
        )
    except ValidationError as exc:
        return _failed(request, project, exc)
    messages.success(request, "已链接合伙人。")
    return redirect(project)


@require_POST
@login_required
def project_partner_unlink(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied
    form = PartnerUnlinkForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, "该合伙人没有链接到这个项目,无法移除。")
        return _detail(request, project, status=422)
    services.project_unlink_partner(
        project=project, partner=form.cleaned_data["partner"], by=request.user
    )
    messages.success(request, "已移除合伙人。")
    return redirect(project)


@require_POST
@login_required
def project_submit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    try:
        services.project_submit(project=project, by=request.user)
    except ValidationError as exc:
        return _failed(request, project, exc)
    messages.success(request, "已提交街道审核。审核结果会发到您的消息中心。")
    return redirect(project)


def _street_action(request, pk, *, permission, form_class, form_key, service, done):
    """The street's approve / return / comment: one permission, one comment form, one service."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not request.user.has_perm(permission, project):
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail(request, project, status=422, **{form_key: form})
    try:
        service(project=project, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        return _failed(request, project, exc)
    messages.success(request, done)
    return redirect(project)


@require_POST
@login_required
def project_approve(request, pk):
    return _street_action(
        request,
        pk,
        permission="projects.approve_project",
        form_class=DecisionForm,
        form_key="decision_form",
        service=services.project_approve,
        done="已批准,社区将收到通知。",
    )


@require_POST
@login_required
def project_return(request, pk):
    return _street_action(
        request,
        pk,
        permission="projects.return_project",
        form_class=ReturnForm,
        form_key="return_form",
        service=services.project_return,
        done="已退回社区修改。",
    )


@require_POST
@login_required
def project_comment(request, pk):
    return _street_action(
        request,
        pk,
        permission="projects.comment_project",
        form_class=CommentForm,
        form_key="comment_form",
        service=services.project_comment,
        done="意见已发送给社区。",
    )


def _step_form(request, pk, form_class, permission, template, handler):
    """A page with one form that drives one service (announce, activity, review)."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not request.user.has_perm(permission, project):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    if request.method == "POST":
        if form.is_valid():
            try:
                handler(project, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409 if isinstance(exc, TransitionError) else 422
                return render(request, template, {"form": form, "project": project}, status=status)
            return redirect(project)
        return render(request, template, {"form": form, "project": project}, status=422)
    return render(request, template, {"form": form, "project": project})


@login_required
def project_announce(request, pk):
    def handle(project, data):
        services.project_announce(
            project=project, by=request.user, announcement=data["announcement"]
        )
        messages.success(request, "预告已发布,居民可以在居民页面看到。")

    return _step_form(
        request,
        pk,
        AnnounceForm,
        "projects.announce_project",
        "projects/project_announce.html",
        handle,
    )


@login_required
def activity_create(request, pk):
    def handle(project, data):
        photo = data.pop("photo", None)
        services.activity_log(project=project, by=request.user, data=data, photo=photo)
        messages.success(request, "活动已记录。")

    return _step_form(
        request, pk, ActivityForm, "projects.log_activity", "projects/activity_form.html", handle
    )


@login_required
def project_review(request, pk):
    def handle(project, data):
        services.project_complete(project=project, by=request.user, review=data["review"])
        messages.success(request, "复盘已完成。")

    return _step_form(
        request, pk, ReviewForm, "projects.complete_project", "projects/project_review.html", handle
    )


@require_POST
@login_required
def project_delete(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    services.project_delete(project=project, by=request.user)
    messages.success(request, "草稿已删除。")
    return redirect("projects:list")


@login_required
@permission_required("projects.view_pipeline", raise_exception=True)
def pipeline(request):
    return render(
        request, "projects/pipeline.html", {"columns": selectors.street_pipeline(user=request.user)}
    )


@login_required
@permission_required("projects.view_overview", raise_exception=True)
def overview(request):
    from .models import Status

    context = {
        "rows": selectors.district_overview(user=request.user),
        "statuses": Status.choices,
        "overdue": selectors.overdue_projects(user=request.user)[:20],
    }
    return render(request, "projects/overview.html", context)


@login_required
@permission_required("projects.add_project", raise_exception=True)
def project_trash(request):
    page = Paginator(selectors.project_trash(user=request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/project_trash.html", {"page": page})


@require_POST
@login_required
def project_restore(request, pk):
    project = get_visible_or_404(Project, request.user, visible_kwargs={"deleted": True}, pk=pk)
    services.project_restore(project=project, by=request.user)
    messages.success(request, f"“{project.title}”已恢复。")
    return redirect(project)
