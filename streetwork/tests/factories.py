"""Factories of the street's work (factory-boy), on top of tests/factories.py."""

import datetime

import factory

from accounts.models import Compound
from projects.models import ProjectClass
from streetwork.models import Assessment, FieldVisit, Verdict
from tests import factories as f


def project_class(name: str = "环境整治") -> ProjectClass:
    """One of the district's ten classes (rows written by projects' migration 0006)."""
    return ProjectClass.objects.get_or_create(name=name)[0]


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    community = factory.SubFactory(f.CommunityFactory)
    title = factory.Sequence(lambda n: f"楼道微更新{n}")
    source = Assessment.Source.COMMUNITY
    project_class = factory.LazyFunction(project_class)
    compound_kind = Compound.Kind.OLD
    verdict = Verdict.ADOPT
    reason = "居民需求集中,社区有能力领办。"
    assessed_on = datetime.date(2026, 11, 2)
    assessed_by = factory.SubFactory(f.UserFactory)


class FieldVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldVisit
        skip_postgeneration_save = True

    community = factory.SubFactory(f.CommunityFactory)
    date = datetime.date(2026, 11, 5)
    findings = "楼道杂物较多,居民希望增设充电桩。"
    recorded_by = factory.SubFactory(f.UserFactory)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create:
            obj.members.set(extracted or [obj.recorded_by])

    @factory.post_generation
    def projects(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.projects.set(extracted)
