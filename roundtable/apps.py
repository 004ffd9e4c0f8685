from django.apps import AppConfig


class RoundtableConfig(AppConfig):
    name = "roundtable"
    verbose_name = "幸福家园圆桌会"

    def ready(self):
        from . import hooks

        hooks.register()
