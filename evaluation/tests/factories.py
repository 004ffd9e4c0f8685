"""Builders for evaluation's tests and its rows of the URL × persona matrix."""

import datetime

from django.utils import timezone

from projects.models import Activity, Status
from tests import factories as f

MATRIX_CODE = "MATRIXHH"


def running_project(org, people, *, community=None, status=Status.IN_PROGRESS, **kwargs):
    """A published project of 国奥社区 (or `community`) being carried out, with a held session."""
    community = community or org.guoao
    project = f.ProjectFactory(
        community=community,
        created_by=people.secretary,
        ready=True,
        status=status,
        announcement="每周六上午在小区广场开展活动,欢迎参加。",
        announced_at=timezone.now(),
        **kwargs,
    )
    held_session(project, people)
    return project


def held_session(project, people, *, days_ago=1, **kwargs) -> Activity:
    return Activity.objects.create(
        project=project,
        title=kwargs.pop("title", "邻里议事会"),
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        place=kwargs.pop("place", "小区广场"),
        participants=kwargs.pop("participants", 30),
        volunteers=kwargs.pop("volunteers", 5),
        status=Activity.Status.HELD,
        created_by=people.secretary,
        **kwargs,
    )


_buildings = iter(range(100, 100_000))


def households(compound, n, *, building=None):
    """n households of one (new) building of the compound."""
    building = building or f.BuildingFactory(compound=compound, number=f"{next(_buildings)}号楼")
    return [f.HouseholdFactory(building=building) for _ in range(n)]


def matrix_objects(org, people, running) -> dict:
    """The URL matrix's objects (tests/url_matrix.py): a held session of 国奥社区's running
    project (its QR poster's page), and 国奥社区's household, whose code is MATRIXHH."""
    org.household.code = MATRIX_CODE
    org.household.save(update_fields=["code"])
    return {"grade_session": held_session(running, people), "grade_household": org.household}
