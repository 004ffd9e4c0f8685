"""Residents' pages under /p/: a compound's scenes and open plots, claiming a plot, and the care
of one's own plots. No account is needed.

A resident proves their phone with an SMS code (core/sms.py); the verified number is then kept,
encrypted, in their session for VERIFIED_FOR, so the same phone can claim and record care without
a new code each time. A logged-in partner of the plot's community claims and records care as
their partner profile, without a code.
"""

import time
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core import sms
from core.audit import audit
from core.http import form_page, perform_or_refuse
from core.models import AuditEvent
from core.phone import decrypt_phone, encrypt_phone, mask_phone, phone_hash
from core.ratelimit import rate_limited
from partners.models import Partner

from . import selectors, services
from .forms import (
    CareForm,
    CompoundFinderForm,
    GiveUpForm,
    PartnerClaimForm,
    PhoneForm,
    ResidentClaimForm,
)
from .models import Claim, MicroProject, ScenePhoto
from .workflow import MICRO_WORKFLOW

PURPOSE = "scenes.claim"
VERIFIED_KEY = "scenes.phone"
PENDING_KEY = "scenes.phone_pending"
VERIFIED_FOR = timedelta(hours=2)


def verified_phone(request) -> str:
    """The phone this browser proved by an SMS code within VERIFIED_FOR, or ""."""
    entry = request.session.get(VERIFIED_KEY)
    if not isinstance(entry, dict) or entry.get("until", 0) < time.time():
        return ""
    try:
        return decrypt_phone(str(entry.get("p", "")))
    except ValueError:
        return ""


def _partner_of(request, micro) -> Partner | None:
    if not request.user.is_authenticated:
        return None
    return (
        Partner.objects.alive()
        .filter(user_id=request.user.pk, community_id=micro.community_id)
        .first()
    )


@require_GET
def compounds(request):
    """Find one's compound: the streets, then a street's communities and compounds (or a search),
    each compound with its scenes and the plots waiting for someone."""
    form = CompoundFinderForm(request.GET or None)
    found = form.cleaned_data if form.is_valid() else {}
    q = (found.get("q") or "").strip()
    context = selectors.compound_directory(street_id=found.get("street"), q=q)
    return render(request, "scenes/public_compound_list.html", {"form": form, "q": q, **context})


@require_GET
def compound(request, pk):
    place = selectors.public_compound(pk)
    context = {"compound": place, **selectors.compound_page(compound=place)}
    return render(request, "scenes/public_compound.html", context)


@require_GET
def photo(request, pk):
    """A scene's photo, only if staff marked it public."""
    row = (
        ScenePhoto.objects.filter(pk=pk, public=True, scene__deleted_at__isnull=True)
        .select_related("upload")
        .first()
    )
    if row is None:
        raise Http404
    upload = row.upload
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=upload.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _claim_page(request, micro, *, status=200, form=None, phone_form=None, code_sent=""):
    partner = _partner_of(request, micro)
    phone = verified_phone(request)
    if form is None and micro.status == MicroProject.Status.OPEN:
        if partner is not None:
            form = PartnerClaimForm()
        elif phone:
            form = ResidentClaimForm()
    context = {
        "micro": micro,
        "partner": partner,
        "phone": mask_phone(phone),
        "form": form,
        "phone_form": phone_form or PhoneForm(),
        "code_sent": code_sent,
    }
    return render(request, "scenes/public_claim.html", context, status=status)


@rate_limited("public_form")
def claim(request, pk):
    """A plot's page: who may claim it and how; the claim itself."""
    micro = selectors.public_micro(pk)
    if request.method != "POST":
        return _claim_page(request, micro)
    partner, phone = _partner_of(request, micro), verified_phone(request)
    admit = lambda: MICRO_WORKFLOW.admit(request.user, micro, "claim")  # noqa: E731
    if partner is not None:
        form = PartnerClaimForm(request.POST)

        def perform(data):
            services.micro_claim_by_partner(micro=micro, by=request.user)
            messages.success(request, "认领成功!请记得按时照料并记录。")
            return redirect("scenes:public_mine")

    elif phone:
        form = ResidentClaimForm(request.POST)

        def perform(data):
            services.micro_claim_by_resident(
                micro=micro, name=data["name"], phone=phone, consent=data["consent"]
            )
            messages.success(request, "认领成功!请记得按时照料并记录。")
            return redirect("scenes:public_mine")

    else:
        messages.error(request, "请先验证手机号,再认领。")
        return _claim_page(request, micro, status=422)
    return form_page(
        request,
        form,
        template="scenes/public_claim.html",
        context=_claim_context(request, micro, partner, phone),
        perform=perform,
        admit=admit,
        back=request.path,
    )


def _claim_context(request, micro, partner, phone) -> dict:
    return {
        "micro": micro,
        "partner": partner,
        "phone": mask_phone(phone),
        "phone_form": PhoneForm(),
    }


