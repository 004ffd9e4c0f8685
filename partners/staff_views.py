"""Partners kept by staff: edit, deactivate, restore; the district's categories; the Excel import
and export. Views parse, check the rule, call a service (partners/staff.py, partners/imports.py,
partners/export.py); refusals become pages in core/http.py."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from rules.contrib.views import permission_required

from accounts.choice import community_or_choice
from core.http import form_page, perform_or_refuse
from core.scope import get_visible_or_404

from . import export, imports
from .forms import CategoryCreateForm, CategoryForm, DeactivateForm, ImportForm, PartnerEditForm
from .models import Category, ImportJob, ImportStatus, Partner
from .staff import (
    PARTNER_WORKFLOW,
    category_create,
    category_update,
    partner_deactivate,
    partner_restore,
    partner_update,
)
from .views import detail_page, filter_form, partner_get, partner_rows


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- a partner's record ---------------------------------------------------------------------------
@login_required
def partner_edit(request, pk):
    partner = partner_get(request, pk)
    form = PartnerEditForm(_posted(request), instance=partner)

    def perform(data):
        partner_update(partner=partner, by=request.user, data=data)
        messages.success(request, "合伙人信息已修改。")
        return redirect(partner)

    return form_page(
        request,
        form,
        template="partners/partner_edit.html",
        context={"partner": partner},
        perform=perform,
        admit=lambda: PARTNER_WORKFLOW.admit(request.user, partner, "edit"),
        back=partner,
    )


@require_POST
@login_required
def partner_deactivate_view(request, pk):
    partner = partner_get(request, pk)
    form = DeactivateForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: partner_deactivate(partner=partner, by=request.user, reason=data["reason"]),
        page=lambda status: detail_page(
            request, partner_get(request, pk), status=status, deactivate_form=form
        ),
        done=f"已停用合伙人“{partner.name}”:不再出现在选择合伙人的列表里,记录保留。",
        to=partner,
        admit=lambda: PARTNER_WORKFLOW.admit(request.user, partner, "deactivate"),
        form=form,
        form_shown=True,
    )


@require_POST
@login_required
def partner_restore_view(request, pk):
    partner = partner_get(request, pk)
    return perform_or_refuse(
        request,
        lambda data: partner_restore(partner=partner, by=request.user),
        page=lambda status: detail_page(request, partner_get(request, pk), status=status),
        done=f"合伙人“{partner.name}”已恢复在册。",
        to=partner,
        admit=lambda: PARTNER_WORKFLOW.admit(request.user, partner, "restore"),
    )


# --- the district's categories --------------------------------------------------------------------
@login_required
@permission_required("partners.manage_categories", raise_exception=True)
@require_GET
def category_list(request):
    """The district's partner categories, with how many partners (not deleted) each holds."""
    counts = dict(
        Partner.objects.alive().order_by().values_list("category_id").annotate(n=Count("id"))
    )
    categories = list(Category.objects.all())
    for category in categories:
        category.partner_count = counts.get(category.code, 0)
    return render(request, "partners/category_list.html", {"categories": categories})


@login_required
@permission_required("partners.manage_categories", raise_exception=True)
def category_create_view(request):
    form = CategoryCreateForm(_posted(request))

    def perform(data):
        category = category_create(by=request.user, name=data["name"])
        messages.success(request, f"已添加类别“{category.name}”,各社区登记合伙人时即可选择。")
        return redirect("partners:category_list")

    return form_page(
        request,
        form,
        template="partners/category_form.html",
        context={"heading": "添加合伙人类别"},
        perform=perform,
    )


@login_required
@permission_required("partners.manage_categories", raise_exception=True)
def category_edit(request, pk):
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(_posted(request), instance=category)

    def perform(data):
        category_update(
            category=category,
            by=request.user,
            name=data["name"],
            order=data.get("order"),
            active=data.get("active", False),
        )
        messages.success(request, "类别已保存。")
        return redirect("partners:category_list")

    return form_page(
        request,
        form,
        template="partners/category_form.html",
        context={"heading": f"修改类别“{category.name}”", "category": category},
        perform=perform,
    )


# --- export ---------------------------------------------------------------------------------------
@login_required
@permission_required("partners.export_partner", raise_exception=True)
@require_GET
def partner_export(request):
    """The list as it is filtered, every page, as an Excel workbook (audited)."""
    filters = filter_form(request).filters()
    rows = partner_rows(request.user, filters)
    return export.partner_workbook(user=request.user, partners=rows, filters=filters)


# --- import ---------------------------------------------------------------------------------------
@login_required
@permission_required("partners.import_partner", raise_exception=True)
def import_page(request):
    """Upload an Excel file into a community (picked first by whoever works in several)."""
    community = community_or_choice(request, "partners.import_partner", heading="导入合伙人")
    if isinstance(community, HttpResponse):
        return community
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    recent = ImportJob.objects.filter(community=community).select_related("created_by")[:5]

    def perform(data):
        try:
            job = imports.import_start(
                by=request.user, community=community, uploaded_file=data["file"]
            )
        except imports.ImportRefused as exc:
            form.report, form.refusal = exc.report, exc.messages[0]
            raise
        if job.status == ImportStatus.DONE:
            messages.success(request, f"已导入 {job.created} 位合伙人。")
        else:
            messages.info(
                request, f"文件共 {job.total} 行,正在后台检查并导入,可以留在本页查看进度。"
            )
        return redirect(job)

    return form_page(
        request,
        form,
        template="partners/import_form.html",
        context={
            "community": community,
            "recent": recent,
            "max_rows": imports.MAX_ROWS,
            "max_mb": imports.MAX_BYTES // (1024 * 1024),
            "sync_rows": imports.SYNC_ROWS,
            "header": imports.HEADER,
        },
        perform=perform,
    )


@login_required
@require_GET
def import_detail(request, pk):
    """An import's progress (polled by htmx while it runs) and its report."""
    job = get_visible_or_404(
        ImportJob.objects.select_related("community", "created_by"), request.user, pk=pk
    )
    if not request.user.has_perm("partners.import_partner", job):
        raise PermissionDenied
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    context = {
        "job": job,
        "running": running,
        "percent": int(job.checked * 100 / job.total) if job.total else 0,
    }
    template = "partners/import_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


@login_required
@permission_required("partners.import_partner", raise_exception=True)
@require_GET
def import_template(request):
    """A blank workbook with the header row and one example row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("合伙人")
    for index, width in enumerate((20, 12, 16, 12, 30, 24, 30, 16), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in imports.template_rows():
        cells = [export.text_cell(sheet, value) for value in row]
        # The phone column is text: Excel would turn 13800000000 into 1.38E+10.
        cells[2].number_format = "@"
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename="合伙人导入模板.xlsx", content_type=export.CONTENT_TYPE
    )


staff_urls = [
    path("<int:pk>/edit/", partner_edit, name="edit"),
    path("<int:pk>/deactivate/", partner_deactivate_view, name="deactivate"),
    path("<int:pk>/restore/", partner_restore_view, name="restore"),
    path("categories/", category_list, name="category_list"),
    path("categories/new/", category_create_view, name="category_create"),
    path("categories/<int:pk>/edit/", category_edit, name="category_edit"),
    path("export/", partner_export, name="export"),
    path("import/", import_page, name="import"),
    path("import/template/", import_template, name="import_template"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
]
public_urls = []
