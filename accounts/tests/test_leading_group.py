"""The street's leading group: working groups and the 组长's delegation of deciding to a deputy.

Street A (长江路街道) has its 组长 `street`, its member `member` and its expert `expert`; street B
has its 组长 `street_b` (conftest.py).
"""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import leading_group
from accounts.models import Delegation, User, WorkingGroup
from accounts.roles import Role
from accounts.selectors import street_deciders
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from projects.models import Project, Status
from projects.services import project_approve
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
OUTSIDERS = ["member", "expert", "street_b", "district", "secretary"]


def today():
    return timezone.localdate()


def fresh(user) -> User:
    """The person as a new request sees them: nothing cached on the object."""
    return User.objects.get(pk=user.pk)


def delegate(people, org, *, starts_on=None, days=7, **kwargs) -> Delegation:
    starts_on = starts_on or today()
    return leading_group.delegation_create(
        by=people.street,
        street=org.street_a,
        delegate=kwargs.pop("to", people.member),
        starts_on=starts_on,
        ends_on=starts_on + (days - 1) * DAY,
        reason=kwargs.pop("reason", "组长外出学习"),
    )


def submitted(org) -> Project:
    return f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)


# --- working groups ------------------------------------------------------------------------------
def test_the_leader_creates_renames_restaffs_and_deletes_a_working_group(org, people):
    group = leading_group.working_group_create(
        by=people.street, street=org.street_a, name=" 资源协调组 ", members=[people.member]
    )
    assert group.name == "资源协调组"
    assert list(group.members.all()) == [people.member]

    leading_group.working_group_update(
        by=people.street,
        group=group,
        name="资源对接组",
        description="对接共建单位",
        members=[people.expert],
    )
    group.refresh_from_db()
    assert (group.name, group.description) == ("资源对接组", "对接共建单位")
    assert list(group.members.all()) == [people.expert]

    leading_group.working_group_delete(by=people.street, group=group)
    assert not WorkingGroup.objects.exists()
    actions = AuditEvent.objects.filter(actor=people.street).values_list("action", flat=True)
    assert list(actions.order_by("id")) == [
        "workinggroup.create",
        "workinggroup.update",
        "workinggroup.delete",
    ]
    update = AuditEvent.objects.get(action="workinggroup.update")
    assert update.detail == {"added": [people.expert.pk], "removed": [people.member.pk]}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_but_the_leader_manages_working_groups(org, people, who):
    by = getattr(people, who)
    group = WorkingGroup.objects.create(street=org.street_a, name="资源协调组")

    with pytest.raises(PermissionDenied):
        leading_group.working_group_create(by=by, street=org.street_a, name="宣传组")
    with pytest.raises(PermissionDenied):
        leading_group.working_group_update(by=by, group=group, name="改名")
    with pytest.raises(PermissionDenied):
        leading_group.working_group_delete(by=by, group=group)

    assert list(WorkingGroup.objects.values_list("name", flat=True)) == ["资源协调组"]
    denied = AuditEvent.objects.filter(actor=by, result=AuditEvent.Result.DENIED)
    assert set(denied.values_list("action", flat=True)) == {
        "workinggroup.create",
        "workinggroup.update",
        "workinggroup.delete",
    }


@pytest.mark.parametrize("who", ["secretary", "street_b", "district"])
def test_a_working_group_takes_only_people_of_the_streets_leading_group(org, people, who):
    outsider = getattr(people, who)
    with pytest.raises(ValidationError) as refused:
        leading_group.working_group_create(
            by=people.street, street=org.street_a, name="宣传组", members=[outsider]
        )
    assert f"{outsider} 不是长江路街道领导小组的组长、成员或专家顾问" in refused.value.messages[0]
    assert not WorkingGroup.objects.exists()


def test_two_working_groups_of_a_street_cannot_share_a_name(org, people):
    leading_group.working_group_create(by=people.street, street=org.street_a, name="宣传组")
    with pytest.raises(ValidationError, match="已有名为“宣传组”的工作小组"):
        leading_group.working_group_create(by=people.street, street=org.street_a, name="宣传组")
    # Another street may use the name.
    leading_group.working_group_create(by=people.street_b, street=org.street_b, name="宣传组")


