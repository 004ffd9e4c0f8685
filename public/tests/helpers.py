"""Sessions, volunteers, spending and photos of a project, for the public pages' tests."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from core.models import Upload
from projects.models import (
    Activity,
    ActivityPhoto,
    ActivitySpending,
    ActivityVolunteer,
    BudgetLine,
)
from tests import factories as f


def upload(project, people) -> Upload:
    item = Upload(
        kind=Upload.Kind.IMAGE,
        original_name="feast.png",
        content_type="image/png",
        size=4,
        uploaded_by=people.secretary,
        owner_type=ContentType.objects.get_for_model(project),
        owner_id=project.pk,
    )
    item.file.save("feast.png", ContentFile(b"\x89PNG"), save=False)
    item.save()
    return item


def held_session(project, people, *, days_ago=7, participants=30, volunteers=2, public_photo=True):
    """A held session with `volunteers` in all, two of them registered partners with their
    hours, spending on a budget line and two photos (one public if `public_photo`, one not)."""
    activity = Activity.objects.create(
        project=project,
        title="百家宴",
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        place="社区广场",
        participants=participants,
        volunteers=volunteers,
        status=Activity.Status.HELD,
        created_by=people.secretary,
    )
    for name in ("志愿者甲", "志愿者乙"):
        partner = f.PartnerFactory(community=project.community, name=name)
        ActivityVolunteer.objects.create(activity=activity, partner=partner, hours=2.5)
    line = BudgetLine.objects.filter(project=project).first() or BudgetLine.objects.create(
        project=project, item="食材", amount=1000, source="street"
    )
    ActivitySpending.objects.create(activity=activity, budget_line=line, amount=300)
    shown = ActivityPhoto.objects.create(
        activity=activity,
        upload=upload(project, people),
        caption="大家一起包饺子",
        public=public_photo,
        consent_by=people.secretary if public_photo else None,
        consent_at=timezone.now() if public_photo else None,
    )
    hidden = ActivityPhoto.objects.create(
        activity=activity, upload=upload(project, people), caption="未确认同意的照片"
    )
    return activity, shown, hidden
