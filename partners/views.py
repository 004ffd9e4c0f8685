"""The partners list, registering a partner and a partner's page. Edit, deactivate, restore,
categories, import and export are partners/staff_views.py; refusals become pages in core/http.py.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import F, Prefetch, Value
from django.shortcuts import render
from rules.contrib.views import permission_required

from accounts.choice import create_page
from accounts.models import Community, Compound
from core.paging import paginate
from core.phone import PHONE_RE, phone_hash
from core.scope import get_visible_or_404

from .export import EXPORT_CAP
from .forms import DeactivateForm, PartnerFilterForm, PartnerForm
from .history import partner_history
from .models import Availability, Category, Duty, DutyMode, Partner
from .rules_staff import full_phone_communities
from .sections import detail_sections
from .staff import PARTNER_WORKFLOW, partner_create

AVAILABILITY = dict(Availability.choices)


# --- the list -----------------------------------------------------------------------------------
def catalogues() -> tuple[list[Category], list[Duty]]:
    """The district's categories and duties, both small tables, in one round trip (the list's
    pickers): the list page stays within its query budget."""
    fields = ("pk", "code", "name", "order", "active")
    rows = (
        Category.objects.order_by()
        .annotate(table=Value("c"), duty_mode=Value(""))
        .values_list("table", *fields, "duty_mode")
        .union(
            Duty.objects.order_by()
            .annotate(table=Value("d"), duty_mode=F("mode"))
            .values_list("table", *fields, "duty_mode"),
            all=True,
        )
    )
    categories, duties = [], []
    for table, pk, code, name, order, active, mode in rows:
        if table == "c":
            categories.append(Category(pk=pk, code=code, name=name, order=order, active=active))
        else:
            duties.append(Duty(pk=pk, code=code, name=name, order=order, active=active, mode=mode))
    return sorted(categories, key=_by_order), sorted(duties, key=_by_order)


def _by_order(row):
    return (row.order, row.pk)


def filter_form(request) -> PartnerFilterForm:
    """The list's filters with pickers of the person's scope: a community's staff pick among its
    compounds; street and district staff pick a community."""
    user, scope = request.user, request.user.scope
    own = scope.community_ids()
    communities, compounds = [], []
    if len(own) == 1 and not scope.street_ids() and not scope.is_district_business:
        compounds = list(
            Compound.objects.filter(community_id__in=own)
            .order_by("name", "id")
            .values_list("id", "name")
        )
    else:
        communities = list(
            Community.objects.visible_to(user).select_related("street").order_by("street_id", "id")
        )
    categories, duties = catalogues()
    return PartnerFilterForm(
        request.GET or None,
        categories=categories,
        duties=duties,
        communities=communities,
        compounds=compounds,
        phone_search=bool(full_phone_communities(user)),
    )


def partner_rows(user, filters: dict):
    """The partners the person sees, narrowed by the list's filters, in the list's order (name,
    id: the partial indexes of partners/models.py). A typed mobile number is looked up by its hash,
    among the partners of the person's own communities only."""
    rows = Partner.objects.visible_to(user)
    if "status" in filters:
        rows = rows.filter(status=filters["status"])
    if "category" in filters:
        rows = rows.filter(category_id=filters["category"])
    if "duty" in filters:
        rows = rows.filter(duties__code=filters["duty"])
    if "kind" in filters:
        rows = rows.filter(kind=filters["kind"])
    if "community" in filters:
        rows = rows.filter(community_id=filters["community"])
    if "compound" in filters:
        rows = rows.filter(compound_id=filters["compound"])
    if q := filters.get("q"):
        digits = q.replace(" ", "").replace("-", "")
        own = full_phone_communities(user)
        if PHONE_RE.match(digits) and own:
            rows = rows.filter(phone_hash=phone_hash(digits), community_id__in=own)
        else:
            rows = rows.filter(name__icontains=q)
    return rows.order_by("name", "id")


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@permission_required("partners.view_partner", raise_exception=True)
def partner_list(request):
    form = filter_form(request)
    rows = partner_rows(request.user, form.filters())
    rows = rows.select_related("community", "category", "compound").prefetch_related(
        Prefetch("duties", queryset=Duty.objects.only("id", "name", "mode", "order"))
    )
    page = paginate(request, rows)
    context = {
        "page": page,
        "form": form,
        "query": _query(request),
        "export_cap": EXPORT_CAP,
        "may_import": request.user.has_perm("partners.import_partner"),
        "may_export": request.user.has_perm("partners.export_partner"),
        "manage_categories": request.user.has_perm("partners.manage_categories"),
    }
    return render(request, "partners/partner_list.html", context)


# --- registering ----------------------------------------------------------------------------------
@login_required
@permission_required("partners.add_partner", raise_exception=True)
def partner_create_view(request):
    return create_page(
        request,
        permission="partners.add_partner",
        heading="登记合伙人",
        form=lambda data, community: PartnerForm(data, community=community),
        template="partners/partner_form.html",
        create=lambda community, data: partner_create(
            by=request.user, community=community, data=data
        ),
        done="合伙人已登记。",
    )


# --- a partner's page -----------------------------------------------------------------------------
def partner_get(request, pk) -> Partner:
    """A partner the person sees (their community's, their scope's, or their own profile)."""
    return get_visible_or_404(
        Partner.objects.select_related(
            "community__street", "category", "compound", "home_building__compound", "created_by"
        ).prefetch_related("duties"),
        request.user,
        pk=pk,
    )


def detail_page(request, partner, *, status=200, deactivate_form=None):
    """The partner's page: the record, the buttons the person may press, the other areas'
    sections and the history of projects, tasks and hours."""
    duties = list(partner.duties.all())
    context = {
        "partner": partner,
        "can": PARTNER_WORKFLOW.available(request.user, partner),
        "duty_groups": [
            (label, [d for d in duties if d.mode == mode])
            for mode, label in DutyMode.choices
            if any(d.mode == mode for d in duties)
        ],
        "availability": [AVAILABILITY[a] for a in partner.availability if a in AVAILABILITY],
        "deactivate_form": deactivate_form or DeactivateForm(),
        "sections": detail_sections(request, partner),
        "history": partner_history(partner),
    }
    return render(request, "partners/partner_detail.html", context, status=status)


@login_required
def partner_detail(request, pk):
    return detail_page(request, partner_get(request, pk))
