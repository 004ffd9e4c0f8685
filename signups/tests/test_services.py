import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from core.workflow import Conflict
from projects.models import Activity, Status
from signups import services
from signups.models import SignUp

from .factories import announced_project, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def feast(org, people):
    return session(announced_project(org, people), people, capacity=2)


def sign(feast, name, phone="", household_code=""):
    return services.signup_create(
        activity_id=feast.pk, name=name, phone=phone, household_code=household_code
    )


def test_signups_beyond_capacity_go_to_the_waiting_list_in_order(feast):
    first, _ = sign(feast, "张", "13900000001")
    second, _ = sign(feast, "王", "13900000002")
    third, _ = sign(feast, "李", "13900000003")
    fourth, _ = sign(feast, "赵", "13900000004")

    assert [s.status for s in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
    ]
    assert services.waiting_position(third) == 1
    assert services.waiting_position(fourth) == 2


def test_cancelling_a_place_moves_the_first_waiting_up(feast):
    _, code = sign(feast, "张", "13900000001")
    sign(feast, "王", "13900000002")
    waiting, _ = sign(feast, "李", "13900000003")
    later, _ = sign(feast, "赵", "13900000004")

    cancelled = services.signup_cancel(activity_id=feast.pk, code=code.lower())

    assert cancelled.status == SignUp.Status.CANCELLED and cancelled.cancelled_at
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    assert later.status == SignUp.Status.WAITING and services.waiting_position(later) == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"signup.create", "signup.cancel", "signup.promote"} <= actions


def test_cancelling_a_waiting_signup_moves_nobody(feast):
    sign(feast, "张", "13900000001")
    sign(feast, "王", "13900000002")
    _, code = sign(feast, "李", "13900000003")

    services.signup_cancel(activity_id=feast.pk, code=code)

    assert feast.signups.confirmed().count() == 2 and feast.signups.waiting().count() == 0


def test_a_wrong_or_used_code_cancels_nothing(feast):
    _, code = sign(feast, "张", "13900000001")
    with pytest.raises(ValidationError, match="取消码不正确"):
        services.signup_cancel(activity_id=feast.pk, code="WRONGCOD")
    services.signup_cancel(activity_id=feast.pk, code=code)
    with pytest.raises(ValidationError, match="取消码不正确"):
        services.signup_cancel(activity_id=feast.pk, code=code)


def test_one_live_signup_per_phone_and_per_household(org, feast):
    sign(feast, "张", "139 0000 0001")
    with pytest.raises(ValidationError, match="已经报过名"):
        sign(feast, "张阿姨", "+8613900000001")
    sign(feast, "王", household_code=org.household.code.lower())
    with pytest.raises(ValidationError, match="这一户已经报过名"):
        sign(feast, "王大爷", household_code=org.household.code)
    assert feast.signups.count() == 2


def test_after_cancelling_the_same_phone_may_sign_up_again(feast):
    _, code = sign(feast, "张", "13900000001")
    services.signup_cancel(activity_id=feast.pk, code=code)
    again, _ = sign(feast, "张", "13900000001")
    assert again.status == SignUp.Status.CONFIRMED


def test_unknown_household_code_is_refused(feast):
    with pytest.raises(ValidationError, match="户码不正确"):
        sign(feast, "王", household_code="NOSUCH99")


def test_signup_is_refused_after_the_deadline(feast):
    feast.signup_deadline = timezone.now() - datetime.timedelta(minutes=1)
    feast.save(update_fields=["signup_deadline"])
    with pytest.raises(Conflict, match="报名已截止"):
        sign(feast, "张", "13900000001")


def test_signup_is_refused_for_a_session_not_scheduled(feast):
    feast.status = Activity.Status.CANCELLED
    feast.save(update_fields=["status"])
    with pytest.raises(Conflict, match="已取消"):
        sign(feast, "张", "13900000001")


def test_signup_is_refused_for_a_project_not_published(org, people):
    draft = session(announced_project(org, people, status=Status.APPROVED), people)
    with pytest.raises(Conflict, match="还没有发布预告"):
        sign(draft, "张", "13900000001")


def test_the_cancel_code_is_kept_only_as_a_hash_and_the_phone_encrypted(feast):
    from django.db import connection

    signup, code = sign(feast, "张", "13900000001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM signups_signup WHERE id = %s", [signup.pk])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert code not in raw and "13900000001" not in raw
    assert str(signup.phone) == "139****0001"
    detail = AuditEvent.objects.get(action="signup.create").detail
    assert detail["phone"] == "139****0001"


