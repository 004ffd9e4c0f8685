"""The street's work services: who may record, links checked against the record's community,
nothing saved on a refusal, an audit row for every change."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Compound
from core.models import AuditEvent
from streetwork import services
from streetwork.models import Assessment, FieldVisit, Verdict
from streetwork.tests.factories import AssessmentFactory, FieldVisitFactory, project_class
from tests import factories as f

pytestmark = pytest.mark.django_db


def assessment_data(**changes) -> dict:
    return {
        "title": "国奥花园楼道微更新",
        "source": "need",
        "project_class": project_class(),
        "compound": None,
        "compound_kind": Compound.Kind.OLD,
        "verdict": Verdict.ADOPT,
        "reason": "居民反映集中,社区有能力领办。",
        "need": None,
        "project": None,
        "assessed_on": datetime.date(2026, 11, 20),
        **changes,
    }


def visit_data(people, **changes) -> dict:
    return {
        "date": datetime.date(2026, 11, 18),
        "others": "社区书记",
        "findings": "楼道杂物多。",
        "follow_ups": "",
        "members": [people.street, people.member],
        "projects": [],
        **changes,
    }


# --- 研判 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["street", "member", "expert"])
def test_street_group_records_an_assessment_and_it_is_audited(org, people, who):
    by = getattr(people, who)
    assessment = services.assessment_create(by=by, community=org.guoao, data=assessment_data())

    assert (assessment.community, assessment.assessed_by) == (org.guoao, by)
    event = AuditEvent.objects.get(action="assessment.create")
    assert (event.actor, event.object_id) == (by, str(assessment.pk))
    assert event.detail == {"community": org.guoao.pk, "verdict": "adopt"}


def test_a_chosen_compound_sets_the_compound_kind(org, people):
    data = assessment_data(compound=org.compound, compound_kind=Compound.Kind.OLD)

    assessment = services.assessment_create(by=people.street, community=org.guoao, data=data)

    assert assessment.compound_kind == org.compound.kind == Compound.Kind.COMMERCIAL


def test_an_assessment_needs_a_compound_kind_or_a_compound(org, people):
    with pytest.raises(ValidationError, match="请选择小区类型"):
        services.assessment_create(
            by=people.street, community=org.guoao, data=assessment_data(compound_kind="")
        )
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "worker", "district", "street_b", "auditor"])
def test_only_the_streets_group_records_an_assessment_of_its_community(org, people, who):
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            by=getattr(people, who), community=org.guoao, data=assessment_data()
        )
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="assessment.create").exists()


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("need", "所选需求不属于国奥社区。"),
        ("project", "所选项目不属于国奥社区。"),
        ("compound", "所选小区不属于国奥社区。"),
    ],
)
def test_a_link_to_another_communitys_record_is_refused_and_nothing_saved(
    org, people, link, message
):
    foreign = {
        "need": lambda: f.NeedFactory(community=org.haiyun),
        "project": lambda: f.ProjectFactory(community=org.yuehai),
        "compound": lambda: f.CompoundFactory(community=org.haiyun),
    }[link]()

    with pytest.raises(ValidationError) as refused:
        services.assessment_create(
            by=people.street, community=org.guoao, data=assessment_data(**{link: foreign})
        )

    assert refused.value.messages == [message]
    assert not Assessment.objects.exists()


def test_a_deleted_project_cannot_be_linked(org, people):
    project = f.ProjectFactory(community=org.guoao, deleted_at=datetime.datetime.now(datetime.UTC))
    with pytest.raises(ValidationError, match="所选项目已被删除"):
        services.assessment_create(
            by=people.street, community=org.guoao, data=assessment_data(project=project)
        )


def test_a_date_in_year_1_is_refused_by_the_service_too(org, people):
    with pytest.raises(ValidationError, match="2000 年至 2099 年"):
        services.assessment_create(
            by=people.street,
            community=org.guoao,
            data=assessment_data(assessed_on=datetime.date(1, 1, 1)),
        )
    assert not Assessment.objects.exists()


def test_update_saves_what_changed_and_audits_the_field_names(org, people):
    assessment = AssessmentFactory(community=org.guoao, assessed_by=people.street)
    project = f.ProjectFactory(community=org.guoao)

    services.assessment_update(
        assessment=assessment,
        by=people.member,
        data={"verdict": Verdict.LATER, "project": project, "title": assessment.title},
    )

    assessment.refresh_from_db()
    assert (assessment.verdict, assessment.project) == (Verdict.LATER, project)
    event = AuditEvent.objects.get(action="assessment.update")
    assert event.detail == {"fields": ["verdict", "project"]}


def test_update_with_a_foreign_project_changes_nothing(org, people):
    assessment = AssessmentFactory(community=org.guoao, verdict=Verdict.LATER)
    foreign = f.ProjectFactory(community=org.yuehai)

    with pytest.raises(ValidationError, match="不属于国奥社区"):
        services.assessment_update(
            assessment=assessment,
            by=people.street,
            data={"verdict": Verdict.ADOPT, "project": foreign},
        )

    assessment.refresh_from_db()
    assert (assessment.verdict, assessment.project) == (Verdict.LATER, None)
    assert not AuditEvent.objects.filter(action="assessment.update").exists()


@pytest.mark.parametrize("who", ["secretary", "district", "street_b"])
def test_who_only_reads_may_neither_change_nor_delete(org, people, who):
    assessment = AssessmentFactory(community=org.guoao, verdict=Verdict.LATER)
    by = getattr(people, who)
    with pytest.raises(PermissionDenied):
        services.assessment_update(assessment=assessment, by=by, data={"verdict": Verdict.ADOPT})
    with pytest.raises(PermissionDenied):
        services.assessment_delete(assessment=assessment, by=by)
    assessment.refresh_from_db()
    assert (assessment.verdict, assessment.deleted_at) == (Verdict.LATER, None)


def test_delete_is_soft_and_hides_the_assessment(org, people):
    assessment = AssessmentFactory(community=org.guoao)

    services.assessment_delete(assessment=assessment, by=people.expert)

    assert Assessment.objects.filter(pk=assessment.pk, deleted_at__isnull=False).exists()
    assert not Assessment.objects.visible_to(people.district).exists()
    assert AuditEvent.objects.filter(action="assessment.delete").exists()


def test_a_deleted_assessment_cannot_be_changed_any_more(org, people):
    from core.workflow import Conflict

    assessment = AssessmentFactory(community=org.guoao)
    services.assessment_delete(assessment=assessment, by=people.street)
    with pytest.raises(Conflict, match="已被删除"):
        services.assessment_update(assessment=assessment, by=people.street, data={"title": "x"})


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("secretary", {"国奥社区"}),
        ("secretary_haiyun", {"海韵社区"}),
        ("street", {"国奥社区", "海韵社区"}),
        ("expert", {"国奥社区", "海韵社区"}),
        ("street_b", {"悦海社区"}),
        ("district", {"国奥社区", "海韵社区", "悦海社区"}),
        ("auditor", set()),
        ("partner", set()),
    ],
)
def test_visible_to_follows_the_scope(org, people, who, seen):
    for community in (org.guoao, org.haiyun, org.yuehai):
        AssessmentFactory(community=community)
        FieldVisitFactory(community=community)
    user = getattr(people, who)
    for model in (Assessment, FieldVisit):
        names = set(model.objects.visible_to(user).values_list("community__name", flat=True))
        assert names == seen, model


# --- 实地调研 ------------------------------------------------------------------------------------
def test_street_member_records_a_visit_with_its_members_and_projects(org, people):
    project = f.ProjectFactory(community=org.guoao)

    visit = services.visit_create(
        by=people.member, community=org.guoao, data=visit_data(people, projects=[project])
    )

    assert set(visit.members.all()) == {people.street, people.member}
    assert list(visit.projects.all()) == [project]
    assert visit.recorded_by == people.member
    event = AuditEvent.objects.get(action="field_visit.create")
    assert event.detail == {"community": org.guoao.pk, "projects": [project.pk]}


@pytest.mark.parametrize("outsider", ["secretary", "street_b", "district"])
def test_who_went_is_chosen_from_the_streets_group_only(org, people, outsider):
    data = visit_data(people, members=[people.street, getattr(people, outsider)])

    with pytest.raises(ValidationError, match="只能从长江路街道领导小组中选择"):
        services.visit_create(by=people.street, community=org.guoao, data=data)

    assert not FieldVisit.objects.exists()
    assert not FieldVisit.members.through.objects.exists()


def test_a_visit_needs_someone_who_went(org, people):
    with pytest.raises(ValidationError, match="请至少选择一位"):
        services.visit_create(
            by=people.street, community=org.guoao, data=visit_data(people, members=[])
        )
    assert not FieldVisit.objects.exists()


def test_a_project_of_another_community_is_refused_and_nothing_saved(org, people):
    foreign = f.ProjectFactory(community=org.haiyun)
    mine = f.ProjectFactory(community=org.guoao)

    with pytest.raises(ValidationError) as refused:
        services.visit_create(
            by=people.street, community=org.guoao, data=visit_data(people, projects=[mine, foreign])
        )

    assert refused.value.messages == ["所选项目不属于国奥社区。"]
    assert not FieldVisit.objects.exists()
    assert not FieldVisit.projects.through.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "worker", "district", "street_b"])
def test_only_the_streets_group_records_a_visit(org, people, who):
    with pytest.raises(PermissionDenied):
        services.visit_create(by=getattr(people, who), community=org.guoao, data=visit_data(people))
    assert not FieldVisit.objects.exists()


def test_visit_update_replaces_who_went_and_the_projects(org, people):
    first, second = f.ProjectFactory(community=org.guoao), f.ProjectFactory(community=org.guoao)
    visit = FieldVisitFactory(
        community=org.guoao, recorded_by=people.street, members=[people.street], projects=[first]
    )

    services.visit_update(
        visit=visit,
        by=people.expert,
        data=visit_data(
            people,
            date=visit.date,
            others=visit.others,
            members=[people.expert],
            projects=[second],
            findings="新发现",
        ),
    )

    visit.refresh_from_db()
    assert visit.findings == "新发现"
    assert list(visit.members.all()) == [people.expert]
    assert list(visit.projects.all()) == [second]
    event = AuditEvent.objects.get(action="field_visit.update")
    assert event.detail == {"fields": ["findings", "members", "projects"]}


def test_visit_update_with_a_foreign_project_changes_nothing(org, people):
    project = f.ProjectFactory(community=org.guoao)
    visit = FieldVisitFactory(community=org.guoao, members=[people.street], projects=[project])
    foreign = f.ProjectFactory(community=org.yuehai)

    with pytest.raises(ValidationError):
        services.visit_update(
            visit=visit,
            by=people.street,
            data=visit_data(people, projects=[foreign], findings="改了"),
        )

    visit.refresh_from_db()
    assert visit.findings != "改了"
    assert list(visit.projects.all()) == [project]


def test_visit_delete_is_soft_and_only_for_the_streets_group(org, people):
    visit = FieldVisitFactory(community=org.guoao)
    with pytest.raises(PermissionDenied):
        services.visit_delete(visit=visit, by=people.secretary)

    services.visit_delete(visit=visit, by=people.member)

    assert not FieldVisit.objects.visible_to(people.street).exists()
    assert FieldVisit.objects.filter(pk=visit.pk).exists()


def test_an_assessment_follows_its_need_into_a_merge(org, people):
    """needs.hooks.MERGE_HOOKS: the street's assessment of a duplicate points at the kept need."""
    from needs.services import need_merge

    old = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    kept = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    assessment = AssessmentFactory(
        community=org.guoao, source=Assessment.Source.NEED, need=old, assessed_by=people.street
    )
    need_merge(old=old, new=kept, by=people.secretary)
    assessment.refresh_from_db()
    assert assessment.need_id == kept.pk
