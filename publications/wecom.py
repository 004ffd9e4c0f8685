"""A street's WeCom (企业微信 / 政务微信) group robot: checking its webhook URL, keeping it encrypted,
showing it masked, and posting a publication to the group.

The webhook URL is a secret (whoever holds it may post to the group): it is stored as Fernet
ciphertext with a key derived from settings.FIELD_ENCRYPTION_KEY (a salt of its own, so a phone
number's key never opens it), shown only as `webhook_hint`, and never written to the audit log,
an error message or a log line. Accepted URLs: https, a host of settings.WECOM_WEBHOOK_HOSTS
exactly (a private 政务微信 names its own), the path /cgi-bin/webhook/send and a `key`.
"""

import base64
import hashlib
import json
import urllib.error
import urllib.request
from datetime import timedelta
from functools import cache
from urllib.parse import parse_qs, urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Street
from core.audit import audit

from .models import StreetChannel

WEBHOOK_PATH = "/cgi-bin/webhook/send"
TIMEOUT = 5  # seconds: a robot that does not answer fails the attempt, which is retried later
# WeCom caps a markdown message at 4096 bytes.
MAX_BYTES = 4000
# A test message at most once a minute per street (it goes to a whole group).
TEST_EVERY = timedelta(minutes=1)


class WeComError(Exception):
    """The robot refused the message or could not be reached (the text holds no secret)."""


