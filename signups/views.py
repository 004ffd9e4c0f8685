"""Sign-up pages. Residents (no account): sign up for a session and cancel with the code.
Staff: the sessions taking sign-ups, a session's list with attendance, its export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import once
from core.http import perform_or_refuse, refusal_status
from core.paging import paginate
from core.ratelimit import rate_limited
from core.scope import get_visible_or_404
from projects.models import Activity, Project

from . import export, selectors, services
from .forms import AttendanceForm, CancelForm, SignUpForm
from .models import SignUp
from .workflow import SIGNUP_WORKFLOW, attendance_closed_reason


def _public_session(pk) -> Activity:
    """A session of a published project that takes sign-ups, with its counts; else 404."""
    sessions = Activity.objects.filter(
        project__in=Project.objects.published(), signup_capacity__isnull=False
    )
    return get_object_or_404(
        sessions.select_related("project__community__street").annotate(**selectors.PLACES),
        pk=pk,
    )


def _public_context(activity, **extra) -> dict:
    left = max(activity.signup_capacity - activity.taken, 0)
    return {
        "activity": activity,
        "project": activity.project,
        "closed": services.signup_closed_reason(activity),
        "deadline": services.signup_deadline(activity),
        "places_left": left,
        **extra,
    }


@rate_limited("public_form")
def join(request, pk):
    """The sign-up form of one session (no account needed)."""
    activity = _public_session(pk)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    context = _public_context(activity, form=form)
    if request.method != "POST":
        return render(request, "signups/signup_form.html", context)
    if not form.is_valid():
        return render(request, "signups/signup_form.html", context, status=422)
    back = reverse("public:announcement", args=[activity.project_id])
    data = form.cleaned_data
    try:
        with transaction.atomic():
            claim = once.claim(data["once"])
            if claim is None:  # the same form posted twice: the first one signed up
                messages.info(request, "这份报名已经提交过,没有重复报名。")
                return redirect(back)
            signup, code = services.signup_create(
                activity_id=activity.pk,
                name=data["name"],
                phone=data["phone"],
                household_code=data["household_code"],
                by=request.user,
            )
            claim.result_url = back
            claim.save(update_fields=["result_url"])
    except ValidationError as exc:  # Conflict (closed) included
        form.add_error(None, ValidationError(exc.messages))
        return render(request, "signups/signup_form.html", context, status=refusal_status(exc))
    position = services.waiting_position(signup) if signup.status == SignUp.Status.WAITING else 0
    # The code is shown here once, in the answer to the post; only its hash is kept.
    return render(
        request,
        "signups/signup_done.html",
        {**context, "signup": signup, "code": code, "position": position},
    )


@rate_limited("public_form")
def cancel(request, pk):
    """Cancel a sign-up with the code shown when signing up."""
    activity = _public_session(pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    context = _public_context(activity, form=form)
    if request.method != "POST":
        return render(request, "signups/signup_cancel.html", context)
    if not form.is_valid():
        return render(request, "signups/signup_cancel.html", context, status=422)
    try:
        services.signup_cancel(
            activity_id=activity.pk, code=form.cleaned_data["code"], by=request.user
        )
    except ValidationError as exc:
        form.add_error(None, ValidationError(exc.messages))
        return render(request, "signups/signup_cancel.html", context, status=refusal_status(exc))
    return render(request, "signups/signup_cancel.html", {**context, "cancelled": True})


# --- staff ----------------------------------------------------------------------------------
@login_required
def session_list(request):
    """Sessions taking sign-ups in the user's scope."""
    if not request.user.has_perm("signups.view_signups"):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:50]
    sessions = selectors.session_list(user=request.user)
    if q:
        sessions = sessions.filter(Q(project__title__icontains=q) | Q(title__icontains=q))
    page = paginate(request, sessions, 25)
    return render(request, "signups/session_list.html", {"page": page, "q": q})


def _row_rights(user, activity) -> dict:
    """What the buttons of a session's rows may do: mark attendance (from the session's day
    on), reveal a phone number; with the note saying why attendance cannot be marked yet."""
    may_mark = user.has_perm("signups.mark_attendance", activity)
    not_yet = attendance_closed_reason(activity) if may_mark else ""
    return {
        "can_mark": may_mark and not not_yet,
        "attendance_note": not_yet,
        "can_reveal": user.has_perm("signups.reveal_phone", activity),
    }


def _session_page(request, activity, *, status=200):
    page = paginate(request, selectors.signup_rows(activity), 50)
    context = {
        "activity": activity,
        "project": activity.project,
        "page": page,
        "can_export": request.user.has_perm("signups.export_signups", activity),
        **_row_rights(request.user, activity),
    }
    return render(request, "signups/session_signups.html", context, status=status)


@login_required
def session_detail(request, pk):
    """A session's sign-ups, with attendance buttons big enough for a phone."""
    activity = selectors.session_get(user=request.user, pk=pk)
    if not request.user.has_perm("signups.view_signups", activity):
        raise PermissionDenied
    return _session_page(request, activity)


@login_required
def session_export(request, pk):
    activity = selectors.session_get(user=request.user, pk=pk)
    if not request.user.has_perm("signups.export_signups", activity):
        raise PermissionDenied
    return export.signup_workbook(user=request.user, activity=activity)


@login_required
@require_POST
def attend(request, pk):
    """Mark one sign-up as came / did not come; with htmx its row comes back, and the header's
    counts out of band."""
    signup = get_visible_or_404(
        SignUp.objects.select_related("activity__project__community"), request.user, pk=pk
    )
    form = AttendanceForm(request.POST)
    to = reverse("signups:session", args=[signup.activity_id])

    def call(data):
        return services.signup_mark_attendance(
            signup=signup, attended=data["attended"], by=request.user
        )

    if not request.htmx:
        return perform_or_refuse(
            request,
            call,
            page=lambda status: _session_page(
                request,
                selectors.session_get(user=request.user, pk=signup.activity_id),
                status=status,
            ),
            done=f"已登记 {signup.name} 的到场情况。",
            to=to,
            admit=lambda: SIGNUP_WORKFLOW.admit(request.user, signup, "attend"),
            form=form,
        )
    error, status = "", 200
    try:
        SIGNUP_WORKFLOW.admit(request.user, signup, "attend")
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        signup = call(form.cleaned_data)
    except ValidationError as exc:  # Conflict included
        error, status = " ".join(exc.messages), 422
        signup.refresh_from_db()
    activity = selectors.session_get(user=request.user, pk=signup.activity_id)
    context = {
        "signup": signup,
        "activity": activity,
        "error": error,
        "oob": True,
        **_row_rights(request.user, activity),
    }
    return render(request, "signups/session_signups.html#marked", context, status=status)


@login_required
@require_POST
def phone_reveal(request, pk):
    """The full number of one sign-up, for the community staff who must tell the resident of a
    change; audited. With htmx only the row's contact comes back."""
    signup = get_visible_or_404(
        SignUp.objects.select_related("activity__project__community"), request.user, pk=pk
    )
    context, status = {"signup": signup}, 200
    try:
        context["number"] = services.signup_phone_reveal(signup=signup, by=request.user)
    except ValidationError as exc:  # a household code, no phone
        context["reveal_error"], status = " ".join(exc.messages), 422
    template = (
        "signups/session_signups.html#contact" if request.htmx else "signups/signup_phone.html"
    )
    return render(request, template, context, status=status)
