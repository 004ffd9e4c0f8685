from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "组织与账号"

    def ready(self):
        from django.contrib.auth.models import AnonymousUser

        from . import signals  # noqa: F401
        from .scope import Scope

        # Anonymous visitors have an empty scope, so visible_to() and the rules need no special case.
        AnonymousUser.scope = Scope.empty()
        AnonymousUser.primary_role = ""
        AnonymousUser.delegated_street_ids = frozenset()
