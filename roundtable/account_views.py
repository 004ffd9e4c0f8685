"""Residents' sign-in and their own page at the round table, under /p/roundtable/ (namespace
`roundtable_public`): the phone-and-SMS-code sign-in, the registration in a community, the
person's participations with their reminder switch, withdrawing consent and leaving, signing out.

`?next=` (a path of this site) and `?community=` travel from the page that sent the resident here
through the sign-in and the registration. Views parse, call roundtable/participants.py and render;
refusals are core/http.py's.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Community
from core.audit import audit
from core.http import form_page, perform_or_refuse, refusal_status
from core.models import AuditEvent
from core.phone import mask_phone
from core.ratelimit import rate_limited

from . import participants, selectors_participants
from .models import CONSENT_NOTICE_VERSION
from .participant_forms import FollowForm, PhoneCodeForm, RegisterForm

BACKEND = "accounts.backends.PasswordBackend"
LOGIN = "roundtable_public:login"
# The community a visitor picked on /p/ (public:place remembers it on the device).
PLACE_COOKIE = "bsbj_place"


def _index_url() -> str:
    """The round table's front page (the topics area builds it), or its path before it exists."""
    try:
        return reverse("roundtable_public:index")
    except NoReverseMatch:
        return "/p/roundtable/"


def _id(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _carried(request) -> dict:
    """`next` (a safe path, else "") and `community` (an id, else None) from the query string:
    the forms post to their own address, so both travel in it and never in a form's fields."""
    wanted = str(request.GET.get("next") or "")[:500]
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return {
        "next": wanted if wanted and safe else "",
        "community": _id(request.GET.get("community")),
    }


def _with(url: str, carried: dict) -> str:
    query = {name: value for name, value in carried.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


# --- signing in --------------------------------------------------------------------------------
def _login_page(request, form, carried, *, status=200, code_sent=""):
    context = {
        "form": form,
        "carried": carried,
        "code_sent": code_sent,
        "index_url": _index_url(),
    }
    return render(request, "roundtable/account/login.html", context, status=status)


def _after_login(user, carried) -> str:
    """Where a signed-in resident goes: the registration, when they came from a community they
    have no place in yet; else the page they came from, or their own page."""
    community = carried["community"]
    if community and not participants.takes_part(user, community):
        return _with(reverse("roundtable_public:register"), carried)
    return carried["next"] or reverse("roundtable_public:me")


@never_cache
@rate_limited("sms")
def login_view(request):
    """Step 1 ("send"): a code to the number. Step 2: the code; then the account of the number
    is signed in, or the verified number waits in the session for the registration."""
    carried = _carried(request)
    if request.method != "POST":
        return _login_page(request, PhoneCodeForm(), carried)
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        sent = "send" not in request.POST and "phone" not in form.errors
        number = form.cleaned_data.get("phone", "") if sent else ""
        return _login_page(request, form, carried, status=422, code_sent=mask_phone(number))
    number = form.cleaned_data["phone"]
    try:
        if "send" in request.POST:
            participants.login_code_send(phone=number)
            fresh = PhoneCodeForm(initial={"phone": number})
            return _login_page(request, fresh, carried, code_sent=mask_phone(number))
        user = participants.login_with_code(phone=number, code=form.cleaned_data["code"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _login_page(request, form, carried, status=422, code_sent=mask_phone(number))
    if user is None:
        participants.remember_verified(request.session, number)
        messages.info(request, "手机号已验证。请填写登记信息,社区核实后就可以提议题和发言了。")
        return redirect(_with(reverse("roundtable_public:register"), carried))
    if request.user.pk != user.pk:
        login(request, user, backend=BACKEND)
    participants.remember_verified(request.session, number)
    return redirect(_after_login(user, carried))


@require_POST
@rate_limited("roundtable_post")
def logout_view(request):
    logout(request)
    messages.success(request, "您已退出登录。")
    return redirect(_index_url())


# --- registering -------------------------------------------------------------------------------
def _community(request, carried) -> Community | None:
    """The community asked for (`?community=`), else the one remembered on this device; none when
    the visitor asked to choose again (`?choose=1`)."""
    if request.GET.get("choose"):
        return None
    wanted = carried["community"] or _id(request.COOKIES.get(PLACE_COOKIE))
    if wanted is None:
        return None
    return Community.objects.select_related("street").filter(pk=wanted).first()


def _choose_page(request, carried, status=200):
    communities = list(Community.objects.select_related("street").order_by("street__name", "name"))
    streets: dict = {}
    for community in communities:
        streets.setdefault(community.street, []).append(community)
    context = {"streets": list(streets.items()), "carried": carried, "index_url": _index_url()}
    return render(request, "roundtable/account/register_choose.html", context, status=status)


@never_cache
@rate_limited("public_form")
def register(request):
    """A resident whose number was just verified registers in a community: the real name and the
    home the community checks. Without a fresh verified number: back to the sign-in."""
    carried = _carried(request)
    number = participants.verified_number(request.session)
    if not number:
        messages.info(request, "请先用手机号和短信验证码验证,再登记。")
        back = _with(reverse("roundtable_public:register"), {"community": carried["community"]})
        return redirect(_with(reverse(LOGIN), {"next": back, "community": carried["community"]}))
    community = _community(request, carried)
    if community is None:
        return _choose_page(request, carried)
    if request.method != "POST" and carried["community"] != community.pk:
        # The device's community: named in the address, so the form posts for it.
        return redirect(
            _with(reverse("roundtable_public:register"), {**carried, "community": community.pk})
        )
    already = participants.registration_of(number, community)
    if already is not None:
        context = {"participant": already, "carried": carried, "index_url": _index_url()}
        return render(request, "roundtable/account/register_done.html", context)
    form = RegisterForm(request.POST if request.method == "POST" else None, community=community)

    def perform(data):
        done = participants.participant_register(phone=number, community=community, data=data)
        if request.user.pk != done.user.pk:
            login(request, done.user, backend=BACKEND)
            participants.remember_verified(request.session, number)
        if done.new:
            messages.success(
                request,
                f"登记成功!{community.name}的工作人员核实后会用短信通知您,之后就可以提议题、附议和发言了。",
            )
        else:
            status = done.participant.get_status_display()
            messages.info(request, f"您已经登记过{community.name}的圆桌会,当前状态:{status}。")
        return redirect(carried["next"] or reverse("roundtable_public:me"))

    context = {
        "community": community,
        "carried": carried,
        "phone": mask_phone(number),
        "notice": participants.CONSENT_NOTICE,
        "notice_version": CONSENT_NOTICE_VERSION,
        "index_url": _index_url(),
        "building_groups": form.building_groups(),
    }
    return form_page(
        request, form, template="roundtable/account/register.html", context=context, perform=perform
    )


# --- the resident's own page -------------------------------------------------------------------
def _me_page(request, status=200):
    context = {
        "rows": selectors_participants.my_participations(request.user),
        "index_url": _index_url(),
        "verified_for": int(participants.VERIFIED_FOR.total_seconds() // 60),
    }
    return render(request, "roundtable/account/me.html", context, status=status)


@never_cache
@login_required(login_url=LOGIN)
def me(request):
    return _me_page(request)


def _own(request, pk):
    """One of the person's own participations; anybody else's is a 404, audited."""
    participant = selectors_participants.own_participation(request.user, pk)
    if participant is None:
        audit(
            actor=request.user,
            action="access.denied",
            result=AuditEvent.Result.DENIED,
            detail={"model": "roundtable.participant", "lookup": {"pk": str(pk)}, "status": 404},
        )
        raise Http404
    return participant


@require_POST
@login_required(login_url=LOGIN)
@rate_limited("roundtable_post")
def follow(request, pk):
    participant = _own(request, pk)
    on = request.POST.get("follows") == "1"
    return perform_or_refuse(
        request,
        lambda data: participants.participant_follow(
            participant=participant, by=request.user, follows=data["follows"]
        ),
        form=FollowForm(request.POST),
        page=lambda status: _me_page(request, status),
        done=(
            f"已开启提醒:{participant.community.name}圆桌会前一天会短信提醒您。"
            if on
            else f"已关闭{participant.community.name}圆桌会的短信提醒。"
        ),
        to="roundtable_public:me",
    )


@never_cache
@login_required(login_url=LOGIN)
@rate_limited("roundtable_post")
def leave(request, pk):
    """Withdraw consent and leave a community's round table, after a confirmation page."""
    participant = _own(request, pk)
    template = "roundtable/account/leave.html"
    if request.method != "POST":
        return render(request, template, {"participant": participant})
    try:
        still_open = participants.participant_leave(participant=participant, by=request.user)
    except ValidationError as exc:  # Conflict included; PermissionDenied goes on to the 403 page
        for message in exc.messages:
            messages.error(request, message)
        return render(request, template, {"participant": participant}, status=refusal_status(exc))
    done = f"您已退出{participant.community.name}的圆桌会,姓名和住址已删除。感谢您参与社区议事!"
    if not still_open:
        logout(request)
        messages.success(request, done + "您的账号已注销,手机号已删除。")
        return redirect(_index_url())
    messages.success(request, done)
    return redirect("roundtable_public:me")


urls = [
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("register/", register, name="register"),
    path("me/", me, name="me"),
    path("me/<int:pk>/follow/", follow, name="follow"),
    path("me/<int:pk>/leave/", leave, name="leave"),
]
