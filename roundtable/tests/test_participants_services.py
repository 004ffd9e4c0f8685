"""The participants area's services (roundtable/participants.py): signing in by SMS code, registering
once per community with a recorded consent, verifying against the household tree, rejecting,
revealing the phone, switching reminders and leaving."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core import sms
from core.models import AuditEvent, Notification, PhoneCode
from core.workflow import Conflict
from roundtable import access, participants, selectors_participants
from roundtable.models import (
    CONSENT_NOTICE_VERSION,
    Attendance,
    Meeting,
    Participant,
    ParticipantStatus,
    Post,
    Topic,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13900007777"
ST = ParticipantStatus


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def declared(org, **overrides) -> dict:
    """What the registration form gives the service: the home of org's household."""
    household = org.household
    data = {
        "name": "李秀英",
        "compound": org.compound,
        "building": household.building,
        "unit": household.unit,
        "room": household.room,
        "follows": True,
        "consent": True,
    }
    return {**data, **overrides}


def register(org, phone=PHONE, community=None, **overrides) -> participants.Registered:
    return participants.participant_register(
        phone=phone, community=community or org.guoao, data=declared(org, **overrides)
    )


def pending(org, **overrides) -> Participant:
    return register(org, **overrides).participant


# --- signing in -----------------------------------------------------------------------------------
def test_a_code_goes_to_a_number_nobody_holds_and_proves_it_without_an_account():
    with TestCase.captureOnCommitCallbacks(execute=True):
        participants.login_code_send(phone=PHONE)
    assert [m.phone for m in sms.outbox] == [PHONE]
    code = sms.outbox[0].params["code"]
    assert participants.login_with_code(phone=PHONE, code=code) is None


def test_a_staff_number_gets_no_code_yet_the_same_limits(people):
    number = people.secretary.phone.full
    with TestCase.captureOnCommitCallbacks(execute=True):
        participants.login_code_send(phone=number)
    assert sms.outbox == []
    assert PhoneCode.objects.filter(purpose=participants.PURPOSE_LOGIN).count() == 1
    with pytest.raises(ValidationError, match="1 分钟后"):
        participants.login_code_send(phone=number)


def test_a_staff_number_never_signs_in_even_with_the_right_code(people):
    number = people.secretary.phone.full
    row = sms.send_code(number, participants.PURPOSE_LOGIN, deliver=False)
    row.code_hash = sms._code_hash(row.phone_hash, participants.PURPOSE_LOGIN, "123456")
    row.save()
    with pytest.raises(ValidationError, match="验证码已失效"):
        participants.login_with_code(phone=number, code="123456")
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.result == AuditEvent.Result.FAILED and failed.actor_label == "138****5678"


def test_a_residents_account_signs_in_with_its_code(people):
    people.resident.phone = PHONE
    people.resident.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        participants.login_code_send(phone=PHONE)
    code = sms.outbox[0].params["code"]
    assert participants.login_with_code(phone=PHONE, code=code) == people.resident


