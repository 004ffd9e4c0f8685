"""manage.py account_admin USERNAME {create,reset-password,deactivate,reactivate}: a change to an
account made on the server, for what no one may do in the portal (三员分立):

- the security admin's own account (reset its password, deactivate, reactivate);
- the first accounts of an installation, before there is a system admin to propose and a security
  admin to approve: `create --role sysadmin|secadmin|auditor|district_staff [--district 某某区]`
  (the district is created if it is new; district-wide roles need it).

Run by the operator with shell access; each run is audited. A new account or a reset prints a
temporary password that must be replaced at the next login."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.changes import TEMPORARY_FIELDS, set_temporary_password, temporary_password
from accounts.models import District, RoleAssignment, User
from accounts.roles import DISTRICT_SCOPED, INSTALLATION_SCOPED, Role
from accounts.services import sessions_end
from core.audit import audit

ACTIONS = ("create", "reset-password", "deactivate", "reactivate")
# The roles an installation starts from; every other account is proposed and approved.
BOOTSTRAP_ROLES = (*INSTALLATION_SCOPED, *DISTRICT_SCOPED)
LABEL = "manage.py account_admin"


class Command(BaseCommand):
    help = (
        "在服务器上变更账号:安全管理员本人账号的重置密码、停用、恢复,以及新系统的首批账号"
        "(系统管理员、安全管理员、审计员、区级工作人员)。每次执行都记入审计日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument(
            "--role", choices=[str(role) for role in BOOTSTRAP_ROLES], help="create: 角色"
        )
        parser.add_argument("--district", help="create: 审计员、区级工作人员所在的区")
        parser.add_argument("--name", default="", help="create: 姓名")

    @transaction.atomic
    def handle(self, *args, username, action, role=None, district=None, name="", **options):
        if action == "create":
            self.stdout.write(self.create(username, role, district, name))
            return
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}。")
        if action == "reset-password":
            password = temporary_password()
            set_temporary_password(user, password)
            user.save(update_fields=TEMPORARY_FIELDS)
            sessions_end(user=user, reason="password_reset")
            message = f"{username} 的临时密码:{password}(下次登录须修改)"
        else:
            user.is_active = action == "reactivate"
            user.save(update_fields=["is_active"])
            message = f"{username} 已{'恢复' if user.is_active else '停用'}。"
        audit(actor=None, actor_label=LABEL, action=f"user.{action}", obj=user)
        self.stdout.write(message)

    def create(self, username, role, district_name, name) -> str:
        if not role:
            raise CommandError("新建账号须指定 --role。")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已被使用。")
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        district = None
        if role in DISTRICT_SCOPED:
            if not district_name:
                raise CommandError("审计员和区级工作人员须指定 --district。")
            district, _ = District.objects.get_or_create(name=district_name)
        elif district_name:
            raise CommandError("系统管理员和安全管理员不属于某个区,不要指定 --district。")
        user = User(username=username, display_name=name)
        password = temporary_password()
        set_temporary_password(user, password)
        user.save()
        assignment = RoleAssignment(user=user, role=role, district=district)
        assignment.full_clean()
        assignment.save()
        audit(actor=None, actor_label=LABEL, action="user.create", obj=user)
        audit(
            actor=None,
            actor_label=LABEL,
            action="role.assign",
            obj=assignment,
            detail={"user": user.pk, "role": role},
        )
        return f"已新建 {username}({Role(role).label}),临时密码:{password}(首次登录须修改)"