@cache
def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(b"wecom-webhook-encryption:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_webhook(url: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(url.encode()).decode()


def decrypt_webhook(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, not post garbage
        raise ValueError("webhook cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc


def validate_webhook(raw: str) -> str:
    """The robot's URL, stripped, or ValidationError with a Chinese message."""
    url = str(raw or "").strip()
    if not url:
        raise ValidationError("请填写企业微信群机器人的 Webhook 地址。", code="wecom_empty")
    # ASCII only: no look-alike host (IDN, full-width dots, a Kelvin sign lowercased to "k"),
    # and no backslash some clients read as a slash.
    if len(url) > 500 or not url.isascii() or "\\" in url or any(c.isspace() for c in url):
        raise ValidationError("Webhook 地址格式不正确。", code="wecom_format")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for "host:abc" or a port out of range
    except ValueError:
        raise ValidationError("Webhook 地址格式不正确。", code="wecom_format") from None
    hosts = ", ".join(settings.WECOM_WEBHOOK_HOSTS)
    if parts.scheme != "https":
        raise ValidationError("Webhook 地址必须以 https:// 开头。", code="wecom_scheme")
    if parts.username or parts.password or "@" in parts.netloc or port not in (None, 443):
        raise ValidationError("Webhook 地址格式不正确。", code="wecom_format")
    if (parts.hostname or "") not in settings.WECOM_WEBHOOK_HOSTS:
        raise ValidationError(f"只接受企业微信的机器人地址(域名须为 {hosts})。", code="wecom_host")
    if parts.path != WEBHOOK_PATH:
        raise ValidationError(
            f"机器人地址的路径应为 {WEBHOOK_PATH},请在群机器人设置中复制完整地址。",
            code="wecom_path",
        )
    keys = parse_qs(parts.query).get("key", [])
    if len(keys) != 1 or not keys[0].strip() or len(keys[0]) > 100:
        raise ValidationError("机器人地址缺少 key 参数,请复制完整地址。", code="wecom_key")
    return url


def mask_webhook(url: str) -> str:
    """https://qyapi.weixin.qq.com/…key=12ab****9f: enough to recognise it, not to use it."""
    parts = urlsplit(url)
    key = (parse_qs(parts.query).get("key") or [""])[0]
    shown = f"{key[:4]}****{key[-2:]}" if len(key) > 8 else "****"
    return f"https://{parts.hostname}/…key={shown}"[:80]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot answers 200 itself; a redirect (to an intranet address, say) is not followed:
    urllib would turn the POST into a GET of wherever it points (SSRF). The 3xx is a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _urlopen(request, *, timeout):
    return _OPENER.open(request, timeout=timeout)  # noqa: S310 (https only: validate_webhook)


def send_markdown(url: str, content: str) -> None:
    """Post one markdown message to the robot; WeComError unless it answers 200 and errcode 0."""
    body = content.encode()
    if len(body) > MAX_BYTES:
        body = body[:MAX_BYTES].decode(errors="ignore").encode()
        content = body.decode()
    payload = json.dumps({"msgtype": "markdown", "markdown": {"content": content}}).encode()
    request = urllib.request.Request(  # noqa: S310 (https only: validate_webhook)
        url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with _urlopen(request, timeout=TIMEOUT) as response:
            status, answer = response.status, response.read(2000)
    except urllib.error.HTTPError as exc:
        raise WeComError(f"企业微信返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WeComError(f"无法连接企业微信:{type(reason).__name__}") from None
    if status != 200:
        raise WeComError(f"企业微信返回 HTTP {status}")
    try:
        errcode = json.loads(answer).get("errcode")
    except (ValueError, AttributeError):
        raise WeComError("企业微信的回答无法识别") from None
    if errcode != 0:
        raise WeComError(f"企业微信拒收(errcode {errcode})")


def street_webhook(street_id: int) -> str | None:
    """The street's robot URL in clear, or None (for the sender only)."""
    channel = StreetChannel.objects.filter(street_id=street_id).first()
    if channel is None or not channel.webhook_encrypted:
        return None
    return decrypt_webhook(channel.webhook_encrypted)


# --- selectors --------------------------------------------------------------------------------
def wecom_street_list(user) -> list[Street]:
    """The streets whose group robot the user may set, each knowing whether it has one
    (`has_robot`): the street's 组长 (or today's delegate) their street, district staff every
    street, anybody else none. One query, whatever the user (the staff list links to each)."""
    robots = StreetChannel.objects.filter(street=OuterRef("pk")).exclude(webhook_encrypted="")
    streets = (
        Street.objects.visible_to(user)
        .annotate(has_robot=Exists(robots))
        .only("pk", "name", "district_id")
        .order_by("name", "pk")
    )
    return [s for s in streets if user.has_perm("publications.manage_wecom", s)]


# --- services ---------------------------------------------------------------------------------
def _admit(by, street) -> None:
    if not by.has_perm("publications.manage_wecom", street):
        audit(actor=by, action="publications.wecom_denied", obj=street, result="denied")
        raise PermissionDenied


def _lock_street(street) -> None:
    """Two people setting a street's first robot at once take turns (a lock on the channel row
    alone locks nothing while there is no row): the second replaces the first's, never a 500."""
    Street.objects.select_for_update().filter(pk=street.pk).values_list("pk").first()


@transaction.atomic
def street_channel_set(*, street, by, url: str) -> StreetChannel:
    """Set or replace the street's robot (the audit row holds the masked hints only)."""
    _admit(by, street)
    url = validate_webhook(url)
    _lock_street(street)
    channel = StreetChannel.objects.select_for_update().filter(street=street).first()
    before = channel.webhook_hint if channel else ""
    if channel is None:
        channel = StreetChannel(street=street)
    channel.webhook_encrypted = encrypt_webhook(url)
    channel.webhook_hint = mask_webhook(url)
    channel.updated_by, channel.updated_at = by, timezone.now()
    channel.save()
    audit(
        actor=by,
        action="publications.wecom_set" if not before else "publications.wecom_changed",
        obj=street,
        detail={"before": before, "after": channel.webhook_hint},
    )
    return channel


@transaction.atomic
def street_channel_remove(*, street, by) -> bool:
    """Remove the street's robot; False if it had none."""
    _admit(by, street)
    _lock_street(street)
    channel = StreetChannel.objects.select_for_update().filter(street=street).first()
    if channel is None or not channel.webhook_encrypted:
        return False
    hint = channel.webhook_hint
    channel.delete()
    audit(actor=by, action="publications.wecom_removed", obj=street, detail={"before": hint})
    return True


def street_channel_test(*, street, by) -> None:
    """Post a test message to the street's group (once a minute at most; audited either way)."""
    _admit(by, street)
    url = street_webhook(street.pk)
    if url is None:
        raise ValidationError("本街道还没有设置企业微信群机器人。", code="wecom_none")
    if not django_cache.add(f"wecom-test:{street.pk}", 1, int(TEST_EVERY.total_seconds())):
        raise ValidationError("刚刚发送过测试消息,请 1 分钟后再试。", code="wecom_too_soon")
    content = f"**百社百景测试消息**\n{street.name}的月度晾晒将发送到本群。"
    try:
        send_markdown(url, content)
    except WeComError as exc:
        audit(
            actor=by,
            action="publications.wecom_tested",
            obj=street,
            result="failed",
            detail={"error": str(exc)},
        )
        raise ValidationError(f"测试消息发送失败:{exc}", code="wecom_failed") from None
    audit(actor=by, action="publications.wecom_tested", obj=street)
