"""The street's leading group (街道治理服务项目认领工作领导小组): its working groups, and the 组长
delegating deciding (批准 / 退回 of proposals) to a member, the deputy (副组长), for a period.

Only the 组长 of the street changes either (accounts.manage_leading_group); every change and every
refusal for the role is audited, and the delegate hears of a delegation given or revoked. Whether
a delegation is in force is computed from its dates (accounts.rules.is_street_decider_of).
"""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.dates import years_after
from core.models import AuditEvent
from core.notifications import notify
from core.workflow import Conflict

from .models import Delegation, Street, User, WorkingGroup
from .roles import STREET_DEPUTIES
from .selectors import people_holding, street_group_candidates

MANAGE = "accounts.manage_leading_group"
MAX_YEARS = 1


def may_manage(user, obj) -> None:
    """PermissionDenied unless the user is the 组长 of the object's street (views ask first, so
    a refusal comes before the form is read; the middleware audits it)."""
    if not user.has_perm(MANAGE, obj):
        raise PermissionDenied


def leader_only(action: str, subject: str):
    """A service for the 组长 of its `subject`'s street only. The refusal is audited under the
    action's name before the transaction opens, so that it stays; the work runs in one."""

    def wrap(service):
        atomic = transaction.atomic(service)

        @functools.wraps(service)
        def checked(**kwargs):
            by, obj = kwargs["by"], kwargs[subject]
            if not by.has_perm(MANAGE, obj):
                audit(actor=by, action=action, obj=obj, result=AuditEvent.Result.DENIED)
                raise PermissionDenied
            return atomic(**kwargs)

        return checked

    return wrap


# --- working groups ------------------------------------------------------------------------------
def _group_problems(street, name: str, members, *, exclude=None) -> list[str]:
    problems = []
    if not name:
        problems.append("请填写工作小组的名称。")
    elif WorkingGroup.objects.filter(street=street, name=name).exclude(pk=exclude).exists():
        problems.append(f"本街道已有名为“{name}”的工作小组。")
    allowed = set(street_group_candidates(street).values_list("pk", flat=True))
    if outsiders := [person for person in members if person.pk not in allowed]:
        names = "、".join(str(person) for person in outsiders)
        problems.append(
            f"{names} 不是{street.name}领导小组的组长、成员或专家顾问,不能加入工作小组。"
        )
    return problems


@leader_only("workinggroup.create", "street")
def working_group_create(
    *, by: User, street: Street, name: str, description: str = "", members=()
) -> WorkingGroup:
    """The 组长 sets up a working group of the street's leading group."""
    Street.objects.select_for_update().get(pk=street.pk)  # names are checked one at a time
    name, members = name.strip(), list(members)
    if problems := _group_problems(street, name, members):
        raise ValidationError(problems)
    group = WorkingGroup.objects.create(street=street, name=name, description=description.strip())
    group.members.set(members)
    audit(
        actor=by,
        action="workinggroup.create",
        obj=group,
        detail={"street": street.pk, "members": sorted(p.pk for p in members)},
    )
    return group


