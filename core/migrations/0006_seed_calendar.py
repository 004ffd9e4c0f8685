"""The statutory holidays and 调休 working days of 2026 and (estimated) 2027."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.workdays import seed_calendar

    seed_calendar(apps.get_model("core", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0005_calendar_and_phone_codes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
