"""Soft delete and the trash: the workflow's `delete` and `restore` (core.workflow.mark_deleted)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEvent
from core.workflow import Conflict
from projects.models import Project, Status
from projects.services import project_delete, project_restore
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_deleted_records_disappear_from_visible_to_and_come_back_on_restore(org, people):
    project = f.ProjectFactory(community=org.guoao)
    project_delete(project=project, by=people.secretary)
    assert not Project.objects.visible_to(people.secretary).filter(pk=project.pk).exists()
    assert Project.objects.filter(pk=project.pk).exists()  # still in the database
    project_restore(project=project, by=people.secretary)
    assert Project.objects.visible_to(people.secretary).filter(pk=project.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(project.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["project.delete", "project.restore"]


def test_deleted_project_is_a_404_page(client, org, people):
    project = f.ProjectFactory(community=org.guoao)
    client.force_login(people.secretary)
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 302
    assert client.get(f"/projects/{project.pk}/").status_code == 404


def test_only_drafts_of_own_community_can_be_deleted(org, people):
    submitted = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    with pytest.raises(Conflict, match="待街道审核"):
        project_delete(project=submitted, by=people.secretary)
    draft = f.ProjectFactory(community=org.guoao)
    with pytest.raises(PermissionDenied):
        project_delete(project=draft, by=people.secretary2)
    assert Project.objects.alive().filter(pk__in=[submitted.pk, draft.pk]).count() == 2


def test_secretary_restores_a_deleted_draft_from_the_trash(client, org, people):
    project = f.ProjectFactory(community=org.guoao, title="误删的草稿")
    client.force_login(people.secretary)
    client.post(f"/projects/{project.pk}/delete/")
    trash = client.get("/projects/trash/")
    assert [p.title for p in trash.context["page"]] == ["误删的草稿"]
    response = client.post(f"/projects/{project.pk}/restore/")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="project.restore", actor=people.secretary).exists()


def test_other_community_cannot_see_or_restore_the_trash(client, org, people):
    project = f.ProjectFactory(community=org.guoao)
    project_delete(project=project, by=people.secretary)
    client.force_login(people.secretary2)
    assert list(client.get("/projects/trash/").context["page"]) == []
    assert client.post(f"/projects/{project.pk}/restore/").status_code == 404
    assert Project.objects.deleted().filter(pk=project.pk).exists()


def test_a_draft_submitted_meanwhile_is_not_deleted_from_a_stale_page(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True)
    stale = Project.objects.get(pk=project.pk)
    Project.objects.filter(pk=project.pk).update(status=Status.SUBMITTED)  # a colleague submitted
    with pytest.raises(Conflict, match="待街道审核"):
        project_delete(project=stale, by=people.secretary)
    assert Project.objects.alive().filter(pk=project.pk).exists()
