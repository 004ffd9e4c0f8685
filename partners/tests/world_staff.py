"""Objects of partners kept by staff that the URL × persona matrix opens (see
partners/tests/matrix_staff.py): a deactivated partner of 国奥社区 to restore, a category the
district added, and an Excel import of 国奥社区 that is done."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from core.models import Upload
from partners.models import Category, ImportJob, ImportStatus, PartnerStatus
from tests import factories as f


def objects(org, people, partner) -> dict:
    """Name → object, all of 国奥社区 (street A) unless the name says otherwise; `partner` is the
    `partner` persona's own profile in 国奥社区."""
    secretary, now = people.secretary, timezone.now()
    inactive = f.PartnerFactory(
        community=org.guoao,
        created_by=secretary,
        name="已停用的合伙人",
        status=PartnerStatus.INACTIVE,
        status_reason="搬离本社区",
        status_changed_at=now,
    )
    category = Category.objects.create(code="matrix", name="矩阵类别", order=99)
    upload = Upload(
        kind=Upload.Kind.DOCUMENT,
        original_name="合伙人.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=4,
        uploaded_by=secretary,
    )
    upload.file.save("matrix.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    upload.save()
    job = ImportJob.objects.create(
        community=org.guoao,
        upload=upload,
        status=ImportStatus.DONE,
        total=3,
        checked=3,
        created=3,
        created_by=secretary,
        finished_at=now,
    )
    upload.owner_type = ContentType.objects.get_for_model(ImportJob)
    upload.owner_id = job.pk
    upload.save(update_fields=["owner_type", "owner_id"])
    return {"partner_inactive": inactive, "category": category, "import_job": job}
