from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _session_changed(sender, instance, **kwargs):
    from .selectors import forget_results

    forget_results(instance.project_id)


def _photo_changed(sender, instance, **kwargs):
    from projects.models import Activity

    from .selectors import forget_results

    project_id = Activity.objects.filter(pk=instance.activity_id).values_list(
        "project_id", flat=True
    )
    forget_results(project_id.first())


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "居民公开页面"

    def ready(self):
        from projects.models import Activity, ActivityPhoto

        # A session's volunteers and spending rows change only when it is held or corrected,
        # which saves the session itself (projects/sessions.py `record`).
        for signal in (post_save, post_delete):
            signal.connect(_session_changed, sender=Activity, dispatch_uid="public.results")
            signal.connect(_photo_changed, sender=ActivityPhoto, dispatch_uid="public.photos")
