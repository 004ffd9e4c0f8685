import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied

from .audit import audit, reset_request_context, set_request_context
from .models import AuditEvent


@lru_cache(maxsize=8)
def _networks(trusted: tuple) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(meta: dict, trusted: tuple) -> str:
    """The client's own address. X-Forwarded-For is believed only from a trusted proxy, and only
    as far as the proxies in it are trusted: reading it from the right, the first hop that is not
    a trusted proxy is the client. From anywhere else the header is ignored (anyone can send it)."""
    peer = meta.get("REMOTE_ADDR", "")
    networks = _networks(trusted)
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: keep the proxy's own address
        if not _trusted(hop, networks):
            return hop
    return peer


class ClientAddressMiddleware:
    """First in the chain: REMOTE_ADDR becomes the client's address behind a trusted proxy
    (settings.TRUSTED_PROXIES), so the lockout (axes), the audit log and the rate limits all key on
    the person, not on the proxy. The proxy's own address stays in META["PROXY_ADDR"]."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        client = client_address(meta, tuple(settings.TRUSTED_PROXIES))
        if client != meta.get("REMOTE_ADDR"):
            meta["PROXY_ADDR"], meta["REMOTE_ADDR"] = meta.get("REMOTE_ADDR", ""), client
        return self.get_response(request)


class RequestSizeMiddleware:
    """A request body larger than settings.MAX_REQUEST_BYTES is refused (413) from its declared
    length, before a byte of it is read. The proxy in front sets the same limit
    (docs/deployment.md), so most never reach the portal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            from django.shortcuts import render

            limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return render(request, "413.html", {"limit_mb": limit}, status=413)
        return self.get_response(request)


def client_ip(request) -> str | None:
    """The client's address (ClientAddressMiddleware has resolved any trusted proxy)."""
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the client IP available to audit() and records every PermissionDenied."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_context(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            audit(
                actor=request.user,
                action="access.denied",
                result=AuditEvent.Result.DENIED,
                detail={"path": request.path[:200], "method": request.method, "status": 403},
            )
        return None
