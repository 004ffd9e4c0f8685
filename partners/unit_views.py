"""双报到 units and party members, 单位包小区 and 党员包楼栋, the coverage view, and 战时 call-outs.

Views parse, check the rule, call a selector or a service (partners/units.py,
partners/emergencies.py); refusals become pages in core/http.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.choice import community_or_choice, create_page
from accounts.models import Community, Street
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404

from . import emergencies, units
from .emergencies import EMERGENCY_WORKFLOW
from .models import Partner, PartnerStatus
from .sections import DETAIL_SECTIONS
from .unit_forms import (
    REPORT_FORMS,
    AdoptBuildingForm,
    AdoptCompoundForm,
    AlertAnswerForm,
    AlertFilterForm,
    DualReportFilterForm,
    EmergencyCloseForm,
    EmergencyForm,
)

# How many alerts an emergency's page lists at a time.
ALERT_ROWS = 50


def _admit(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _pk(value: str) -> int:
    """An id from the query string; anything else is a page that does not exist."""
    if not str(value).isdigit():
        raise Http404
    return int(value)


# --- 双报到 -------------------------------------------------------------------------------------
@login_required
@permission_required("partners.report_partner", raise_exception=True)
def dual_report(request):
    kind = request.GET.get("type", units.UNIT)
    if kind not in units.REPORT_KINDS:
        kind = units.UNIT
    heading = "双报到登记"
    community = community_or_choice(request, "partners.report_partner", heading=heading)
    if isinstance(community, HttpResponse):
        return community
    post = request.POST if request.method == "POST" else None
    form = REPORT_FORMS[kind](post, community=community)

    def perform(data):
        partner, created = units.partner_dual_report(
            by=request.user, community=community, kind=kind, data=data
        )
        if created:
            messages.success(request, f"{partner.name}已完成双报到登记。")
        else:
            messages.success(
                request, f"{partner.name}已是本社区合伙人,已更新双报到信息,没有重复登记。"
            )
        if partner.status != PartnerStatus.ACTIVE:
            messages.warning(request, f"注意:该合伙人当前状态为“{partner.get_status_display()}”。")
        return redirect(partner)

    tabs = []
    for value, label in units.REPORT_KINDS.items():
        query = request.GET.copy()
        query["type"] = value
        tabs.append((value, label, query.urlencode()))
    context = {"community": community, "heading": heading, "kind": kind, "tabs": tabs}
    return form_page(
        request, form, template="partners/unit_report_form.html", context=context, perform=perform
    )


@login_required
@permission_required("partners.view_dual_report", raise_exception=True)
def dual_report_list(request):
    form = DualReportFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = paginate(request, units.dual_report_list(user=request.user, kind=kind))
    context = {"page": page, "form": form, "can_adopt": request.user.has_perm("partners.adopt")}
    template = "partners/unit_report_list.html"
    return render(request, f"{template}#rows" if request.htmx else template, context)


# --- 单位包小区, 党员包楼栋 -------------------------------------------------------------------------
def _partner(request, pk) -> Partner:
    return get_visible_or_404(
        Partner.objects.select_related("community", "category"), request.user, pk=pk
    )


def _adopt_page(request, pk, *, kind: str):
    partner = _partner(request, pk)
    admit = lambda: _admit(request.user, "partners.adopt", partner)  # noqa: E731
    admit()
    post = request.POST if request.method == "POST" else None
    if kind == "compound":
        form = AdoptCompoundForm(post, community=partner.community)
        allowed, adopt = units.is_adopting_unit(partner), units.compound_adopt
        heading, target = "单位包小区", "compound"
    else:
        form = AdoptBuildingForm(post, community=partner.community)
        allowed, adopt = units.is_party_member(partner), units.building_adopt
        heading, target = "党员包楼栋", "building"

    def perform(data):
        adoption = adopt(partner=partner, by=request.user, **data)
        messages.success(request, f"已登记:{partner.name}包联{getattr(adoption, target)}。")
        return redirect(partner)

    context = {
        "partner": partner,
        "heading": heading,
        "kind": kind,
        "allowed": allowed,
        **units.partner_adoptions(partner),
    }
    return form_page(
        request,
        form,
        template="partners/unit_adopt.html",
        context=context,
        perform=perform,
        admit=admit,
        back=partner,
    )


@login_required
def adopt_compound(request, pk):
    return _adopt_page(request, pk, kind="compound")


@login_required
def adopt_building(request, pk):
    return _adopt_page(request, pk, kind="building")


@require_POST
@login_required
def adoption_end(request, kind, pk):
    if kind not in units.ADOPTIONS:
        raise Http404
    adoption = units.adoption_get(user=request.user, kind=kind, pk=pk)
    partner = adoption.partner

    def page(status):
        context = {"partner": partner, **units.partner_adoptions(partner)}
        return render(request, "partners/unit_adoptions.html", context, status=status)

    return perform_or_refuse(
        request,
        lambda data: units.adoption_end(kind=kind, adoption=adoption, by=request.user),
        admit=lambda: _admit(request.user, "partners.end_adoption", adoption),
        page=page,
        done="包联已结束。",
        to=partner,
    )


def unit_section(request, partner) -> dict | None:
    """The partner's page: 双报到 details and current adoptions, with the forms to add and end
    them for the community's staff. Nothing for a partner who is neither a unit nor a party
    member and never reported."""
    is_unit, is_member = units.is_adopting_unit(partner), units.is_party_member(partner)
    if not (is_unit or is_member or partner.reported_at):
        return None
    may = request.user.has_perm("partners.adopt", partner)
    can_add = may and partner.status == PartnerStatus.ACTIVE
    section = {
        "template": "partners/unit_section.html",
        "partner": partner,
        "is_unit": is_unit,
        "is_member": is_member,
        "can_end": may,
        **units.partner_adoptions(partner),
    }
    if can_add and is_unit:
        section["compound_form"] = AdoptCompoundForm(
            community=partner.community, auto_id="adopt-compound-%s"
        )
    if can_add and is_member:
        section["building_form"] = AdoptBuildingForm(
            community=partner.community, auto_id="adopt-building-%s"
        )
    return section


DETAIL_SECTIONS.append(unit_section)


# --- the coverage view ------------------------------------------------------------------------
@login_required
@permission_required("partners.view_coverage", raise_exception=True)
def coverage(request):
    user, scope = request.user, request.user.scope
    if "community" in request.GET:
        community = get_visible_or_404(
            Community.objects.select_related("street"), user, pk=_pk(request.GET["community"])
        )
        return _coverage_community(request, community)
    if "street" in request.GET:
        street = get_visible_or_404(Street, user, pk=_pk(request.GET["street"]))
        return _coverage_places(request, street=street)
    if scope.is_district_business:
        return _coverage_places(request)
    if scope.street_ids():
        streets = list(Street.objects.visible_to(user)[:2])
        return _coverage_places(request, street=streets[0] if len(streets) == 1 else None)
    communities = list(Community.objects.visible_to(user).select_related("street")[:2])
    if len(communities) == 1:
        return _coverage_community(request, communities[0])
    return _coverage_places(request, communities=True)


def _coverage_community(request, community):
    rows, counts = units.coverage_community(community)
    context = {"community": community, "rows": rows, "counts": counts}
    return render(request, "partners/coverage_community.html", context)


def _coverage_places(request, *, street=None, communities: bool = False):
    """A street's communities, the communities of a person working in several, or the
    district's streets (each drills down a level)."""
    user = request.user
    if street is not None:
        rows, total = units.coverage_by_community(Community.objects.filter(street=street))
        level = "community"
    elif communities:
        rows, total = units.coverage_by_community(Community.objects.visible_to(user))
        level = "community"
    else:
        rows, total = units.coverage_by_street(Street.objects.visible_to(user))
        level = "street"
    context = {"street": street, "rows": rows, "total": total, "level": level}
    return render(request, "partners/coverage_places.html", context)


