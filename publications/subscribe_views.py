"""Residents' SMS subscriptions (namespace publications_public): subscribe with the phone and an
SMS code and an unticked consent box; end it in one step from the link in every message."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from core.phone import mask_phone
from core.ratelimit import rate_limited

from . import subscriptions
from .delivery_forms import SubscribeForm

TEMPLATE = "publications/subscribe_form.html"


def _page(request, form, *, status=200, code_sent="", done=None):
    context = {
        "form": form,
        "code_sent": code_sent,
        "done": done,
        "notice": subscriptions.CONSENT_NOTICE,
        "notice_version": subscriptions.CONSENT_VERSION,
    }
    return render(request, TEMPLATE, context, status=status)


def _street_of(request) -> int | None:
    """The street to offer first: the link's ?street=, else the street of the community this
    device remembers (/p/place/); none if neither names one."""
    from .public_views import parse_id, remembered_community

    if (street_id := parse_id(request.GET.get("street"))) is not None:
        return street_id
    community = remembered_community(request)
    return community.street_id if community else None


@never_cache
@rate_limited("sms")
def subscribe(request):
    """Phone first: street and number → 获取验证码; then the code and the consent → 订阅."""
    if request.method != "POST":
        return _page(request, SubscribeForm(initial={"street": _street_of(request)}))
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    number = data["phone"]
    try:
        if "send" in request.POST:
            subscriptions.subscription_code_send(phone=number)
            fresh = SubscribeForm(initial={"street": data["street"], "phone": number})
            return _page(request, fresh, code_sent=mask_phone(number))
        if not str(data["code"] or "").strip():
            raise ValidationError("请填写短信验证码(先点“获取验证码”)。")
        subscription, created = subscriptions.subscription_create(
            street=data["street"], phone=number, code=data["code"], consent=data["consent"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _page(request, form, status=422, code_sent=mask_phone(number))
    done = {"street": subscription.street, "created": created, "phone": mask_phone(number)}
    return _page(request, SubscribeForm(), done=done)


@never_cache
@rate_limited("public_form")
def unsubscribe(request, token):
    """GET: one button; POST: the subscription ends (again: the same answer)."""
    subscription = subscriptions.subscription_by_token(token)
    if subscription is None:
        raise Http404
    ended = False
    if request.method == "POST":
        subscriptions.subscription_end(subscription=subscription)
        ended = True
    elif subscription.unsubscribed_at is not None:
        ended = True
    context = {"subscription": subscription, "ended": ended}
    return render(request, "publications/subscribe_unsubscribe.html", context)


urls = [
    path("subscribe/", subscribe, name="subscribe"),
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
