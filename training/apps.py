from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "头雁工程培训"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from projects.models import READ_GRANTS

        from . import hooks
        from .access import coached_project_ids
        from .signals import coaching_changed, mentor_changed, session_changed, user_created

        if coached_project_ids not in READ_GRANTS:
            READ_GRANTS.append(coached_project_ids)
        for signal in (post_save, post_delete):
            signal.connect(
                mentor_changed, sender="training.Mentor", dispatch_uid=f"mentor-{signal}"
            )
            signal.connect(
                coaching_changed, sender="training.Coaching", dispatch_uid=f"coaching-{signal}"
            )
            signal.connect(
                session_changed, sender="training.Session", dispatch_uid=f"tsession-{signal}"
            )
        post_save.connect(user_created, sender="accounts.User", dispatch_uid="training-user-new")
        hooks.register()
