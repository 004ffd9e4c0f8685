import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Community, RoleAssignment, User
from accounts.roles import Role
from accounts.services import phone_reveal, role_assign
from core.models import AuditEvent
from projects.models import Project
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_role_scope_must_match_the_kind_of_role(org, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=people.nobody, role=Role.SECRETARY, street=org.street_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=people.nobody, role=Role.SYSADMIN, district=org.district)


def test_three_admin_roles_exclude_each_other_in_the_database(org, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=people.sysadmin, role=Role.AUDITOR, district=org.district
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=people.secadmin, role=Role.SYSADMIN)


def test_role_assign_keeps_separation_of_duties_with_a_message(org, people):
    with pytest.raises(ValidationError, match="三员分立"):
        role_assign(user=people.auditor, role=Role.SYSADMIN, by=people.secadmin)
    assignment = role_assign(
        user=people.nobody, role=Role.SECRETARY, community=org.haiyun, by=people.secadmin
    )
    assert AuditEvent.objects.filter(action="role.assign", object_id=str(assignment.pk)).exists()


@pytest.mark.parametrize("who", ["sysadmin", "district", "auditor"])
def test_only_the_security_admin_assigns_roles(org, people, who):
    with pytest.raises(PermissionDenied):
        role_assign(
            user=people.nobody, role=Role.SECRETARY, community=org.haiyun, by=getattr(people, who)
        )


def test_district_staff_are_business_users_not_superusers(people):
    assert not people.district.is_superuser and not people.district.is_staff


def test_visible_to_follows_the_tree(org, people):
    own = f.ProjectFactory(community=org.guoao)
    same_street = f.ProjectFactory(community=org.haiyun)
    other_street = f.ProjectFactory(community=org.yuehai)

    def visible(user):
        return set(Project.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(people.secretary) == {own.pk}
    assert visible(people.secretary_haiyun) == {same_street.pk}
    assert visible(people.secretary2) == {other_street.pk}
    assert visible(people.street) == visible(people.expert) == {own.pk, same_street.pk}
    assert visible(people.street_b) == {other_street.pk}
    assert visible(people.district) == {own.pk, same_street.pk, other_street.pk}
    for nobody in (
        people.auditor,
        people.sysadmin,
        people.secadmin,
        people.partner,
        people.resident,
        people.nobody,
    ):
        assert visible(nobody) == set()
    assert set(Community.objects.visible_to(people.street)) == {org.guoao, org.haiyun}


def test_inactive_user_sees_nothing(org, people):
    f.ProjectFactory(community=org.guoao)
    people.secretary.is_active = False
    people.secretary.save()
    fresh = User.objects.get(pk=people.secretary.pk)
    assert not Project.objects.visible_to(fresh).exists()


def test_people_list_masks_phones_and_reveal_is_audited(client, org, people):
    client.force_login(people.worker)
    page = client.get("/accounts/people/")
    html = page.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    response = client.post(f"/accounts/people/{people.secretary.pk}/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="phone.reveal", actor=people.worker, result="ok"
    ).exists()


def test_revealing_a_person_without_a_number_is_a_422_not_an_error(client, people):
    people.secretary.phone = ""
    people.secretary.save(update_fields=["phone", "phone_hash"])
    client.force_login(people.worker)
    response = client.post(f"/accounts/people/{people.secretary.pk}/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action="phone.reveal", result="ok").exists()


def test_out_of_scope_reveal_is_a_404(client, people):
    client.force_login(people.secretary2)
    assert client.post(f"/accounts/people/{people.secretary.pk}/phone/").status_code == 404
    assert not AuditEvent.objects.filter(action="phone.reveal", result="ok").exists()


def test_street_member_sees_people_but_cannot_reveal(people):
    with pytest.raises(PermissionDenied):
        phone_reveal(person=people.secretary, by=people.member)
    assert AuditEvent.objects.filter(action="phone.reveal", result="denied").exists()


def test_nobody_grants_themselves_a_role(org, people):
    with pytest.raises(ValidationError, match="不能给自己"):
        role_assign(
            user=people.secadmin,
            role=Role.DISTRICT_STAFF,
            district=org.district,
            by=people.secadmin,
        )
    assert set(people.secadmin.role_assignments.values_list("role", flat=True)) == {"secadmin"}


def test_admin_roles_take_no_business_role_and_the_reverse(org, people):
    with pytest.raises(ValidationError, match="三员分立"):
        role_assign(
            user=people.auditor, role=Role.DISTRICT_STAFF, district=org.district, by=people.secadmin
        )
    with pytest.raises(ValidationError, match="三员分立"):
        role_assign(
            user=people.district, role=Role.AUDITOR, district=org.district, by=people.secadmin
        )
