from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import Role

from . import selectors

TODO = {
    Role.SECRETARY: ("secretary", selectors.secretary_todo),
    Role.WORKER: ("secretary", selectors.secretary_todo),
    Role.STREET_LEADER: ("street", selectors.street_todo),
    Role.STREET_MEMBER: ("street", selectors.street_todo),
    Role.EXPERT: ("street", selectors.street_todo),
    Role.DISTRICT_STAFF: ("district", selectors.district_todo),
    Role.AUDITOR: ("auditor", selectors.auditor_todo),
    Role.SECADMIN: ("secadmin", selectors.secadmin_todo),
    Role.SYSADMIN: ("sysadmin", lambda user: {}),
    Role.PARTNER: ("partner", selectors.partner_todo),
    Role.RESIDENT: ("resident", selectors.resident_todo),
}


@login_required
def home(request):
    """Each role lands on the list of what it must do next."""
    role = request.user.primary_role
    kind, todo = TODO.get(role, ("none", lambda user: {}))
    context = {"kind": kind, "role_label": request.user.primary_role_label, **todo(request.user)}
    return render(request, "dashboards/home.html", context)
