from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "领办项目"

    def ready(self):
        # The needs list hears of projects only through its hook lists (needs/hooks.py), and a
        # partner's service record through partners.history's (projects/partner_history.py).
        from . import adoption, partner_history

        adoption.register()
        partner_history.register()