def the_day_comes(feast):
    """Sign-up is done; the session's day arrives (attendance opens on it)."""
    Activity.objects.filter(pk=feast.pk).update(date=timezone.localdate())


def test_secretary_marks_attendance_and_other_community_cannot(feast, people):
    signup, _ = sign(feast, "张", "13900000001")
    the_day_comes(feast)
    services.signup_mark_attendance(signup=signup, attended=True, by=people.secretary)
    signup.refresh_from_db()
    assert signup.attended is True
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.signup_mark_attendance(signup=signup, attended=False, by=people.secretary2)


def test_attendance_is_not_marked_for_the_waiting_list(feast, people):
    sign(feast, "张", "13900000001")
    sign(feast, "王", "13900000002")
    waiting, _ = sign(feast, "李", "13900000003")
    with pytest.raises(Conflict):
        services.signup_mark_attendance(signup=waiting, attended=True, by=people.secretary)


def test_attendance_is_refused_before_the_sessions_day_with_the_reason(feast, people):
    signup, _ = sign(feast, "张", "13900000001")
    with pytest.raises(ValidationError) as refused:
        services.signup_mark_attendance(signup=signup, attended=True, by=people.secretary)
    assert "活动当天起才能登记到场" in refused.value.messages[0]
    assert f"{feast.date.month}月{feast.date.day}日" in refused.value.messages[0]
    signup.refresh_from_db()
    assert signup.attended is None
    assert not AuditEvent.objects.filter(action="signup.attend").exists()

    the_day_comes(feast)
    services.signup_mark_attendance(signup=signup, attended=True, by=people.secretary)
    signup.refresh_from_db()
    assert signup.attended is True


def test_the_sessions_community_staff_reveal_a_phone_and_the_reveal_is_audited(feast, people):
    signup, _ = sign(feast, "张", "13900000001")
    assert services.signup_phone_reveal(signup=signup, by=people.worker) == "13900000001"
    event = AuditEvent.objects.get(action="phone.reveal", result="ok")
    assert event.detail["masked"] == "139****0001" and "13900000001" not in str(event.detail)


def test_nobody_else_reveals_a_signups_phone_and_the_refusal_is_audited(feast, people):
    from django.core.exceptions import PermissionDenied

    signup, _ = sign(feast, "张", "13900000001")
    for other in (people.secretary2, people.district, people.street):
        with pytest.raises(PermissionDenied):
            services.signup_phone_reveal(signup=signup, by=other)
    assert AuditEvent.objects.filter(action="phone.reveal", result="denied").count() == 3
    assert not AuditEvent.objects.filter(action="phone.reveal", result="ok").exists()


def test_cancelling_or_moving_a_session_texts_those_signed_up(
    feast, people, org, django_capture_on_commit_callbacks
):
    """Residents signed up with a phone hear by SMS when their session is cancelled or moved;
    a new capacity tells nobody; those who cancelled, or signed up by 户码 only, get nothing."""
    from core import sms
    from projects import sessions

    sms.outbox.clear()
    sign(feast, "王大爷", phone="13900001111")
    sign(feast, "李阿姨", household_code=org.household.code)
    gone, code = sign(feast, "赵叔叔", phone="13900003333")
    services.signup_cancel(activity_id=feast.pk, code=code)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_edit(session=feast, by=people.secretary, data={"signup_capacity": 30})
    assert sms.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_edit(session=feast, by=people.secretary, data={"place": "3号楼架空层"})
    assert [m.phone for m in sms.outbox] == ["13900001111"]
    assert "3号楼架空层" in sms.outbox[0].text
    sms.outbox.clear()
    feast.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_cancel(session=feast, by=people.secretary, reason="暴雨预警")
    assert [m.phone for m in sms.outbox] == ["13900001111"]
    assert "已取消" in sms.outbox[0].text and "暴雨预警" in sms.outbox[0].text
    told = AuditEvent.objects.filter(action="signups.told").order_by("id")
    assert [e.detail["event"] for e in told] == ["changed", "cancelled"]


def test_a_cancelled_signups_phone_is_not_revealed(feast, people):
    signup, code = sign(feast, "王大爷", phone="13900001111")
    services.signup_cancel(activity_id=feast.pk, code=code)
    signup.refresh_from_db()
    with pytest.raises(ValidationError, match="已经取消"):
        services.signup_phone_reveal(signup=signup, by=people.secretary)
    assert not AuditEvent.objects.filter(action="phone.reveal", result="ok").exists()
