"""Practical tasks (实事): publish, claim (认领), done, the public notice; and the yearly excellent partners.

Views parse, check the rule, call a selector or a service (partners/practical.py,
partners/excellence.py); refusals become pages in core/http.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from accounts.choice import community_or_choice, create_page
from core.http import form_page, perform_or_refuse
from core.models import Upload
from core.paging import paginate

from . import excellence, practical
from .excellence import EXCELLENT_WORKFLOW
from .practical import TASK_WORKFLOW
from .task_forms import (
    CancelForm,
    ClaimForm,
    DoneForm,
    ExcellentFilterForm,
    NominateForm,
    NoteForm,
    PublishForm,
    ReleaseForm,
    TaskCreateForm,
    TaskFilterForm,
    TaskForm,
)


def _admit(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _id(raw) -> int | None:
    # isascii: "²".isdigit() is true, and int("²") would fail.
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


# --- tasks: the list ---------------------------------------------------------------------------
@login_required
@permission_required("partners.view_task", raise_exception=True)
def task_list(request):
    """Staff: their scope's tasks with the claimed count. A partner: their communities' open
    tasks to claim and their own."""
    if not practical.works_with_tasks(request.user):
        return _partner_page(request)
    form = TaskFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = practical.task_list(
        user=request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        community=filters.get("community"),
        month=filters.get("month"),
    )
    context = {"page": paginate(request, tasks), "form": form}
    if request.htmx:
        return render(request, "partners/task_list.html#rows", context)
    context["counts"] = practical.claimed_counts(request.user)
    return render(request, "partners/task_list.html", context)


def _partner_page(request, status: int = 200):
    context = {
        "page": paginate(request, practical.partner_open_tasks(request.user), 10),
        "mine": practical.partner_own_tasks(request.user),
    }
    return render(request, "partners/task_mine.html", context, status=status)


# --- tasks: publish, read, correct, cancel -------------------------------------------------------
@login_required
@permission_required("partners.add_task", raise_exception=True)
def task_create(request):
    return create_page(
        request,
        permission="partners.add_task",
        heading="发布实事",
        form=lambda data, community: TaskCreateForm(data, community=community),
        template="partners/task_form.html",
        create=lambda community, data: practical.task_create(
            by=request.user, community=community, data=data
        ),
        done="实事已发布,本社区的合伙人和共建单位可以认领。",
    )


def _task_page(request, task, status: int = 200, *, done_form=None):
    user = request.user
    can = TASK_WORKFLOW.available(user, task)
    staff = user.has_perm("partners.change_task", task)
    q = str(request.GET.get("q") or "").strip()[:30] if staff and can["claim"] else ""
    context = {
        "task": task,
        "can": can,
        "staff": staff,
        "q": q,
        "found": practical.partner_search(task.community_id, q),
        "done_form": done_form or DoneForm(),
    }
    return render(request, "partners/task_detail.html", context, status=status)


@login_required
def task_detail(request, pk):
    return _task_page(request, practical.task_get(user=request.user, pk=pk))


@login_required
def task_edit(request, pk):
    task = practical.task_get(user=request.user, pk=pk)
    _admit(request.user, "partners.change_task", task)
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        instance=task,
        community=task.community,
    )

    def perform(data):
        practical.task_update(task=task, by=request.user, data=data)
        messages.success(request, "实事已保存。")
        return redirect(task)

    return form_page(
        request,
        form,
        template="partners/task_form.html",
        context={"object": task, "community": task.community, "heading": "修改实事"},
        perform=perform,
        admit=lambda: TASK_WORKFLOW.admit(request.user, task, "edit"),
        back=task,
    )


@require_POST
@login_required
def task_cancel(request, pk):
    task = practical.task_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: practical.task_cancel(task=task, by=request.user, reason=data["reason"]),
        admit=lambda: TASK_WORKFLOW.admit(request.user, task, "cancel"),
        form=CancelForm(request.POST),
        page=lambda status: _task_page(request, task, status),
        done="实事已取消。",
        to=task,
    )


# --- tasks: claim, release, done -----------------------------------------------------------------
@require_POST
@login_required
def task_claim(request, pk):
    """A partner presses 认领 for themselves; community staff claim on behalf of the partner or
    unit they found (`partner`)."""
    user = request.user
    task = practical.task_for_claim(user=user, pk=pk)
    if user.has_perm("partners.change_task", task):
        form = ClaimForm(request.POST, community=task.community)
        return perform_or_refuse(
            request,
            lambda data: practical.task_claim(task=task, by=user, partner=data["partner"]),
            admit=lambda: TASK_WORKFLOW.admit(user, task, "claim"),
            form=form,
            page=lambda status: _task_page(request, task, status),
            done="已代为认领。",
            to=task,
        )
    return perform_or_refuse(
        request,
        lambda data: practical.task_claim(task=task, by=user),
        admit=lambda: TASK_WORKFLOW.admit(user, task, "claim"),
        page=lambda status: _partner_page(request, status),
        done=f"认领成功:{task.title}。完成后请在“我认领的”里标记完成。",
        to=reverse("partners:task_list") + "#mine",
    )


@login_required
def task_claimant_search(request, pk):
    """Community staff look for the partner or unit to claim on behalf of: at most
    practical.SEARCH_RESULTS active partners of the task's community (an htmx fragment)."""
    task = practical.task_get(user=request.user, pk=pk)
    _admit(request.user, "partners.change_task", task)
    q = str(request.GET.get("q") or "").strip()[:30]
    context = {"task": task, "q": q, "found": practical.partner_search(task.community_id, q)}
    return render(request, "partners/task_claimants.html", context)