# --- delegation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_but_the_leader_delegates_or_revokes(org, people, who):
    by = getattr(people, who)
    with pytest.raises(PermissionDenied):
        leading_group.delegation_create(
            by=by,
            street=org.street_a,
            delegate=people.member,
            starts_on=today(),
            ends_on=today() + 6 * DAY,
            reason="自己委托自己",
        )
    delegation = delegate(people, org)
    with pytest.raises(PermissionDenied):
        leading_group.delegation_revoke(by=by, delegation=delegation)
    delegation.refresh_from_db()
    assert delegation.revoked_at is None
    denied = AuditEvent.objects.filter(actor=by, result=AuditEvent.Result.DENIED)
    assert set(denied.values_list("action", flat=True)) == {
        "delegation.create",
        "delegation.revoke",
    }


@pytest.mark.parametrize("who", ["expert", "secretary", "street_b", "street"])
def test_deciding_is_delegated_only_to_a_member_of_the_streets_group(org, people, who):
    with pytest.raises(ValidationError):
        delegate(people, org, to=getattr(people, who))
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(
    ("starts", "days", "message"),
    [
        (-1, 7, "开始日期不能早于今天"),
        (0, 367, "委托期限最长一年"),
    ],
)
def test_a_delegation_keeps_to_sane_dates(org, people, starts, days, message):
    with pytest.raises(ValidationError, match=message):
        delegate(people, org, starts_on=today() + starts * DAY, days=days)


def test_a_delegation_ends_on_or_after_its_start(org, people):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        leading_group.delegation_create(
            by=people.street,
            street=org.street_a,
            delegate=people.member,
            starts_on=today() + 3 * DAY,
            ends_on=today() + 2 * DAY,
            reason="外出",
        )


def test_a_delegation_may_last_a_year(org, people):
    start = today()
    end = start.replace(year=start.year + 1) if (start.month, start.day) != (2, 29) else None
    if end is None:
        pytest.skip("a 29 February start: a year later is 28 February")
    d = leading_group.delegation_create(
        by=people.street,
        street=org.street_a,
        delegate=people.member,
        starts_on=start,
        ends_on=end,
        reason="挂职一年",
    )
    assert d.ends_on == end


def test_an_overlapping_delegation_is_refused(org, people):
    second = f.make_user(Role.STREET_MEMBER, org.street_a, username="member2")
    delegate(people, org, starts_on=today() + 2 * DAY, days=7)  # days 2..8

    with pytest.raises(ValidationError) as refused:
        delegate(people, org, to=second, starts_on=today() + 8 * DAY, days=3)
    assert "与已有的委托重叠" in refused.value.messages[0]
    assert "同一时间只能委托一人" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="与已有的委托重叠"):
        delegate(people, org, to=second, starts_on=today(), days=30)

    # The day after it ends is free; so is the other street.
    delegate(people, org, to=second, starts_on=today() + 9 * DAY, days=3)
    b_member = f.make_user(Role.STREET_MEMBER, org.street_b, username="member_b")
    leading_group.delegation_create(
        by=people.street_b,
        street=org.street_b,
        delegate=b_member,
        starts_on=today() + 2 * DAY,
        ends_on=today() + 8 * DAY,
        reason="外出",
    )
    assert Delegation.objects.count() == 3


def test_a_revoked_delegation_frees_its_period(org, people):
    first = delegate(people, org)
    leading_group.delegation_revoke(by=people.street, delegation=first)
    second = delegate(people, org, reason="重新安排")
    assert second.pk != first.pk


def test_a_revoked_or_ended_delegation_cannot_be_revoked_again(org, people):
    d = delegate(people, org)
    leading_group.delegation_revoke(by=people.street, delegation=d)
    with pytest.raises(Conflict, match="已经撤销"):
        leading_group.delegation_revoke(by=people.street, delegation=d)
    ended = Delegation.objects.create(
        street=org.street_a,
        delegate=people.member,
        starts_on=today() - 10 * DAY,
        ends_on=today() - 3 * DAY,
        reason="上月外出",
        created_by=people.street,
    )
    with pytest.raises(Conflict, match="已经到期"):
        leading_group.delegation_revoke(by=people.street, delegation=ended)


