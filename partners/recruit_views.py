"""Recruitment (招募令), applications, SMS sign-in and the partner's own page.

Staff pages under partners/ (namespace partners): the calls and the application queue. Public
pages under p/ (namespace partners_public): the open calls, the application form, the partners'
SMS sign-in and withdrawing an application. The partner's own page (partners:me) needs a login.
Views parse, check, call partners/recruitment.py and render; refusals are core/http.py's.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from accounts.choice import create_page
from accounts.models import Community, Street
from core.http import form_page, perform_or_refuse, refusal_status
from core.paging import paginate
from core.phone import mask_phone
from core.qrposter import poster_png
from core.ratelimit import rate_limited
from core.scope import get_visible_or_404

from . import recruitment
from .history import partner_history
from .models import (
    CONSENT_NOTICE_VERSION,
    Application,
    CallStatus,
    Partner,
    PartnerStatus,
    RecruitmentCall,
)
from .recruit_forms import (
    CONSENT_NOTICE,
    ApplicationFilterForm,
    ApplicationForm,
    CallCreateForm,
    CallFilterForm,
    CallForm,
    DeclineForm,
    PhoneCodeForm,
)
from .recruitment import APPLICATION_WORKFLOW, CALL_WORKFLOW
from .sections import DETAIL_SECTIONS


def _url_or(name: str, fallback: str) -> str:
    """A page another area of partners/ builds: its URL once it exists, the agreed path before."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _public_link(call) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("partners_public:call", args=[call.pk])


# --- calls (staff) ---------------------------------------------------------------------------
def _call_get(request, pk) -> RecruitmentCall:
    return get_visible_or_404(
        RecruitmentCall.objects.select_related("community__street", "created_by"),
        request.user,
        pk=pk,
    )


@login_required
@permission_required("partners.view_call", raise_exception=True)
def call_list(request):
    form = CallFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = paginate(request, recruitment.call_list(user=request.user, status=status))
    can_add = request.user.has_perm("partners.add_call")
    return render(
        request, "partners/recruit_call_list.html", {"page": page, "form": form, "can_add": can_add}
    )


@login_required
@permission_required("partners.add_call", raise_exception=True)
def call_create(request):
    return create_page(
        request,
        permission="partners.add_call",
        heading="新建招募令",
        form=lambda data, community: CallCreateForm(data),
        template="partners/recruit_call_form.html",
        create=lambda community, data: recruitment.call_create(
            by=request.user, community=community, data=data
        ),
        done="招募令已保存为草稿。检查无误后点“发布”,居民就能看到并报名。",
    )


def _call_page(request, call, status=200):
    counts = dict(
        call.applications.values_list("status").annotate(n=Count("id")).order_by("status")
    )
    context = {
        "call": call,
        "duty_groups": recruitment.duties_by_mode(call.duties.order_by("order", "id")),
        "categories": list(call.categories.order_by("order", "id")),
        "applications": list(
            call.applications.select_related("category").order_by("-updated_at", "-id")[:20]
        ),
        "counts": {label: counts.get(value, 0) for value, label in Application.Status.choices},
        "can": CALL_WORKFLOW.available(request.user, call),
        "public_link": _public_link(call),
    }
    return render(request, "partners/recruit_call_detail.html", context, status=status)


@login_required
def call_detail(request, pk):
    return _call_page(request, _call_get(request, pk))


@login_required
def call_edit(request, pk):
    call = _call_get(request, pk)
    admit = lambda: CALL_WORKFLOW.admit(request.user, call, "edit")  # noqa: E731
    admit()
    form = CallForm(request.POST if request.method == "POST" else None, instance=call)

    def perform(data):
        recruitment.call_update(call=call, by=request.user, data=data)
        messages.success(request, "招募令已保存。")
        return redirect(call)

    return form_page(
        request,
        form,
        template="partners/recruit_call_form.html",
        context={"object": call, "community": call.community, "heading": "修改招募令"},
        perform=perform,
        admit=admit,
        back=call,
    )