def _after(request, task):
    """Staff go back to the task; the claimant to their list."""
    if request.user.has_perm("partners.change_task", task):
        return task
    return reverse("partners:task_list") + "#mine"


@require_POST
@login_required
def task_release(request, pk):
    task = practical.task_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: practical.task_release(task=task, by=request.user, reason=data["reason"]),
        admit=lambda: TASK_WORKFLOW.admit(request.user, task, "release"),
        form=ReleaseForm(request.POST),
        page=lambda status: _task_page(request, task, status),
        done="已退回认领,这件实事重新开放认领。",
        to=_after(request, task),
    )


@require_POST
@login_required
def task_done(request, pk):
    task = practical.task_get(user=request.user, pk=pk)
    form = DoneForm(request.POST, request.FILES)
    return perform_or_refuse(
        request,
        lambda data: practical.task_done(task=task, by=request.user, **data),
        admit=lambda: TASK_WORKFLOW.admit(request.user, task, "done"),
        form=form,
        form_shown=True,
        page=lambda status: _task_page(request, task, status, done_form=form),
        done="已标记完成,完成情况会在居民页面的实事公示中展示。",
        to=task,
    )


# --- residents: the notice (实事公示) --------------------------------------------------------------
@require_GET
def public_tasks(request):
    """Done tasks, newest first, of the whole district or the street or community picked."""
    street, community = practical.place_picked(
        street_id=_id(request.GET.get("street")), community_id=_id(request.GET.get("community"))
    )
    page = paginate(request, practical.notice_list(street=street, community=community), 12)
    page.object_list = practical.with_public_names(page.object_list)
    context = {
        "page": page,
        "street": street,
        "community": community,
        "streets": practical.streets(),
        "communities": practical.communities_of(street),
    }
    return render(request, "partners/task_public_list.html", context)


@require_GET
def public_task(request, pk):
    return render(request, "partners/task_public_detail.html", {"task": practical.notice_get(pk)})


