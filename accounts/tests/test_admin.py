"""The admin site is worked by role: district staff keep the tree, the system admin keeps accounts,
the security admin keeps roles. Nobody is a superuser and nobody deletes audit records."""

import pytest

from accounts.models import Community, RoleAssignment, User
from accounts.roles import Role
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_district_staff_add_a_community_and_it_is_audited(client, org, people):
    client.force_login(people.district)
    assert client.get("/admin/accounts/community/").status_code == 200
    response = client.post(
        "/admin/accounts/community/add/", {"street": org.street_a.pk, "name": "新建社区"}
    )
    assert response.status_code == 302
    community = Community.objects.get(name="新建社区")
    assert AuditEvent.objects.filter(
        action="community.create", object_id=str(community.pk)
    ).exists()


@pytest.mark.parametrize("who", ["district", "secadmin"])
def test_only_the_system_admin_changes_accounts(client, people, who):
    client.force_login(getattr(people, who))
    response = client.post(
        f"/admin/accounts/user/{people.nobody.pk}/change/", {"username": "hijacked"}
    )
    assert response.status_code == 403
    assert User.objects.filter(username="nobody").exists()


def test_system_admin_cannot_edit_the_tree(client, org, people):
    client.force_login(people.sysadmin)
    assert client.get("/admin/accounts/community/").status_code == 403


def test_security_admin_grants_a_role_through_the_admin(client, org, people):
    client.force_login(people.secadmin)
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": people.nobody.pk, "role": Role.SECRETARY, "community": org.haiyun.pk},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=people.nobody, role=Role.SECRETARY, community=org.haiyun
    ).exists()
    assert AuditEvent.objects.filter(action="role.assign", actor=people.secadmin).exists()


def test_separation_of_duties_is_a_form_error_not_a_crash(client, people):
    client.force_login(people.secadmin)
    response = client.post(
        "/admin/accounts/roleassignment/add/", {"user": people.auditor.pk, "role": Role.SYSADMIN}
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=people.auditor, role=Role.SYSADMIN).exists()


def test_role_with_the_wrong_scope_is_a_form_error(client, org, people):
    client.force_login(people.secadmin)
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": people.nobody.pk, "role": Role.SECRETARY, "street": org.street_a.pk},
    )
    assert response.status_code == 200
    assert "角色与范围不匹配" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=people.nobody).exists()


@pytest.mark.parametrize("who", ["secretary", "street", "auditor", "partner"])
def test_business_users_do_not_enter_the_admin(client, people, who):
    client.force_login(getattr(people, who))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_audit_events_are_not_in_the_admin(client, people):
    client.force_login(people.sysadmin)
    assert client.get("/admin/core/auditevent/").status_code == 404


def _user_change_data(user, **changes):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "phone": user.phone.masked,
        "household": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_system_admin_edits_a_user_without_retyping_the_masked_phone(client, people):
    client.force_login(people.sysadmin)
    page = client.get(f"/admin/accounts/user/{people.secretary.pk}/change/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    response = client.post(
        f"/admin/accounts/user/{people.secretary.pk}/change/",
        _user_change_data(people.secretary, display_name="新名字"),
    )
    assert response.status_code == 302
    people.secretary.refresh_from_db()
    assert people.secretary.display_name == "新名字"
    assert people.secretary.phone.full == "13812345678"


def test_a_phone_already_in_use_is_a_form_error_not_a_crash(client, people):
    client.force_login(people.sysadmin)
    response = client.post(
        f"/admin/accounts/user/{people.worker.pk}/change/",
        _user_change_data(people.worker, phone="13812345678"),
    )
    assert response.status_code == 200
    assert "该手机号已被其他账号使用" in response.content.decode()
    people.worker.refresh_from_db()
    assert not people.worker.phone


def test_the_admins_password_form_is_closed_a_reset_is_proposed_and_approved(client, people):
    """三员分立: the system admin no longer sets anyone's password; a reset goes through
    accounts/changes.py (tests in test_account_changes.py). The attempt is audited."""
    client.force_login(people.sysadmin)
    before = User.objects.get(pk=people.secretary.pk).password
    response = client.post(
        f"/admin/accounts/user/{people.secretary.pk}/password/",
        {"password1": "Temp-Pass-2026!", "password2": "Temp-Pass-2026!", "usable_password": "true"},
    )
    assert response.status_code == 403
    assert User.objects.get(pk=people.secretary.pk).password == before
    assert AuditEvent.objects.filter(
        action="auth.password_set_by_admin", actor=people.sysadmin, result="denied"
    ).exists()


@pytest.mark.parametrize("target", ["sysadmin", "secadmin", "auditor"])
def test_the_system_admin_edits_no_separated_roles_account_nor_their_own(client, people, target):
    client.force_login(people.sysadmin)
    account = getattr(people, target)
    response = client.post(
        f"/admin/accounts/user/{account.pk}/change/", _user_change_data(account, display_name="x")
    )
    assert response.status_code == 403
    assert User.objects.get(pk=account.pk).display_name != "x"


def test_the_admin_adds_no_accounts_and_changes_no_status(client, people):
    client.force_login(people.sysadmin)
    assert client.get("/admin/accounts/user/add/").status_code == 403
    client.post(
        f"/admin/accounts/user/{people.worker.pk}/change/",
        _user_change_data(people.worker, is_active=""),
    )
    assert User.objects.get(pk=people.worker.pk).is_active


def test_the_admin_site_never_shows_nor_searches_a_household_code(client, org, people):
    from accounts.models import Household

    household = Household.objects.create(building=org.household.building, unit="1单元", room="909")
    client.force_login(people.district)  # district staff keep the tree
    listing = client.get("/admin/accounts/household/", {"q": household.code})
    assert listing.status_code == 200
    assert "909" not in listing.content.decode()  # the code matched nothing
    assert household.code not in client.get("/admin/accounts/household/").content.decode()
    page = client.get(f"/admin/accounts/household/{household.pk}/change/")
    assert page.status_code == 200 and household.code not in page.content.decode()
