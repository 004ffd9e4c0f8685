from django.apps import AppConfig


class StreetworkConfig(AppConfig):
    name = "streetwork"
    verbose_name = "街道研判与调研"

    def ready(self):
        from needs.hooks import MERGE_HOOKS

        from .hooks import merge_needs

        if merge_needs not in MERGE_HOOKS:
            MERGE_HOOKS.append(merge_needs)
