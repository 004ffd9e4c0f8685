"""Writing the audit log. Every state change, denial, export and reveal calls `audit()`."""

import contextvars
from dataclasses import dataclass

from .models import AuditEvent


@dataclass(frozen=True)
class RequestContext:
    ip: str | None


_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "audit_request_context", default=None
)


def set_request_context(ip: str | None):
    return _request_context.set(RequestContext(ip=ip))


def reset_request_context(token) -> None:
    _request_context.reset(token)


def audit(
    *,
    actor,
    action: str,
    obj=None,
    result: str = AuditEvent.Result.OK,
    detail: dict | None = None,
    actor_label: str | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event. `detail` must hold ids and masked values only."""
    ctx = _request_context.get()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=actor_label
        if actor_label is not None
        # A person's username; a system actor (publications.services.SYSTEM) names itself.
        else (actor.get_username() if is_user else getattr(actor, "audit_label", "")),
        role=getattr(actor, "primary_role", "") if is_user else "",
        ip=ip or (ctx.ip if ctx else None),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        result=result,
        detail=detail or {},
    )
