"""Time-based one-time passwords (RFC 6238, as 腾讯身份验证器, Google Authenticator and similar
apps generate them): HMAC-SHA1, 6 digits, 30-second steps. Pure functions; accounts/totp.py keeps
the devices."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
import urllib.parse

DIGITS = 6
STEP = 30
DRIFT = 1  # steps either side of now that still count (a phone's clock a little off)


def new_secret() -> str:
    """160 random bits, base32 without padding (what the apps expect)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)


def code_at(secret: str, counter: int) -> str:
    """The code of one 30-second step (RFC 4226 HOTP)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def counter_now(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def match(secret: str, code: str, *, after: int = 0, now: float | None = None) -> int | None:
    """The step a code belongs to (within DRIFT of now and later than `after`, so a code is
    accepted once), or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = counter_now(now)
    for counter in range(current - DRIFT, current + DRIFT + 1):
        if counter > after and hmac.compare_digest(code_at(secret, counter), code):
            return counter
    return None


def provisioning_uri(secret: str, account: str, issuer: str = "百社百景") -> str:
    """The otpauth:// URI a QR code carries for the apps."""
    label = urllib.parse.quote(f"{issuer}:{account}")
    query = urllib.parse.urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"


# --- secrets at rest --------------------------------------------------------------------------
def settings_key() -> str:
    from django.conf import settings

    return settings.FIELD_ENCRYPTION_KEY


_DERIVED: dict = {}


def _derive(key: str):
    if key not in _DERIVED:
        from cryptography.fernet import Fernet

        enc = hashlib.sha256(b"totp-secret:" + key.encode()).digest()
        mac = hashlib.sha256(b"totp-recovery:" + key.encode()).digest()
        _DERIVED[key] = (Fernet(base64.urlsafe_b64encode(enc)), mac)
    return _DERIVED[key]


def seal(secret: str) -> str:
    """The secret encrypted for the database (FIELD_ENCRYPTION_KEY, as phone numbers)."""
    return _derive(settings_key())[0].encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    return _derive(settings_key())[0].decrypt(token.encode()).decode()


def recovery_hash(code: str) -> str:
    """A keyed hash of a recovery code: the database never holds a usable code."""
    normalised = "".join(code.split()).upper().replace("-", "")
    return hmac.new(_derive(settings_key())[1], normalised.encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(n: int = 10) -> list[str]:
    """Ten one-time codes like 7K3Q-M9PA, without characters people confuse."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = ["".join(secrets.choice(alphabet) for _ in range(8)) for _ in range(n)]
    return [f"{c[:4]}-{c[4:]}" for c in raw]
