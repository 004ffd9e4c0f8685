"""manage.py db_app_role: the database role the portal runs as, with no more rights than it needs.

Run by the owner of the database (who ran `migrate`) after every migration, in production
(docker-compose's web service does). It creates the application role named in APP_DATABASE_URL
if missing, lets it read and write the portal's tables, and takes from it every way to change the
audit log: it may INSERT and SELECT on core_auditevent, never UPDATE, DELETE or TRUNCATE it, and as
it owns nothing it cannot drop or disable the table's trigger (docs/deployment.md).
"""

import environ
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

AUDIT_TABLE = "core_auditevent"


class Command(BaseCommand):
    help = "创建或更新应用运行时使用的数据库角色(只能追加、不能修改审计日志)。须由数据库属主在迁移后执行。"

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("只适用于 PostgreSQL。")
        url = environ.Env().str("APP_DATABASE_URL", default="")
        if not url:
            raise CommandError("请设置 APP_DATABASE_URL(应用运行时使用的数据库账号)。")
        config = environ.Env.db_url_config(url)
        role, password = config["USER"], config.get("PASSWORD") or None
        if not role or role == connection.settings_dict["USER"]:
            raise CommandError("APP_DATABASE_URL 的账号必须是另一个、不拥有数据库对象的角色。")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(
                f"{verb} ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOINHERIT NOREPLICATION"
            )
            if password:
                cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD %s", [password])
            database = quote(connection.settings_dict["NAME"])
            statements = [
                f"GRANT CONNECT ON DATABASE {database} TO {{r}}",
                "GRANT USAGE ON SCHEMA public TO {r}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
                "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {r}",
                f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {AUDIT_TABLE} FROM {{r}}",
                "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {r}",
            ]
            for statement in statements:
                cursor.execute(statement.format(r=quote(role)))
        self.stdout.write(f"数据库角色 {role}:可读写业务表;审计日志只能追加与查询。")