def _call_step(request, pk, action: str, done: str, call_service):
    call = _call_get(request, pk)
    return perform_or_refuse(
        request,
        lambda data: call_service(call=call, by=request.user),
        admit=lambda: CALL_WORKFLOW.admit(request.user, call, action),
        page=lambda status: _call_page(request, call, status),
        done=done,
        to=call,
    )


@require_POST
@login_required
def call_open(request, pk):
    return _call_step(
        request,
        pk,
        "open",
        "招募令已发布,居民可以在“加入幸福家园合伙人”页面看到并报名。",
        recruitment.call_open,
    )


@require_POST
@login_required
def call_close(request, pk):
    return _call_step(
        request, pk, "close", "招募令已结束,不再接受新的申请。", recruitment.call_close
    )


@require_GET
@login_required
def call_poster(request, pk):
    """The call's QR poster (A4 PNG) for a notice board or a WeChat group."""
    call = _call_get(request, pk)
    png = poster_png(
        title=call.title,
        lines=[f"{call.community.name}招募幸福家园合伙人", "微信扫码,在手机上报名"],
        link=_public_link(call),
        footer=call.looking_for,
    )
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="call-{call.pk}.png"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- applications (staff) --------------------------------------------------------------------
@login_required
@permission_required("partners.view_application", raise_exception=True)
def application_list(request):
    form = ApplicationFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = paginate(request, recruitment.application_queue(user=request.user, status=status))
    return render(request, "partners/recruit_application_list.html", {"page": page, "form": form})


def _application_get(request, pk) -> Application:
    return get_visible_or_404(
        Application.objects.select_related(
            "community", "category", "compound", "home_building__compound", "call", "partner",
            "decided_by",
        ),
        request.user,
        pk=pk,
    )  # fmt: skip


def _application_page(request, application, status=200, decline_form=None):
    context = {
        "application": application,
        "duties": recruitment.duties_by_mode(application.duties.order_by("order", "id")),
        "availability": recruitment.availability_labels(application.availability),
        "can": APPLICATION_WORKFLOW.available(request.user, application),
        "decline_form": decline_form or DeclineForm(),
        **recruitment.application_history(application),
    }
    return render(request, "partners/recruit_application_detail.html", context, status=status)


@login_required
def application_detail(request, pk):
    return _application_page(request, _application_get(request, pk))


@require_POST
@login_required
def application_approve(request, pk):
    application = _application_get(request, pk)
    return perform_or_refuse(
        request,
        lambda data: recruitment.application_approve(application=application, by=request.user),
        admit=lambda: APPLICATION_WORKFLOW.admit(request.user, application, "approve"),
        page=lambda status: _application_page(request, application, status),
        done="已审核通过:合伙人已登记,申请人会收到短信,可以用手机号登录。",
        to=application,
    )


@require_POST
@login_required
def application_decline(request, pk):
    application = _application_get(request, pk)
    form = DeclineForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: recruitment.application_decline(
            application=application, by=request.user, reason=data["reason"]
        ),
        admit=lambda: APPLICATION_WORKFLOW.admit(request.user, application, "decline"),
        form=form,
        form_shown=True,
        page=lambda status: _application_page(request, application, status, form),
        done="已标记为未通过,申请人会收到短信。",
        to=application,
    )


# --- the partner's own page ------------------------------------------------------------------
@never_cache
@login_required
@permission_required("partners.view_own_partner", raise_exception=True)
def me(request):
    profiles = list(
        Partner.objects.alive()
        .filter(user_id=request.user.pk)
        .exclude(status=PartnerStatus.LEFT)
        .select_related("community__street", "category", "compound", "home_building__compound")
        .prefetch_related("duties")
        .order_by("community__name", "id")
    )
    records = [
        {
            "partner": partner,
            "duties": recruitment.duties_by_mode(partner.duties.all()),
            "availability": recruitment.availability_labels(partner.availability),
            "history": partner_history(partner),
        }
        for partner in profiles
    ]
    context = {
        "records": records,
        "tasks_url": _url_or("partners:task_list", "/partners/tasks/"),
    }
    return render(request, "partners/recruit_me.html", context)


