"""Needs taken up by projects (projects/adoption.py through needs.hooks): the adopt page, the
hooks, and a need moving to adopted whenever a project gains it."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from needs import hooks, services
from needs.models import Need
from projects import services as project_services
from projects.models import Project, Status
from tests import factories as f

from .factories import need, receipt

pytestmark = pytest.mark.django_db


def _links(n):
    return set(Project.needs.through.objects.filter(need=n).values_list("project_id", flat=True))


def test_hooks_are_registered_once_by_projects_ready():
    from projects import adoption

    assert hooks.ADOPTIONS.count(adoption.adoptions) == 1
    assert hooks.MERGE_HOOKS.count(adoption.repoint) == 1
    assert hooks.NEED_PAGE_ACTIONS.count(adoption.page_actions) == 1


def test_adoptions_name_each_project_with_its_public_page_in_one_query(
    org, django_assert_num_queries
):
    a, b = need(org.guoao), need(org.guoao)
    draft = f.ProjectFactory(community=org.guoao, title="楼道点亮")
    shown = f.ProjectFactory(community=org.guoao, title="邻居节", status=Status.ANNOUNCED)
    draft.needs.add(a)
    shown.needs.add(a, b)
    with django_assert_num_queries(1):
        found = hooks.adoptions([a.pk, b.pk])
    assert [(x.title, bool(x.public_url)) for x in found[a.pk]] == [
        ("楼道点亮", False),
        ("邻居节", True),
    ]
    assert found[b.pk][0].public_url == f"/p/announcements/{shown.pk}/"
    assert found[b.pk][0].url == f"/projects/{shown.pk}/"


def test_secretary_adopts_a_need_into_a_draft_project(client, org, people):
    n = need(org.guoao)
    draft = f.ProjectFactory(community=org.guoao, title="楼道点亮", created_by=people.secretary)
    f.ProjectFactory(community=org.guoao, title="已提交的", status=Status.SUBMITTED)
    f.ProjectFactory(community=org.yuehai, title="悦海草稿")
    client.force_login(people.secretary)
    page = client.get(f"/projects/adopt-need/{n.pk}/")
    assert [p.title for p in page.context["projects"]] == ["楼道点亮"]
    response = client.post(f"/projects/adopt-need/{n.pk}/", {"project": draft.pk})
    assert response.status_code == 302 and response["Location"] == f"/needs/{n.pk}/"
    n.refresh_from_db()
    assert n.status == "adopted" and _links(n) == {draft.pk}
    assert AuditEvent.objects.filter(action="need.adopt", object_id=str(n.pk)).exists()
    assert AuditEvent.objects.filter(action="project.edit", object_id=str(draft.pk)).exists()
    body = client.get(f"/needs/{n.pk}/").content.decode()
    assert "纳入的项目" in body and "楼道点亮" in body and "纳入已有项目" not in body
    assert n.title in client.get(f"/projects/{draft.pk}/").content.decode()


def test_a_project_no_longer_open_to_change_is_refused(client, org, people):
    n = need(org.guoao)
    submitted = f.ProjectFactory(community=org.guoao, status=Status.SUBMITTED)
    client.force_login(people.secretary)
    response = client.post(f"/projects/adopt-need/{n.pk}/", {"project": submitted.pk})
    assert response.status_code == 422
    n.refresh_from_db()
    assert n.status == "collected" and not _links(n)


def test_street_may_not_adopt_and_another_community_gets_404(client, org, people):
    n = need(org.guoao)
    client.force_login(people.street)
    assert client.get(f"/projects/adopt-need/{n.pk}/").status_code == 403
    client.force_login(people.secretary2)
    assert client.get(f"/projects/adopt-need/{n.pk}/").status_code == 404


def test_page_actions_only_while_the_need_is_open_and_for_its_community(rf, org, people):
    from projects.adoption import page_actions

    request = rf.get("/")
    request.user = people.secretary
    open_need = need(org.guoao)
    labels = [label for label, _ in page_actions(request, open_need)]
    assert labels == ["纳入已有项目", "以此需求新建项目"]
    create = dict(page_actions(request, open_need))["以此需求新建项目"]
    assert f"need={open_need.pk}" in create and f"community={org.guoao.pk}" in create
    assert page_actions(request, need(org.guoao, status="solved")) == []
    assert page_actions(request, need(org.guoao, status="declined")) == []
    request.user = people.street
    assert page_actions(request, open_need) == []


def test_create_page_preselects_the_need_of_its_community_only(client, org, people):
    n, foreign = need(org.guoao), need(org.yuehai)
    client.force_login(people.secretary)
    form = client.get(f"/projects/new/?need={n.pk}&need={foreign.pk}").context["form"]
    assert [str(v) for v in form["needs"].value()] == [str(n.pk), str(foreign.pk)]
    assert list(form.fields["needs"].queryset) == [n]  # the foreign one is never offered


def test_a_project_created_with_needs_adopts_them(org, people):
    n = need(org.guoao, status="studying")
    project_services.project_create(
        by=people.secretary, community=org.guoao, title="楼道点亮", needs=[n]
    )
    n.refresh_from_db()
    assert n.status == "adopted"


def test_editing_a_projects_needs_adopts_only_the_ones_it_gains(org, people):
    kept, added = need(org.guoao), need(org.guoao)
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    project.needs.set([kept])
    Need.objects.filter(pk=kept.pk).update(status="solved")
    project_services.project_update(
        project=project, by=people.secretary, data={}, needs=[kept, added]
    )
    kept.refresh_from_db()
    added.refresh_from_db()
    assert (kept.status, added.status) == ("solved", "adopted")


def test_merging_moves_project_links_without_duplicates_and_adopts_the_kept_need(org, people):
    old, new = need(org.guoao), need(org.guoao)
    both = f.ProjectFactory(community=org.guoao)
    only_old = f.ProjectFactory(community=org.guoao)
    both.needs.add(old, new)
    only_old.needs.add(old)
    kept = services.need_merge(old=old, new=new, by=people.secretary)
    assert _links(kept) == {both.pk, only_old.pk}
    assert not _links(old)
    assert kept.status == "adopted"
    assert Project.needs.through.objects.filter(project=both).count() == 1


def test_a_merge_moves_every_record_that_raised_the_duplicate_and_its_page_links_them(
    client, org, people
):
    """Visits, meetings, suggestions (with their receipts), questionnaire comments and projects
    of the merged need follow it to the kept one through the hooks each app registers; a record
    that raised both keeps one link; the kept need's page links each source to its record."""
    from outreach.tests.factories import (
        HomeVisitFactory,
        ResidentMeetingFactory,
        SuggestionBoxFactory,
        SuggestionFactory,
    )
    from surveys.tests.factories import answer, survey

    old, kept = need(org.guoao, title="三号楼灯坏了"), need(org.guoao, title="3号楼楼道灯不亮")
    visit = HomeVisitFactory(household=org.household, created_by=people.secretary)
    visit.needs.add(old, kept)
    meeting = ResidentMeetingFactory(community=org.guoao, created_by=people.secretary)
    meeting.needs.add(old)
    box = SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)
    suggestion_receipt, code = receipt(old, "三号楼楼道灯坏了")
    suggestion = SuggestionFactory(box=box, need=old, receipt=suggestion_receipt)
    comment = answer(survey(created_by=people.secretary, community=org.guoao), comment="灯坏了")
    comment.need = old
    comment.save(update_fields=["need"])
    for origin in (
        f"outreach.homevisit:{visit.pk}",
        f"outreach.residentmeeting:{meeting.pk}",
        f"outreach.suggestion:{suggestion.pk}",
        f"surveys.response:{comment.pk}",
    ):
        services.need_mention(need=old, by=people.secretary, source="other", origin=origin)
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    project.needs.add(old)

    services.need_merge(old=old, new=kept, by=people.secretary)

    assert list(visit.needs.all()) == [kept]
    assert list(meeting.needs.all()) == [kept]
    suggestion.refresh_from_db()
    comment.refresh_from_db()
    assert suggestion.need_id == comment.need_id == kept.pk
    assert Need.objects.get(pk=kept.pk).receipts.get() == suggestion_receipt
    assert _links(kept) == {project.pk} and not _links(old)
    kept.refresh_from_db()
    assert kept.status == "adopted" and kept.mentions == 6
    client.force_login(people.secretary)
    body = client.get(f"/needs/{kept.pk}/").content.decode()
    for url in (
        reverse("outreach:visit", args=[visit.pk]),
        reverse("outreach:meeting", args=[meeting.pk]),
        reverse("outreach:suggestion", args=[suggestion.pk]),
        f"#response-{comment.pk}",
    ):
        assert url in body, url
    lookup = client.post("/p/receipts/", {"code": code}).content.decode()
    assert "已纳入项目" in lookup
