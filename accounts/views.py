from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.http import form_page
from core.paging import paginate
from core.ratelimit import rate_limited
from core.scope import get_visible_or_404

from . import services
from .forms import LoginForm, PortalPasswordChangeForm, UnlockForm
from .models import User


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
    number = services.phone_reveal(person=person, by=request.user)
    return render(request, "accounts/people_list.html#phone", {"person": person, "number": number})