@never_cache
@login_required
def me_leave(request, pk):
    """Leave one community's partners, after a confirmation page."""
    partner = get_visible_or_404(
        Partner.objects.filter(user_id=request.user.pk).select_related("community"),
        request.user,
        pk=pk,
    )
    if request.method != "POST":
        return render(request, "partners/recruit_leave.html", {"partner": partner})
    try:
        remaining = recruitment.partner_leave(partner=partner, by=request.user)
    except ValidationError as exc:  # Conflict included; PermissionDenied goes on to the 403 page
        for message in exc.messages:
            messages.error(request, message)
        return render(
            request,
            "partners/recruit_leave.html",
            {"partner": partner},
            status=refusal_status(exc),
        )
    done = f"您已退出{partner.community.name}的幸福家园合伙人,联系方式已删除。感谢您为社区做的一切!"
    if not remaining:
        logout(request)
        messages.success(request, done)
        return redirect("partners_public:calls")
    messages.success(request, done)
    return redirect("partners:me")


# --- a section of the partner's staff page (partners:detail) ---------------------------------
def recruit_section(request, partner) -> dict:
    """The partner's applications and consent (version, time, withdrawn)."""
    applications = list(
        partner.applications.select_related("call", "category").order_by("-created_at", "-id")[:10]
    )
    return {
        "template": "partners/recruit_section.html",
        "partner": partner,
        "applications": applications,
    }


if recruit_section not in DETAIL_SECTIONS:
    DETAIL_SECTIONS.append(recruit_section)


# --- public pages ----------------------------------------------------------------------------
def _int(value) -> int | None:
    try:
        number = int(str(value or ""))
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def _place(request) -> tuple[Street | None, Community | None]:
    """The street and community picked (a community of another street than the picked one is
    dropped: the plain form sends the old community along when another street is picked)."""
    street_id, community_id = _int(request.GET.get("street")), _int(request.GET.get("community"))
    community = (
        Community.objects.select_related("street").filter(pk=community_id).first()
        if community_id
        else None
    )
    if community is not None and (not street_id or community.street_id == street_id):
        return community.street, community
    return (Street.objects.filter(pk=street_id).first() if street_id else None), None


@require_GET
def public_calls(request):
    """The district's open calls, by street and community."""
    street, community = _place(request)
    page = paginate(request, recruitment.open_calls(street=street, community=community))
    context = {
        "page": page,
        "street": street,
        "community": community,
        "streets": list(Street.objects.order_by("name", "id")),
        "communities": list(street.communities.order_by("name", "id")) if street else [],
        "tasks_url": _url_or("partners_public:tasks", "/p/tasks/"),
    }
    return render(request, "partners/recruit_public_calls.html", context)


def _open_call(pk) -> RecruitmentCall:
    return get_object_or_404(
        RecruitmentCall.objects.select_related("community__street"), pk=pk, status=CallStatus.OPEN
    )


def _public_call_context(call) -> dict:
    return {
        "call": call,
        "duty_groups": recruitment.duties_by_mode(call.duties.filter(active=True)),
        "categories": list(call.categories.filter(active=True).order_by("order", "id")),
    }


@require_GET
def public_call(request, pk):
    call = _open_call(pk)
    return render(request, "partners/recruit_public_call.html", _public_call_context(call))


APPLIED = (
    "申请已提交!同一个手机号再次提交,只会更新原来的申请,不会重复登记;"
    "已经是本社区合伙人的,无需再申请,直接用手机号登录合伙人页面即可。"
)


