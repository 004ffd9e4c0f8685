"""The needs list and a need's pages: parse, ask the workflow or a selector, call a service.
Refusals become pages in core/http.py; what each status allows is in needs/workflow.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from accounts.choice import create_page
from core.http import form_page, perform_or_refuse
from core.paging import CappedPaginator
from core.workflow import Conflict

from . import export, hooks, selectors, services
from .forms import (
    CategoryForm,
    MentionForm,
    MergeForm,
    NeedEditForm,
    NeedFilterForm,
    NeedForm,
    StatusForm,
)
from .models import Need, NeedStatus
from .workflow import NEED_WORKFLOW, NOTE_REQUIRED, STATUS_ACTIONS


# --- the list -----------------------------------------------------------------------------------
def _list_form(request):
    """The filter form with pickers of the person's scope: a community's staff pick among its
    compounds; street and district staff pick a community (then its compounds)."""
    scope = request.user.scope
    categories = selectors.categories()
    own = scope.community_ids()
    if own and len(own) == 1 and not scope.street_ids() and not scope.is_district_business:
        communities, in_play = [], list(own)
    else:
        communities = selectors.community_choices(request.user)
        wanted = request.GET.get("community", "")
        in_play = [c.pk for c in communities if str(c.pk) == wanted]
        if len(communities) == 1:
            in_play = [communities[0].pk]
    compounds = selectors.compound_choices(in_play) if in_play else []
    form = NeedFilterForm(
        request.GET or None,
        categories=categories,
        communities=communities,
        compounds=compounds,
    )
    return form, categories, communities


def _query(request) -> str:
    """The list's filters as a query string (for the export and the charts)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@permission_required("needs.view_need", raise_exception=True)
def need_list(request):
    form, categories, communities = _list_form(request)
    filters = form.filters()
    figures = selectors.figures(
        selectors.narrow(Need.objects.visible_to(request.user), **filters), categories
    )
    rows = selectors.need_list(user=request.user, grouped=form.grouped, **filters)
    paginator = CappedPaginator(rows, settings.PAGE_SIZE)
    paginator.count = figures.total  # counted already, with the figures
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for need in page.object_list:  # a grouped page heads each category with its count
        need.group_count = figures.by_category.get(need.category_id, 0)
    context = {
        "page": page,
        "form": form,
        "figures": figures,
        "grouped": form.grouped,
        "category_counts": [(c.name, figures.by_category.get(c.code, 0)) for c in categories],
        "status_counts": [(label, figures.by_status.get(v, 0)) for v, label in NeedStatus.choices],
        "statuses": NeedStatus.labels,
        # The per-community breakdown is loaded after the page (need_breakdown).
        "breakdown_communities": len(communities) if len(communities) > 1 else 0,
        "query": _query(request),
        "export_cap": export.EXPORT_CAP,
    }
    template = "needs/need_list.html#rows" if request.htmx else "needs/need_list.html"
    return render(request, template, context)


@login_required
@permission_required("needs.view_need", raise_exception=True)
@require_GET
def need_breakdown(request):
    """The list's per-community breakdown for street and district staff, for the same filters:
    one row per community of their scope (zeros included), loaded after the list."""
    form, categories, communities = _list_form(request)
    breakdown = None
    if len(communities) > 1:
        needs = selectors.narrow(Need.objects.visible_to(request.user), **form.filters())
        breakdown = selectors.breakdown(
            communities, selectors.figures(needs, categories).by_community
        )
    context = {
        "breakdown": breakdown,
        "statuses": NeedStatus.labels,
        # The district's breakdown is headed street by street (communities come by street).
        "several_streets": len({c.street_id for c in communities}) > 1,
    }
    return render(request, "needs/_breakdown.html", context)


@login_required
@permission_required("needs.view_need", raise_exception=True)
def need_charts(request):
    """The list's two charts (by category, by source) for the same filters, loaded after the
    page: their figures are kept off the list's own query budget."""
    form, categories, _ = _list_form(request)
    filters = form.filters()
    needs = selectors.narrow(Need.objects.visible_to(request.user), **filters)
    by_category = selectors.needs_by_category(needs)
    by_source = selectors.mentions_by_source(needs)
    data = {
        "category": {
            "labels": [c.name for c in categories],
            "values": [by_category.get(c.code, 0) for c in categories],
            "title": "各类别需求数(条)",
        },
        "source": {
            "labels": [str(label) for label in Need.Source.labels],
            "values": [by_source.get(v, 0) for v in Need.Source.values],
            "title": "各来源反映人次",
        },
    }
    for chart in data.values():
        pairs = zip(chart["labels"], chart["values"], strict=True)
        chart["summary"] = "、".join(f"{label} {value}" for label, value in pairs)
    return render(request, "needs/_charts.html", {"data": data})


