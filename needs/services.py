from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import audit

from .models import Need


@transaction.atomic
def need_create(*, by, community, data: dict) -> Need:
    """Record one need in a community's needs list."""
    if not by.has_perm("needs.add_need", community):
        raise PermissionDenied
    compound = data.get("compound")
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError("所选小区不属于本社区。")
    need = Need.objects.create(community=community, created_by=by, **data)
    audit(actor=by, action="need.create", obj=need)
    return need
