from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台服务"

    def ready(self):
        from django.db.models import fields
        from django.utils.translation import gettext_lazy as _

        # Django 6.1's new blank-choice label has no Chinese translation yet.
        fields.BLANK_CHOICE_LABEL = _("- 请选择 -")

        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from .uploads import discard_uncommitted_uploads

        # An upload stored in a transaction that rolled back leaves no file behind.
        request_finished.connect(discard_uncommitted_uploads, dispatch_uid="core.uploads")
        task_postrun.connect(discard_uncommitted_uploads, dispatch_uid="core.uploads")

        from django.db.models.signals import post_delete, post_init, post_save

        from . import workdays
        from .models import CalendarDay

        # The working-day cache forgets a year whenever the district changes its calendar.
        post_init.connect(workdays.calendar_day_loaded, sender=CalendarDay)
        post_save.connect(workdays.calendar_day_changed, sender=CalendarDay)
        post_delete.connect(workdays.calendar_day_changed, sender=CalendarDay)