# --- 战时 call-outs ----------------------------------------------------------------------------
@login_required
@permission_required("partners.view_emergency", raise_exception=True)
def emergency_list(request):
    page = paginate(request, emergencies.emergency_list(user=request.user))
    return render(request, "partners/emergency_list.html", {"page": page})


@login_required
@permission_required("partners.open_emergency", raise_exception=True)
def emergency_create(request):
    return create_page(
        request,
        permission="partners.open_emergency",
        heading="发起战时响应",
        form=lambda data, community: EmergencyForm(data, community=community),
        template="partners/emergency_form.html",
        create=lambda community, data: emergencies.emergency_open(
            by=request.user, community=community, data=data
        ),
        done="战时响应已发起,正在通知承担战时职责的合伙人。",
    )


def _emergency_page(request, emergency, status=200, close_form=None):
    form = AlertFilterForm(request.GET or None)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    alerts = emergencies.emergency_alerts(emergency, answer=answer)
    close = EMERGENCY_WORKFLOW["close"]
    context = {
        "emergency": emergency,
        "compounds": list(emergency.compounds.order_by("name")),
        "counts": emergencies.alert_counts(emergency),
        "page": paginate(request, alerts, per_page=ALERT_ROWS),
        "form": form,
        "is_open": EMERGENCY_WORKFLOW.allows(close, emergency),
        "can_close": EMERGENCY_WORKFLOW.allows(close, emergency)
        and request.user.has_perm(close.permission, emergency),
        "close_form": close_form or EmergencyCloseForm(),
    }
    template = "partners/emergency_detail.html"
    if request.htmx and request.method == "GET":
        template += "#answers"
    return render(request, template, context, status=status)


