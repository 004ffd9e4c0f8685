import datetime

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core import totp as core_totp
from core.http import form_page, perform_or_refuse, refusal_status
from core.paging import paginate
from core.ratelimit import rate_limited
from core.scope import get_visible_or_404

from . import changes, leading_group, selectors, services, totp
from .forms import (
    AccountChangeForm,
    CodeForm,
    DecisionNoteForm,
    DelegationForm,
    LoginForm,
    PortalPasswordChangeForm,
    PreferencesForm,
    UnlockForm,
    WorkingGroupCreateForm,
    WorkingGroupForm,
)
from .models import AccountChange, Delegation, Street, User, WorkingGroup


@method_decorator(rate_limited("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        """Wrong credentials answer 401, missing fields 422, both with the form's message."""
        response = super().form_invalid(form)
        response.status_code = 401 if form.has_error("__all__", "invalid_login") else 422
        return response


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@rate_limited("password_change")
def password_change(request):
    def perform(data):
        services.password_change(user=request.user, new_password=data["new_password1"])
        before = request.session.session_key
        services.sessions_end(user=request.user, keep=before, reason="password_changed")
        update_session_auth_hash(request, request.user)  # this session goes on, with a new key
        services.session_rekeyed(old=before, new=request.session.session_key)
        messages.success(request, "密码已修改。")
        return redirect("dashboards:home")

    form = PortalPasswordChangeForm(
        request.user, request.POST if request.method == "POST" else None, request=request
    )
    return form_page(request, form, template="accounts/password_change.html", perform=perform)


@login_required
@permission_required("accounts.unlock_account", raise_exception=True)
def lockout_list(request):
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
    ).order_by("-attempt_time")
    page = paginate(request, attempts)
    return render(request, "accounts/lockout_list.html", {"page": page})


@require_POST
@login_required
@permission_required("accounts.unlock_account", raise_exception=True)
def lockout_release(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效。")
        return redirect("accounts:lockouts")
    try:
        services.lockout_release(attempt_id=form.cleaned_data["attempt"], by=request.user)
        messages.success(request, "已解锁。")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("accounts:lockouts")


@login_required
@permission_required("accounts.view_people", raise_exception=True)
def people_list(request):
    people = (
        User.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("household__building__compound")
        .order_by("username")
    )
    page = paginate(request, people)
    return render(request, "accounts/people_list.html", {"page": page})


@require_POST
@login_required
def phone_reveal(request, pk):
    person = get_visible_or_404(User, request.user, pk=pk)
    try:
        number = services.phone_reveal(person=person, by=request.user)
    except ValidationError:  # no number on record: the cell stays "—"
        return render(
            request, "accounts/people_list.html#phone", {"person": person, "number": ""}, status=422
        )
    return render(request, "accounts/people_list.html#phone", {"person": person, "number": number})


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else reverse("dashboards:home")


@login_required
@rate_limited("login")
def totp_verify(request):
    """The second step of a login: a code from the app, or a recovery code."""
    if not totp.has_device(request.user):
        return redirect(f"{reverse('accounts:totp_enrol')}?next={_next(request)}")
    form = CodeForm(request.POST if request.method == "POST" else None)

    def perform(data):
        if not totp.totp_check(user=request.user, code=data["code"], request=request):
            raise ValidationError(totp.WRONG)
        request.session[totp.SESSION_FLAG] = True
        return redirect(_next(request))

    return form_page(
        request,
        form,
        template="accounts/totp_verify.html",
        context={"next": _next(request)},
        perform=perform,
    )


@never_cache  # a secret and recovery codes: not for any cache
@login_required
@rate_limited("login")
def totp_enrol(request):
    """Turn on the second factor: scan the QR code, type the first code, keep the recovery codes."""
    if totp.has_device(request.user):
        return redirect(f"{reverse('accounts:totp_verify')}?next={_next(request)}")
    secret = totp.pending_secret(request.user) or totp.totp_enrol_start(user=request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = "动态口令"  # no recovery codes yet
    uri = core_totp.provisioning_uri(secret, request.user.get_username())

    def perform(data):
        codes = totp.totp_enrol_confirm(user=request.user, code=data["code"], request=request)
        request.session[totp.SESSION_FLAG] = True
        return render(request, "accounts/totp_codes.html", {"codes": codes, "next": _next(request)})

    return form_page(
        request,
        form,
        template="accounts/totp_enrol.html",
        context={
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
            "next": _next(request),
        },
        perform=perform,
    )


@login_required
@permission_required("accounts.reset_totp", raise_exception=True)
def totp_devices(request):
    """The security admin's list of who uses an authenticator app, with a reset for a lost phone."""
    people = (
        User.objects.filter(totp__confirmed_at__isnull=False)
        .select_related("totp")
        .order_by("username")
    )
    return render(request, "accounts/totp_devices.html", {"page": paginate(request, people)})


@require_POST
@login_required
@permission_required("accounts.reset_totp", raise_exception=True)
def totp_reset(request, pk):
    person = get_visible_or_404(User, request.user, pk=pk)
    totp.totp_reset(user=person, by=request.user)
    messages.success(request, f"已重置 {person} 的动态口令;其下次登录时需重新绑定。")
    return redirect("accounts:totp_devices")


# --- changes to accounts (三员分立) --------------------------------------------------------------
@login_required
@permission_required("accounts.view_account_change", raise_exception=True)
def change_list(request):
    changes = AccountChange.objects.visible_to(request.user).select_related(
        "target", "proposed_by", "decided_by"
    )
    pending = changes.filter(status=AccountChange.Status.PROPOSED).order_by("proposed_at")
    context = {"pending": pending[:50], "page": paginate(request, changes)}
    return render(request, "accounts/change_list.html", context)


@login_required
@permission_required("accounts.propose_account_change", raise_exception=True)
def change_create(request):
    form = AccountChangeForm(request.POST if request.method == "POST" else None)

    def perform(data):
        change = changes.account_change_propose(by=request.user, **data)
        messages.success(request, "已提交,等待安全管理员审批。")
        return redirect(change)

    return form_page(request, form, template="accounts/change_form.html", perform=perform)


def _change_page(request, change, status=200, form=None):
    context = {
        "change": change,
        "can": changes.ACCOUNT_CHANGES.available(request.user, change),
        "pending": change.status == AccountChange.Status.PROPOSED,
        "form": form or DecisionNoteForm(),
    }
    return render(request, "accounts/change_detail.html", context, status=status)


@login_required
@permission_required("accounts.view_account_change", raise_exception=True)
def change_detail(request, pk):
    return _change_page(request, get_visible_or_404(AccountChange, request.user, pk=pk))


@never_cache  # may show a temporary password
@require_POST
@login_required
@permission_required("accounts.view_account_change", raise_exception=True)
def change_decide(request, pk, action):
    change = get_visible_or_404(AccountChange, request.user, pk=pk)
    form = DecisionNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        password = changes.account_change_decide(
            change=change, by=request.user, action=action, note=note
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        fresh = get_visible_or_404(AccountChange, request.user, pk=pk)
        return _change_page(request, fresh, status=refusal_status(exc), form=form)
    change.refresh_from_db()
    return render(request, "accounts/change_done.html", {"change": change, "password": password})


@never_cache
@require_POST
@login_required
def change_approve(request, pk):
    return change_decide(request, pk, "approve")


@require_POST
@login_required
def change_reject(request, pk):
    return change_decide(request, pk, "reject")


# --- preferences -------------------------------------------------------------------------------
@login_required
def preferences(request):
    """Each person's own switches: for now, whether notifications also come by e-mail."""
    initial = {"email_notifications": request.user.email_notifications}
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)

    def perform(data):
        services.preferences_update(user=request.user, **data)
        messages.success(request, "设置已保存。")
        return redirect("accounts:preferences")

    return form_page(request, form, template="accounts/preferences.html", perform=perform)


# --- the street's leading group (accounts/leading_group.py) -------------------------------------
VIEW_LEADING_GROUP = "accounts.view_leading_group"


@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def leading_group_list(request):
    """The user's own street's leading group; district staff (and anyone in several streets'
    groups) first pick the street."""
    streets = list(selectors.leading_group_list(request.user))
    if len(streets) == 1 and not request.user.scope.is_district_business:
        return redirect("accounts:leading_group_street", streets[0].pk)
    return render(request, "accounts/leading_group_list.html", {"streets": streets})


def _street_page(request, street, status=200):
    context = {
        "group": selectors.leading_group_get(street),
        "can_manage": request.user.has_perm(leading_group.MANAGE, street),
    }
    return render(request, "accounts/leading_group_detail.html", context, status=status)


def _to_street(street_id) -> str:
    return reverse("accounts:leading_group_street", args=[street_id])


@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def leading_group_street(request, pk):
    return _street_page(request, get_visible_or_404(Street, request.user, pk=pk))


@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def working_group_create(request, pk):
    street = get_visible_or_404(Street, request.user, pk=pk)
    posted = request.POST if request.method == "POST" else None
    form = WorkingGroupCreateForm(posted, street=street)

    def perform(data):
        group = leading_group.working_group_create(by=request.user, street=street, **data)
        messages.success(request, f"已新建工作小组“{group.name}”。")
        return redirect(_to_street(street.pk))

    return form_page(
        request,
        form,
        template="accounts/working_group_form.html",
        context={"street": street},
        perform=perform,
        admit=lambda: leading_group.may_manage(request.user, street),
    )


@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def working_group_edit(request, pk):
    group = get_visible_or_404(WorkingGroup.objects.select_related("street"), request.user, pk=pk)
    initial = {"name": group.name, "description": group.description, "members": group.members.all()}
    posted = request.POST if request.method == "POST" else None
    form = WorkingGroupForm(posted, street=group.street, initial=initial)

    def perform(data):
        leading_group.working_group_update(by=request.user, group=group, **data)
        messages.success(request, f"已保存工作小组“{data['name'].strip()}”。")
        return redirect(_to_street(group.street_id))

    return form_page(
        request,
        form,
        template="accounts/working_group_form.html",
        context={"street": group.street, "working_group": group},
        perform=perform,
        admit=lambda: leading_group.may_manage(request.user, group),
    )


@require_POST
@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def working_group_delete(request, pk):
    group = get_visible_or_404(WorkingGroup.objects.select_related("street"), request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: leading_group.working_group_delete(by=request.user, group=group),
        page=lambda status: _street_page(request, group.street, status),
        done=f"已删除工作小组“{group.name}”。",
        to=_to_street(group.street_id),
        admit=lambda: leading_group.may_manage(request.user, group),
    )


@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def delegation_create(request, pk):
    street = get_visible_or_404(Street, request.user, pk=pk)
    posted = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    initial = {"starts_on": today, "ends_on": today + datetime.timedelta(days=6)}
    form = DelegationForm(posted, street=street, by=request.user, initial=initial)

    def perform(data):
        delegation = leading_group.delegation_create(by=request.user, street=street, **data)
        messages.success(request, f"已委托 {delegation.delegate} 代行审批。")
        return redirect(_to_street(street.pk))

    return form_page(
        request,
        form,
        template="accounts/delegation_form.html",
        context={"street": street},
        perform=perform,
        admit=lambda: leading_group.may_manage(request.user, street),
    )


@require_POST
@login_required
@permission_required(VIEW_LEADING_GROUP, raise_exception=True)
def delegation_revoke(request, pk):
    delegation = get_visible_or_404(
        Delegation.objects.select_related("street", "delegate"), request.user, pk=pk
    )
    return perform_or_refuse(
        request,
        lambda data: leading_group.delegation_revoke(by=request.user, delegation=delegation),
        page=lambda status: _street_page(request, delegation.street, status),
        done=f"已撤销对 {delegation.delegate} 的委托。",
        to=_to_street(delegation.street_id),
        admit=lambda: leading_group.may_manage(request.user, delegation),
    )