def test_giving_and_revoking_a_delegation_is_audited_and_the_delegate_is_told(org, people):
    d = delegate(people, org)
    created = AuditEvent.objects.get(action="delegation.create")
    assert created.actor == people.street
    assert created.object_id == str(d.pk)
    assert created.detail == {
        "street": org.street_a.pk,
        "delegate": people.member.pk,
        "starts_on": d.starts_on.isoformat(),
        "ends_on": d.ends_on.isoformat(),
    }
    told = Notification.objects.get(recipient=people.member, event="delegation.created")
    assert "委托您代行长江路街道领导小组的审批" in told.title
    assert told.url == reverse("accounts:leading_group_street", args=[org.street_a.pk])

    leading_group.delegation_revoke(by=people.street, delegation=d)
    d.refresh_from_db()
    assert d.revoked_by == people.street and d.revoked_at is not None
    revoked = AuditEvent.objects.get(action="delegation.revoke")
    assert revoked.detail == {"street": org.street_a.pk, "delegate": people.member.pk}
    assert Notification.objects.filter(recipient=people.member, event="delegation.revoked").exists()


# --- the delegate decides, within the window only ------------------------------------------------
def test_the_delegate_approves_a_project_within_the_window(org, people):
    project = submitted(org)
    with pytest.raises(PermissionDenied):
        project_approve(project=project, by=fresh(people.member), comment="同意")

    delegate(people, org)
    project_approve(project=project, by=fresh(people.member), comment="同意")

    project.refresh_from_db()
    assert project.status == Status.APPROVED


def test_the_delegate_is_refused_before_the_window(org, people):
    delegate(people, org, starts_on=today() + DAY)
    project = submitted(org)
    with pytest.raises(PermissionDenied):
        project_approve(project=project, by=fresh(people.member), comment="同意")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_the_delegate_is_refused_after_the_window(org, people):
    Delegation.objects.create(
        street=org.street_a,
        delegate=people.member,
        starts_on=today() - 7 * DAY,
        ends_on=today() - DAY,
        reason="上周外出",
        created_by=people.street,
    )
    project = submitted(org)
    with pytest.raises(PermissionDenied):
        project_approve(project=project, by=fresh(people.member), comment="同意")


def test_the_delegate_is_refused_once_the_delegation_is_revoked(org, people):
    d = delegate(people, org)
    project = submitted(org)
    assert fresh(people.member).has_perm("projects.decide_project", project)

    leading_group.delegation_revoke(by=people.street, delegation=d)

    with pytest.raises(PermissionDenied):
        project_approve(project=project, by=fresh(people.member), comment="同意")
    # The 组长 still decides.
    project_approve(project=project, by=fresh(people.street), comment="同意")


def test_a_delegate_decides_only_for_their_own_street(org, people):
    delegate(people, org)
    member = fresh(people.member)
    assert member.has_perm("projects.decide_project", submitted(org))
    yuehai = f.ProjectFactory(community=org.yuehai, ready=True, status=Status.SUBMITTED)
    assert not member.has_perm("projects.decide_project", yuehai)


def test_a_delegate_who_leaves_the_group_no_longer_decides(org, people):
    delegate(people, org)
    people.member.role_assignments.all().delete()
    assert not fresh(people.member).has_perm("projects.decide_project", submitted(org))


def test_the_rule_costs_at_most_one_query_over_many_calls(
    org, people, django_assert_max_num_queries
):
    delegate(people, org)
    for _ in range(3):
        submitted(org)
        f.ProjectFactory(community=org.yuehai)
    projects = list(Project.objects.select_related("community"))
    member, leader, secretary = fresh(people.member), fresh(people.street), fresh(people.secretary)
    for user in (member, leader, secretary):
        user.scope  # noqa: B018 - the roles come with the request's user (memo), not the rule

    with django_assert_max_num_queries(1):
        allowed = [member.has_perm("projects.decide_project", p) for p in projects * 5]
    assert allowed.count(True) == 3 * 5
    with django_assert_max_num_queries(0):
        for p in projects * 5:
            leader.has_perm("projects.decide_project", p)
            secretary.has_perm("projects.decide_project", p)


