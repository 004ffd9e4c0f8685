"""The one way a view fetches a scoped object: through visible_to(user), 404 otherwise."""

from django.http import Http404

from .audit import audit
from .models import AuditEvent


def get_visible_or_404(queryset_or_model, user, *, visible_kwargs: dict | None = None, **lookup):
    """Return the object if `visible_to(user)` holds it; else audit the denial and raise 404.

    Out of scope and non-existent look the same to the user (both 404); the audit log tells them apart.
    """
    manager = getattr(queryset_or_model, "objects", queryset_or_model)
    base = manager.all() if hasattr(manager, "all") else manager
    try:
        return base.visible_to(user, **(visible_kwargs or {})).get(**lookup)
    except base.model.DoesNotExist:
        exists = base.model._default_manager.filter(**lookup).exists()
        if exists:
            audit(
                actor=user,
                action="access.denied",
                result=AuditEvent.Result.DENIED,
                detail={
                    "model": base.model._meta.label_lower,
                    "lookup": {k: str(v) for k, v in lookup.items()},
                    "status": 404,
                },
            )
        raise Http404 from None