@rate_limited("public_form")
def public_apply(request, pk):
    call = _open_call(pk)
    form = ApplicationForm(request.POST if request.method == "POST" else None, call=call)

    def perform(data):
        # One answer whatever the number: a new application, a repeat and a number that is
        # already a partner look alike, so the form tells nobody whose number it is.
        recruitment.application_submit(call=call, data=data)
        messages.success(request, APPLIED)
        return redirect("partners_public:applied", pk=call.pk)

    return form_page(
        request,
        form,
        template="partners/recruit_apply.html",
        context={
            **_public_call_context(call),
            "notice": CONSENT_NOTICE,
            "notice_version": CONSENT_NOTICE_VERSION,
        },
        perform=perform,
    )


@require_GET
def public_applied(request, pk):
    """What happens after applying."""
    call = get_object_or_404(
        RecruitmentCall.objects.select_related("community").exclude(status=CallStatus.DRAFT),
        pk=pk,
    )
    return render(request, "partners/recruit_applied.html", {"call": call})


def _phone_code_page(request, template, form, *, status=200, code_sent="", extra=None):
    context = {"form": form, "code_sent": code_sent, **(extra or {})}
    return render(request, template, context, status=status)


@never_cache
@rate_limited("sms")
def public_login(request):
    """A partner signs in with their phone and an SMS code (no password)."""
    template = "partners/recruit_login.html"
    if request.method != "POST":
        return _phone_code_page(request, template, PhoneCodeForm())
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        return _phone_code_page(request, template, form, status=422)
    number = form.cleaned_data["phone"]
    try:
        if "send" in request.POST:
            recruitment.login_code_send(phone=number)
            fresh = PhoneCodeForm(initial={"phone": number})
            return _phone_code_page(request, template, fresh, code_sent=mask_phone(number))
        user = recruitment.login_with_code(phone=number, code=form.cleaned_data["code"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _phone_code_page(request, template, form, status=422, code_sent=mask_phone(number))
    login(request, user, backend="accounts.backends.PasswordBackend")
    return redirect("partners:me")


@never_cache
@rate_limited("sms")
def public_withdraw(request):
    """An applicant withdraws a waiting application (and the consent it carries) with an SMS
    code; the contact details are deleted."""
    template = "partners/recruit_withdraw.html"
    if request.method != "POST":
        return _phone_code_page(request, template, PhoneCodeForm())
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        return _phone_code_page(request, template, form, status=422)
    number = form.cleaned_data["phone"]
    try:
        if "send" in request.POST:
            recruitment.withdraw_code_send(phone=number)
            fresh = PhoneCodeForm(initial={"phone": number})
            return _phone_code_page(request, template, fresh, code_sent=mask_phone(number))
        withdrawn = recruitment.withdraw_with_code(phone=number, code=form.cleaned_data["code"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _phone_code_page(request, template, form, status=422, code_sent=mask_phone(number))
    return _phone_code_page(
        request, template, PhoneCodeForm(), extra={"withdrawn": withdrawn, "done": True}
    )


staff_urls = [
    path("calls/", call_list, name="call_list"),
    path("calls/new/", call_create, name="call_create"),
    path("calls/<int:pk>/", call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_edit, name="call_edit"),
    path("calls/<int:pk>/open/", call_open, name="call_open"),
    path("calls/<int:pk>/close/", call_close, name="call_close"),
    path("calls/<int:pk>/poster.png", call_poster, name="call_poster"),
    path("applications/", application_list, name="application_list"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/approve/", application_approve, name="application_approve"),
    path("applications/<int:pk>/decline/", application_decline, name="application_decline"),
    path("me/", me, name="me"),
    path("me/<int:pk>/leave/", me_leave, name="me_leave"),
]
public_urls = [
    path("partners/", public_calls, name="calls"),
    path("partners/calls/<int:pk>/", public_call, name="call"),
    path("partners/calls/<int:pk>/apply/", public_apply, name="apply"),
    path("partners/calls/<int:pk>/thanks/", public_applied, name="applied"),
    path("partners/login/", public_login, name="login"),
    path("partners/withdraw/", public_withdraw, name="withdraw"),
]
