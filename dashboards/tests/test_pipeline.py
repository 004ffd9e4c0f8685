"""The street's pipeline and the district's overview: they read across apps, so they live here,
at the addresses they had under /projects/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboards import selectors
from projects.models import Project, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_pipeline_counts_every_project_and_shows_the_longest_waiting(
    client, org, people, monkeypatch
):
    monkeypatch.setattr(selectors, "PIPELINE_COLUMN", 2)
    projects = [
        f.ProjectFactory(community=org.haiyun, ready=True, status=Status.SUBMITTED)
        for _ in range(3)
    ]
    for age, project in enumerate(projects):
        Project.objects.filter(pk=project.pk).update(
            status_changed_at=timezone.now() - timedelta(days=age)
        )
    client.force_login(people.street)
    response = client.get("/projects/pipeline/")
    submitted = next(c for c in response.context["columns"] if c["status"] == "submitted")
    assert submitted["count"] == 3
    assert submitted["items"] == [projects[2], projects[1]]
    assert "查看全部 3 个" in response.content.decode()


def test_overview_counts_every_street_by_status_and_lists_overdue(client, org, people):
    f.ProjectFactory(community=org.guoao, status=Status.DRAFT)
    f.ProjectFactory(community=org.yuehai, ready=True, status=Status.SUBMITTED)
    late = f.ProjectFactory(community=org.yuehai, ready=True, status=Status.SUBMITTED)
    Project.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - timedelta(days=30))
    client.force_login(people.district)
    response = client.get("/projects/overview/")
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows[org.street_a.name]["total"] == 1
    assert rows[org.street_b.name]["counts"][Status.values.index(Status.SUBMITTED)] == 2
    assert list(response.context["overdue"]) == [late]


def test_pipeline_shows_a_column_for_every_status_an_action_can_leave():
    assert [c for c in selectors.OPEN] == [s for s in Status.values if s != Status.RETROSPECTED]
    assert {Status.ANNOUNCED, Status.IN_PROGRESS} == selectors.RUNNING
    assert {Status.APPROVED, Status.ANNOUNCED, Status.IN_PROGRESS} == selectors.UNDERWAY
