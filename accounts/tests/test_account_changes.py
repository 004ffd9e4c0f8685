"""Changes to accounts under 三员分立 (accounts/changes.py): the system admin proposes, the
security admin approves or rejects, the auditor reads; nobody decides alone, about themselves, or
about the security admin; a temporary password is shown once and must be replaced at once."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from accounts import changes
from accounts.models import AccountChange, User, UserSession
from accounts.roles import Role
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2024!"  # the factories'
Kind, Status = AccountChange.Kind, AccountChange.Status


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def propose(people, kind, target=None, **fields):
    return changes.account_change_propose(
        by=people.sysadmin, kind=kind, target=target, reason="本人申请", **fields
    )


def test_the_system_admin_proposes_in_the_browser_and_nothing_happens_until_approved(people):
    sysadmin = client_of(people.sysadmin)
    assert sysadmin.get("/accounts/changes/new/").status_code == 200
    response = sysadmin.post(
        "/accounts/changes/new/",
        {"kind": "deactivate", "target": "worker", "reason": "调离本社区"},
    )
    change = AccountChange.objects.get()
    assert response["Location"] == f"/accounts/changes/{change.pk}/"
    assert (change.kind, change.target, change.status) == (
        Kind.DEACTIVATE,
        people.worker,
        Status.PROPOSED,
    )
    people.worker.refresh_from_db()
    assert people.worker.is_active
    page = sysadmin.get(change.get_absolute_url()).content.decode()
    assert "等待安全管理员审批" in page and "批准并执行" not in page
    assert AuditEvent.objects.filter(
        action="accountchange.propose", actor=people.sysadmin, object_id=str(change.pk)
    ).exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"kind": "deactivate", "target": "nosuchuser", "reason": "x"}, "没有这个账号"),
        ({"kind": "deactivate", "target": "", "reason": "x"}, "请填写要变更的账号"),
        ({"kind": "create", "username": "", "reason": "x"}, "请填写新账号的用户名"),
        ({"kind": "create", "username": "secretary", "reason": "x"}, "已被使用"),
        ({"kind": "create", "username": "含 空格", "reason": "x"}, "用户名"),
        ({"kind": "reactivate", "target": "worker", "reason": "x"}, "该账号没有停用"),
        (
            {"kind": "reset_password", "target": "secadmin", "reason": "x"},
            "manage.py account_admin",
        ),
        ({"kind": "reset_password", "target": "worker", "reason": ""}, "必填"),
    ],
)
def test_a_proposal_that_cannot_be_carried_out_is_refused_with_the_reason(people, post, message):
    response = client_of(people.sysadmin).post("/accounts/changes/new/", post)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AccountChange.objects.exists()


def test_the_same_change_waits_only_once(people):
    propose(people, Kind.RESET_PASSWORD, people.worker)
    with pytest.raises(ValidationError, match="同样的变更已在等待审批"):
        propose(people, Kind.RESET_PASSWORD, people.worker)


@pytest.mark.parametrize("who", ["secadmin", "auditor", "district", "secretary"])
def test_only_the_system_admin_proposes_and_a_refusal_is_audited(people, who):
    with pytest.raises(PermissionDenied):
        changes.account_change_propose(
            by=getattr(people, who), kind=Kind.RESET_PASSWORD, target=people.worker, reason="x"
        )
    assert AuditEvent.objects.filter(
        action="accountchange.propose", result=AuditEvent.Result.DENIED
    ).exists()


def test_an_approved_reset_shows_a_temporary_password_once_that_must_be_replaced(people):
    desk = Client()
    assert desk.post("/accounts/login/", {"username": "worker", "password": PASSWORD}).status_code
    change = propose(people, Kind.RESET_PASSWORD, people.worker)
    secadmin = client_of(people.secadmin)
    page = secadmin.get(change.get_absolute_url()).content.decode()
    assert "批准并执行" in page

    done = secadmin.post(f"/accounts/changes/{change.pk}/approve/", {"note": "已核实本人身份"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    password = done.context["password"]
    assert password in done.content.decode()
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == (
        Status.APPROVED,
        people.secadmin,
        "已核实本人身份",
    )
    # The old password and the open sessions are gone; the detail page never shows the password.
    assert password not in secadmin.get(change.get_absolute_url()).content.decode()
    assert desk.get("/")["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=people.worker).exists()
    assert not User.objects.get(pk=people.worker.pk).check_password(PASSWORD)

    worker = Client()
    worker.post("/accounts/login/", {"username": "worker", "password": password})
    page = worker.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/password/"
    assert "临时密码" in page.content.decode()
    new = "Xin-Mima#2031"
    worker.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert worker.get("/").status_code == 200
    assert not User.objects.get(pk=people.worker.pk).password_temporary
    assert AuditEvent.objects.filter(
        action="accountchange.approve", actor=people.secadmin, object_id=str(change.pk)
    ).exists()


def test_a_temporary_password_is_replaced_first_by_residents_too(people):
    """The 90-day rule is for staff; a temporary password is for everyone."""
    change = propose(people, Kind.RESET_PASSWORD, people.resident)
    password = changes.account_change_decide(change=change, by=people.secadmin, action="approve")
    resident = Client()
    resident.post("/accounts/login/", {"username": "resident", "password": password})
    assert resident.get("/")["Location"] == "/accounts/password/"


def test_an_approved_new_account_is_made_with_a_temporary_password_and_no_role(people):
    change = propose(
        people, Kind.CREATE, username="xin_shequ", display_name="王小新", email="x@example.org"
    )
    password = changes.account_change_decide(change=change, by=people.secadmin, action="approve")
    user = User.objects.get(username="xin_shequ")
    change.refresh_from_db()
    assert change.target == user and user.display_name == "王小新"
    assert user.password_temporary and user.check_password(password)
    assert not user.role_assignments.exists()  # roles: the security admin, as before


def test_deactivation_and_reactivation_are_carried_out_on_approval(people):
    desk = Client()
    desk.force_login(people.worker)
    change = propose(people, Kind.DEACTIVATE, people.worker)
    assert (
        changes.account_change_decide(change=change, by=people.secadmin, action="approve") is None
    )
    people.worker.refresh_from_db()
    assert not people.worker.is_active
    assert desk.get("/")["Location"].startswith("/accounts/login/")
    again = propose(people, Kind.REACTIVATE, people.worker)
    changes.account_change_decide(change=again, by=people.secadmin, action="approve")
    people.worker.refresh_from_db()
    assert people.worker.is_active


def test_a_rejection_needs_a_reason_and_changes_nothing(people):
    change = propose(people, Kind.DEACTIVATE, people.worker)
    secadmin = client_of(people.secadmin)
    refused = secadmin.post(f"/accounts/changes/{change.pk}/reject/", {"note": "  "})
    assert refused.status_code == 422 and "驳回时请写明理由" in refused.content.decode()
    change.refresh_from_db()
    assert change.status == Status.PROPOSED
    rejected = secadmin.post(f"/accounts/changes/{change.pk}/reject/", {"note": "未见本人申请"})
    assert rejected.status_code == 200 and rejected.context["password"] is None
    change.refresh_from_db()
    people.worker.refresh_from_db()
    assert (change.status, change.decision_note) == (Status.REJECTED, "未见本人申请")
    assert people.worker.is_active
    # Decided once: a second decision is a conflict, and says so.
    again = secadmin.post(f"/accounts/changes/{change.pk}/approve/", {})
    assert again.status_code == 409
    people.worker.refresh_from_db()
    assert people.worker.is_active


def test_a_change_no_longer_possible_is_not_carried_out(people):
    change = propose(people, Kind.CREATE, username="xin_shequ")
    User.objects.create_user(username="xin_shequ", password=PASSWORD)
    with pytest.raises(ValidationError, match="已被使用"):
        changes.account_change_decide(change=change, by=people.secadmin, action="approve")
    change.refresh_from_db()
    assert change.status == Status.PROPOSED


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "district"])
def test_nobody_but_the_security_admin_decides_and_each_attempt_is_audited(people, who):
    change = propose(people, Kind.RESET_PASSWORD, people.worker)
    response = client_of(getattr(people, who)).post(f"/accounts/changes/{change.pk}/approve/")
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == Status.PROPOSED
    denied = AuditEvent.objects.filter(result=AuditEvent.Result.DENIED, actor=getattr(people, who))
    # The two who may read the change are refused by the service; anyone else at the door.
    action = "access.denied" if who == "district" else "accountchange.approve"
    assert denied.filter(action=action).exists(), list(denied.values_list("action", flat=True))


def test_the_security_admin_does_not_decide_a_change_they_proposed_or_about_themselves(people):
    """Roles change: a proposal made as system admin is not approved by the same person later."""
    change = propose(people, Kind.RESET_PASSWORD, people.worker)
    AccountChange.objects.filter(pk=change.pk).update(proposed_by=people.secadmin)
    change.refresh_from_db()
    page = client_of(people.secadmin).get(change.get_absolute_url()).content.decode()
    assert "批准并执行" not in page and "您不能审批自己提出的" in page
    with pytest.raises(PermissionDenied):
        changes.account_change_decide(change=change, by=people.secadmin, action="approve")
    about_me = AccountChange.objects.create(
        kind=Kind.RESET_PASSWORD, target=people.secadmin, reason="x", proposed_by=people.sysadmin
    )
    with pytest.raises(PermissionDenied):
        changes.account_change_decide(change=about_me, by=people.secadmin, action="approve")


def test_the_auditor_reads_the_list_and_details_but_has_no_buttons(people):
    pending = propose(people, Kind.RESET_PASSWORD, people.worker)
    auditor = client_of(people.auditor)
    listing = auditor.get("/accounts/changes/").content.decode()
    assert "重置密码" in listing and pending.get_absolute_url() in listing
    assert "提出变更" not in listing
    detail = auditor.get(pending.get_absolute_url()).content.decode()
    assert "批准并执行" not in detail and "等待安全管理员审批" in detail


def test_the_list_needs_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    for name in ("worker", "secretary", "street", "member", "expert"):
        propose(people, Kind.RESET_PASSWORD, getattr(people, name))
    client = client_of(people.secadmin)
    client.get("/accounts/changes/")
    with django_assert_max_num_queries(12):
        assert client.get("/accounts/changes/").status_code == 200


def test_the_security_admins_own_account_changes_on_the_server(people):
    out = StringIO()
    call_command("account_admin", "secadmin", "reset-password", stdout=out)
    password = out.getvalue().split("临时密码:")[1].split("(")[0]
    secadmin = User.objects.get(pk=people.secadmin.pk)
    assert secadmin.check_password(password) and secadmin.password_temporary
    call_command("account_admin", "secadmin", "deactivate", stdout=StringIO())
    assert not User.objects.get(pk=people.secadmin.pk).is_active
    assert AuditEvent.objects.filter(
        actor_label="manage.py account_admin", action="user.deactivate"
    ).exists()


@override_settings(TOTP_REQUIRED=True)
def test_the_second_factor_comes_before_the_new_password(people):
    """An expired password and a missing second factor: enrol first, then the password form."""
    change = propose(people, Kind.RESET_PASSWORD, people.district)
    password = changes.account_change_decide(change=change, by=people.secadmin, action="approve")
    client = Client()
    client.post("/accounts/login/", {"username": "district", "password": password})
    page = client.get("/", follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith("/accounts/totp/enrol/")


def test_the_system_admin_cannot_also_be_made_the_security_admin(people):
    """三员分立 itself (accounts/services.py): the proposer is never also the approver."""
    from accounts.services import SEPARATION_MESSAGE, role_assign

    with pytest.raises(ValidationError, match=SEPARATION_MESSAGE):
        role_assign(user=people.sysadmin, role=Role.SECADMIN, by=people.secadmin)


def test_the_first_accounts_of_an_installation_are_made_on_the_server(db):
    out = StringIO()
    call_command("account_admin", "anquan", "create", "--role", "secadmin", stdout=out)
    call_command(
        "account_admin", "shenji", "create", "--role", "auditor", "--district", "新区", stdout=out
    )
    secadmin, auditor = User.objects.get(username="anquan"), User.objects.get(username="shenji")
    assert secadmin.password_temporary and secadmin.scope.has(Role.SECADMIN)
    assert auditor.role_assignments.get().district.name == "新区"
    assert out.getvalue().count("临时密码") == 2
    assert AuditEvent.objects.filter(actor_label="manage.py account_admin", action="role.assign")
    for args, message in [
        (("anquan", "create", "--role", "sysadmin"), "已被使用"),
        (("x1", "create"), "--role"),
        (("x2", "create", "--role", "auditor"), "--district"),
        (("x3", "create", "--role", "sysadmin", "--district", "新区"), "不要指定"),
        (("nobody", "deactivate"), "没有账号"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("account_admin", *args, stdout=StringIO())
    assert User.objects.count() == 2