@leader_only("workinggroup.update", "group")
def working_group_update(
    *, by: User, group: WorkingGroup, name: str, description: str = "", members=()
) -> WorkingGroup:
    """The 组长 renames a working group, restates its duties or changes its members."""
    Street.objects.select_for_update().get(pk=group.street_id)  # names are checked one at a time
    group = WorkingGroup.objects.select_for_update().select_related("street").get(pk=group.pk)
    name, members = name.strip(), list(members)
    if problems := _group_problems(group.street, name, members, exclude=group.pk):
        raise ValidationError(problems)
    before = set(group.members.values_list("pk", flat=True))
    after = {person.pk for person in members}
    group.name, group.description = name, description.strip()
    group.save(update_fields=["name", "description"])
    group.members.set(members)
    audit(
        actor=by,
        action="workinggroup.update",
        obj=group,
        detail={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    return group


@leader_only("workinggroup.delete", "group")
def working_group_delete(*, by: User, group: WorkingGroup) -> None:
    """The 组长 dissolves a working group (its members stay in the leading group)."""
    audit(
        actor=by,
        action="workinggroup.delete",
        obj=group,
        detail={"street": group.street_id, "name": group.name},
    )
    group.delete()


# --- delegation of deciding ----------------------------------------------------------------------
def _delegation_problems(by, street, delegate, starts_on, ends_on, reason, today) -> list[str]:
    problems = []
    if not reason:
        problems.append("请写明委托事由。")
    if delegate is None:
        problems.append("请选择受委托的领导小组成员。")
    elif delegate.pk == by.pk:
        problems.append("不能委托给自己。")
    elif not people_holding(STREET_DEPUTIES, street=street).filter(pk=delegate.pk).exists():
        problems.append(
            f"{delegate} 不是{street.name}领导小组的成员,只能委托给本街道领导小组的成员。"
        )
    if starts_on is None or ends_on is None:
        problems.append("请填写委托的开始和结束日期。")
        return problems
    if starts_on < today:
        problems.append("开始日期不能早于今天。")
    if ends_on < starts_on:
        problems.append("结束日期不能早于开始日期。")
    elif ends_on > years_after(starts_on, MAX_YEARS):
        problems.append("委托期限最长一年。")
    return problems


@leader_only("delegation.create", "street")
def delegation_create(
    *, by: User, street: Street, delegate: User, starts_on, ends_on, reason: str
) -> Delegation:
    """The 组长 lets a member of the leading group decide for the street from `starts_on` to
    `ends_on` (both included); one delegation at a time per street."""
    reason = reason.strip()
    today = timezone.localdate()
    problems = _delegation_problems(by, street, delegate, starts_on, ends_on, reason, today)
    if problems:
        raise ValidationError(problems)
    # The street's row serialises delegations: two tabs cannot both pass the overlap check.
    Street.objects.select_for_update().get(pk=street.pk)
    clash = (
        Delegation.objects.filter(street=street)
        .overlapping(starts_on, ends_on)
        .select_related("delegate")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"与已有的委托重叠({clash}):同一时间只能委托一人,请先撤销原委托或调整日期。"
        )
    delegation = Delegation.objects.create(
        street=street,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=by,
    )
    audit(
        actor=by,
        action="delegation.create",
        obj=delegation,
        detail={
            "street": street.pk,
            "delegate": delegate.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    notify(
        delegate,
        "delegation.created",
        delegation,
        title=f"{by} 委托您代行{street.name}领导小组的审批",
        body=(
            f"{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d},您可以批准或退回本街道各社区的项目方案。"
            f"事由:{reason}"
        ),
    )
    return delegation


@leader_only("delegation.revoke", "delegation")
def delegation_revoke(*, by: User, delegation: Delegation) -> Delegation:
    """The 组长 ends a delegation now (or cancels one not yet begun)."""
    delegation = (
        Delegation.objects.select_for_update()
        .select_related("street", "delegate")
        .get(pk=delegation.pk)
    )
    if delegation.revoked_at is not None:
        raise Conflict("这项委托已经撤销。")
    if delegation.ends_on < timezone.localdate():
        raise Conflict("这项委托已经到期结束,无需撤销。")
    delegation.revoked_at, delegation.revoked_by = timezone.now(), by
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    audit(
        actor=by,
        action="delegation.revoke",
        obj=delegation,
        detail={"street": delegation.street_id, "delegate": delegation.delegate_id},
    )
    notify(
        delegation.delegate,
        "delegation.revoked",
        delegation,
        title=f"{by} 已撤销对您的审批委托({delegation.street.name})",
        body=f"原委托期限 {delegation.starts_on:%Y-%m-%d} 至 {delegation.ends_on:%Y-%m-%d}。",
    )
    return delegation
