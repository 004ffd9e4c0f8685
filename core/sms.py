"""Text messages and phone verification codes.

Chinese SMS gateways send only templates approved in advance, each with a code, filled with
parameters. So does the portal: `send_sms(phone, template, params)` names a template of
`TEMPLATES` (code → the approved text, `${name}` for each parameter; an app adds its own with
`register_template`) and goes through settings.SMS_BACKEND: "console" logs the filled text (the
embedded default), "locmem" keeps it in `outbox` (tests read the code from there), or the dotted
path of a class with `send(phone, template, params)` for a real gateway (which sends the code and
the parameters, never the text).

`send_code(phone, purpose)` sends a 6-digit code valid for 10 minutes; only the number's keyed
hash and the code's hash are stored (core.models.PhoneCode). At most one code per number and
purpose a minute and a few an hour. `check_code(phone, purpose, code)` allows 5 attempts and
accepts a code once. Both refuse with ValidationError and a Chinese message.
"""

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PhoneCode
from .phone import mask_phone, normalise_phone, phone_hash

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(minutes=1)
PER_HOUR = 5
MAX_ATTEMPTS = 5

# Template code → its approved text. Parameters are `${name}`; each is a short value (the gateways
# cap a parameter at 20-odd characters, so a template never takes free text).
TEMPLATES = {
    "SMS_CODE": "【百社百景】您的验证码是 ${code},${minutes} 分钟内有效。",
    "SIGNUP_CANCELLED": "【百社百景】您报名的${date}“${what}”已取消(${reason})。给您带来不便,敬请谅解。",
    "SIGNUP_CHANGED": "【百社百景】您报名的“${what}”时间地点有调整:${when},${place}。",
}
PARAM = re.compile(r"\$\{(\w+)\}")


def register_template(code: str, text: str) -> None:
    """Declare an approved template (an app's ready() or module level); the same text twice is
    fine, another text under a taken code is a mistake."""
    if TEMPLATES.setdefault(code, text) != text:
        raise ValueError(f"SMS template {code} is declared twice with different texts")


def render(template: str, params: dict) -> str:
    """The text a template sends with these parameters (a missing or extra one is a mistake)."""
    text = TEMPLATES[template]
    wanted = set(PARAM.findall(text))
    if wanted != set(params):
        raise ValueError(f"SMS template {template} takes {sorted(wanted)}, got {sorted(params)}")
    return PARAM.sub(lambda m: str(params[m.group(1)]), text)


@dataclass(frozen=True)
class Message:
    phone: str
    template: str
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render(self.template, self.params)


# The locmem backend's messages (tests clear it).
outbox: list[Message] = []


class ConsoleBackend:
    def send(self, phone: str, template: str, params: dict) -> None:
        logger.info("SMS %s to %s: %s", template, mask_phone(phone), render(template, params))


class LocmemBackend:
    def send(self, phone: str, template: str, params: dict) -> None:
        outbox.append(Message(phone, template, dict(params)))


BACKENDS = {"console": ConsoleBackend, "locmem": LocmemBackend}


def _backend():
    name = settings.SMS_BACKEND
    return (BACKENDS.get(name) or import_string(name))()


def send_sms(phone: str, template: str, params: dict | None = None) -> None:
    """Send one approved template, filled with `params`, to a mainland mobile number."""
    params = {key: str(value) for key, value in (params or {}).items()}
    render(
        template, params
    )  # an unknown template or a wrong parameter fails here, not at the gateway
    _backend().send(normalise_phone(phone), template, params)


def _code_hash(number_hash: str, purpose: str, code: str) -> str:
    key = hashlib.sha256(b"sms-code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{number_hash}|{purpose}|{code}".encode(), hashlib.sha256).hexdigest()


def send_code(phone: str, purpose: str, *, now=None, deliver: bool = True) -> PhoneCode:
    """Send a fresh verification code; refuse if one went out in the last minute or too many
    in the last hour. `deliver=False` keeps the row and its limits but sends nothing: a flow
    that serves only some numbers (the partners' sign-in) answers every number alike."""
    number = normalise_phone(phone)
    number_hash, now = phone_hash(number), now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One request at a time per number and purpose, so parallel requests cannot all
            # pass the checks below (the lock ends with the transaction).
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"sms:{number_hash}:{purpose}"]
                )
        recent = PhoneCode.objects.filter(
            phone_hash=number_hash, purpose=purpose, created_at__gt=now - timedelta(hours=1)
        )
        if recent.filter(created_at__gt=now - RESEND_AFTER).exists():
            raise ValidationError("验证码已发送,请 1 分钟后再获取。", code="sms_too_soon")
        if recent.count() >= PER_HOUR:
            raise ValidationError(
                "这个号码一小时内获取验证码次数过多,请稍后再试。", code="sms_too_many"
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        row = PhoneCode.objects.create(
            phone_hash=number_hash,
            purpose=purpose,
            code_hash=_code_hash(number_hash, purpose, code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        if deliver:
            transaction.on_commit(
                lambda: send_sms(
                    number,
                    "SMS_CODE",
                    {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)},
                )
            )
    return row


def check_code(phone: str, purpose: str, code: str, *, now=None) -> None:
    """Accept the latest code sent to this number for this purpose, once; a wrong code counts
    as an attempt (kept even though the caller's refusal follows)."""
    number_hash, now = phone_hash(phone), now or timezone.now()
    code = str(code or "").strip()
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_hash=number_hash, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.expires_at <= now or row.attempts >= MAX_ATTEMPTS:
            raise ValidationError("验证码已失效,请重新获取。", code="sms_expired")
        row.attempts += 1
        good = hmac.compare_digest(row.code_hash, _code_hash(number_hash, purpose, code))
        if good:
            row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
    if not good:
        raise ValidationError("验证码不正确,请核对短信中的 6 位数字。", code="sms_wrong")
