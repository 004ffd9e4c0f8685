"""Changes to accounts under 三员分立: the system admin proposes (create, deactivate, reactivate,
reset a password), the security admin approves or rejects, the auditor reads; no one acts alone,
on their own account, or on the security admin's (that is `manage.py account_admin` on the
server). The decisions are one more workflow table (core/workflow.py)."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.models import AuditEvent
from core.workflow import Action, Step, Workflow

from .models import AccountChange, User
from .roles import SECADMINS

Kind, Status = AccountChange.Kind, AccountChange.Status
SECADMIN_ONLY_ON_SERVER = (
    "安全管理员账号的变更只能在服务器上用管理命令(manage.py account_admin)完成。"
)


def temporary_password() -> str:
    """A one-time password the approver hands over in person; it must be changed at first login."""
    return f"Bsbj-{secrets.token_urlsafe(6)}-{secrets.randbelow(90) + 10}"


TEMPORARY_FIELDS = ["password", "password_changed_at", "password_temporary"]


def set_temporary_password(user: User, password: str) -> None:
    """The person must choose their own at their next page (accounts/middleware.py)."""
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.password_temporary = True


def _problems(kind, target, username) -> list[str]:
    """Why a change cannot be made (now): checked when proposed and again when approved."""
    if kind == Kind.CREATE:
        if not username:
            return ["请填写新账号的用户名。"]
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as exc:
            return exc.messages
        if User.objects.filter(username=username).exists():
            return [f"用户名 {username} 已被使用。"]
        return []
    if target is None:
        return ["请填写要变更的账号。"]
    if target.scope.has(*SECADMINS):
        return [SECADMIN_ONLY_ON_SERVER]
    if kind == Kind.DEACTIVATE and not target.is_active:
        return ["该账号已停用。"]
    if kind == Kind.REACTIVATE and target.is_active:
        return ["该账号没有停用。"]
    return []


def account_change_propose(
    *, by, kind, reason, target=None, username="", display_name="", email=""
):
    """The system admin proposes a change; it waits for the security admin."""
    if not by.has_perm("accounts.propose_account_change"):
        audit(actor=by, action="accountchange.propose", result=AuditEvent.Result.DENIED)
        raise PermissionDenied
    if kind not in Kind.values:
        raise ValidationError("请选择变更类型。")
    if kind == Kind.CREATE:
        target = None
    else:
        username = display_name = email = ""
    if problems := _problems(kind, target, username):
        raise ValidationError(problems)
    with transaction.atomic():
        duplicate = AccountChange.objects.filter(
            status=Status.PROPOSED, kind=kind, target=target, username=username
        )
        if duplicate.exists():
            raise ValidationError("同样的变更已在等待审批。")
        change = AccountChange.objects.create(
            kind=kind,
            target=target,
            username=username,
            display_name=display_name,
            email=email,
            reason=reason,
            proposed_by=by,
        )
        audit(
            actor=by,
            action="accountchange.propose",
            obj=change,
            detail={"kind": kind, "target": target.pk if target else None},
        )
    return change


# --- the security admin's decision, one workflow table -----------------------------------------
def still_possible(step: Step):
    change = step.obj
    yield from _problems(change.kind, change.target, change.username)


def needs_a_reason(step: Step):
    if not str(step.data.get("note") or "").strip():
        yield "驳回时请写明理由。"


def decided(step: Step) -> None:
    step.set(decided_by=step.by, decided_at=timezone.now(), decision_note=step.data.get("note", ""))
    change = step.obj
    step.detail.update({"kind": change.kind, "target": change.target_id})


def carry_out(step: Step) -> None:
    """Do what was approved; a new or reset password is the step's result, shown once."""
    from .services import sessions_end

    change = step.obj
    decided(step)
    if change.kind == Kind.CREATE:
        user = User(username=change.username, display_name=change.display_name, email=change.email)
        step.result = temporary_password()
        set_temporary_password(user, step.result)
        user.save()
        step.set(target=user)
        step.detail["target"] = user.pk
    elif change.kind == Kind.RESET_PASSWORD:
        user = User.objects.select_for_update().get(pk=change.target_id)
        step.result = temporary_password()
        set_temporary_password(user, step.result)
        user.save(update_fields=TEMPORARY_FIELDS)
        sessions_end(user=user, reason="password_reset")
    else:
        user = User.objects.select_for_update().get(pk=change.target_id)
        user.is_active = change.kind == Kind.REACTIVATE
        user.save(update_fields=["is_active"])  # deactivation ends the sessions (signals)


ACCOUNT_CHANGES = Workflow(
    AccountChange,
    [
        Action(
            "approve",
            "批准",
            "accounts.decide_account_change",
            frozenset({Status.PROPOSED}),
            Status.APPROVED,
            check=still_possible,
            apply=carry_out,
        ),
        Action(
            "reject",
            "驳回",
            "accounts.decide_account_change",
            frozenset({Status.PROPOSED}),
            Status.REJECTED,
            check=needs_a_reason,
            apply=decided,
        ),
    ],
    initial=Status.PROPOSED,
    noun="账号变更",
)


def account_change_decide(*, change, by, action: str, note: str = "") -> str | None:
    """Approve (and carry out) or reject a proposal; a refusal for the role is audited and
    stays. Returns a temporary password to hand over, if the change made one."""
    try:
        ACCOUNT_CHANGES.admit(by, change, action)
    except PermissionDenied:
        audit(
            actor=by, action=f"accountchange.{action}", obj=change, result=AuditEvent.Result.DENIED
        )
        raise
    except ValidationError:
        pass  # the engine says why below, on the locked row
    return ACCOUNT_CHANGES.perform(change, action, by=by, data={"note": note}).result
