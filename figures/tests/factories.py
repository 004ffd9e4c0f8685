"""A small world for the figures: projects at known steps, needs, sessions held with volunteers
and spending, grades by household, a partner, a solved topic, a claimed task, in 国奥社区 (street
A) and 悦海社区 (street B) of the shared `org` fixture."""

import datetime
from decimal import Decimal

from django.utils import timezone

from evaluation.models import Grade
from needs.models import NeedStatus
from projects.models import (
    Activity,
    ActivitySpending,
    ActivityVolunteer,
    BudgetLine,
    ProjectEvent,
    Status,
    Theme,
)
from tests import factories as f

TZ = timezone.get_fixed_timezone(8 * 60)


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def project(community, by, *, status, created, theme=Theme.JOY, events=(), **kwargs):
    """A project with its timeline: CREATED at `created`, then each (kind, moment) of `events`."""
    p = f.ProjectFactory(community=community, created_by=by, status=status, theme=theme, **kwargs)
    p.created_at = created
    p.save(update_fields=["created_at"])
    ProjectEvent.objects.create(project=p, kind="created", actor=by, at=created)
    for kind, moment in events:
        ProjectEvent.objects.create(project=p, kind=kind, actor=by, at=moment)
    return p


def need(community, by, *, created, status=NeedStatus.COLLECTED, changed=None):
    n = f.NeedFactory(community=community, created_by=by)
    n.created_at = created
    n.status = status
    n.status_changed_at = changed or created
    n.save(update_fields=["created_at", "status", "status_changed_at"])
    return n


def session(p, by, *, date, participants, volunteers, spending=Decimal(0), source=""):
    return Activity.objects.create(
        project=p,
        status=Activity.Status.HELD,
        date=date,
        place="社区广场",
        participants=participants,
        volunteers=volunteers,
        spending=spending,
        funding_source=source,
        created_by=by,
    )


def spend(activity, amount, source="street"):
    line = BudgetLine.objects.create(
        project=activity.project, item="物料", amount=Decimal("9999"), source=source
    )
    return ActivitySpending.objects.create(activity=activity, budget_line=line, amount=amount)


def volunteer(activity, partner, hours):
    return ActivityVolunteer.objects.create(activity=activity, partner=partner, hours=hours)


def grade(p, verdict, *, household, when):
    g = Grade.objects.create(project=p, household=household, channel="visit", verdict=verdict)
    Grade.objects.filter(pk=g.pk).update(created_at=when)
    return g


def households(compound, n):
    """n households in a new building of the compound (numbered clear of the fixture's 3号楼)."""
    taken = compound.buildings.count()
    building = f.BuildingFactory(compound=compound, number=f"{taken + 10}号楼")
    return [f.HouseholdFactory(building=building, room=f"{i + 1:03d}") for i in range(n)]


STATUSES = Status
