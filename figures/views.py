"""Staff pages of the figures: the dashboard of a place (district, street or community), the
fragment the homes load under their to-do lists, and the fill-once reports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from accounts.models import Community, Street

from . import live, selectors, spreadsheets
from .forms import HalfYearForm, MonthForm
from .places import COMMUNITY, DISTRICT, STREET, place_for

# The figures a home shows under its to-do list (the rest are one click away).
SUMMARY = ("needs", "partners", "roundtable_solved", "tasks_claimed", "library", "training")


def _pickers(user, place) -> dict:
    """The streets (district staff) and communities (of the street in view) one may switch to."""
    streets = []
    if user.scope.is_district_business:
        streets = list(Street.objects.visible_to(user).order_by("name", "pk").only("id", "name"))
    street_id = {DISTRICT: None, STREET: place.pk, COMMUNITY: place.street_id}[place.kind]
    communities = []
    if street_id is not None:
        communities = list(
            Community.objects.visible_to(user)
            .filter(street_id=street_id)
            .order_by("name", "pk")
            .only("id", "name")
        )
    if len(communities) < 2 and not streets:
        communities = []  # one's own community only: nothing to switch to
    return {"streets": streets, "communities": communities, "street_id": street_id}


@require_GET
@login_required
@permission_required("figures.view_figures", raise_exception=True)
def dashboard(request):
    place = place_for(request.user, request.GET)
    board = selectors.dashboard(place)
    _profile, compare = selectors.comparison(place)
    context = {
        "place": place,
        "figures": live.linked_for(request.user, board.value["figures"]),
        "charts": board.value["charts"],
        "coverage": board.value["coverage"],
        "compare": compare,
        "computed_at": board.computed_at,
        "board_stamp": f"{board.computed:.3f}",
        "fresh_minutes": selectors.FRESH // 60,
        **_pickers(request.user, place),
    }
    return render(request, "figures/dashboard.html", context)


@require_GET
@login_required
@permission_required("figures.view_figures", raise_exception=True)
def summary(request):
    """The few figures a home shows under its to-do list (loaded after the page)."""
    place = place_for(request.user, request.GET)
    board = selectors.dashboard(place)
    shown = [f for f in live.linked_for(request.user, board.value["figures"]) if f.key in SUMMARY]
    context = {"place": place, "figures": shown, "computed_at": board.computed_at}
    return render(request, "figures/_summary.html", context)


# --- the fill-once reports ----------------------------------------------------------------------
def _reports_page(request, place, *, month_form=None, half_form=None, status=200):
    context = {
        "place": place,
        "month_form": month_form or MonthForm(),
        "half_form": half_form or HalfYearForm(),
        "monthly_header": spreadsheets.MONTHLY_HEADER,
        "half_year_header": spreadsheets.HALF_YEAR_HEADER,
        **_pickers(request.user, place),
    }
    return render(request, "figures/reports.html", context, status=status)


def _report_place(request):
    """A report is about a street or the district: a community named is refused like a stranger."""
    params = request.GET.copy()
    params.pop("community", None)
    return place_for(request.user, params)


@require_GET
@login_required
@permission_required("figures.download_reports", raise_exception=True)
def reports(request):
    return _reports_page(request, _report_place(request))


@require_GET
@login_required
@permission_required("figures.download_reports", raise_exception=True)
def monthly(request):
    place = _report_place(request)
    form = MonthForm(request.GET)
    if not form.is_valid():
        return _reports_page(request, place, month_form=form, status=422)
    month = form.cleaned_data["month"]
    return spreadsheets.workbook_response(
        user=request.user,
        title=f"月度工作进展表-{place.name}-{month:%Y年%m月}",
        header=spreadsheets.MONTHLY_HEADER,
        rows=spreadsheets.monthly_rows(place, month),
        action="figures.monthly_export",
        detail={"place": place.key, "month": f"{month:%Y-%m}"},
    )


@require_GET
@login_required
@permission_required("figures.download_reports", raise_exception=True)
def half_year(request):
    place = _report_place(request)
    form = HalfYearForm(request.GET)
    if not form.is_valid():
        return _reports_page(request, place, half_form=form, status=422)
    period = form.cleaned_data["period"]
    return spreadsheets.workbook_response(
        user=request.user,
        title=f"半年工作统计表-{place.name}-{period.label}",
        header=spreadsheets.HALF_YEAR_HEADER,
        rows=spreadsheets.half_year_rows(place, period),
        action="figures.half_year_export",
        detail={"place": place.key, "period": period.key},
    )
