# The old single photo of an activity becomes an ActivityPhoto row (not public: nobody has
# confirmed consent for it), and the field goes.

from django.db import migrations


def photos_to_rows(apps, schema_editor):
    Activity = apps.get_model("projects", "Activity")
    ActivityPhoto = apps.get_model("projects", "ActivityPhoto")
    ActivityPhoto.objects.bulk_create(
        ActivityPhoto(activity_id=pk, upload_id=upload_id)
        for pk, upload_id in Activity.objects.filter(photo__isnull=False)
        .values_list("pk", "photo_id")
        .iterator()
    )


def rows_to_photos(apps, schema_editor):
    Activity = apps.get_model("projects", "Activity")
    ActivityPhoto = apps.get_model("projects", "ActivityPhoto")
    for row in ActivityPhoto.objects.order_by("-id").iterator():
        Activity.objects.filter(pk=row.activity_id).update(photo_id=row.upload_id)


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_sessions_programme")]

    operations = [
        migrations.RunPython(photos_to_rows, rows_to_photos),
        migrations.RemoveField(model_name="activity", name="photo"),
    ]
