from django.core.exceptions import PermissionDenied

from .audit import audit, reset_request_context, set_request_context
from .models import AuditEvent


def client_ip(request) -> str | None:
    # Behind the production proxy REMOTE_ADDR is set from X-Forwarded-For by gunicorn's
    # forwarded_allow_ips; we never trust the header ourselves.
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