@require_GET
def public_task_photo(request, pk):
    """A done task's photo, for anybody (the notice shows it); nothing else."""
    upload = practical.notice_photo(pk)
    if upload is None or upload.kind != Upload.Kind.IMAGE:
        raise Http404
    try:
        handle = upload.file.open("rb")
    except OSError as exc:  # the record outlived its file (a restore without media)
        raise Http404 from exc
    response = FileResponse(handle, content_type=upload.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{upload.uuid}.{upload.file.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- excellent partners --------------------------------------------------------------------------
def _excellent_list_page(request, status: int = 200):
    form = ExcellentFilterForm(request.GET or None)
    year = form.year_or_default()
    filters = form.cleaned_data if form.is_valid() else {}
    rows = excellence.excellent_list(user=request.user, year=year, status=filters.get("status", ""))
    context = {"page": paginate(request, rows), "form": form, "year": year}
    if request.user.has_perm("partners.publish_excellent"):
        context["waiting"] = excellence.approved_waiting(year)
        context["publish_form"] = PublishForm(initial={"year": year})
    return render(request, "partners/excellent_list.html", context, status=status)


@login_required
@permission_required("partners.view_excellent", raise_exception=True)
def excellent_list(request):
    return _excellent_list_page(request)


@login_required
@permission_required("partners.nominate_excellent", raise_exception=True)
def excellent_nominate(request):
    """Community staff find one of their partners (a search, never the whole list) and nominate
    them with a reason; htmx asks the same page for the matches alone."""
    community = community_or_choice(
        request, "partners.nominate_excellent", heading="推荐优秀合伙人"
    )
    if isinstance(community, HttpResponse):
        return community
    q = str(request.GET.get("q") or "").strip()[:30]
    found = practical.partner_search(community.pk, q)
    if request.htmx and request.method == "GET":
        context = {"q": q, "found": found}
        return render(request, "partners/excellent_form.html#candidates", context)
    # A partner picked before the form came back with an error stays ticked.
    chosen = practical.partner_of_community(community.pk, request.POST.get("partner"))
    if chosen is not None:
        found = [chosen, *(p for p in found if p.pk != chosen.pk)]
    return create_page(
        request,
        permission="partners.nominate_excellent",
        heading="推荐优秀合伙人",
        form=lambda data, community: NominateForm(data, community=community),
        template="partners/excellent_form.html",
        create=lambda community, data: excellence.excellent_nominate(by=request.user, **data),
        done="已推荐,等待街道领导小组组长审核。",
        context={"q": q, "found": found, "chosen": chosen},
    )


def _excellent_page(request, excellent, status: int = 200):
    context = {
        "excellent": excellent,
        "can": EXCELLENT_WORKFLOW.available(request.user, excellent),
        "note_form": NoteForm(),
    }
    return render(request, "partners/excellent_detail.html", context, status=status)


@login_required
def excellent_detail(request, pk):
    return _excellent_page(request, excellence.excellent_get(user=request.user, pk=pk))


def _decision(request, pk, action: str, done: str, call):
    excellent = excellence.excellent_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: call(excellent=excellent, by=request.user, note=data["note"]),
        admit=lambda: EXCELLENT_WORKFLOW.admit(request.user, excellent, action),
        form=NoteForm(request.POST),
        page=lambda status: _excellent_page(request, excellent, status),
        done=done,
        to=excellent,
    )


@require_POST
@login_required
def excellent_approve(request, pk):
    return _decision(
        request, pk, "approve", "已审核通过,等待区级公布。", excellence.excellent_approve
    )


@require_POST
@login_required
def excellent_decline(request, pk):
    return _decision(
        request, pk, "decline", "已不予通过,社区会收到通知。", excellence.excellent_decline
    )


@require_POST
@login_required
def excellent_publish(request):
    """District staff publish the year's approved nominations (again later for later ones)."""
    _admit(request.user, "partners.publish_excellent")
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _excellent_list_page(request, 422)
    year = form.cleaned_data["year"]
    published = excellence.excellent_publish_year(by=request.user, year=year)
    if published:
        messages.success(request, f"已公布{year}年度优秀合伙人 {published} 名,居民页面可以看到。")
    else:
        messages.info(request, f"{year}年度没有待公布的优秀合伙人:审核通过的都已公布。")
    return redirect(f"{reverse('partners:excellent_list')}?year={year}")


@require_GET
def public_excellent(request, year=None):
    """The published list of a year (the latest published year at /p/partners/excellent/),
    grouped by street and community, with the count at the top."""
    years = excellence.public_years()
    if year is None:
        year = years[0] if years else None
    page = paginate(request, excellence.public_list(year), 50) if year else None
    if page is not None:
        page.object_list = excellence.for_the_public(page.object_list)
    context = {"year": year, "years": years, "page": page}
    return render(request, "partners/excellent_public.html", context)


staff_urls = [
    path("tasks/", task_list, name="task_list"),
    path("tasks/new/", task_create, name="task_create"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/cancel/", task_cancel, name="task_cancel"),
    path("tasks/<int:pk>/claim/", task_claim, name="task_claim"),
    path("tasks/<int:pk>/claimants/", task_claimant_search, name="task_claimant_search"),
    path("tasks/<int:pk>/release/", task_release, name="task_release"),
    path("tasks/<int:pk>/done/", task_done, name="task_done"),
    path("excellent/", excellent_list, name="excellent_list"),
    path("excellent/new/", excellent_nominate, name="excellent_nominate"),
    path("excellent/publish/", excellent_publish, name="excellent_publish"),
    path("excellent/<int:pk>/", excellent_detail, name="excellent_detail"),
    path("excellent/<int:pk>/approve/", excellent_approve, name="excellent_approve"),
    path("excellent/<int:pk>/decline/", excellent_decline, name="excellent_decline"),
]
public_urls = [
    path("tasks/", public_tasks, name="tasks"),
    path("tasks/<int:pk>/", public_task, name="task"),
    path("tasks/<int:pk>/photo/", public_task_photo, name="task_photo"),
    path("partners/excellent/", public_excellent, name="excellent_latest"),
    path("partners/excellent/<int:year>/", public_excellent, name="excellent"),
]
