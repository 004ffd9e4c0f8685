"""manage.py totp_reset USERNAME: take the second factor off an account, on the server.

For the one account nobody may reset in the portal: the security admin's own (三员分立: nobody
acts on their own account). Run by the operator with shell access to the server; audited.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import RecoveryCode, TOTPDevice, User
from core.audit import audit


class Command(BaseCommand):
    help = "在服务器上重置某个账号的动态口令(用于安全管理员本人的账号),并记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}。")
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit(actor=None, actor_label="manage.py totp_reset", action="totp.reset", obj=user)
        self.stdout.write(f"已重置 {username} 的动态口令;其下次登录时需重新绑定。")
