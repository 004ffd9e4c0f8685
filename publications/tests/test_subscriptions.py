"""Residents' SMS subscriptions: code, consent, no doubles, one-step 退订."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import sms
from core.models import AuditEvent
from publications import subscriptions
from publications.models import Subscription

pytestmark = pytest.mark.django_db
PHONE = "13900002468"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _code(django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscription_code_send(phone=PHONE)
    return sms.outbox[-1].params["code"]


def test_subscribe_with_code_and_consent_records_version_and_time(
    org, django_capture_on_commit_callbacks
):
    code = _code(django_capture_on_commit_callbacks)
    subscription, created = subscriptions.subscription_create(
        street=org.street_a, phone=PHONE, code=code, consent=True
    )
    assert created and subscription.consent_version == subscriptions.CONSENT_VERSION
    assert subscription.consented_at is not None and len(subscription.token) <= 20
    event = AuditEvent.objects.get(action="publications.subscribed")
    assert PHONE not in str(event.detail) and "139****2468" in str(event.detail)


def test_without_consent_or_with_a_wrong_code_nothing_is_saved(
    org, django_capture_on_commit_callbacks
):
    code = _code(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        subscriptions.subscription_create(
            street=org.street_a, phone=PHONE, code=code, consent=False
        )
    with pytest.raises(ValidationError):
        subscriptions.subscription_create(
            street=org.street_a, phone=PHONE, code="000000" if code != "000000" else "111111",
            consent=True,
        )  # fmt: skip
    assert not Subscription.objects.exists()


def test_a_repeat_subscription_is_recognised_not_doubled(
    org, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("core.sms.RESEND_AFTER", __import__("datetime").timedelta(0))
    first, _ = subscriptions.subscription_create(
        street=org.street_a, phone=PHONE, code=_code(django_capture_on_commit_callbacks),
        consent=True,
    )  # fmt: skip
    again, created = subscriptions.subscription_create(
        street=org.street_a, phone="+86 139-0000-2468",
        code=_code(django_capture_on_commit_callbacks), consent=True,
    )  # fmt: skip
    assert again == first and not created
    assert Subscription.objects.count() == 1


def test_unsubscribe_page_is_one_step_idempotent_and_erases_the_number(client, org):
    subscription = Subscription.objects.create(
        street=org.street_a, phone=PHONE, consent_version="v", token="short-token1"
    )
    url = reverse("publications_public:unsubscribe", args=[subscription.token])

    page = client.get(url)
    assert page.status_code == 200 and "确认退订" in page.content.decode()
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200

    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert not subscription.phone and not subscription.phone_hash
    assert AuditEvent.objects.filter(action="publications.unsubscribed").count() == 1
    assert client.get(reverse("publications_public:unsubscribe", args=["nope"])).status_code == 404


def test_subscribe_page_flow(client, org, django_capture_on_commit_callbacks):
    url = reverse("publications_public:subscribe")
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "获取验证码" in body
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"street": org.street_a.pk, "phone": PHONE, "send": "1"})
    body = sent.content.decode()
    assert sent.status_code == 200 and "139****2468" in body
    assert 'name="consent" id="id_consent">' in body  # unticked
    code = sms.outbox[-1].params["code"]
    refused = client.post(url, {"street": org.street_a.pk, "phone": PHONE, "code": code})
    assert refused.status_code == 422 and "勾选同意" in refused.content.decode()
    assert not Subscription.objects.exists()
    done = client.post(
        url, {"street": org.street_a.pk, "phone": PHONE, "code": code, "consent": "on"}
    )
    assert done.status_code == 200 and "订阅成功" in done.content.decode()
    assert Subscription.objects.active().filter(street=org.street_a).count() == 1


def test_the_subscription_form_offers_the_remembered_or_linked_street_first(client, org):
    """A resident who chose 国奥社区 on /p/place/ (or followed a link with ?street=) finds their
    street already chosen (the walkthrough); junk is no street."""
    from django.urls import reverse

    from publications.public_views import PLACE_COOKIE

    url = reverse("publications_public:subscribe")
    assert client.get(url).context["form"].initial["street"] is None
    assert client.get(f"{url}?street={org.street_b.pk}").context["form"].initial["street"] == (
        org.street_b.pk
    )
    assert client.get(f"{url}?street=x").context["form"].initial["street"] is None
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)
    assert client.get(url).context["form"].initial["street"] == org.street_a.pk