def test_a_deactivated_account_is_told_to_ask_the_community():
    f.UserFactory(phone=PHONE, is_active=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        participants.login_code_send(phone=PHONE)
    code = sms.outbox[0].params["code"]
    with pytest.raises(ValidationError, match="已停用"):
        participants.login_with_code(phone=PHONE, code=code)


def test_the_verified_number_keeps_for_a_quarter_of_an_hour_only(monkeypatch):
    session = {}
    participants.remember_verified(session, PHONE)
    assert PHONE not in str(session)
    assert participants.verified_number(session) == PHONE
    monkeypatch.setattr(participants, "VERIFIED_FOR", timedelta(seconds=-1))
    assert participants.verified_number(session) == ""
    assert participants.verified_number({participants.VERIFIED_KEY: "junk"}) == ""


# --- registering ----------------------------------------------------------------------------------
def test_registering_makes_an_account_and_a_pending_participation_with_the_consent(org, people):
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = register(org)
    participant, user = done.participant, done.user
    assert done.new
    assert participant.status == ST.PENDING
    assert participant.consent_version == CONSENT_NOTICE_VERSION
    assert participant.consented_at is not None and participant.consent_withdrawn_at is None
    assert (participant.compound, participant.building) == (org.compound, org.household.building)
    assert participant.follows is True
    assert user.username.startswith("rt_") and not user.has_usable_password()
    assert user.phone.full == PHONE and user.display_name == "李秀英"
    assert not user.role_assignments.exists()  # a resident only once verified
    event = AuditEvent.objects.get(action="participant.register")
    assert event.detail["consent_version"] == CONSENT_NOTICE_VERSION
    assert event.detail["phone"] == "139****7777" and PHONE not in str(event.detail)
    told = Notification.objects.filter(event="roundtable.participant_registered")
    assert set(told.values_list("recipient__username", flat=True)) == {"secretary", "worker"}
    assert not access.may_post(user, org.guoao.pk)


def test_registering_again_in_the_same_community_is_recognised_not_doubled(org):
    first = register(org)
    again = register(org, name="李秀英", room="999")
    assert not again.new and again.participant == first.participant
    assert Participant.objects.count() == 1 and User.objects.filter(phone_hash__gt="").exists()
    assert again.participant.room == first.participant.room  # nothing changed
    assert AuditEvent.objects.filter(action="participant.register_again").count() == 1


def test_one_number_may_register_in_two_communities_with_one_account(org):
    building = f.BuildingFactory(compound=f.CompoundFactory(community=org.haiyun))
    first = register(org)
    second = register(
        org,
        community=org.haiyun,
        compound=building.compound,
        building=building,
        unit="",
        room="502",
    )
    assert second.new and second.user == first.user
    assert Participant.objects.filter(user=first.user).count() == 2


def test_an_existing_account_with_the_number_is_reused(org, people):
    people.partner.phone = PHONE
    people.partner.save()
    done = register(org)
    assert done.user == people.partner


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": False}, "勾选同意"),
        ({"name": "王"}, "真实姓名"),
        ({"name": "王1234567"}, "不含数字"),
        ({"name": "长" * 21}, "真实姓名"),
        ({"room": ""}, "请填写房号"),
        ({"room": "3<0>1"}, "门牌"),
        ({"unit": "1" * 11}, "最多 10"),
        ({"compound": None}, "本社区的小区"),
    ],
)
def test_bad_registrations_are_refused_and_keep_nothing(org, overrides, message):
    with pytest.raises(ValidationError, match=message):
        register(org, **overrides)
    assert not Participant.objects.exists() and not User.objects.filter(phone_hash__gt="").exists()


def test_a_building_of_another_compound_or_community_is_refused(org):
    elsewhere = f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai))
    with pytest.raises(ValidationError, match="所选小区的楼栋"):
        register(org, building=elsewhere)
    with pytest.raises(ValidationError, match="本社区的小区"):
        register(org, compound=elsewhere.compound, building=elsewhere)
    assert not Participant.objects.exists()


def test_a_staff_number_cannot_register(org, people):
    with pytest.raises(ValidationError, match="不能在这里登记"):
        register(org, phone=people.secretary.phone.full)
    assert not Participant.objects.exists()


# --- verifying ------------------------------------------------------------------------------------
def test_the_secretary_verifies_against_the_household_tree(org, people):
    participant = pending(org)
    with TestCase.captureOnCommitCallbacks(execute=True):
        participants.participant_verify(
            participant=participant, by=people.secretary, household=org.household
        )
    participant.refresh_from_db()
    assert participant.status == ST.VERIFIED and participant.household == org.household
    assert participant.decided_by == people.secretary and participant.decided_at is not None
    user = User.objects.get(pk=participant.user_id)
    assert user.household == org.household
    assert RoleAssignment.objects.filter(
        user=user, role=Role.RESIDENT, community=org.guoao
    ).exists()
    assert access.may_post(user, org.guoao.pk)
    [message] = sms.outbox
    assert message.template == "ROUNDTABLE_VERIFIED" and message.phone == PHONE
    assert "国奥社区圆桌会实名核实" in message.text
    assert Notification.objects.filter(recipient=user, event="roundtable.participant_verified")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"participant.verify", "role.assign"} <= actions


