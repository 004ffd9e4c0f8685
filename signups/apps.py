from django.apps import AppConfig


class SignupsConfig(AppConfig):
    name = "signups"
    verbose_name = "活动报名"

    def ready(self):
        from projects.sessions import SESSION_LISTENERS

        from .services import session_changed

        if session_changed not in SESSION_LISTENERS:
            SESSION_LISTENERS.append(session_changed)