@login_required
def emergency_detail(request, pk):
    return _emergency_page(request, emergencies.emergency_get(user=request.user, pk=pk))


@require_POST
@login_required
def emergency_close(request, pk):
    emergency = emergencies.emergency_get(user=request.user, pk=pk)
    form = EmergencyCloseForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: emergencies.emergency_close(
            emergency=emergency, by=request.user, report=data["report"]
        ),
        admit=lambda: EMERGENCY_WORKFLOW.admit(request.user, emergency, "close"),
        form=form,
        form_shown=True,
        page=lambda status: _emergency_page(request, emergency, status, close_form=form),
        done="战时响应已结束,处置情况已记录。",
        to=emergency,
    )


def _alert_page(request, alert, status=200, form=None):
    emergency = alert.emergency
    context = {
        "alert": alert,
        "emergency": emergency,
        "compounds": list(emergency.compounds.order_by("name")),
        "is_open": EMERGENCY_WORKFLOW.allows(EMERGENCY_WORKFLOW["answer"], emergency),
        "form": form or AlertAnswerForm(initial={"note": alert.note}),
    }
    return render(request, "partners/emergency_alert.html", context, status=status)


@login_required
def alert_detail(request, pk):
    return _alert_page(request, emergencies.alert_get(user=request.user, pk=pk))


@require_POST
@login_required
def alert_answer(request, pk):
    alert = emergencies.alert_get(user=request.user, pk=pk)
    form = AlertAnswerForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: emergencies.alert_answer(alert=alert, by=request.user, **data),
        admit=lambda: EMERGENCY_WORKFLOW.admit(request.user, alert.emergency, "answer"),
        form=form,
        form_shown=True,
        page=lambda status: _alert_page(request, alert, status, form),
        done="已收到您的回复,谢谢!",
        to=emergencies.alert_url(alert),
    )


# URL patterns of this area: staff pages under partners/ (namespace partners). The called
# partner's own pages (alerts) are here too: they sign in like staff and see only their alerts.
staff_urls = [
    path("dual-report/", dual_report, name="dual_report"),
    path("dual-report/list/", dual_report_list, name="dual_report_list"),
    path("<int:pk>/adopt-compound/", adopt_compound, name="adopt_compound"),
    path("<int:pk>/adopt-building/", adopt_building, name="adopt_building"),
    path("adoptions/<str:kind>/<int:pk>/end/", adoption_end, name="adoption_end"),
    path("coverage/", coverage, name="coverage"),
    path("emergencies/", emergency_list, name="emergency_list"),
    path("emergencies/new/", emergency_create, name="emergency_create"),
    path("emergencies/<int:pk>/", emergency_detail, name="emergency_detail"),
    path("emergencies/<int:pk>/close/", emergency_close, name="emergency_close"),
    path("alerts/<int:pk>/", alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/answer/", alert_answer, name="alert_answer"),
]
public_urls = []