@require_POST
@rate_limited("sms")
def phone(request, pk):
    """Step 1 (the "send" button): send a code to the number. Step 2: check the code and keep
    the verified number in the session."""
    micro = selectors.public_micro(pk)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, micro, status=422, phone_form=form)
    number = form.cleaned_data["phone"]
    if "*" in number:
        form.add_error("phone", "请输入完整的11位手机号码。")
        return _claim_page(request, micro, status=422, phone_form=form)
    try:
        if "send" in request.POST:
            sms.send_code(number, PURPOSE)
            request.session[PENDING_KEY] = phone_hash(number)
            return _claim_page(
                request,
                micro,
                phone_form=PhoneForm(initial={"phone": number}),
                code_sent=mask_phone(number),
            )
        if request.session.get(PENDING_KEY) != phone_hash(number):
            raise ValidationError("请先点“获取验证码”。")
        sms.check_code(number, PURPOSE, form.cleaned_data["code"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _claim_page(
            request, micro, status=422, phone_form=form, code_sent=mask_phone(number)
        )
    request.session.pop(PENDING_KEY, None)
    request.session[VERIFIED_KEY] = {
        "p": encrypt_phone(number),
        "until": time.time() + VERIFIED_FOR.total_seconds(),
    }
    messages.success(request, "手机号已验证。")
    return redirect("scenes:public_claim", pk=micro.pk)


def _mine_page(request, status=200, failed=None):
    number = verified_phone(request)
    claims = selectors.claims_of(phone_hash=phone_hash(number) if number else "", user=request.user)
    for row in claims:
        row.form = (
            failed[1] if failed and failed[0] == row.pk else CareForm(auto_id=f"c{row.pk}_%s")
        )
    context = {"claims": claims, "phone": mask_phone(number)}
    return render(request, "scenes/public_mine.html", context, status=status)


@require_GET
def mine(request):
    """The plots this phone (or this partner) tends, each with a form to record care."""
    return _mine_page(request)


def _own_claim(request, pk, *, live=True) -> Claim:
    """The claim this phone or this partner holds (404, audited, for anybody else's). `live=False`
    finds a claim released already too, so a second press of a button says so instead of 404."""
    number = verified_phone(request)
    claims = Claim.objects.live() if live else Claim.objects.all()
    row = (
        claims.select_related("micro_project__compound", "partner")
        .filter(pk=pk, micro_project__deleted_at__isnull=True)
        .first()
    )
    mine_by_phone = (
        row is not None
        and number
        and row.partner_id is None
        and (row.phone_hash == phone_hash(number))
    )
    mine_by_login = (
        row is not None
        and row.partner_id is not None
        and request.user.is_authenticated
        and row.partner.user_id == request.user.pk
    )
    if not (mine_by_phone or mine_by_login):
        if row is not None:
            audit(
                actor=request.user,
                action="access.denied",
                obj=row,
                result=AuditEvent.Result.DENIED,
                detail={"status": 404},
            )
        raise Http404
    return row


@require_POST
@rate_limited("public_form")
def care(request, pk):
    row = _own_claim(request, pk)
    form = CareForm(request.POST, request.FILES, auto_id=f"c{row.pk}_%s")
    if not form.is_valid():
        # On the form, beside its field; perform_or_refuse would repeat it as a message too.
        return _mine_page(request, 422, failed=(row.pk, form))
    by = request.user if request.user.is_authenticated else None
    return perform_or_refuse(
        request,
        lambda data: services.micro_care(claim=row, by=by, **data),
        form=form,
        page=lambda status: _mine_page(request, status, failed=(row.pk, form)),
        done="照料记录已保存,谢谢您!",
        to="scenes:public_mine",
    )


def _give_up_page(request, row, status=200, form=None):
    # 409: staff released the claim meanwhile; the message says so, and the button goes.
    context = {
        "claim": row,
        "micro": row.micro_project,
        "form": form or GiveUpForm(),
        "released": status == 409,
    }
    return render(request, "scenes/public_give_up.html", context, status=status)


@rate_limited("public_form")
def give_up(request, pk):
    """The claimant gives up their plot, after a confirmation page; it is open to claim again."""
    row = _own_claim(request, pk, live=False)
    if request.method != "POST":
        if row.released_at is not None:
            messages.info(request, "这次认领已经解除了。")
            return redirect("scenes:public_mine")
        return _give_up_page(request, row)
    form = GiveUpForm(request.POST)
    if not form.is_valid():  # shown on the form once, not repeated as a message
        return _give_up_page(request, row, 422, form)
    by = request.user if request.user.is_authenticated else None
    return perform_or_refuse(
        request,
        lambda data: services.micro_give_up(claim=row, by=by, reason=data["reason"]),
        form=form,
        page=lambda status: _give_up_page(request, row, status, form),
        done="已放弃认领,这个项目重新开放给邻居认领。谢谢您这段时间的照料!",
        to="scenes:public_mine",
    )
