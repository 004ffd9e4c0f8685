"""The World's objects for step 6's session pages (projects/sessions.py): a project of 国奥社区
running now (its plan covers today), a session scheduled for today, and a held one with two
photos, one not public and one public with consent confirmed."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from core.models import Upload
from projects.models import Activity, ActivityPhoto, Status
from tests import factories as f


def _upload(project, by):
    upload = Upload(
        kind=Upload.Kind.IMAGE,
        original_name="session.png",
        content_type="image/png",
        size=4,
        uploaded_by=by,
        owner_type=ContentType.objects.get_for_model(project),
        owner_id=project.pk,
    )
    upload.file.save("session.png", ContentFile(b"\x89PNG"), save=False)
    upload.save()
    return upload


def matrix_objects(org, people) -> dict:
    today = timezone.localdate()
    project = f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        ready=True,
        status=Status.IN_PROGRESS,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=90),
        announcement="每月第一个周六在小区广场举办百家宴。",
        announced_at=timezone.now(),
    )

    def session(status, day, **extra):
        return Activity.objects.create(
            project=project,
            title="百家宴",
            date=day,
            place="小区广场",
            status=status,
            created_by=people.secretary,
            **extra,
        )

    scheduled = session(Activity.Status.SCHEDULED, today)
    held = session(Activity.Status.HELD, today - datetime.timedelta(days=7), participants=40)
    hidden = ActivityPhoto.objects.create(
        activity=held, upload=_upload(project, people.secretary), caption="长桌宴"
    )
    shown = ActivityPhoto.objects.create(
        activity=held,
        upload=_upload(project, people.secretary),
        caption="合影",
        public=True,
        consent_by=people.secretary,
        consent_at=timezone.now(),
    )
    return {
        "session": scheduled,
        "session_held": held,
        "session_photo": hidden,
        "public_photo": shown,
    }
