"""Resources partners and units offer (场地, 资金, 物资, 服务, 志愿时长): add, edit, retire and
restore them (the partner's community), and their section on the partner's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from core.http import form_page, perform_or_refuse
from core.scope import get_visible_or_404
from core.workflow import Conflict

from .models import Partner, PartnerStatus, Resource
from .resource_forms import ResourceCreateForm, ResourceForm
from .resources import resource_create, resource_restore, resource_retire, resource_update
from .sections import DETAIL_SECTIONS


def _posted(request):
    return request.POST if request.method == "POST" else None


def _back(partner) -> str:
    return f"{partner.get_absolute_url()}#resources"


def _may_add(user, partner) -> None:
    if not user.has_perm("partners.add_resource", partner):
        raise PermissionDenied
    if partner.status != PartnerStatus.ACTIVE:
        raise Conflict(f"该合伙人当前状态为“{partner.get_status_display()}”,不能登记新的资源。")


@login_required
def resource_create_view(request, pk):
    partner = get_visible_or_404(
        Partner.objects.select_related("community", "category"), request.user, pk=pk
    )

    def perform(data):
        resource = resource_create(partner=partner, by=request.user, data=data)
        messages.success(request, f"已登记资源“{resource.description}”。")
        return redirect(_back(partner))

    return form_page(
        request,
        ResourceCreateForm(_posted(request)),
        template="partners/resource_form.html",
        context={"partner": partner, "heading": "登记资源"},
        perform=perform,
        admit=lambda: _may_add(request.user, partner),
        back=partner,
    )


def _resource(request, pk) -> Resource:
    queryset = Resource.objects.select_related("partner__community", "partner__category")
    return get_visible_or_404(queryset, request.user, pk=pk)


def _may_change(user, resource) -> None:
    if not user.has_perm("partners.change_resource", resource):
        raise PermissionDenied


def _edit_page(request, resource, form, *, status=200):
    context = {
        "partner": resource.partner,
        "resource": resource,
        "form": form,
        "heading": "修改资源",
    }
    return render(request, "partners/resource_form.html", context, status=status)


@login_required
def resource_edit_view(request, pk):
    resource = _resource(request, pk)

    def perform(data):
        resource_update(resource=resource, by=request.user, data=data)
        messages.success(request, "资源已修改。")
        return redirect(_back(resource.partner))

    return form_page(
        request,
        ResourceForm(_posted(request), instance=resource),
        template="partners/resource_form.html",
        context={"partner": resource.partner, "resource": resource, "heading": "修改资源"},
        perform=perform,
        admit=lambda: _may_change(request.user, resource),
        back=resource.partner,
    )


def _switch(request, pk, service, done: str):
    resource = _resource(request, pk)
    return perform_or_refuse(
        request,
        lambda data: service(resource=resource, by=request.user),
        page=lambda status: _edit_page(
            request, _resource(request, pk), ResourceForm(instance=resource), status=status
        ),
        done=done,
        to=_back(resource.partner),
        admit=lambda: _may_change(request.user, resource),
    )


@require_POST
@login_required
def resource_retire_view(request, pk):
    return _switch(request, pk, resource_retire, "资源已停用,新的项目不再能选用它。")


@require_POST
@login_required
def resource_restore_view(request, pk):
    return _switch(request, pk, resource_restore, "资源已恢复提供。")


def resource_section(request, partner) -> dict | None:
    """The partner's resources on its page: staff of its community change them (retired ones
    too, to restore); anyone else who sees the partner (the partner themself) reads what it
    offers now."""
    may_change = request.user.has_perm("partners.add_resource", partner)
    resources = Resource.objects.filter(partner=partner).order_by("-active", "kind", "id")
    if not may_change:
        resources = resources.filter(active=True)
    resources = list(resources)
    if not resources and not may_change:
        return None
    return {
        "template": "partners/resource_section.html",
        "partner": partner,
        "resources": resources,
        "may_change": may_change,
        "may_add": may_change
        and partner.status == PartnerStatus.ACTIVE
        and partner.deleted_at is None,
    }


if resource_section not in DETAIL_SECTIONS:
    DETAIL_SECTIONS.append(resource_section)

# URL patterns of this area: staff pages under partners/ (namespace partners), residents' and
# partners' public pages under p/ (namespace partners_public). partners/urls.py and
# partners/public_urls.py collect them.
staff_urls = [
    path("<int:pk>/resources/new/", resource_create_view, name="resource_create"),
    path("resources/<int:pk>/edit/", resource_edit_view, name="resource_edit"),
    path("resources/<int:pk>/retire/", resource_retire_view, name="resource_retire"),
    path("resources/<int:pk>/restore/", resource_restore_view, name="resource_restore"),
]
public_urls = []
