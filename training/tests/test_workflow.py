"""The lifecycles of a session and of a person's attendance (training/workflow.py): who may act
(403), in which status (409), when it is not ready yet (422), and who hears of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from tests import factories as f
from training import services
from training.models import Attendance, Material, Reply, Session, SessionStatus
from training.tests import factories as tf
from training.workflow import ATTENDANCE_WORKFLOW, SESSION_FIELDS, SESSION_WORKFLOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(org):
    return tf.cohorts(org.district)[0]


@pytest.fixture
def klass(org, people, cohort):
    """A class of cohort one a week ahead, with two secretaries invited."""
    return tf.session(
        org.district,
        by=people.district,
        cohort=cohort,
        people=[people.secretary, people.secretary_haiyun],
    )


@pytest.fixture
def past_class(org, people, cohort):
    """A class that began an hour ago, not yet recorded."""
    return tf.session(
        org.district,
        by=people.district,
        cohort=cohort,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        people=[people.secretary, people.secretary_haiyun],
    )


def _told(event: str) -> list[int]:
    return sorted(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))


def _form(session: Session, **changes) -> dict:
    """What the edit form posts: every field, most of them unchanged."""
    return {**{name: getattr(session, name) for name in SESSION_FIELDS}, **changes}


# --- a session: edit, cancel ----------------------------------------------------------------------
def test_a_new_place_is_told_to_every_attendee(klass, people):
    SESSION_WORKFLOW.perform(
        klass, "edit", by=people.district, data={"place": "国奥社区党群服务站"}
    )

    assert Session.objects.get(pk=klass.pk).place == "国奥社区党群服务站"
    assert _told("training.session_changed") == sorted(
        [people.secretary.pk, people.secretary_haiyun.pk]
    )
    assert AuditEvent.objects.get(action="session.edit").detail == {"fields": ["place"]}


def test_a_new_time_moves_the_month_and_is_told_to_every_attendee(klass, people):
    later = klass.starts_at + datetime.timedelta(days=45)
    data = {"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)}

    SESSION_WORKFLOW.perform(klass, "edit", by=people.district, data=data)

    klass.refresh_from_db()
    assert klass.month == timezone.localtime(later).date().replace(day=1)
    assert len(_told("training.session_changed")) == 2


def test_a_new_description_is_told_to_nobody(klass, people):
    SESSION_WORKFLOW.perform(klass, "edit", by=people.district, data={"description": "带上案例"})

    assert Session.objects.get(pk=klass.pk).description == "带上案例"
    assert _told("training.session_changed") == []


def test_the_whole_form_posted_again_with_only_a_new_trainer_is_told_to_nobody(klass, people):
    """The edit form posts every field: unchanged time and place are no news."""
    fresh = Session.objects.get(pk=klass.pk)

    SESSION_WORKFLOW.perform(fresh, "edit", by=people.district, data=_form(fresh, trainer="赵老师"))

    assert Session.objects.get(pk=klass.pk).trainer == "赵老师"
    assert _told("training.session_changed") == []
    assert AuditEvent.objects.get(action="session.edit").detail == {"fields": ["trainer"]}


def test_an_edit_ending_before_it_starts_is_refused(klass, people):
    with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
        SESSION_WORKFLOW.perform(
            klass, "edit", by=people.district, data={"ends_at": klass.starts_at}
        )
    assert Session.objects.get(pk=klass.pk).ends_at == klass.ends_at


def test_cancelling_tells_every_attendee_and_ends_the_edits(klass, people):
    SESSION_WORKFLOW.perform(klass, "cancel", by=people.district, data={"note": "台风停课"})

    klass.refresh_from_db()
    assert klass.status == SessionStatus.CANCELLED and klass.status_changed_at is not None
    notices = Notification.objects.filter(event="training.session_cancelled")
    assert sorted(n.recipient_id for n in notices) == sorted(
        [people.secretary.pk, people.secretary_haiyun.pk]
    )
    assert all(n.body == "台风停课" for n in notices)
    for action in ("cancel", "edit"):
        with pytest.raises(Conflict, match="已取消"):
            SESSION_WORKFLOW.perform(klass, action, by=people.district, data={"place": "x"})


@pytest.mark.parametrize("action", ["edit", "cancel", "record"])
@pytest.mark.parametrize("who", ["secretary", "street"])
def test_secretaries_and_streets_do_not_run_a_session(past_class, people, who, action):
    with pytest.raises(PermissionDenied):
        SESSION_WORKFLOW.perform(past_class, action, by=getattr(people, who), data={})
    assert Session.objects.get(pk=past_class.pk).status == SessionStatus.PLANNED


# --- a session: attendance recorded ---------------------------------------------------------------
def test_attendance_is_not_recorded_before_the_session_starts(klass, people):
    with pytest.raises(ValidationError, match="培训开始之后") as refused:
        SESSION_WORKFLOW.perform(klass, "record", by=people.district, data={"present": []})

    assert not isinstance(refused.value, Conflict)  # not ready (422), not a status conflict
    assert Session.objects.get(pk=klass.pk).status == SessionStatus.PLANNED
    assert not Attendance.objects.filter(present__isnull=False).exists()


def test_recording_marks_who_came_and_who_did_not_and_holds_the_session(past_class, people):
    came = past_class.attendances.get(user=people.secretary)

    SESSION_WORKFLOW.perform(past_class, "record", by=people.district, data={"present": [came.pk]})

    past_class.refresh_from_db()
    assert past_class.status == SessionStatus.HELD
    presence = dict(past_class.attendances.values_list("user_id", "present"))
    assert presence == {people.secretary.pk: True, people.secretary_haiyun.pk: False}
    event = AuditEvent.objects.get(action="session.record")
    assert (event.detail["present"], event.detail["absent"]) == (1, 1)
    assert (event.detail["from"], event.detail["to"]) == ("planned", "held")

    # A correction on the held session: everybody came after all.
    everyone = [a.pk for a in past_class.attendances.all()]
    SESSION_WORKFLOW.perform(past_class, "record", by=people.district, data={"present": everyone})
    assert set(past_class.attendances.values_list("present", flat=True)) == {True}


def test_recording_someone_not_invited_is_refused(org, people, past_class):
    stranger = tf.session(org.district, by=people.district, people=[people.secretary2])
    other = stranger.attendances.get()

    with pytest.raises(ValidationError, match="不在本次培训名单中"):
        SESSION_WORKFLOW.perform(
            past_class, "record", by=people.district, data={"present": [other.pk]}
        )
    assert Session.objects.get(pk=past_class.pk).status == SessionStatus.PLANNED


def test_the_classes_active_mentor_records_attendance_and_one_who_left_does_not(
    org, people, past_class
):
    teacher = tf.mentor(f.make_user(Role.EXPERT, org.street_b), org.district, by=people.district)
    Session.objects.filter(pk=past_class.pk).update(mentor=teacher)

    SESSION_WORKFLOW.perform(past_class, "record", by=tf.next_request(teacher.user), data={})
    assert Session.objects.get(pk=past_class.pk).status == SessionStatus.HELD

    teacher.active = False
    teacher.save()
    with pytest.raises(PermissionDenied):
        SESSION_WORKFLOW.perform(past_class, "record", by=tf.next_request(teacher.user), data={})


# --- a session: materials -------------------------------------------------------------------------
def _pdf(name="课件.pdf", content=tf.PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_district_staff_hand_out_a_pdf_with_a_session(klass, people):
    material = services.material_add(
        by=people.district, session=klass, title=" 第一讲课件 ", uploaded_file=_pdf()
    )

    assert (material.session, material.title, material.added_by) == (
        klass,
        "第一讲课件",
        people.district,
    )
    assert material.upload.content_type == "application/pdf"
    assert (material.upload.owner_id, material.upload.original_name) == (klass.pk, "课件.pdf")
    assert AuditEvent.objects.get(action="session.add_material").detail == {"material": material.pk}


def test_a_secretary_hands_out_no_material(klass, people):
    with pytest.raises(PermissionDenied):
        services.material_add(by=people.secretary, session=klass, title="x", uploaded_file=_pdf())
    assert not Material.objects.exists()


def test_a_material_must_be_a_document_and_the_session_not_cancelled(klass, people):
    with pytest.raises(ValidationError, match="PDF"):
        services.material_add(
            by=people.district,
            session=klass,
            title="x",
            uploaded_file=_pdf("run.pdf", b"#!/bin/sh\necho hi\n"),
        )
    Session.objects.filter(pk=klass.pk).update(status=SessionStatus.CANCELLED)
    with pytest.raises(Conflict):
        services.material_add(by=people.district, session=klass, title="x", uploaded_file=_pdf())
    assert not Material.objects.exists()


# --- a person's attendance: reply, then rate ------------------------------------------------------
def _mine(session, user) -> Attendance:
    return session.attendances.get(user=user)


def test_an_attendee_confirms_and_then_asks_for_leave_with_a_reason(klass, people):
    attendance = _mine(klass, people.secretary)

    ATTENDANCE_WORKFLOW.perform(attendance, "confirm", by=people.secretary)
    attendance.refresh_from_db()
    assert attendance.reply == Reply.CONFIRMED and attendance.replied_at is not None

    ATTENDANCE_WORKFLOW.perform(
        attendance, "leave", by=people.secretary, data={"leave_reason": " 社区有应急任务 "}
    )
    attendance.refresh_from_db()
    assert (attendance.reply, attendance.leave_reason) == (Reply.LEAVE, "社区有应急任务")

    ATTENDANCE_WORKFLOW.perform(attendance, "confirm", by=people.secretary)
    attendance.refresh_from_db()
    assert (attendance.reply, attendance.leave_reason) == (Reply.CONFIRMED, "")


def test_leave_needs_a_reason(klass, people):
    attendance = _mine(klass, people.secretary)

    with pytest.raises(ValidationError, match="请填写请假事由"):
        ATTENDANCE_WORKFLOW.perform(
            attendance, "leave", by=people.secretary, data={"leave_reason": "  "}
        )
    assert Attendance.objects.get(pk=attendance.pk).reply == Reply.PENDING


@pytest.mark.parametrize("action", ["confirm", "leave"])
def test_nobody_replies_once_the_session_has_started_or_was_cancelled(
    klass, past_class, people, action
):
    data = {"leave_reason": "身体不适"}
    for session in (past_class, klass):
        if session is klass:
            Session.objects.filter(pk=klass.pk).update(status=SessionStatus.CANCELLED)
        attendance = _mine(session, people.secretary)
        with pytest.raises(ValidationError) as refused:
            ATTENDANCE_WORKFLOW.perform(attendance, action, by=people.secretary, data=data)
        assert not isinstance(refused.value, Conflict)
        assert Attendance.objects.get(pk=attendance.pk).reply == Reply.PENDING


@pytest.mark.parametrize("who", ["secretary2", "secretary_haiyun", "district"])
def test_only_the_attendee_replies_and_rates(klass, people, who):
    attendance = _mine(klass, people.secretary)
    attendance.present = True
    attendance.save()
    for action, data in (("confirm", {}), ("leave", {"leave_reason": "有事"}), ("rate", {})):
        with pytest.raises(PermissionDenied):
            ATTENDANCE_WORKFLOW.perform(
                attendance, action, by=getattr(people, who), data={**data, "rating": 5}
            )
    attendance.refresh_from_db()
    assert (attendance.reply, attendance.rating) == (Reply.PENDING, None)


@pytest.mark.parametrize("present", [None, False])
def test_only_those_present_rate_the_session(past_class, people, present):
    attendance = _mine(past_class, people.secretary)
    Attendance.objects.filter(pk=attendance.pk).update(present=present)

    with pytest.raises(ValidationError, match="出席的学员才能评价"):
        ATTENDANCE_WORKFLOW.perform(attendance, "rate", by=people.secretary, data={"rating": 5})
    assert Attendance.objects.get(pk=attendance.pk).rating is None


def test_a_rating_is_one_to_five_and_saved_with_the_comment(past_class, people):
    attendance = _mine(past_class, people.secretary)
    Attendance.objects.filter(pk=attendance.pk).update(present=True)
    for wrong in (0, 6, None):
        with pytest.raises(ValidationError, match="1到5分"):
            ATTENDANCE_WORKFLOW.perform(
                attendance, "rate", by=people.secretary, data={"rating": wrong}
            )

    ATTENDANCE_WORKFLOW.perform(
        attendance, "rate", by=people.secretary, data={"rating": 4, "comment": " 案例很实用 "}
    )

    attendance.refresh_from_db()
    assert (attendance.rating, attendance.comment) == (4, "案例很实用")
    assert attendance.rated_at is not None
    assert AuditEvent.objects.get(action="attendance.rate").detail == {"rating": 4}
