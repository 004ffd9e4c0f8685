"""What partners and units offer a community (资源: 场地, 资金, 物资, 专业服务, 志愿时长).

The partner's community records them (partners/rules_resource.py); projects link them at step 2
with what each contributes (projects/, which partners never imports). A resource is never
deleted: projects may name it, so it is retired (no longer offered) and may be restored.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import audit
from core.workflow import Conflict

from .models import Partner, PartnerStatus, Resource, ResourceKind

FIELDS = ("kind", "description", "quantity", "unit")
MONEY_UNIT = "元"
MAX_QUANTITY = Decimal("1e10")


def _cleaned(data: dict) -> dict:
    """The four fields, checked: a known kind, a description, a quantity that is not negative;
    money is counted in 元 so that it adds up."""
    values = {name: data.get(name) for name in FIELDS}
    values["description"] = str(values["description"] or "").strip()[:200]
    values["unit"] = str(values["unit"] or "").strip()[:10]
    reasons = []
    if values["kind"] not in ResourceKind.values:
        reasons.append("请选择资源类型。")
    if not values["description"]:
        reasons.append("请写明资源的内容,如“社区服务中心会议室”。")
    quantity = values["quantity"]
    if quantity is not None and not (
        isinstance(quantity, Decimal) and quantity.is_finite() and 0 <= quantity < MAX_QUANTITY
    ):
        reasons.append("数量应为不小于 0 的数字。")
    if values["kind"] == ResourceKind.MONEY:
        values["unit"] = MONEY_UNIT
    if reasons:
        raise ValidationError(reasons)
    return values


def _detail(resource: Resource) -> dict:
    return {"partner": resource.partner_id, "kind": resource.kind}


@transaction.atomic
def resource_create(*, partner: Partner, by, data: dict) -> Resource:
    """Record a resource an active partner offers."""
    if not by.has_perm("partners.add_resource", partner):
        raise PermissionDenied
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.is_deleted or partner.status != PartnerStatus.ACTIVE:
        raise Conflict(
            f"该合伙人当前状态为“{partner.get_status_display()}”,不能登记新的资源。",
            code="status",
        )
    resource = Resource.objects.create(partner=partner, created_by=by, **_cleaned(data))
    audit(actor=by, action="resource.create", obj=resource, detail=_detail(resource))
    return resource


def _locked(resource: Resource, by) -> Resource:
    locked = Resource.objects.select_for_update().select_related("partner__community")
    locked = locked.get(pk=resource.pk)
    if not by.has_perm("partners.change_resource", locked):
        raise PermissionDenied
    return locked


@transaction.atomic
def resource_update(*, resource: Resource, by, data: dict) -> Resource:
    """Change what a resource is, how much of it and in which unit."""
    resource = _locked(resource, by)
    values = _cleaned(data)
    changed = [name for name, value in values.items() if getattr(resource, name) != value]
    for name in changed:
        setattr(resource, name, values[name])
    if changed:
        resource.save(update_fields=changed)
    audit(
        actor=by,
        action="resource.update",
        obj=resource,
        detail={**_detail(resource), "fields": sorted(changed)},
    )
    return resource


def _set_active(resource: Resource, by, *, active: bool, action: str) -> Resource:
    resource = _locked(resource, by)
    if resource.active == active:
        raise Conflict(
            "该资源已经停用。" if not active else "该资源已在提供中,无需恢复。",
            code="status",
        )
    resource.active = active
    resource.save(update_fields=["active"])
    audit(actor=by, action=action, obj=resource, detail=_detail(resource))
    return resource


@transaction.atomic
def resource_retire(*, resource: Resource, by) -> Resource:
    """The partner no longer offers it: projects that named it keep it, pickers drop it."""
    return _set_active(resource, by, active=False, action="resource.retire")


@transaction.atomic
def resource_restore(*, resource: Resource, by) -> Resource:
    """Offered again (retired by mistake, or available once more)."""
    return _set_active(resource, by, active=True, action="resource.restore")
