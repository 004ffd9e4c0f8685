"""Staff pages of the monthly rhythm under /publications/manage/ (namespace `publications`): the
drafts and the archive, one publication with its foreword, sign-off and recompile buttons, the
district's auto-publish setting and compiling a month by hand.

Views parse, check the rule, call a selector or a service (publications/services.py); refusals
become pages in core/http.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.models import Street
from core.http import form_page, perform_or_refuse
from core.paging import paginate

from . import services, wecom
from .forms import CompileForm, ForewordForm, ListFilterForm, SettingsForm
from .models import Kind, PublicationSettings
from .services import PUBLICATION_WORKFLOW


def _get(request, pk):
    publication = services.publication_get(user=request.user, pk=pk)
    if not request.user.has_perm("publications.view_publications"):
        raise PermissionDenied
    return publication


def _district(request):
    district = services.district_of(request.user)
    if district is None:
        raise PermissionDenied
    return district


@login_required
@permission_required("publications.view_publications", raise_exception=True)
def publication_list(request):
    form = ListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = services.publication_list(
        user=request.user,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        late=filters.get("late", False),
    )
    user = request.user
    context = {
        "page": paginate(request, rows),
        "form": form,
        "can_settings": user.has_perm("publications.manage_settings"),
        "can_compile": user.has_perm("publications.compile_publications"),
    }
    template = "publications/staff_list.html"
    if request.htmx:
        return render(request, f"{template}#rows", context)
    # The group robots the user sets: a 组长 their street's, district staff each street's.
    context["wecom_streets"] = wecom.wecom_street_list(user)
    return render(request, template, context)


def _detail_page(request, publication, status=200, form=None):
    can = PUBLICATION_WORKFLOW.available(request.user, publication)
    context = {
        "publication": publication,
        "can": can,
        "late": services.is_late(publication),
        "form": form or ForewordForm(initial={"foreword": publication.foreword}),
    }
    return render(request, "publications/staff_detail.html", context, status=status)


@login_required
def publication_detail(request, pk):
    return _detail_page(request, _get(request, pk))


@require_POST
@login_required
def sign_off(request, pk):
    publication = _get(request, pk)
    form = ForewordForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: services.publication_sign_off(
            publication=publication, by=request.user, foreword=data["foreword"]
        ),
        admit=lambda: PUBLICATION_WORKFLOW.admit(request.user, publication, "sign_off"),
        form=form,
        form_shown=True,
        page=lambda status: _detail_page(request, _get(request, pk), status, form),
        done="已签发:本期已发布,正在通知和投递。",
        to=publication,
    )


@require_POST
@login_required
def foreword(request, pk):
    publication = _get(request, pk)
    form = ForewordForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: services.publication_foreword(
            publication=publication, by=request.user, foreword=data["foreword"]
        ),
        admit=lambda: PUBLICATION_WORKFLOW.admit(request.user, publication, "edit_foreword"),
        form=form,
        form_shown=True,
        page=lambda status: _detail_page(request, _get(request, pk), status, form),
        done="导语已保存(尚未签发)。",
        to=publication,
    )


@require_POST
@login_required
def recompile(request, pk):
    publication = _get(request, pk)
    return perform_or_refuse(
        request,
        lambda data: services.publication_recompile(publication=publication, by=request.user),
        admit=lambda: PUBLICATION_WORKFLOW.admit(request.user, publication, "recompile"),
        page=lambda status: _detail_page(request, _get(request, pk), status),
        done="已按最新记录重新汇编。",
        to=publication,
    )


@login_required
@permission_required("publications.manage_settings", raise_exception=True)
def publication_settings(request):
    district = _district(request)
    current = PublicationSettings.for_district(district)
    initial = {"auto_publish": current.auto_publish, "auto_publish_hour": current.auto_publish_hour}
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)

    def perform(data):
        services.settings_update(
            by=request.user,
            district=district,
            auto_publish=data["auto_publish"],
            hour=data["auto_publish_hour"],
        )
        messages.success(request, "月度晾晒设置已保存。")
        return redirect("publications:settings")

    context = {"district": district, "current": current}
    return form_page(
        request,
        form,
        template="publications/staff_settings.html",
        context=context,
        perform=perform,
    )


@login_required
@permission_required("publications.compile_publications", raise_exception=True)
def compile_month(request):
    district = _district(request)
    form = CompileForm(request.POST if request.method == "POST" else None, district=district)

    def perform(data):
        kind, street = data["kind"], data.get("street")
        if kind == Kind.DIGEST:
            scopes = [None]
        elif street is not None:
            scopes = [street]
        else:
            scopes = list(Street.objects.filter(district=district).order_by("name"))
        created = 0
        with transaction.atomic():
            for one in scopes:
                _, made = services.publication_compile(
                    kind=kind, district=district, street=one, month=data["month"], by=request.user
                )
                created += made
        month = data["month"]
        messages.success(
            request,
            f"{month.year}年{month.month}月{Kind(kind).label}:新汇编 {created} 期,"
            f"已存在 {len(scopes) - created} 期(已有的不会重复汇编)。",
        )
        return redirect(reverse("publications:list") + f"?kind={kind}")

    today = timezone.localdate()
    return form_page(
        request,
        form,
        template="publications/staff_compile.html",
        context={"district": district, "today": today},
        perform=perform,
    )


urls = [
    path("manage/", publication_list, name="list"),
    path("manage/<int:pk>/", publication_detail, name="detail"),
    path("manage/<int:pk>/sign-off/", sign_off, name="sign_off"),
    path("manage/<int:pk>/foreword/", foreword, name="foreword"),
    path("manage/<int:pk>/recompile/", recompile, name="recompile"),
    path("manage/settings/", publication_settings, name="settings"),
    path("manage/compile/", compile_month, name="compile"),
]
