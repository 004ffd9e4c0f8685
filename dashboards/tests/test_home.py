from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import (
    AUDITORS,
    COMMUNITY_STAFF,
    DISTRICT_BUSINESS,
    HOME_GROUPS,
    PARTNERS,
    RESIDENTS,
    SECADMINS,
    STREET_GROUP,
    SYSADMINS,
    Role,
)
from core.audit import audit
from core.models import Notification
from dashboards.views import HOMES, NO_ROLE
from projects.models import Objection, Project, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def _age(project, days):
    Project.objects.filter(pk=project.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days)
    )


def test_secretary_sees_returned_drafts_and_unread(client, org, people):
    returned = f.ProjectFactory(community=org.guoao, status=Status.RETURNED, title="被退回的项目")
    draft = f.ProjectFactory(community=org.guoao, title="我的草稿")
    f.ProjectFactory(community=org.yuehai, status=Status.RETURNED, title="别的社区")
    Notification.objects.create(recipient=people.secretary, event="x", title="请修改预算")
    client.force_login(people.secretary)
    response = client.get("/")
    assert response.context["home"] == COMMUNITY_STAFF.key
    assert list(response.context["returned"]) == [returned]
    assert list(response.context["drafts"]) == [draft]
    assert [n.title for n in response.context["unread"]] == ["请修改预算"]
    assert "别的社区" not in response.content.decode()


def test_street_sees_waiting_proposals_oldest_first(client, org, people):
    newer = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    older = f.ProjectFactory(community=org.haiyun, ready=True, status=Status.SUBMITTED)
    f.ProjectFactory(community=org.yuehai, ready=True, status=Status.SUBMITTED)  # other street
    _age(newer, 2)
    _age(older, 9)
    client.force_login(people.street)
    response = client.get("/")
    assert response.context["home"] == STREET_GROUP.key
    assert list(response.context["waiting"]) == [older, newer]


def test_street_sees_the_objections_waiting_for_its_decision_with_their_count(client, org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True, notice_round=1)
    other = f.ProjectFactory(community=org.yuehai, announced=True, notice_round=1)
    answered = Objection.objects.create(
        project=project, notice_round=1, text="充电桩离窗户太近", status=Objection.Status.ANSWERED
    )
    Objection.objects.create(project=project, notice_round=1, text="社区还没答复")
    Objection.objects.create(
        project=other, notice_round=1, text="别的街道的异议", status=Objection.Status.ANSWERED
    )
    client.force_login(people.street)
    response = client.get("/")
    assert list(response.context["objections"]) == [answered]
    page = response.content.decode()
    assert "等待街道决定的公示异议" in page and "1 条" in page and "充电桩离窗户太近" in page
    assert "别的街道的异议" not in page and "社区还没答复" not in page


def test_district_sees_overdue_items(client, org, people):
    slow_review = f.ProjectFactory(community=org.yuehai, ready=True, status=Status.SUBMITTED)
    _age(slow_review, 20)
    past_end = f.ProjectFactory(
        community=org.guoao,
        ready=True,
        status=Status.IN_PROGRESS,
        end_date=timezone.localdate() - timedelta(days=1),
        start_date=timezone.localdate() - timedelta(days=30),
    )
    f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)  # fresh, not overdue
    client.force_login(people.district)
    response = client.get("/")
    assert response.context["home"] == DISTRICT_BUSINESS.key
    assert set(response.context["overdue"]) == {slow_review, past_end}


def test_auditor_sees_denied_accesses_and_lockouts(client, people):
    audit(
        actor=people.secretary2,
        action="access.denied",
        result="denied",
        detail={"path": "/projects/1/"},
    )
    audit(actor=None, actor_label="locked-user", action="auth.lockout", result="denied")
    audit(actor=people.secretary, action="project.submit")
    client.force_login(people.auditor)
    response = client.get("/")
    assert response.context["home"] == AUDITORS.key
    assert [e.action for e in response.context["denied"]] == ["access.denied"]
    assert [e.actor_label for e in response.context["lockouts"]] == ["locked-user"]


@pytest.mark.parametrize(
    "who, home",
    [
        ("secretary", COMMUNITY_STAFF.key),
        ("worker", COMMUNITY_STAFF.key),
        ("street", STREET_GROUP.key),
        ("expert", STREET_GROUP.key),
        ("district", DISTRICT_BUSINESS.key),
        ("auditor", AUDITORS.key),
        ("sysadmin", SYSADMINS.key),
        ("secadmin", SECADMINS.key),
        ("partner", PARTNERS.key),
        ("resident", RESIDENTS.key),
        ("nobody", NO_ROLE),
    ],
)
def test_every_role_lands_on_its_groups_home(client, people, who, home):
    client.force_login(getattr(people, who))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["home"] == home
    assert f"dashboards/home_{home}.html" in [t.name for t in response.templates]


def test_every_home_group_has_a_home_page():
    from django.template.loader import get_template

    assert set(HOMES) == {group.key for group in HOME_GROUPS}
    for key in [*HOMES, NO_ROLE]:
        get_template(f"dashboards/home_{key}.html")


def test_a_person_with_two_roles_lands_on_the_more_powerful_groups_home(client, org, people):
    f.add_role(people.secretary, Role.STREET_MEMBER, org.street_b)
    client.force_login(people.secretary)
    assert client.get("/").context["home"] == STREET_GROUP.key


@pytest.mark.parametrize("who", ["secretary", "street", "district", "auditor"])
def test_dashboard_queries_do_not_grow_with_data(
    client, org, people, who, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            for status in Status.values:
                f.ProjectFactory(community=org.guoao, status=status)
            Objection.objects.create(
                project=Project.objects.filter(community=org.guoao).last(),
                notice_round=1,
                text="异议",
                status=Objection.Status.ANSWERED,
            )
            Notification.objects.create(recipient=people.secretary, event="x", title="t")

    client.force_login(getattr(people, who))
    build(1)
    # 14: the district's home gained the round table's figures (one aggregate, roundtable's
    # followup_figures) and the year's training attendance rate (one aggregate,
    # training.selectors.home_card); the others stay below.
    with django_assert_max_num_queries(14) as small:
        client.get("/")
    build(3)
    with django_assert_max_num_queries(14) as large:
        client.get("/")
    assert len(large.captured_queries) == len(small.captured_queries)