def test_street_deciders_are_the_leaders_and_the_delegate_of_the_day(org, people):
    assert list(street_deciders(org.street_a)) == [people.street]
    d = delegate(people, org, starts_on=today() + DAY)
    assert list(street_deciders(org.street_a)) == [people.street]
    assert list(street_deciders(org.street_a, day=today() + DAY)) == [people.street, people.member]
    assert list(street_deciders(org.street_b, day=today() + DAY)) == [people.street_b]
    leading_group.delegation_revoke(by=people.street, delegation=d)
    assert list(street_deciders(org.street_a, day=today() + DAY)) == [people.street]


# --- pages ---------------------------------------------------------------------------------------
def test_the_member_sees_the_delegation_on_the_leading_group_page(client, org, people):
    d = delegate(people, org)
    WorkingGroup.objects.create(street=org.street_a, name="资源协调组").members.add(people.expert)
    client.force_login(people.member)

    response = client.get(reverse("accounts:leading_group"), follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", "", html)
    assert f"副组长 {people.member} 代行审批 至 {d.ends_on:%Y-%m-%d}" in text
    assert "资源协调组" in html and str(people.expert) in html
    assert "撤销委托" not in html and "新建工作小组" not in html


def test_the_page_lists_past_and_revoked_delegations(client, org, people):
    d = delegate(people, org, reason="外出学习")
    leading_group.delegation_revoke(by=people.street, delegation=d)
    client.force_login(people.street)

    html = client.get(reverse("accounts:leading_group_street", args=[org.street_a.pk])).content
    html = html.decode()

    assert "已撤销" in html and "外出学习" in html
    assert "代行审批 至" not in html
    assert "委托代行审批" in html  # the 组长's button


def test_district_staff_pick_a_street_and_read_it_without_buttons(client, org, people):
    client.force_login(people.district)
    listing = client.get(reverse("accounts:leading_group")).content.decode()
    assert "长江路街道" in listing and "八角街道" in listing
    page = client.get(reverse("accounts:leading_group_street", args=[org.street_b.pk]))
    assert page.status_code == 200
    assert "新建工作小组" not in page.content.decode()


def test_the_leader_delegates_through_the_form(client, org, people):
    client.force_login(people.street)
    url = reverse("accounts:delegation_create", args=[org.street_a.pk])
    form = client.get(url)
    assert str(people.member) in form.content.decode()

    response = client.post(
        url,
        {
            "once": f.once(),
            "delegate": people.member.pk,
            "starts_on": today().isoformat(),
            "ends_on": (today() + 6 * DAY).isoformat(),
            "reason": "组长外出学习",
        },
    )

    assert response.status_code == 302
    assert Delegation.objects.get().delegate == people.member
    again = client.post(
        url,
        {
            "once": f.once(),
            "delegate": people.member.pk,
            "starts_on": today().isoformat(),
            "ends_on": (today() + 2 * DAY).isoformat(),
            "reason": "再次委托",
        },
    )
    assert again.status_code == 422
    assert "与已有的委托重叠" in again.content.decode()


def test_the_leading_group_page_costs_the_same_queries_with_more_groups(
    client, org, people, django_assert_max_num_queries
):
    client.force_login(people.street)
    url = reverse("accounts:leading_group_street", args=[org.street_a.pk])

    def build(n):
        for i in range(n):
            group = WorkingGroup.objects.create(
                street=org.street_a, name=f"小组{WorkingGroup.objects.count() + i}"
            )
            group.members.add(people.member, people.expert)

    build(1)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    build(4)
    with django_assert_max_num_queries(14) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_revoking_twice_shows_the_page_again_with_409(client, org, people):
    d = delegate(people, org)
    client.force_login(people.street)
    url = reverse("accounts:delegation_revoke", args=[d.pk])

    assert client.post(url).status_code == 302
    again = client.post(url)

    assert again.status_code == 409
    assert "这项委托已经撤销" in again.content.decode()
    assert AuditEvent.objects.filter(action="delegation.revoke").count() == 1
