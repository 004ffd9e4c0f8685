"""Objects of practical tasks and excellent partners that the URL × persona matrix opens (see
partners/tests/matrix_task.py): an open 法律援助 task of 国奥社区, one the `partner` persona
claimed, one they did (with a photo), the persona's nomination for this year, a unit's approved
nomination and a published one of last year."""

import io
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from core.models import Upload
from partners.models import Excellent, PartnerCategory, PartnerKind, PracticalTask
from tests import factories as f


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def task_photo(task, by) -> Upload:
    """A stored photo of the task, as practical.task_done stores one."""
    upload = Upload(
        kind=Upload.Kind.IMAGE,
        original_name="task.png",
        content_type="image/png",
        size=0,
        uploaded_by=by,
        owner_type=ContentType.objects.get_for_model(task),
        owner_id=task.pk,
    )
    data = png_bytes()
    upload.size = len(data)
    upload.file.save("task.png", ContentFile(data), save=False)
    upload.save()
    return upload


def objects(org, people, partner) -> dict:
    """Name → object, all of 国奥社区 (street A) unless the name says otherwise; `partner` is the
    `partner` persona's own profile in 国奥社区."""
    secretary, now = people.secretary, timezone.now()
    today = timezone.localdate()

    def task(title, **fields):
        return PracticalTask.objects.create(
            community=org.guoao,
            compound=org.compound,
            title=title,
            kind=fields.pop("kind", PracticalTask.Kind.LEGAL_AID),
            date=today,
            place="3号楼前广场",
            created_by=secretary,
            **fields,
        )

    done = task(
        "法律援助进小区(已完成)",
        status=PracticalTask.Status.DONE,
        claimed_by=partner,
        claimed_at=now,
        result="解答咨询12人次",
        hours=Decimal("3.0"),
        done_at=now,
    )
    done.photo = task_photo(done, people.partner)
    done.save(update_fields=["photo"])
    unit = f.PartnerFactory(
        community=org.guoao,
        created_by=secretary,
        name="国奥律师事务所",
        kind=PartnerKind.ORGANISATION,
        category_id=PartnerCategory.PARTNER_UNIT,
    )
    shop = f.PartnerFactory(
        community=org.guoao,
        created_by=secretary,
        name="国奥便民超市",
        kind=PartnerKind.ORGANISATION,
        category_id=PartnerCategory.MERCHANT,
    )
    return {
        "task": task("法律援助进小区"),
        "task_claimed": task(
            "义诊进小区",
            kind=PracticalTask.Kind.HEALTH,
            status=PracticalTask.Status.CLAIMED,
            claimed_by=partner,
            claimed_at=now,
        ),
        "task_done": done,
        "excellent": Excellent.objects.create(
            partner=partner, year=today.year, reason="全年认领实事12件", nominated_by=secretary
        ),
        "excellent_approved": Excellent.objects.create(
            partner=unit,
            year=today.year,
            reason="法律援助进小区",
            nominated_by=secretary,
            status=Excellent.Status.APPROVED,
            reviewed_by=people.street,
            reviewed_at=now,
        ),
        "excellent_published": Excellent.objects.create(
            partner=shop,
            year=today.year - 1,
            reason="为独居老人送货上门",
            nominated_by=secretary,
            status=Excellent.Status.PUBLISHED,
            reviewed_by=people.street,
            reviewed_at=now,
            published_at=now,
        ),
    }


def make_task(org, people, community=None, **fields) -> PracticalTask:
    """A task of 国奥社区 (or `community`) published by its secretary, open unless told."""
    community = community or org.guoao
    values = {
        "title": "法律援助进小区",
        "kind": PracticalTask.Kind.LEGAL_AID,
        "date": timezone.localdate(),
        "place": "3号楼前广场",
        "compound": org.compound if community == org.guoao else None,
        "created_by": people.secretary,
        **fields,
    }
    return PracticalTask.objects.create(community=community, **values)


def done_task(org, people, partner, *, with_photo=False, **fields) -> PracticalTask:
    """A task `partner` claimed and did."""
    now = timezone.now()
    task = make_task(
        org,
        people,
        community=fields.pop("community", partner.community),
        status=PracticalTask.Status.DONE,
        claimed_by=partner,
        claimed_at=now,
        result=fields.pop("result", "解答咨询12人次"),
        done_at=fields.pop("done_at", now),
        **fields,
    )
    if with_photo:
        task.photo = task_photo(task, people.secretary)
        task.save(update_fields=["photo"])
    return task
