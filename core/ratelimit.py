"""One rate limit for the login, the password form and every public form.

Each named limit (settings.RATE_LIMITS) counts POSTs in fixed windows, twice: per device (a signed
random cookie the portal sets on the form's page) or, where the form has one, per household code;
and per client address with a much higher cap, because a whole 百家宴 or a carrier's NAT shares one
address and a per-address limit alone would lock residents out at the very activity they grade.
A POST without a valid device cookie is counted per address at the device's rate (a browser that
opened the form has the cookie; a script does not). Past either limit: 429 with a Chinese message.

    @rate_limited("public_form")                       # device, then address
    @rate_limited("grading", key=lambda request: request.POST.get("household_code", ""))

Cache keys hold a keyed hash (HMAC with SECRET_KEY) of what they count, never a household code,
a device id or an address: `rl:<limit>:<hash>:<window>`.

BENCH=1 and the test settings switch limits off (RATE_LIMITS_ENABLED); their own tests switch
them on.
"""

import re
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from .middleware import client_ip

COOKIE = "bsbj_device"
COOKIE_AGE = 365 * 24 * 3600
SALT = "core.ratelimit.device"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def parse(rate: str) -> tuple[int, int]:
    """ "20/h" → (20, 3600); "10/10m" → (10, 600)."""
    match = RATE.match(rate)
    if not match:
        raise ValueError(f"bad rate {rate!r}: use count/[n]unit, e.g. 20/h or 10/10m")
    count, n, unit = match.groups()
    return int(count), int(n or 1) * UNITS[unit]


def device_of(request) -> str | None:
    """The device id in the request's signed cookie, or None."""
    try:
        return signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT)
    except signing.BadSignature:
        return None


def _clock() -> float:
    return time.time()


def _digest(who: str) -> str:
    """A keyed hash of whom a bucket counts (a household code, a device id, an address): the
    cache never holds the value itself, whatever a caller passes as the key."""
    return salted_hmac(SALT + ".bucket", who, algorithm="sha256").hexdigest()[:32]


def _hit(name: str, who: str, rate: str) -> bool:
    """Count one request in the current window of this limit's bucket for `who`; True if it is
    over the limit."""
    limit, seconds = parse(rate)
    window = int(_clock()) // seconds
    key = f"rl:{name}:{_digest(who)}:{window}"
    cache.add(key, 0, seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds + 5)
        count = 1
    return count > limit


def over_limit(request, name: str, key: str = "") -> int | None:
    """Count this request against the named limit; the window's length in seconds if it is
    over either cap, else None."""
    rates = settings.RATE_LIMITS[name]
    address = client_ip(request) or "unknown"
    own = f"key:{key}" if key else (f"dev:{d}" if (d := device_of(request)) else f"ip:{address}")
    if _hit(name, own, rates["device"]):
        return parse(rates["device"])[1]
    if _hit(name, f"addr:{address}", rates["ip"]):
        return parse(rates["ip"])[1]
    return None


def _give_device(request, response):
    if device_of(request) is None:
        response.set_cookie(
            COOKIE,
            signing.dumps(secrets.token_urlsafe(16), salt=SALT),
            max_age=COOKIE_AGE,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


def rate_limited(name: str, key=None, methods=("POST",)):
    """Limit the POSTs of a view (or the requests of the given methods: a public page whose
    answer costs the server, such as a PDF made on demand) by the named limit; every answer
    hands out the device cookie."""
    settings.RATE_LIMITS[name]  # a limit named in code must exist in settings (KeyError at import)

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and settings.RATE_LIMITS_ENABLED:
                seconds = over_limit(request, name, key(request) if key else "")
                if seconds is not None:
                    minutes = max(1, round(seconds / 60))
                    return render(request, "429.html", {"minutes": minutes}, status=429)
            return _give_device(request, view(request, *args, **kwargs))

        return wrapped

    return decorate
