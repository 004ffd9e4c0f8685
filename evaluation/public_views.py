"""Residents grade projects without an account (under /p/, the part facing the internet).

线上投票评 (`/p/grade/`): the household code from the printed slip opens the gradeable projects of
the household's community; the session keeps the household's id and a keyed hash of its code
(never the code, never in a URL) for an hour, and forgets it when the code is reissued.
邀请现场评 (`/p/grade/sessions/<id>/`): the page a session's QR poster opens; a code is optional,
without one the grade is kept apart as unverified (one per device per project). Only at a session
held or taking place today: a poster put up before the day says when grading opens; a cancelled
session (or one whose day passed without it) answers 410.

Every POST counts against the `public_form` limit per device and the `grading` limit per household
code (or device), each with a high per-address cap (core/ratelimit.py): 429 past either.
"""

import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Household
from core import once
from core.http import refusal_status
from core.paging import paginate
from core.ratelimit import device_of, rate_limited
from projects.models import Activity, Project

from . import selectors, services
from .forms import CodeForm, OnlineGradeForm, OnsiteGradeForm
from .models import Channel

SESSION_KEY = "evaluation.household"
SESSION_SECONDS = 3600


def _posted_code(request) -> str:
    """The household code a POST carries, as the rate limit's key ("" when none: the device)."""
    code = services.normalise_code(request.POST.get("household_code", ""))
    return f"code:{code}" if code else ""


def _session_household(request) -> Household | None:
    """The household whose code this browser typed in the last hour, while the code holds."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or time.time() - kept.get("at", 0) > SESSION_SECONDS:
        return None
    household = (
        Household.objects.select_related("building__compound__community")
        .filter(pk=kept.get("id"))
        .first()
    )
    if household is None or services.code_check(household) != kept.get("check"):
        return None  # the code was reissued (a voided slip batch): type the new one
    return household


def _keep_household(request, household: Household) -> None:
    request.session.cycle_key()  # a fresh session key for what the code opens
    request.session[SESSION_KEY] = {
        "id": household.pk,
        "check": services.code_check(household),
        "at": time.time(),
    }


def _household_key(request) -> str:
    kept = request.session.get(SESSION_KEY)
    return f"household:{kept.get('id')}" if isinstance(kept, dict) else ""


def _online_page(request, household, *, status=200, forms=None):
    """The gradeable projects of the household's community, each with its form or its mark."""
    community = household.building.compound.community
    page = paginate(request, selectors.gradeable_projects(community.pk), 10)
    graded = selectors.graded_by(household, [p.pk for p in page])
    forms = forms or {}
    rows = [
        (project, project.pk in graded, forms.get(project.pk) or OnlineGradeForm())
        for project in page
    ]
    context = {
        "household": household,
        "community": community,
        "page": page,
        "rows": rows,
    }
    return render(request, "evaluation/online_projects.html", context, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("public_form")
@rate_limited("grading", key=_posted_code)
def online(request):
    """线上投票评: type the household code, then grade each project of the community once."""
    household = _session_household(request)
    if request.method != "POST":
        if household is not None:
            return _online_page(request, household)
        return render(request, "evaluation/online_code.html", {"form": CodeForm()})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "evaluation/online_code.html", {"form": form}, status=422)
    household = services.household_for_code(form.cleaned_data["household_code"])
    if household is None:
        form.add_error("household_code", services.INVALID_CODE)
        return render(request, "evaluation/online_code.html", {"form": form}, status=422)
    _keep_household(request, household)
    household = Household.objects.select_related("building__compound__community").get(
        pk=household.pk
    )
    return _online_page(request, household)


@require_POST
@rate_limited("public_form")
@rate_limited("grading", key=_household_key)
def online_grade(request, pk):
    """Grade one project as the household whose code this browser typed."""
    household = _session_household(request)
    if household is None:
        form = CodeForm()
        messages.error(request, "请先输入户码(超过一小时未操作需要重新输入)。")
        return render(request, "evaluation/online_code.html", {"form": form}, status=422)
    project = get_object_or_404(Project.objects.published(), pk=pk)
    form = OnlineGradeForm(request.POST)
    if not form.is_valid():
        return _online_page(request, household, status=422, forms={project.pk: form})
    data = form.cleaned_data
    back = f"{reverse('evaluation:online')}#project-{project.pk}"
    try:
        with transaction.atomic():
            claim = once.claim(data["once"], result_url=back)
            if claim is None:
                messages.info(request, "这份评价已经提交过,没有重复保存。")
                return redirect(back)
            services.grade_submit(
                project=project,
                verdict=data["verdict"],
                comment=data["comment"],
                channel=Channel.ONLINE,
                household=household,
                check=request.session[SESSION_KEY]["check"],  # checked again under the lock
                by=request.user,
            )
    except ValidationError as exc:  # Conflict included
        for message in exc.messages:  # at the top: the project may not be on this page
            messages.error(request, f"“{project.title}”:{message}")
        return _online_page(request, household, status=refusal_status(exc))
    messages.success(request, f"感谢评价“{project.title}”!")
    return redirect(back)


@require_POST
@rate_limited("public_form")
def online_leave(request):
    """Forget the household code on this phone (a shared phone, a neighbour's turn)."""
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "已退出,本机不再保留户码。")
    return render(request, "evaluation/online_code.html", {"form": CodeForm()})


def _public_session(pk) -> Activity:
    """A session of a published project (what its QR poster points at); else 404."""
    sessions = Activity.objects.filter(project__in=Project.objects.published())
    return get_object_or_404(
        sessions.select_related("project__community__street").only(
            "id",
            "title",
            "date",
            "starts_at",
            "place",
            "status",
            "project__id",
            "project__title",
            "project__status",
            "project__deleted_at",
            "project__community__id",
            "project__community__name",
            "project__community__street__name",
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@rate_limited("public_form")
@rate_limited("grading", key=_posted_code)
def onsite(request, pk):
    """邀请现场评: grade the session's project on the phone that scanned its poster."""
    activity = _public_session(pk)
    project = activity.project
    form = OnsiteGradeForm(request.POST if request.method == "POST" else None)
    context = {
        "activity": activity,
        "project": project,
        "form": form,
        # The session's day first (a poster put up before it), then the project's status.
        "closed": services.session_reason(activity) or services.gradeable_reason(project),
    }
    if services.session_gone(activity):  # cancelled, or its day passed without it: 410
        context["closed"] = services.SESSION_GONE
        return render(request, "evaluation/onsite_form.html", context, status=410)
    if request.method != "POST":
        return render(request, "evaluation/onsite_form.html", context)
    if context["closed"]:  # not gradeable yet, or the session's day is to come
        return render(request, "evaluation/onsite_form.html", context, status=409)
    if not form.is_valid():
        return render(request, "evaluation/onsite_form.html", context, status=422)
    data = form.cleaned_data
    here = reverse("evaluation:onsite", args=[activity.pk])
    try:
        with transaction.atomic():
            claim = once.claim(data["once"], result_url=here)
            if claim is None:
                messages.info(request, "这份评价已经提交过,没有重复保存。")
                return redirect(here)
            grade = services.grade_submit(
                project=project,
                verdict=data["verdict"],
                comment=data["comment"],
                channel=Channel.ONSITE,
                code=data["household_code"] or None,
                session=activity,
                device=device_of(request),
                by=request.user,
            )
    except ValidationError as exc:  # Conflict included
        form.add_error(None, ValidationError(exc.messages))
        return render(request, "evaluation/onsite_form.html", context, status=refusal_status(exc))
    return render(request, "evaluation/onsite_done.html", {**context, "grade": grade, "form": None})
