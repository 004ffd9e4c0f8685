"""Staff pages of the 百社百景库: parse, check the rule, call a selector or a service. Refusals
become pages in core/http.py. Residents' pages are in library/public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.choice import create_page
from core.http import form_page, perform_or_refuse
from core.paging import paginate

from . import selectors, services
from .forms import (
    AttachmentForm,
    CloneForm,
    DeclineForm,
    GuidanceCreateForm,
    GuidanceForm,
    NominationFilterForm,
    NominationForm,
    SelectForm,
    StartForm,
    WriteUpForm,
)
from .models import Nomination
from .workflow import NOMINATION_WORKFLOW

VIEW = "library.view_library"


def _admit(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


# --- the tree, items and library projects ----------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def tree(request):
    classes = selectors.tree()
    kinds = selectors.compound_kinds_of(request.user)
    user = request.user
    context = {
        "classes": classes,
        "kinds": kinds,
        "suggested": selectors.suggested(classes, kinds),
        "guidance": list(selectors.guidance_list(user)),
        "can_start": user.has_perm("library.start_project", None),
        "can_manage": user.has_perm("library.manage_library"),
        "can_nominate": user.has_perm("library.nominate_project", None),
        "pending": selectors.pending_count(user)
        if user.has_perm("library.decide_nomination")
        else None,
    }
    return render(request, "library/tree.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def item_detail(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    page = paginate(request, selectors.item_entries(item))
    kinds = selectors.compound_kinds_of(request.user)
    context = {
        "item": item,
        "page": page,
        "fits": item.suits(kinds),
        "can_start": request.user.has_perm("library.start_project", None),
    }
    return render(request, "library/item_detail.html", context)


@login_required
@permission_required("library.start_project", raise_exception=True)
def item_start(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    return create_page(
        request,
        permission="library.start_project",
        heading=f"按此项目开展:{item.name}",
        form=lambda data, community: StartForm(data, initial={"title": item.name}),
        template="library/start_form.html",
        create=lambda community, data: services.project_start_from_item(
            by=request.user, community=community, item=item, title=data["title"]
        ),
        done="已按百社百景库的活动项目建好草稿,请完善计划和方案。",
        context={"item": item},
    )


def _entry_page(request, entry, status=200):
    context = {
        "entry": entry,
        "project": entry.project,
        "stats": selectors.entry_stats(entry),
        "project_link": selectors.project_link(request.user, entry.project),
        "can_start": request.user.has_perm("library.start_project", None),
        "can_manage": request.user.has_perm("library.manage_library", entry),
    }
    return render(request, "library/entry_detail.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def entry_detail(request, pk):
    return _entry_page(request, selectors.entry_get(user=request.user, pk=pk))


@login_required
@permission_required("library.start_project", raise_exception=True)
def entry_clone(request, pk):
    entry = selectors.entry_get(user=request.user, pk=pk)
    return create_page(
        request,
        permission="library.start_project",
        heading=f"借鉴此项目:{entry.project.title}",
        form=lambda data, community: CloneForm(
            data, community=community, initial={"title": entry.project.title}
        ),
        template="library/start_form.html",
        create=lambda community, data: services.project_clone_entry(
            by=request.user,
            community=community,
            entry=entry,
            title=data["title"],
            compound=data.get("compound"),
        ),
        done=(
            f"已借鉴入库项目建好草稿:计划、预算和方案已带入。本草稿借鉴自"
            f"{entry.project.community.name}的“{entry.project.title}”,请核对并改写为本社区的实际情况。"
        ),
        context={"entry": entry, "item": entry.item},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def entry_edit(request, pk):
    entry = selectors.entry_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "library.manage_library", entry)  # noqa: E731
    admit()
    form = WriteUpForm(
        request.POST if request.method == "POST" else None, instance=entry, project=entry.project
    )

    def perform(data):
        services.entry_update(entry=entry, by=request.user, data=data)
        messages.success(request, "典型案例已保存。")
        return redirect(entry)

    return form_page(
        request,
        form,
        template="library/entry_form.html",
        context={"entry": entry},
        perform=perform,
        admit=admit,
        back=entry,
    )


# --- 推荐 and 入库 ------------------------------------------------------------------------------
@login_required
@permission_required("library.view_nominations", raise_exception=True)
def nomination_list(request):
    deciding = request.user.has_perm("library.decide_nomination")
    data = request.GET.copy()
    if deciding and "status" not in data:
        # District staff open this list to decide: it starts at what waits for them (the
        # filter's 全部 still shows every nomination).
        data["status"] = Nomination.Status.PENDING
    form = NominationFilterForm(data)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = paginate(request, selectors.nomination_list(user=request.user, status=status))
    context = {
        "page": page,
        "form": form,
        "status_label": Nomination.Status(status).label if status else "",
        "can_nominate": request.user.has_perm("library.nominate_project", None),
        "deciding": deciding,
    }
    return render(request, "library/nomination_list.html", context)


@login_required
@permission_required("library.nominate_project", raise_exception=True)
def nomination_create(request):
    projects = selectors.nominable_projects(request.user)
    initial = {"project": request.GET.get("project", "")} if request.method != "POST" else None
    form = NominationForm(
        request.POST if request.method == "POST" else None, projects=projects, initial=initial
    )

    def perform(data):
        nomination = services.nomination_create(
            by=request.user, project=data["project"], item=data["item"], reason=data["reason"]
        )
        messages.success(request, "已推荐入库,等待区级遴选。")
        return redirect(nomination)

    return form_page(request, form, template="library/nomination_form.html", perform=perform)


# The nomination page holds the select and the decline form, both with a “reason”: each form's
# ids carry its own prefix so every label points to its own box (field names stay as they are).
SELECT_ID = "id_select-%s"
DECLINE_ID = "id_decline-%s"


def _nomination_page(request, nomination, status=200, **forms):
    can = NOMINATION_WORKFLOW.available(request.user, nomination)
    project = nomination.project
    context = {
        "nomination": nomination,
        "project": project,
        "can": can,
        "project_link": selectors.project_link(request.user, project),
        "select_form": forms.get("select_form")
        or SelectForm(
            project=project,
            initial={"item": nomination.item_id, "reason": nomination.reason},
            auto_id=SELECT_ID,
        ),
        "decline_form": forms.get("decline_form") or DeclineForm(auto_id=DECLINE_ID),
    }
    return render(request, "library/nomination_detail.html", context, status=status)


@login_required
def nomination_detail(request, pk):
    # Scoped first, like every object page: another street's nomination is a 404 (audited).
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    _admit(request.user, "library.view_nominations")
    return _nomination_page(request, nomination)


def _decide(request, pk, action: str, form_class, call, done: str):
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    kwargs = (
        {"project": nomination.project, "auto_id": SELECT_ID}
        if form_class is SelectForm
        else {"auto_id": DECLINE_ID}
    )
    form = form_class(request.POST, **kwargs)
    key = "select_form" if form_class is SelectForm else "decline_form"
    return perform_or_refuse(
        request,
        lambda data: call(nomination, data),
        admit=lambda: NOMINATION_WORKFLOW.admit(request.user, nomination, action),
        form=form,
        form_shown=True,
        page=lambda status: _nomination_page(
            request,
            selectors.nomination_get(user=request.user, pk=pk),
            status,
            **{key: form},
        ),
        done=done,
        to=nomination,
    )


@require_POST
@login_required
def nomination_select(request, pk):
    return _decide(
        request,
        pk,
        "select",
        SelectForm,
        lambda nomination, data: services.nomination_select(
            nomination=nomination, by=request.user, **data
        ),
        "已入库,项目已在居民页面的百社百景库公开。",
    )


@require_POST
@login_required
def nomination_decline(request, pk):
    return _decide(
        request,
        pk,
        "decline",
        DeclineForm,
        lambda nomination, data: services.nomination_decline(
            nomination=nomination, by=request.user, reason=data["reason"]
        ),
        "已告知街道未入选的理由。",
    )


# --- 指导意见 and the outdoor guide ----------------------------------------------------------
@login_required
@permission_required("library.manage_library", raise_exception=True)
def guidance_create(request):
    form = GuidanceCreateForm(request.POST if request.method == "POST" else None)

    def perform(data):
        guidance = services.guidance_create(by=request.user, data=data)
        messages.success(request, "指导文件已发布,各社区都能看到。")
        return redirect(guidance)

    return form_page(
        request,
        form,
        template="library/guidance_form.html",
        context={"heading": "发布指导文件"},
        perform=perform,
    )


def _guidance_page(request, guidance, status=200, attachment_form=None):
    context = {
        "guidance": guidance,
        "can_manage": request.user.has_perm("library.manage_library", guidance),
        "attachment_form": attachment_form or AttachmentForm(),
    }
    return render(request, "library/guidance_detail.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def guidance_detail(request, pk):
    return _guidance_page(request, selectors.guidance_get(user=request.user, pk=pk))


@login_required
@permission_required(VIEW, raise_exception=True)
def guidance_edit(request, pk):
    guidance = selectors.guidance_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "library.manage_library", guidance)  # noqa: E731
    admit()
    form = GuidanceForm(request.POST if request.method == "POST" else None, instance=guidance)

    def perform(data):
        services.guidance_update(guidance=guidance, by=request.user, data=data)
        messages.success(request, "指导文件已保存。")
        return redirect(guidance)

    return form_page(
        request,
        form,
        template="library/guidance_form.html",
        context={"heading": "修改指导文件", "object": guidance},
        perform=perform,
        admit=admit,
        back=guidance,
    )


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
def guidance_attach(request, pk):
    guidance = selectors.guidance_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    return perform_or_refuse(
        request,
        lambda data: services.guidance_attach(
            guidance=guidance, by=request.user, title=data["title"], uploaded_file=data["file"]
        ),
        admit=lambda: _admit(request.user, "library.manage_library", guidance),
        form=form,
        form_shown=True,
        page=lambda status: _guidance_page(request, guidance, status, form),
        done="附件已上传。",
        to=guidance,
    )
