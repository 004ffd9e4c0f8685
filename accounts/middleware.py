"""Idle and absolute session limits (30 minutes idle, 12 hours in all by default)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils import timezone

from core.audit import audit

from .roles import STAFF

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or expired:
                audit(
                    actor=user,
                    action="auth.session_expired",
                    detail={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
                messages.info(request, "您已长时间未操作,为保护数据安全已自动退出,请重新登录。")
                if request.path.startswith("/p/"):
                    # The residents' pages face the internet; the staff login does not. The
                    # page goes on for an anonymous visitor and asks for its own sign-in
                    # (the round table's or the partners' SMS code) where it needs one.
                    return self.get_response(request)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            if LOGIN_AT not in request.session:
                request.session[LOGIN_AT] = login_at
            # Write at most once a minute: every request saving the session costs a query.
            if now - seen_at > 60 or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class PasswordAgeMiddleware:
    """Staff change their password every PASSWORD_MAX_AGE (90 days, 等保2.0), and anyone given a
    temporary password (accounts/changes.py) chooses their own; until they do, every page sends
    them to the password form."""

    # The second factor comes first (SecondFactorMiddleware sends its pages nowhere else).
    allowed = (
        "accounts:password_change",
        "accounts:logout",
        "accounts:totp_verify",
        "accounts:totp_enrol",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if user.password_temporary:
            why = "您正在使用临时密码,请先设置自己的新密码。"
        elif (
            user.scope.has(*STAFF)
            and timezone.now() - user.password_changed_at > settings.PASSWORD_MAX_AGE
        ):
            why = "您的密码已超过90天未修改,请先设置新密码。"
        else:
            return self.get_response(request)
        match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
        if match is None or match.view_name not in self.allowed:
            messages.warning(request, why)
            return redirect("accounts:password_change")
        return self.get_response(request)


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


class SecondFactorMiddleware:
    """Whoever must give a code (accounts/totp.py) sees only the code, enrolment and logout pages
    until they have given it in this session."""

    allowed = ("accounts:totp_verify", "accounts:totp_enrol", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .totp import SESSION_FLAG, has_device, totp_required

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SESSION_FLAG)
            and totp_required(user)
        ):
            match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
            if match is None or match.view_name not in self.allowed:
                target = "accounts:totp_verify" if has_device(user) else "accounts:totp_enrol"
                from urllib.parse import urlencode

                from django.urls import reverse

                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
