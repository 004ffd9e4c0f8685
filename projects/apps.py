from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "领办项目"

    def ready(self):
        # The needs list hears of projects only through its hook lists (needs/hooks.py).
        from . import adoption

        adoption.register()