@login_required
@permission_required("needs.export_need", raise_exception=True)
def need_export(request):
    """The list as it is filtered, every page, as an Excel workbook (audited)."""
    form, _, _ = _list_form(request)
    filters = form.filters()
    needs = selectors.need_list(user=request.user, grouped=form.grouped, **filters)
    return export.need_workbook(user=request.user, needs=needs, filters=filters)


@login_required
@permission_required("needs.add_need", raise_exception=True)
def need_create_view(request):
    return create_page(
        request,
        permission="needs.add_need",
        heading="记录需求",
        form=lambda data, community: NeedForm(data, community=community),
        template="needs/need_form.html",
        create=lambda community, data: services.need_create(
            by=request.user, community=community, data=data
        ),
        done="需求已记入需求清单。",
    )


# --- a need's page ------------------------------------------------------------------------------
def _need(request, pk):
    return selectors.need_get(user=request.user, pk=pk)


def _page(request, need, *, status=200, **forms):
    """The need's page, with any form that came back with errors."""
    can = NEED_WORKFLOW.available(request.user, need)
    actions = [a for hook in hooks.NEED_PAGE_ACTIONS for a in hook(request, need)]
    context = {
        "need": need,
        "can": can,
        "may_change": request.user.has_perm("needs.change_need", need),
        "may_merge": request.user.has_perm("needs.merge_need", need),
        "status_buttons": [
            (name, NEED_WORKFLOW[name].label, name in NOTE_REQUIRED)
            for name in STATUS_ACTIONS
            if can[name]
        ],
        "groups": selectors.sources(need),
        "receipts": selectors.receipts(need) if need.receipt_count else [],
        "adoptions": hooks.adoptions([need.pk]).get(need.pk, []),
        "history": selectors.history(need),
        "page_actions": actions,
        "mention_form": forms.get("mention_form") or MentionForm(),
        "status_form": forms.get("status_form"),
    }
    return render(request, "needs/need_detail.html", context, status=status)


@login_required
def need_detail(request, pk):
    try:
        need = _need(request, pk)
    except Http404:
        kept = selectors.merged_target(user=request.user, pk=pk)
        if kept is None:
            raise
        messages.info(request, "这条需求已合并到下面这条需求,来源和回执都已转到这里。")
        return redirect(kept)
    return _page(request, need)


def _act(request, need, action: str, call, *, done: str, form=None, form_key: str = ""):
    forms = {form_key: form} if form_key else {}

    def page(status):
        return _page(request, _need(request, need.pk), status=status, **forms)

    return perform_or_refuse(
        request,
        call,
        page=page,
        done=done,
        to=need,
        admit=lambda: NEED_WORKFLOW.admit(request.user, need, action),
        form=form,
        form_shown=bool(form_key),
    )


@require_POST
@login_required
def need_status(request, pk):
    need = _need(request, pk)
    form = StatusForm(request.POST)
    action = request.POST.get("action", "")
    if action not in STATUS_ACTIONS:
        if not request.user.has_perm("needs.set_need_status", need):
            raise PermissionDenied
        messages.error(request, "没有这个操作。")
        return _page(request, need, status=422)
    return _act(
        request,
        need,
        action,
        lambda data: services.need_set_status(
            need=need, by=request.user, action=action, note=data["note"]
        ),
        done=f"需求已{NEED_WORKFLOW[action].label}。",
        form=form,
        form_key="status_form",
    )


@require_POST
@login_required
def need_mention_add(request, pk):
    need = _need(request, pk)
    form = MentionForm(request.POST)

    def admit():
        if not request.user.has_perm("needs.change_need", need):
            raise PermissionDenied

    def page(status):
        fresh = _need(request, need.pk)
        return _page(request, fresh, status=status, mention_form=form)

    return perform_or_refuse(
        request,
        lambda data: services.need_mention(need=need, by=request.user, **data),
        page=page,
        done="已添加一条来源。",
        to=need,
        admit=admit,
        form=form,
        form_shown=True,
    )


@login_required
def need_edit(request, pk):
    need = _need(request, pk)
    form = NeedEditForm(request.POST if request.method == "POST" else None, instance=need)

    def perform(data):
        services.need_update(need=need, by=request.user, data=data)
        messages.success(request, "需求已修改。")
        return redirect(need)

    return form_page(
        request,
        form,
        template="needs/need_edit.html",
        context={"need": need},
        perform=perform,
        admit=lambda: NEED_WORKFLOW.admit(request.user, need, "edit"),
        back=need,
    )


