from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = "摸清需求"
