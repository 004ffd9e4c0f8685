"""Practical tasks' services: publish, claim (by a partner for themselves, by staff on behalf),
release, done with a result and a photo, cancel, edit; each transition's refusals (403, 409, 422),
its audit row and who hears of it; the partner's record."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import AuditEvent, Notification, Upload
from core.workflow import Conflict
from partners import practical
from partners.history import partner_history
from partners.models import PartnerKind, PartnerStatus, PracticalTask
from partners.tests.world_task import done_task, make_task
from tests import factories as f

pytestmark = pytest.mark.django_db

OPEN, CLAIMED, DONE, CANCELLED = (
    PracticalTask.Status.OPEN,
    PracticalTask.Status.CLAIMED,
    PracticalTask.Status.DONE,
    PracticalTask.Status.CANCELLED,
)


@pytest.fixture
def partner(org, people):
    """The `partner` persona's profile in 国奥社区."""
    return f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner, name="张三丰"
    )


@pytest.fixture
def task(org, people):
    return make_task(org, people)


def photo_with_gps() -> SimpleUploadedFile:
    """A JPEG whose EXIF holds a GPS position, as phones write them."""
    image = Image.new("RGB", (8, 6), "blue")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 32.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("scene.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_secretary_publishes_a_legal_aid_task_and_it_is_audited(org, people):
    task = practical.task_create(
        by=people.secretary,
        community=org.guoao,
        data={
            "title": " 法律援助进小区 ",
            "kind": "legal_aid",
            "date": "2026-12-05",
            "place": "3号楼前",
            "compound": org.compound,
            "description": "",
        },
    )
    assert task.status == OPEN and task.title == "法律援助进小区"
    assert task.created_by == people.secretary and task.community == org.guoao
    event = AuditEvent.objects.get(action="practicaltask.create")
    assert event.object_id == str(task.pk)
    assert event.detail == {"community": org.guoao.pk, "kind": "legal_aid"}


def test_secretary_cannot_publish_in_another_community_nor_with_its_compound(org, people):
    data = {"title": "义诊", "kind": "health", "date": "2026-12-05"}
    with pytest.raises(PermissionDenied):
        practical.task_create(by=people.secretary, community=org.yuehai, data=data)
    with pytest.raises(ValidationError, match="本社区的小区"):
        practical.task_create(
            by=people.secretary_haiyun,
            community=org.haiyun,
            data={**data, "compound": org.compound},
        )
    assert not PracticalTask.objects.exists()


def test_partner_claims_an_open_task_of_their_community_and_the_secretary_hears(
    org, people, partner, task
):
    practical.task_claim(task=task, by=people.partner)

    task.refresh_from_db()
    assert task.status == CLAIMED and task.claimed_by == partner and task.claimed_at
    event = AuditEvent.objects.get(action="practicaltask.claim")
    assert event.detail == {
        "partner": partner.pk,
        "on_behalf": False,
        "from": "open",
        "to": "claimed",
    }
    heard = Notification.objects.get(event="task.claimed")
    assert heard.recipient == people.secretary and "张三丰" in heard.title


def test_a_partner_claims_only_in_their_own_community(org, people, partner):
    other = make_task(org, people, community=org.yuehai, created_by=people.secretary2)
    with pytest.raises(PermissionDenied):
        practical.task_claim(task=other, by=people.partner)
    assert PracticalTask.objects.get(pk=other.pk).status == OPEN


def test_an_inactive_partner_cannot_claim(org, people, partner, task):
    partner.status = PartnerStatus.INACTIVE
    partner.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        practical.task_claim(task=task, by=people.partner)


def test_a_second_claim_hears_the_task_is_taken(org, people, partner, task):
    rival_user = f.make_user("partner", org.guoao, username="rival")
    f.PartnerFactory(community=org.guoao, user=rival_user, name="李四")
    practical.task_claim(task=task, by=people.partner)

    with pytest.raises(Conflict) as refused:
        practical.task_claim(task=PracticalTask.objects.get(pk=task.pk), by=rival_user)

    assert "已被认领" in refused.value.messages[0]
    task.refresh_from_db()
    assert task.claimed_by == partner
    assert AuditEvent.objects.filter(action="practicaltask.claim").count() == 1


def test_staff_claim_on_behalf_of_a_unit_and_the_unit_hears(org, people, task):
    unit_user = f.make_user("partner", org.guoao, username="lawfirm")
    unit = f.PartnerFactory(
        community=org.guoao,
        name="国奥律师事务所",
        kind=PartnerKind.ORGANISATION,
        category_id="partner_unit",
        user=unit_user,
    )
    practical.task_claim(task=task, by=people.worker, partner=unit)

    task.refresh_from_db()
    assert task.status == CLAIMED and task.claimed_by == unit
    assert AuditEvent.objects.get(action="practicaltask.claim").detail["on_behalf"] is True
    assert Notification.objects.get(event="task.claimed_for_you").recipient == unit_user


def test_staff_claim_only_for_their_communitys_active_partners(org, people, task):
    outsider = f.PartnerFactory(community=org.yuehai, name="悦海物业")
    with pytest.raises(ValidationError, match="只有本社区"):
        practical.task_claim(task=task, by=people.secretary, partner=outsider)
    left = f.PartnerFactory(community=org.guoao, status=PartnerStatus.LEFT)
    with pytest.raises(ValidationError, match="已停用或退出"):
        practical.task_claim(task=task, by=people.secretary, partner=left)
    assert PracticalTask.objects.get(pk=task.pk).status == OPEN


def test_a_partner_cannot_claim_on_behalf_of_someone_else(org, people, partner, task):
    other = f.PartnerFactory(community=org.guoao, name="王五")
    with pytest.raises(PermissionDenied):
        practical.task_claim(task=task, by=people.partner, partner=other)


def test_street_and_district_staff_do_not_claim(org, people, partner, task):
    for user in (people.street, people.district):
        with pytest.raises(PermissionDenied):
            practical.task_claim(task=task, by=user, partner=partner)


def test_the_claimant_gives_a_task_back_and_it_is_open_again(org, people, partner, task):
    practical.task_claim(task=task, by=people.partner)
    practical.task_release(task=task, by=people.partner, reason="临时出差")

    task.refresh_from_db()
    assert task.status == OPEN and task.claimed_by is None and task.claimed_at is None
    event = AuditEvent.objects.get(action="practicaltask.release")
    assert event.detail["partner"] == partner.pk and event.detail["by_claimant"] is True
    assert Notification.objects.filter(event="task.released", recipient=people.secretary).exists()
    with pytest.raises(Conflict):
        practical.task_release(task=task, by=people.secretary)


def test_only_the_claimant_or_staff_release_or_complete(org, people, partner, task):
    practical.task_claim(task=task, by=people.partner)
    rival_user = f.make_user("partner", org.guoao, username="rival")
    f.PartnerFactory(community=org.guoao, user=rival_user)
    with pytest.raises(PermissionDenied):
        practical.task_release(task=task, by=rival_user)
    with pytest.raises(PermissionDenied):
        practical.task_done(task=task, by=rival_user, result="做完了")
    with pytest.raises(PermissionDenied):
        practical.task_done(task=task, by=people.secretary2, result="做完了")
    practical.task_release(task=task, by=people.secretary, reason="长期未到场")
    assert Notification.objects.get(event="task.released").recipient == people.partner


def test_done_requires_a_result_and_changes_nothing_without_one(org, people, partner, task):
    practical.task_claim(task=task, by=people.partner)
    with pytest.raises(ValidationError, match="请写明完成情况"):
        practical.task_done(task=task, by=people.partner, result="  ", photo=photo_with_gps())
    task.refresh_from_db()
    assert task.status == CLAIMED and task.done_at is None and task.photo is None
    assert not Upload.objects.exists()


def test_done_with_a_photo_stores_it_without_gps_and_the_secretary_hears(
    org, people, partner, task
):
    practical.task_claim(task=task, by=people.partner)
    practical.task_done(
        task=task,
        by=people.partner,
        result="解答咨询15人次",
        hours=Decimal("2.5"),
        photo=photo_with_gps(),
        photo_consent=True,
    )

    task.refresh_from_db()
    assert task.status == DONE and task.done_at and task.result == "解答咨询15人次"
    assert task.hours == Decimal("2.5")
    upload = task.photo
    assert upload.owner == task and upload.uploaded_by == people.partner
    with upload.file.open("rb") as handle, Image.open(handle) as stored:
        assert not stored.getexif()  # re-encoded: no EXIF, no GPS
    event = AuditEvent.objects.get(action="practicaltask.done")
    assert event.detail["photo"] == upload.pk and event.detail["hours"] == "2.5"
    heard = Notification.objects.get(event="task.done")
    assert heard.recipient == people.secretary and "已完成" in heard.title


def test_a_photo_without_consent_or_hours_out_of_range_is_refused(org, people, partner, task):
    practical.task_claim(task=task, by=people.partner)
    with pytest.raises(ValidationError, match="同意在居民页面公开"):
        practical.task_done(task=task, by=people.partner, result="好", photo=photo_with_gps())
    with pytest.raises(ValidationError, match="服务时长"):
        practical.task_done(task=task, by=people.partner, result="好", hours=Decimal("0"))
    assert PracticalTask.objects.get(pk=task.pk).status == CLAIMED
    assert not Upload.objects.exists()


def test_done_by_staff_tells_the_claimant(org, people, partner, task):
    practical.task_claim(task=task, by=people.partner)
    practical.task_done(task=task, by=people.secretary, result="社区代为登记")
    assert Notification.objects.get(event="task.done").recipient == people.partner


def test_an_open_task_cannot_be_marked_done_nor_a_done_one_claimed_or_cancelled(
    org, people, partner, task
):
    with pytest.raises(Conflict):
        practical.task_done(task=task, by=people.secretary, result="好")
    finished = done_task(org, people, partner)
    with pytest.raises(Conflict, match="已被认领"):
        practical.task_claim(task=finished, by=people.partner)
    with pytest.raises(Conflict):
        practical.task_cancel(task=finished, by=people.secretary, reason="重复")


def test_cancel_needs_a_reason_keeps_it_and_tells_the_claimant(org, people, partner, task):
    practical.task_claim(task=task, by=people.partner)
    with pytest.raises(ValidationError, match="取消原因"):
        practical.task_cancel(task=task, by=people.secretary, reason="")
    with pytest.raises(PermissionDenied):
        practical.task_cancel(task=task, by=people.partner, reason="不想去了")
    practical.task_cancel(task=task, by=people.secretary, reason="律师临时有案件")

    task.refresh_from_db()
    assert task.status == CANCELLED and task.result == "律师临时有案件"
    assert Notification.objects.get(event="task.cancelled").recipient == people.partner
    assert not PracticalTask.objects.claimed().filter(pk=task.pk).exists()


def test_only_an_open_task_is_edited_and_its_community_stays(org, people, partner, task):
    practical.task_update(task=task, by=people.secretary, data={"place": "社区会议室"})
    task.refresh_from_db()
    assert task.place == "社区会议室"
    assert AuditEvent.objects.get(action="practicaltask.edit").detail["fields"] == ["place"]
    other = f.CompoundFactory(community=org.yuehai)
    with pytest.raises(ValidationError, match="本社区的小区"):
        practical.task_update(task=task, by=people.secretary, data={"compound": other})
    practical.task_claim(task=task, by=people.partner)
    with pytest.raises(Conflict, match="已认领"):
        practical.task_update(task=task, by=people.secretary, data={"place": "广场"})
    with pytest.raises(ValueError):
        practical.task_update(task=task, by=people.secretary, data={"status": "done"})


def test_the_claimed_count_is_claimed_and_done_tasks_only(org, people, partner):
    make_task(org, people)
    done_task(org, people, partner)
    claimed = make_task(org, people, status=CLAIMED, claimed_by=partner)
    make_task(org, people, status=CANCELLED, claimed_by=partner, result="取消")
    assert PracticalTask.objects.claimed().count() == 2
    assert claimed in PracticalTask.objects.claimed()


def test_the_partners_record_counts_claimed_tasks_and_the_hours_of_done_ones(
    org, people, partner, django_assert_max_num_queries
):
    done_task(org, people, partner, hours=Decimal("3"))
    done_task(org, people, partner, hours=Decimal("1.5"))
    make_task(org, people, status=CLAIMED, claimed_by=partner)
    make_task(org, people, status=CANCELLED, claimed_by=partner, result="取消")
    nobody = f.PartnerFactory(community=org.guoao)

    with django_assert_max_num_queries(2):
        part = practical.task_history(partner)

    assert part.key == "tasks" and part.template == "partners/task_history.html"
    assert part.count == 3 and part.hours == Decimal("4.5") and len(part.rows) == 3
    assert practical.task_history(nobody) is None
    record = partner_history(partner)
    assert [p.key for p in record.parts if p.key == "tasks"] == ["tasks"]
