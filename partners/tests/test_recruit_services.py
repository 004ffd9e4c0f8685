"""Recruitment's services: calls, applying (consent, repeats, active partners), approving (the
Partner, the account, the role; a returning partner restored), declining, withdrawing and leaving
(anonymised in place, counts kept)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core import sms
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from partners import recruitment
from partners.models import (
    CONSENT_NOTICE_VERSION,
    Application,
    Category,
    Duty,
    Partner,
    PartnerStatus,
    PracticalTask,
    RecruitmentCall,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13900007777"


def make_call(org, people, *, status=RecruitmentCall.Status.OPEN, community=None):
    call = RecruitmentCall.objects.create(
        community=community or org.guoao,
        title="招募幸福家园合伙人",
        body="欢迎加入。",
        status=status,
        created_by=people.secretary,
    )
    call.duties.set(Duty.objects.filter(active=True))
    return call


def form_data(call, **overrides):
    """What a valid application form cleans to."""
    data = {
        "kind": "person",
        "name": "王阿姨",
        "phone": PHONE,
        "category": Category.objects.get(code="volunteer"),
        "duties": list(call.duties.filter(code__in=["publicity", "standby"])),
        "availability": ["weekend"],
        "skills": "理发",
        "compound": None,
        "party_org": "",
        "employer": "",
        "home_building": None,
        "consent": True,
    }
    return {**data, **overrides}


@pytest.fixture
def call(org, people):
    return make_call(org, people)


def approve(application, by):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return recruitment.application_approve(application=application, by=by)


# --- calls -------------------------------------------------------------------------------------
def test_a_secretary_drafts_and_opens_a_call_with_the_six_duties(org, people):
    duties = list(Duty.objects.filter(active=True))
    made = recruitment.call_create(
        by=people.secretary,
        community=org.guoao,
        data={"title": "招募令", "body": "说明", "looking_for": "水电工", "duties": duties},
    )
    assert made.status == "draft" and made.duties.count() == 6
    assert {d.mode for d in made.duties.all()} == {"peace", "war"}
    recruitment.call_open(call=made, by=people.worker)
    made.refresh_from_db()
    assert made.status == "open" and made.opened_at is not None
    with pytest.raises(Conflict):
        recruitment.call_open(call=made, by=people.secretary)
    recruitment.call_close(call=made, by=people.secretary)
    made.refresh_from_db()
    assert made.status == "closed" and made.closed_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "recruitmentcall.create",
        "recruitmentcall.open",
        "recruitmentcall.close",
    } <= actions


def test_street_staff_and_other_communities_cannot_write_a_call(org, people, call):
    with pytest.raises(PermissionDenied):
        recruitment.call_create(
            by=people.street,
            community=org.guoao,
            data={"title": "x", "body": "y", "duties": list(Duty.objects.all())},
        )
    with pytest.raises(PermissionDenied):
        recruitment.call_close(call=call, by=people.secretary2)


def test_a_call_without_duties_is_refused(org, people):
    with pytest.raises(ValidationError, match="职责"):
        recruitment.call_create(
            by=people.secretary, community=org.guoao, data={"title": "x", "body": "y"}
        )


# --- applying ----------------------------------------------------------------------------------
def test_an_application_records_consent_with_its_version_and_time(call):
    before = timezone.now()
    application, repeated = recruitment.application_submit(call=call, data=form_data(call))
    assert not repeated
    assert application.status == "pending" and application.times == 1
    assert application.consent_version == CONSENT_NOTICE_VERSION
    assert before <= application.consented_at <= timezone.now()
    assert application.phone.full == PHONE and application.phone_hash
    assert {d.code for d in application.duties.all()} == {"publicity", "standby"}
    event = AuditEvent.objects.get(action="application.submit")
    assert event.detail["phone"] == "139****7777" and PHONE not in str(event.detail)


def test_no_consent_no_application(call):
    with pytest.raises(ValidationError, match="勾选同意"):
        recruitment.application_submit(call=call, data=form_data(call, consent=False))
    assert not Application.objects.exists()


def test_a_repeat_application_updates_the_waiting_one_and_counts_it(call):
    first, _ = recruitment.application_submit(call=call, data=form_data(call))
    again, repeated = recruitment.application_submit(
        call=call,
        data=form_data(
            call, phone="139 0000 7777", skills="水电维修", duties=list(call.duties.all()[:1])
        ),
    )
    assert repeated and again.pk == first.pk
    assert Application.objects.count() == 1
    row = Application.objects.get()
    assert row.times == 2 and row.skills == "水电维修" and row.duties.count() == 1
    assert AuditEvent.objects.get(action="application.repeat").detail["times"] == 2


def test_a_repeat_after_a_decision_is_a_new_application(call, people):
    first, _ = recruitment.application_submit(call=call, data=form_data(call))
    recruitment.application_decline(application=first, by=people.secretary, reason="信息不全")
    second, repeated = recruitment.application_submit(call=call, data=form_data(call))
    assert not repeated and second.pk != first.pk and second.times == 1


def test_the_same_phone_may_apply_to_another_community(org, people, call):
    other = make_call(org, people, community=org.yuehai)
    recruitment.application_submit(call=call, data=form_data(call))
    recruitment.application_submit(call=other, data=form_data(other))
    assert Application.objects.filter(status="pending").count() == 2


def test_an_active_partner_of_the_community_applying_keeps_nothing(org, people, call):
    """Nothing kept, and no refusal the public page could show: the page answers every number
    alike (the attempt is audited with the masked number)."""
    f.PartnerFactory(community=org.guoao, phone=PHONE, created_by=people.secretary)
    assert recruitment.application_submit(call=call, data=form_data(call)) == (None, False)
    assert not Application.objects.exists()
    event = AuditEvent.objects.get(action="application.already_partner")
    assert event.detail["phone"] == "139****7777"


def test_a_closed_call_takes_no_application(org, people):
    closed = make_call(org, people, status=RecruitmentCall.Status.CLOSED)
    with pytest.raises(ValidationError, match="结束报名"):
        recruitment.application_submit(call=closed, data=form_data(closed))


def test_choices_outside_the_call_and_its_community_are_refused(org, people, call):
    war_only = make_call(org, people)
    war_only.duties.set(Duty.objects.filter(mode="war"))
    peace = list(Duty.objects.filter(code="publicity"))
    with pytest.raises(ValidationError, match="职责不在"):
        recruitment.application_submit(call=war_only, data=form_data(war_only, duties=peace))
    foreign = f.CompoundFactory(community=org.yuehai)
    with pytest.raises(ValidationError, match="小区不属于"):
        recruitment.application_submit(call=call, data=form_data(call, compound=foreign))
    assert not Application.objects.exists()


def test_fields_that_do_not_apply_are_not_kept(call):
    application, _ = recruitment.application_submit(
        call=call, data=form_data(call, party_org="某党支部", employer="某单位")
    )
    assert application.party_org == "" and application.employer == ""


def test_staff_hear_of_a_new_application_but_not_of_its_repeats(org, people, call):
    recruitment.application_submit(call=call, data=form_data(call))
    recruitment.application_submit(call=call, data=form_data(call))
    notes = Notification.objects.filter(event="partners.application_new")
    assert {n.recipient for n in notes} == {people.secretary, people.worker}
    assert "王阿姨" not in notes.first().title


# --- deciding ----------------------------------------------------------------------------------
def test_approving_makes_the_partner_the_account_and_the_role_and_texts_the_applicant(
    org, people, call
):
    application, _ = recruitment.application_submit(
        call=call, data=form_data(call, compound=org.compound)
    )
    sms.outbox.clear()
    partner = approve(application, people.secretary)
    application.refresh_from_db()
    assert application.status == "approved" and application.partner == partner
    assert application.decided_by == people.secretary and application.decided_at
    assert partner.community == org.guoao and partner.status == PartnerStatus.ACTIVE
    assert partner.name == "王阿姨" and partner.category_id == "volunteer"
    assert partner.compound == org.compound and partner.availability == ["weekend"]
    assert {d.code for d in partner.duties.all()} == {"publicity", "standby"}
    assert partner.consent_version == CONSENT_NOTICE_VERSION
    assert partner.consented_at == application.consented_at
    user = partner.user
    assert user.phone.full == PHONE and not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role=Role.PARTNER, community=org.guoao).exists()
    assert [m.template for m in sms.outbox] == ["PARTNER_APPROVED"]
    assert sms.outbox[0].phone == PHONE and "国奥社区" in sms.outbox[0].text
    assert AuditEvent.objects.filter(action="partner.create", object_id=str(partner.pk)).exists()
    assert AuditEvent.objects.filter(action="role.assign").exists()


def test_approving_a_returning_partner_restores_the_same_record(org, people, call):
    old = f.PartnerFactory(
        community=org.guoao,
        phone=PHONE,
        name="王老师",
        created_by=people.secretary,
        status=PartnerStatus.INACTIVE,
        status_reason="外出务工",
    )
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    partner = approve(application, people.secretary)
    assert partner.pk == old.pk
    assert Partner.objects.filter(community=org.guoao).count() == 1
    old.refresh_from_db()
    assert old.status == PartnerStatus.ACTIVE and old.status_reason == ""
    assert old.name == "王阿姨" and old.user is not None
    assert AuditEvent.objects.get(action="application.approve").detail["restored"] is True


def test_a_partner_in_the_trash_comes_back_rather_than_a_second_one(org, people, call):
    old = f.PartnerFactory(community=org.guoao, phone=PHONE, created_by=people.secretary)
    old.deleted_at = timezone.now()
    old.save(update_fields=["deleted_at"])
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    assert approve(application, people.secretary).pk == old.pk
    old.refresh_from_db()
    assert old.deleted_at is None


def test_approving_reuses_the_account_that_holds_the_phone(org, people, call):
    resident = people.resident
    resident.phone = PHONE
    resident.save(update_fields=["phone", "phone_hash"])
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    partner = approve(application, people.secretary)
    assert partner.user == resident and User.objects.filter(phone_hash=resident.phone_hash).count()
    assert set(resident.role_assignments.values_list("role", flat=True)) == {
        Role.RESIDENT,
        Role.PARTNER,
    }


def test_an_admin_accounts_phone_is_refused_three_roles_stand_alone(org, people, call):
    people.auditor.phone = PHONE
    people.auditor.save(update_fields=["phone", "phone_hash"])
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    with pytest.raises(ValidationError, match="三员分立"):
        approve(application, people.secretary)
    application.refresh_from_db()
    assert application.status == "pending" and not Partner.objects.exists()


def test_declining_needs_a_reason_and_texts_the_applicant(people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    with pytest.raises(ValidationError, match="原因"):
        recruitment.application_decline(application=application, by=people.secretary, reason=" ")
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        recruitment.application_decline(
            application=application, by=people.secretary, reason="不在本社区居住"
        )
    application.refresh_from_db()
    assert application.status == "declined" and application.decline_reason == "不在本社区居住"
    assert [m.template for m in sms.outbox] == ["PARTNER_DECLINED"]
    assert "不在本社区居住" not in sms.outbox[0].text  # free text never goes to the gateway
    assert not Partner.objects.exists()


def test_only_the_calls_community_decides_and_only_once(people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    for outsider in (people.secretary2, people.street, people.district):
        with pytest.raises(PermissionDenied):
            recruitment.application_approve(application=application, by=outsider)
    approve(application, people.worker)
    with pytest.raises(Conflict, match="已通过"):
        recruitment.application_decline(application=application, by=people.secretary, reason="x")
    assert Partner.objects.count() == 1


# --- withdrawing and leaving -------------------------------------------------------------------
def test_withdrawing_anonymises_the_waiting_application(org, people, call):
    member = Category.objects.get(code="party_member")
    data = form_data(call, category=member, employer="区医院", home_building=org.household.building)
    application, _ = recruitment.application_submit(call=call, data=data)
    assert application.employer == "区医院"
    assert recruitment.application_withdraw(phone=PHONE) == 1
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.consent_withdrawn_at
    assert application.name == "已撤回" and not application.phone and application.phone_hash == ""
    assert application.employer == "" and application.home_building is None
    assert application.category_id == "party_member"  # the counts keep their category
    assert recruitment.application_withdraw(phone=PHONE) == 0
    event = AuditEvent.objects.get(action="application.withdraw")
    assert event.actor is None and event.actor_label == "申请人"


def test_a_declined_applicant_withdraws_consent_and_the_decision_stays_for_the_counts(
    org, people, call
):
    """A declined application kept the name, number and what the person wrote with no end
    date: the applicant withdraws consent with a code like a waiting one, and the row is
    anonymised in place, still declined, with when consent went."""
    member = Category.objects.get(code="party_member")
    data = form_data(call, category=member, employer="区医院", home_building=org.household.building)
    application, _ = recruitment.application_submit(call=call, data=data)
    recruitment.application_decline(application=application, by=people.secretary, reason="名额已满")
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        recruitment.withdraw_code_send(phone=PHONE)
    assert [m.phone for m in sms.outbox] == [PHONE]  # the code reaches a declined applicant
    before = Application.objects.count()

    assert recruitment.application_withdraw(phone=PHONE) == 1

    application.refresh_from_db()
    assert application.status == "declined" and application.consent_withdrawn_at is not None
    assert application.name == "已撤回" and not application.phone and application.phone_hash == ""
    assert application.skills == "" and application.employer == ""
    assert application.home_building is None
    assert application.decided_by == people.secretary and application.decided_at is not None
    assert application.category_id == "party_member"
    assert Application.objects.count() == before
    assert Application.objects.filter(community=org.guoao, status="declined").count() == 1
    event = AuditEvent.objects.get(action="application.withdraw")
    assert event.detail == {"community": org.guoao.pk, "status": "declined"}
    assert recruitment.application_withdraw(phone=PHONE) == 0


def test_an_approved_application_is_not_withdrawn_by_code_the_partner_leaves_instead(people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    partner = approve(application, people.secretary)
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        recruitment.withdraw_code_send(phone=PHONE)
    assert sms.outbox == []

    assert recruitment.application_withdraw(phone=PHONE) == 0

    application.refresh_from_db()
    partner.refresh_from_db()
    assert application.status == "approved" and application.phone.full == PHONE
    assert application.consent_withdrawn_at is None
    assert partner.status == PartnerStatus.ACTIVE and partner.phone.full == PHONE


def _approved_partner(people, call, **overrides):
    application, _ = recruitment.application_submit(call=call, data=form_data(call, **overrides))
    return approve(application, people.secretary)


def test_leaving_anonymises_deactivates_removes_the_role_and_keeps_the_counts(org, people, call):
    partner = _approved_partner(people, call)
    user = partner.user
    PracticalTask.objects.create(
        community=org.guoao,
        title="义务理发",
        kind="haircut",
        date=datetime.date(2026, 11, 1),
        created_by=people.secretary,
        claimed_by=partner,
        status="done",
        hours=2,
    )
    partners_before = Partner.objects.count()
    remaining = recruitment.partner_leave(partner=partner, by=user)
    assert remaining is False
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.LEFT and partner.status_changed_at
    assert partner.name == f"已退出的合伙人{partner.pk}"
    assert not partner.phone and partner.phone_hash == "" and partner.user is None
    assert partner.consent_withdrawn_at and partner.anonymised_at
    assert Partner.objects.count() == partners_before
    assert PracticalTask.objects.claimed().filter(claimed_by=partner).count() == 1
    assert not RoleAssignment.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert not user.is_active and not user.phone and user.phone_hash == ""
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partner.leave", "role.revoke", "account.closed"} <= actions
    left = Notification.objects.filter(event="partners.partner_left")
    assert {n.recipient for n in left} == {people.secretary, people.worker}


def test_an_organisation_keeps_its_name_when_it_leaves(people, call):
    partner = _approved_partner(people, call, kind="organisation", name="国奥超市")
    recruitment.partner_leave(partner=partner, by=partner.user)
    partner.refresh_from_db()
    assert partner.name == "国奥超市" and not partner.phone


def test_leaving_one_community_keeps_the_partner_of_another(org, people, call):
    other = make_call(org, people, community=org.yuehai)
    here = _approved_partner(people, call)
    application, _ = recruitment.application_submit(call=other, data=form_data(other))
    there = approve(application, people.secretary2)
    user = here.user
    assert there.user == user
    assert recruitment.partner_leave(partner=here, by=user) is True
    user.refresh_from_db()
    assert user.is_active and user.phone.full == PHONE
    assert list(user.role_assignments.values_list("community", flat=True)) == [org.yuehai.pk]


def test_nobody_else_makes_a_partner_leave_and_leaving_twice_is_a_conflict(people, call):
    partner = _approved_partner(people, call)
    with pytest.raises(PermissionDenied):
        recruitment.partner_leave(partner=partner, by=people.secretary)
    user = partner.user
    recruitment.partner_leave(partner=partner, by=user)
    partner.refresh_from_db()
    with pytest.raises((Conflict, PermissionDenied)):
        recruitment.partner_leave(partner=partner, by=user)


def test_a_partner_who_left_and_applies_again_is_a_new_record_the_old_one_stays(people, call):
    """Leaving erased the phone: nothing links the new application to the old record, which
    stays as an anonymous record for the counts."""
    old = _approved_partner(people, call)
    recruitment.partner_leave(partner=old, by=old.user)
    new = _approved_partner(people, call)
    assert new.pk != old.pk and Partner.objects.count() == 2
    assert new.user.is_active and new.user.phone.full == PHONE


# --- the sign-in ---------------------------------------------------------------------------------
def test_only_an_active_partner_without_a_staff_role_may_sign_in_by_sms(org, people, call):
    assert recruitment.sms_login_user(PHONE) is None
    partner = _approved_partner(people, call)
    assert recruitment.sms_login_user(PHONE) == partner.user
    # A secretary who is also a partner signs in with the password (and TOTP where required).
    staff_phone = people.secretary.phone.full
    other = make_call(org, people, community=org.yuehai)
    application, _ = recruitment.application_submit(
        call=other, data=form_data(other, phone=staff_phone)
    )
    approve(application, people.secretary2)
    assert recruitment.sms_login_user(staff_phone) is None
