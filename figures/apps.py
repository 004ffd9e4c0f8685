from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = "数据看板"

    def ready(self):
        from . import rules  # noqa: F401
