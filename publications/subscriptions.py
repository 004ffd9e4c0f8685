"""Residents' SMS subscriptions to their street's previews and summaries.

A resident proves the number with an SMS code (core/sms.py), ticks the consent to the versioned
notice (recorded with its version and time) and is subscribed; the same number subscribing again
to the same street is recognised, not doubled (a partial unique constraint backs it). Every
message carries a short token whose page ends the subscription in one step; ending it erases the
number (the row stays as a tombstone, so counts stay right) and is idempotent.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit
from core.phone import mask_phone, normalise_phone, phone_hash
from core.sms import check_code, send_code

from .models import Subscription

PURPOSE = "publications.subscribe"
CONSENT_VERSION = "2026-01"
CONSENT_NOTICE = (
    "我们仅为向您发送所选街道的月初预告和月末总结短信而保存您的手机号码(加密存储),"
    "不用于其他用途,也不提供给任何第三方。每条短信都附有退订链接,点开后一步即可退订;"
    "退订后号码随即删除。"
)


def _token() -> str:
    # Short enough to fit the SMS template's parameter (≤ 20 characters), 72 random bits.
    return secrets.token_urlsafe(9)


def subscription_code_send(*, phone: str) -> str:
    """Send a verification code to the number; returns the number normalised."""
    number = normalise_phone(phone)
    send_code(number, PURPOSE)
    return number


def subscription_create(*, street, phone: str, code: str, consent: bool) -> tuple:
    """(subscription, created): subscribe the number to the street's publications once the code
    checks out and consent is given; an active subscription of the same number is returned."""
    if not consent:
        raise ValidationError("请阅读并勾选同意《短信订阅告知书》。", code="consent")
    number = normalise_phone(phone)
    check_code(number, PURPOSE, code)
    hashed = phone_hash(number)
    existing = Subscription.objects.active().filter(street=street, phone_hash=hashed).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                street=street,
                phone=number,
                consent_version=CONSENT_VERSION,
                consented_at=timezone.now(),
                token=_token(),
            )
    except IntegrityError:  # the same number subscribed at the same moment
        existing = Subscription.objects.active().filter(street=street, phone_hash=hashed).first()
        if existing is None:
            raise
        return existing, False
    audit(
        actor=None,
        actor_label="resident",
        action="publications.subscribed",
        obj=subscription,
        detail={
            "street": street.pk,
            "phone": mask_phone(number),
            "consent_version": CONSENT_VERSION,
        },
    )
    return subscription, True


def subscription_by_token(token: str) -> Subscription | None:
    token = str(token or "")
    if not token or len(token) > 40:
        return None
    return Subscription.objects.select_related("street").filter(token=token).first()


@transaction.atomic
def subscription_end(*, subscription: Subscription) -> bool:
    """End the subscription and erase its number; False if it had ended already."""
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.unsubscribed_at is not None:
        return False
    masked = locked.phone.masked
    locked.unsubscribed_at = timezone.now()
    locked.phone = ""
    locked.save(update_fields=["unsubscribed_at", "phone", "phone_hash"])
    audit(
        actor=None,
        actor_label="resident",
        action="publications.unsubscribed",
        obj=locked,
        detail={"street": locked.street_id, "phone": masked},
    )
    return True