def test_only_the_communitys_own_staff_verify(org, people):
    participant = pending(org)
    for outsider in (people.street, people.district, people.secretary_haiyun, people.resident):
        with pytest.raises(PermissionDenied):
            participants.participant_verify(
                participant=participant, by=outsider, household=org.household
            )
    participants.participant_verify(
        participant=participant, by=people.worker, household=org.household
    )
    assert Participant.objects.get(pk=participant.pk).status == ST.VERIFIED


def test_a_household_of_another_community_or_none_is_refused(org, people):
    participant = pending(org)
    elsewhere = f.HouseholdFactory(
        building=f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai))
    )
    with pytest.raises(ValidationError, match="不在这位居民登记的社区"):
        participants.participant_verify(
            participant=participant, by=people.secretary, household=elsewhere
        )
    with pytest.raises(ValidationError, match="请选择核实的住户"):
        participants.participant_verify(participant=participant, by=people.secretary, household="x")
    participant.refresh_from_db()
    assert participant.status == ST.PENDING and participant.household is None
    assert not RoleAssignment.objects.filter(user_id=participant.user_id).exists()


def test_verifying_twice_or_rejecting_a_verified_one_is_a_conflict(org, people):
    participant = pending(org)
    participants.participant_verify(
        participant=participant, by=people.secretary, household=org.household
    )
    with pytest.raises(Conflict, match="已核实"):
        participants.participant_verify(
            participant=participant, by=people.worker, household=org.household
        )
    with pytest.raises(Conflict):
        participants.participant_reject(participant=participant, by=people.worker, reason="重复")


def test_rejecting_needs_a_reason_and_tells_the_resident_without_it(org, people):
    participant = pending(org)
    with pytest.raises(ValidationError, match="请填写未通过的原因"):
        participants.participant_reject(participant=participant, by=people.secretary, reason=" ")
    with pytest.raises(ValidationError, match="最多 200"):
        participants.participant_reject(
            participant=participant, by=people.secretary, reason="长" * 201
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        participants.participant_reject(
            participant=participant, by=people.secretary, reason="3号楼没有301室"
        )
    participant.refresh_from_db()
    assert participant.status == ST.REJECTED and participant.status_reason == "3号楼没有301室"
    [message] = sms.outbox
    assert message.template == "ROUNDTABLE_REJECTED" and "301" not in message.text
    assert "联系社区" in message.text


def test_a_rejected_one_is_verified_on_a_second_look(org, people):
    participant = pending(org)
    participants.participant_reject(participant=participant, by=people.secretary, reason="房号不符")
    participants.participant_verify(
        participant=participant, by=people.secretary, household=org.household
    )
    participant.refresh_from_db()
    assert participant.status == ST.VERIFIED and participant.status_reason == ""


def test_the_phone_is_revealed_to_the_communitys_staff_only_and_audited(org, people):
    participant = Participant.objects.select_related("user").get(pk=pending(org).pk)
    assert (
        participants.participant_phone_reveal(participant=participant, by=people.secretary) == PHONE
    )
    event = AuditEvent.objects.get(action="phone.reveal", result=AuditEvent.Result.OK)
    assert event.detail["masked"] == "139****7777" and event.object_type == "roundtable.participant"
    with pytest.raises(PermissionDenied):
        participants.participant_phone_reveal(participant=participant, by=people.street)
    assert AuditEvent.objects.filter(action="phone.reveal", result="denied").count() == 1


# --- the resident's own participation -------------------------------------------------------------
def test_the_resident_switches_reminders_and_nobody_else_may(org, people):
    done = register(org)
    participants.participant_follow(participant=done.participant, by=done.user, follows=False)
    assert Participant.objects.get(pk=done.participant.pk).follows is False
    assert AuditEvent.objects.filter(action="participant.follow").count() == 1
    with pytest.raises(PermissionDenied):
        participants.participant_follow(
            participant=done.participant, by=people.secretary, follows=True
        )


def _meeting(org):
    import datetime

    return Meeting.objects.create(
        community=org.guoao, month=datetime.date(2025, 7, 1), date=datetime.date(2025, 7, 17)
    )


def test_leaving_anonymises_in_place_keeps_posts_and_closes_an_idle_account(org, people):
    done = register(org)
    participant = done.participant
    participants.participant_verify(
        participant=participant, by=people.secretary, household=org.household
    )
    meeting = _meeting(org)
    topic = Topic.objects.create(
        meeting=meeting, community=org.guoao, title="楼道灯坏了", body="三楼", participant=participant,
        author=done.user,
    )  # fmt: skip
    Post.objects.create(topic=topic, participant=participant, author=done.user, body="同意")
    Attendance.objects.create(meeting=meeting, participant=participant, name="李秀英")
    user = User.objects.get(pk=done.user.pk)

    still_open = participants.participant_leave(participant=participant, by=user)

    assert still_open is False
    participant.refresh_from_db()
    assert participant.status == ST.LEFT and participant.consent_withdrawn_at is not None
    assert participant.name == "" and participant.room == "" and participant.building is None
    assert participant.household is None and participant.user is None
    assert participant.follows is False and participant.public_name == "已退出的居民"
    assert Post.objects.get().participant == participant  # the thread keeps its post
    assert Attendance.objects.get().name == "已退出的居民"
    account = User.objects.get(pk=user.pk)
    assert not account.is_active and not account.phone and account.display_name == ""
    assert account.household is None
    assert not RoleAssignment.objects.filter(user=account).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"participant.leave", "role.revoke", "account.closed"} <= set(actions)
    # Registering again later starts afresh (the number is free again).
    assert register(org).participant != participant


