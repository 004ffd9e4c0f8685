"""线上咨询: a secretary asks the mentor they are paired with (services.consultation_open); the
two write in the thread (CONSULTATION_WORKFLOW); the asker or the district closes it; nobody
else reads it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from tests import factories as f
from training import services
from training.models import Consultation, ConsultationMessage, ConsultationStatus
from training.tests import factories as tf
from training.workflow import CONSULTATION_WORKFLOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor(org, people):
    """A professor on the panel, paired with 国奥社区's secretary."""
    row = tf.mentor(
        f.make_user(Role.EXPERT, org.street_b, username="prof"), org.district, by=people.district
    )
    tf.pairing(row, people.secretary, by=people.district)
    return row


@pytest.fixture
def other_mentor(org, people):
    row = tf.mentor(
        f.make_user(Role.EXPERT, org.street_b, username="prof2"), org.district, by=people.district
    )
    tf.pairing(row, people.secretary2, by=people.district)
    return row


@pytest.fixture
def thread(people, mentor):
    return services.consultation_open(
        by=people.secretary, mentor=mentor, subject="物业费收缴难", text="老旧小区怎么办?"
    )


def _say(consultation, action, by, text="请看附件里的办法。"):
    return CONSULTATION_WORKFLOW.perform(
        consultation, action, by=tf.next_request(by), data={"text": text}
    )


def test_a_paired_secretary_asks_and_the_mentor_hears_of_it(org, people, mentor):
    consultation = services.consultation_open(
        by=people.secretary, mentor=mentor, subject=" 物业费收缴难 ", text=" 老旧小区怎么办? "
    )

    assert (consultation.status, consultation.subject) == (
        ConsultationStatus.WAITING,
        "物业费收缴难",
    )
    assert (consultation.asker, consultation.community) == (people.secretary, org.guoao)
    [message] = consultation.messages.all()
    assert (message.author, message.text) == (people.secretary, "老旧小区怎么办?")
    notice = Notification.objects.get(event="training.consultation_asked")
    assert notice.recipient == mentor.user and "物业费收缴难" in notice.title
    assert AuditEvent.objects.get(action="consultation.create").detail == {"mentor": mentor.pk}


def test_a_secretary_not_paired_with_the_mentor_may_not_ask(people, mentor):
    with pytest.raises(ValidationError, match="只能向与您结对的导师咨询"):
        services.consultation_open(by=people.secretary2, mentor=mentor, subject="问", text="问")
    assert not Consultation.objects.exists()


def test_an_ended_pairing_or_a_mentor_who_left_closes_the_door(people, mentor):
    mentor.pairings.update(ended_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="结对"):
        services.consultation_open(by=people.secretary, mentor=mentor, subject="问", text="问")

    tf.pairing(mentor, people.secretary, by=people.district)
    mentor.active = False
    mentor.save()
    with pytest.raises(ValidationError, match="结对"):
        services.consultation_open(by=people.secretary, mentor=mentor, subject="问", text="问")
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("who", ["worker", "street", "district"])
def test_only_secretaries_ask_mentors(people, mentor, who):
    with pytest.raises(PermissionDenied):
        services.consultation_open(by=getattr(people, who), mentor=mentor, subject="问", text="问")
    assert not Consultation.objects.exists()


def test_an_empty_question_is_refused(people, mentor):
    with pytest.raises(ValidationError, match="请填写咨询事项和具体问题"):
        services.consultation_open(by=people.secretary, mentor=mentor, subject="物业", text="  ")
    assert not ConsultationMessage.objects.exists()


def test_the_mentor_answers_the_asker_follows_up_and_each_hears_of_the_other(
    people, mentor, thread
):
    _say(thread, "answer", mentor.user, "先开业主大会。")

    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.ANSWERED
    answered = Notification.objects.get(event="training.consultation_answered")
    assert answered.recipient == people.secretary and "物业费收缴难" in answered.title

    _say(thread, "follow_up", people.secretary, "业主大会开不起来呢?")

    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.WAITING
    asked = Notification.objects.filter(event="training.consultation_asked", title__contains="追问")
    assert [n.recipient for n in asked] == [mentor.user]
    texts = list(thread.messages.values_list("author_id", "text"))
    assert texts == [
        (people.secretary.pk, "老旧小区怎么办?"),
        (mentor.user_id, "先开业主大会。"),
        (people.secretary.pk, "业主大会开不起来呢?"),
    ]
    assert thread.last_message_at == thread.messages.last().created_at


def test_an_empty_answer_is_refused(mentor, thread):
    with pytest.raises(ValidationError, match="请填写留言内容"):
        _say(thread, "answer", mentor.user, " ")
    assert Consultation.objects.get(pk=thread.pk).status == ConsultationStatus.WAITING


def test_a_mentor_who_left_the_panel_no_longer_answers(mentor, thread):
    mentor.active = False
    mentor.save()

    with pytest.raises(PermissionDenied):
        _say(thread, "answer", mentor.user)
    assert thread.messages.count() == 1


@pytest.mark.parametrize("who", ["secretary", "secretary2", "district"])
def test_only_the_threads_mentor_answers(people, thread, other_mentor, who):
    for user in (getattr(people, who), other_mentor.user):
        with pytest.raises(PermissionDenied):
            _say(thread, "answer", user)
    with pytest.raises(PermissionDenied):
        _say(thread, "follow_up", other_mentor.user)
    assert thread.messages.count() == 1


@pytest.mark.parametrize("who", ["secretary", "district"])
def test_the_asker_or_the_district_closes_the_thread(people, mentor, thread, who):
    CONSULTATION_WORKFLOW.perform(thread, "close", by=getattr(people, who))

    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.CLOSED
    with pytest.raises(Conflict, match="已结束"):
        _say(thread, "answer", mentor.user)
    with pytest.raises(Conflict):
        _say(thread, "follow_up", people.secretary)


def test_the_mentor_does_not_close_the_thread(mentor, thread):
    with pytest.raises(PermissionDenied):
        CONSULTATION_WORKFLOW.perform(thread, "close", by=tf.next_request(mentor.user))
    assert Consultation.objects.get(pk=thread.pk).status == ConsultationStatus.WAITING


def test_a_thread_is_read_by_the_two_and_the_district_only(people, mentor, other_mentor, thread):
    for reader in (people.secretary, mentor.user, people.district):
        assert list(Consultation.objects.visible_to(tf.next_request(reader))) == [thread]
    for outsider in (
        people.secretary2,
        people.worker,
        other_mentor.user,
        people.street,
        people.auditor,
        people.resident,
    ):
        assert not Consultation.objects.visible_to(tf.next_request(outsider)).exists()
