from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.audit import audit

from .models import Partner


@transaction.atomic
def partner_create(*, by, community, data: dict) -> Partner:
    """Register a partner with a community."""
    if not by.has_perm("partners.add_partner", community):
        raise PermissionDenied
    partner = Partner.objects.create(community=community, created_by=by, **data)
    audit(actor=by, action="partner.create", obj=partner, detail={"phone": partner.phone.masked})
    return partner