def test_leaving_one_of_two_round_tables_keeps_the_account(org, people):
    building = f.BuildingFactory(compound=f.CompoundFactory(community=org.haiyun))
    first = register(org)
    register(org, community=org.haiyun, compound=building.compound, building=building, room="502")
    participants.participant_verify(
        participant=first.participant, by=people.secretary, household=org.household
    )
    user = User.objects.get(pk=first.user.pk)
    assert participants.participant_leave(participant=first.participant, by=user) is True
    account = User.objects.get(pk=user.pk)
    assert account.is_active and account.phone.full == PHONE
    assert account.household is None  # it was 国奥's
    assert not RoleAssignment.objects.filter(user=account, community=org.guoao).exists()


def test_leaving_twice_or_someone_elses_is_refused(org, people):
    done = register(org)
    other = register(org, phone="13900008888")
    with pytest.raises(PermissionDenied):
        participants.participant_leave(participant=other.participant, by=done.user)
    user = User.objects.get(pk=done.user.pk)
    people.partner.phone = ""  # unrelated; the account stays open through its role anyway
    participants.participant_leave(participant=done.participant, by=user)
    with pytest.raises((Conflict, PermissionDenied)):
        participants.participant_leave(participant=done.participant, by=user)


# --- reads ------------------------------------------------------------------------------------------
def test_candidates_put_the_declared_room_first(org):
    building = org.household.building
    f.HouseholdFactory(building=building, unit="1单元", room="100")
    other = f.HouseholdFactory(building=building, unit="2单元", room="702")
    participant = pending(org, unit="2", room="702")
    candidates = selectors_participants.candidate_households(participant)
    assert candidates[0] == (other, True)
    assert [exact for _, exact in candidates[1:]] == [False, False]


def test_my_participations_count_topics_and_posts(org, people):
    done = register(org)
    meeting = _meeting(org)
    topic = Topic.objects.create(
        meeting=meeting, community=org.guoao, title="路灯", body="坏了", participant=done.participant,
        author=done.user,
    )  # fmt: skip
    for _ in range(3):
        Post.objects.create(topic=topic, participant=done.participant, author=done.user, body="好")
    [row] = selectors_participants.my_participations(done.user)
    assert (row.topics_n, row.posts_n) == (1, 3)