@login_required
def need_delete(request, pk):
    """A confirmation page; the POST deletes (softly: the need leaves every list)."""
    need = _need(request, pk)
    if request.method != "POST":
        try:
            NEED_WORKFLOW.admit(request.user, need, "delete")
        except Conflict as exc:
            messages.error(request, exc.messages[0])
            return redirect(need)
        return render(request, "needs/need_delete.html", {"need": need})

    def call(_data):
        services.need_delete(need=need, by=request.user)

    return perform_or_refuse(
        request,
        call,
        page=lambda status: _page(request, _need(request, need.pk), status=status),
        done=f"需求“{need.title}”已删除。",
        to=reverse("needs:list"),
        admit=lambda: NEED_WORKFLOW.admit(request.user, need, "delete"),
    )


# --- merging two needs --------------------------------------------------------------------------
@login_required
def need_merge(request, pk):
    """Pick the need this one duplicates (a search among the community's needs), see both side
    by side, confirm: this one goes into the other, which keeps everything."""
    need = _need(request, pk)
    if not request.user.has_perm("needs.merge_need", need):
        raise PermissionDenied
    # A NUL byte never reaches PostgreSQL (it refuses one in a query: a 500).
    q = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    wanted = request.POST.get("into") or request.GET.get("into") or ""
    chosen = None
    # An id: ASCII digits ("²" is a digit to str.isdigit, not to int()), and not a number the
    # database cannot hold.
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
        chosen = selectors.merge_candidates_by_pk(need, int(wanted))
    candidates = [chosen] if chosen else []
    form = MergeForm(request.POST if request.method == "POST" else None, candidates=candidates)
    context = {
        "need": need,
        "q": q,
        "found": selectors.merge_candidates(need, q) if q and chosen is None else [],
        "chosen": chosen,
        "form": form,
    }
    if request.method != "POST":
        return render(request, "needs/need_merge.html", context)

    def call(data):
        kept = services.need_merge(old=need, new=chosen, by=request.user)
        context["kept"] = kept

    def page(status):
        return render(request, "needs/need_merge.html", context, status=status)

    return perform_or_refuse(
        request,
        call,
        page=page,
        done="已合并:来源、反映人次、回执和关联的项目都转到了保留的这条需求。",
        to=chosen.get_absolute_url() if chosen else reverse("needs:detail", args=[need.pk]),
        form=form,
    )


# --- the district's categories ------------------------------------------------------------------
CATEGORY_DONE = {
    "add": "类别已添加。",
    "rename": "类别已改名。",
    "up": "已上移。",
    "down": "已下移。",
    "deactivate": "类别已停用:不能再选,已有需求不受影响。",
    "activate": "类别已启用。",
    "delete": "类别已删除。",
}


def _category_call(by, data):
    op, category = data["op"], data.get("category")
    if op == "add":
        return services.category_create(by=by, name=data["name"])
    if category is None:
        raise ValidationError("请选择类别。")
    if op == "rename":
        return services.category_rename(category=category, by=by, name=data["name"])
    if op in ("up", "down"):
        return services.category_move(category=category, by=by, up=op == "up")
    if op == "delete":
        return services.category_delete(category=category, by=by)
    return services.category_set_active(category=category, by=by, active=op == "activate")


@login_required
@permission_required("needs.view_categories", raise_exception=True)
def category_list(request):
    """Everybody who works with needs reads the list; district staff keep it: add, rename,
    reorder, deactivate or reactivate, delete one never used (one POST field `op`)."""
    manage = request.user.has_perm("needs.manage_categories")
    posted = request.method == "POST"
    form = CategoryForm(request.POST if posted else None)

    def page(status):
        context = {
            "categories": selectors.categories_in_use(),
            "manage": manage,
            "form": form if posted and request.POST.get("op") == "add" else CategoryForm(),
        }
        return render(request, "needs/category_list.html", context, status=status)

    if not posted:
        return page(200)

    def admit():
        if not manage:
            raise PermissionDenied

    return perform_or_refuse(
        request,
        lambda data: _category_call(request.user, data),
        page=page,
        done=CATEGORY_DONE.get(request.POST.get("op"), "已保存。"),
        to=reverse("needs:categories"),
        admit=admit,
        form=form,
        form_shown=request.POST.get("op") == "add",
    )
