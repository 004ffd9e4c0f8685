"""The demo's 研判 and field visits (demo/streetwork.py): the seed's figures, links that stay
inside their community, people who went from the street's own leading group."""

import random
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.models import Compound
from accounts.roles import STREET_GROUP
from accounts.selectors import people_holding
from demo import streetwork as demo
from demo.org import Org
from projects.models import ProjectClass, ensure_district_lists
from streetwork.models import Assessment, FieldVisit, Verdict
from tests import factories as f

pytestmark = pytest.mark.django_db

OLD, RES, COM = Compound.Kind.OLD, Compound.Kind.RESETTLEMENT, Compound.Kind.COMMERCIAL


@pytest.fixture
def tree(org, people):
    """conftest's district as the demo builders see it, with a compound of every kind and seven
    projects (three old, two resettlement, two commercial), each answering one need."""
    ensure_district_lists()  # a transactional test before this one flushed the migration's rows
    compounds = [
        org.compound,
        f.CompoundFactory(community=org.haiyun, kind=OLD),
        f.CompoundFactory(community=org.yuehai, kind=RES),
    ]
    communities = [org.guoao, org.haiyun, org.yuehai]
    tree = Org(
        district=org.district,
        streets=[org.street_a, org.street_b],
        communities=communities,
        compounds=compounds,
        by_name={c.name: c for c in communities},
        communities_by_id={c.pk: c for c in communities},
    )
    for compound in compounds:
        tree.compounds_by_kind.setdefault(compound.kind, []).append(compound)
        tree.compounds_of.setdefault(compound.community_id, []).append(compound)
    tree.leader_of = {org.street_a.pk: people.street, org.street_b.pk: people.street_b}
    tree.projects, tree.needs = [], []
    for compound, n in ((compounds[1], 3), (compounds[2], 2), (compounds[0], 2)):
        for _ in range(n):
            need = f.NeedFactory(community_id=compound.community_id)
            project = f.ProjectFactory(community_id=compound.community_id, compound=compound)
            project.needs.add(need)
            tree.projects.append(project)
            tree.needs.append(need)
    return tree


def build(tree, scale=1.0) -> dict:
    return demo.build(tree, random.Random(1), timezone.now(), tree.needs, tree.projects, scale)


def test_the_seed_figures_at_scale_1(tree):
    assert build(tree) == {"assessments": 132, "field_visits": 42}

    assessments = Assessment.objects.all()
    adopted = assessments.filter(verdict=Verdict.ADOPT)
    assert Counter(adopted.values_list("compound_kind", flat=True)) == {OLD: 25, RES: 16, COM: 23}
    assert set(assessments.values_list("project_class", flat=True)) == set(
        ProjectClass.objects.values_list("pk", flat=True)
    )
    assert ProjectClass.objects.count() == 10
    assert set(assessments.values_list("verdict", flat=True)) == set(Verdict.values)
    # Every project built is the adopted 研判 of its own community, compound and kind.
    linked = adopted.exclude(project=None)
    assert sorted(linked.values_list("project", flat=True)) == sorted(p.pk for p in tree.projects)
    assert not linked.exclude(project__community=F("community")).exists()
    assert not linked.exclude(compound=F("project__compound")).exists()
    assert not assessments.exclude(need=None).exclude(need__community=F("community")).exists()
    assert assessments.exclude(need=None).exists()
    assert (
        not assessments.exclude(compound=None).exclude(compound__kind=F("compound_kind")).exists()
    )
    for assessment in assessments.select_related("community", "assessed_by"):
        assert assessment.assessed_by.has_perm("streetwork.add_assessment", assessment.community)


def test_the_visits_go_to_every_street_with_its_own_group(tree, org):
    build(tree)

    visits = FieldVisit.objects.select_related("community").prefetch_related("members", "projects")
    assert visits.count() == 42
    assert {v.community.street_id for v in visits} == {org.street_a.pk, org.street_b.pk}
    assert visits.filter(community=org.guoao).exists()
    for visit in visits:
        group = set(people_holding(STREET_GROUP, street=visit.community.street))
        assert visit.members.all() and set(visit.members.all()) <= group
        assert all(p.community_id == visit.community_id for p in visit.projects.all())
    assert FieldVisit.projects.through.objects.exists()


def test_scale_multiplies_the_figures(tree):
    assert build(tree, 2.0) == {"assessments": 264, "field_visits": 84}
    adopted = Assessment.objects.filter(verdict=Verdict.ADOPT)
    assert Counter(adopted.values_list("compound_kind", flat=True)) == {OLD: 50, RES: 32, COM: 46}


def test_below_scale_1_the_seed_figures_stay(tree):
    assert build(tree, 0.1) == {"assessments": 132, "field_visits": 42}


def test_the_demo_loader_writes_the_streets_work():
    from demo import loader

    loader.load(scale=0.1)

    assessments = Assessment.objects.all()
    assert assessments.count() == 132
    assert assessments.values("project_class").distinct().count() == 10
    adopted = assessments.filter(verdict=Verdict.ADOPT)
    assert Counter(adopted.values_list("compound_kind", flat=True)) == {OLD: 25, RES: 16, COM: 23}
    assert adopted.exclude(project=None).count() == 64  # the demo's 64 projects
    # An adopted 研判 gave its project the class the project carries.
    classed = adopted.exclude(project__project_class=None)
    assert classed.exists()
    assert not classed.exclude(project_class=F("project__project_class")).exists()
    assert FieldVisit.objects.count() == 42
    assert FieldVisit.objects.filter(community__name="国奥社区").exists()
