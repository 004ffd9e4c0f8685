from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rules.contrib.views import permission_required

from accounts.roles import (
    AUDITORS,
    COMMUNITY_STAFF,
    DISTRICT_BUSINESS,
    PARTNERS,
    RESIDENTS,
    SECADMINS,
    STREET_GROUP,
    SYSADMINS,
)
from projects.models import Status

from . import selectors

# One home per role group (accounts.roles.HOME_GROUPS): its template and what it lists.
HOMES = {
    SYSADMINS.key: selectors.sysadmin_home,
    SECADMINS.key: selectors.secadmin_home,
    AUDITORS.key: selectors.auditor_home,
    DISTRICT_BUSINESS.key: selectors.district_home,
    STREET_GROUP.key: selectors.street_group_home,
    COMMUNITY_STAFF.key: selectors.community_staff_home,
    PARTNERS.key: selectors.partner_home,
    RESIDENTS.key: selectors.resident_home,
}
NO_ROLE = "no_role"


@login_required
def home(request):
    """Each role group lands on the list of what it must do next."""
    group = request.user.scope.home_group
    home = group.key if group else NO_ROLE
    context = {"home": home, "role_label": request.user.primary_role_label}
    if group:
        context.update(HOMES[home](request.user))
    return render(request, f"dashboards/home_{home}.html", context)


@login_required
@permission_required("dashboards.view_pipeline", raise_exception=True)
def pipeline(request):
    return render(
        request,
        "dashboards/pipeline.html",
        {"columns": selectors.street_pipeline(user=request.user)},
    )


@login_required
@permission_required("dashboards.view_overview", raise_exception=True)
def overview(request):
    context = {
        "rows": selectors.district_overview(user=request.user),
        "statuses": Status.choices,
        "overdue": selectors.overdue_projects(user=request.user)[:20],
    }
    return render(request, "dashboards/overview.html", context)
