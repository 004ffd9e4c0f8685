"""Project pages: parse, ask the workflow or a selector, call a service. Refusals become pages in
core/http.py; what each status allows is in projects/workflow.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.choice import create_page
from core.http import form_page, perform_or_refuse
from core.paging import paginate
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
    ProjectCreateForm,
    ProjectFilterForm,
    ProposalForm,
    RetrospectiveForm,
    ReturnForm,
)
from .models import Project, Status
from .workflow import PROJECT_WORKFLOW


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
    context.update(
        {
            "steps": selectors.project_steps(project),
            # Sent back by the street: the button says it goes again.
            "resubmit": project.status == Status.RETURNED,
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "comment_form": forms.get("comment_form") or CommentForm(),
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
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(
        user=request.user, status=filters.get("status", ""), q=filters.get("q", "")
    )
    page = paginate(request, projects)
    template = "projects/project_list.html#rows" if request.htmx else "projects/project_list.html"
    return render(request, template, {"page": page, "form": form})


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
def project_submit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return _act(
        request,
        project,
        "submit",
        lambda data: services.project_submit(project=project, by=request.user),
        done="已提交街道审核。审核结果会发到您的消息中心。",
    )


# The street's review: approve / return / comment, each one action with one comment form.
REVIEW = {
    "approve": (DecisionForm, "decision_form", services.project_approve, "已批准,社区将收到通知。"),
    "return": (ReturnForm, "return_form", services.project_return, "已退回社区修改。"),
    "comment": (CommentForm, "comment_form", services.project_comment, "意见已发送给社区。"),
}


def _review(request, pk, action: str):
    project = selectors.project_get(user=request.user, pk=pk)
    form_class, form_key, service, done = REVIEW[action]
    return _act(
        request,
        project,
        action,
        lambda data: service(project=project, by=request.user, comment=data["comment"]),
        done=done,
        form=form_class(request.POST),
        form_key=form_key,
    )


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
        services.project_retrospect(
            project=project, by=request.user, retrospective=data["retrospective"]
        )
        messages.success(request, "复盘已完成。")
        return redirect(project)

    return _step_page(
        request,
        project,
        "retrospect",
        RetrospectiveForm(_posted(request)[0]),
        "projects/project_retrospective.html",
        perform,
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
