"""The 幸福账单 (happiness bill): one community's year, told to its residents from what the portal
recorded — projects done, activities and who took part, households served, volunteers and their
hours, money spent by source, residents' grades, needs solved, round-table problems solved and
practical tasks done. Public (no personal data: counts, project titles and themes only), cached
per community and year for five minutes (figures/selectors.py), eleven queries.

参与人次 counts attendances (one person at two activities is two); 服务户数 counts the distinct
households that a sign-up with a household code or a verified grade identifies, so it is a floor,
never an estimate.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from accounts.models import Community, Household
from evaluation.models import SATISFIED_VERDICTS, Grade, Verdict
from needs.models import Need, NeedStatus
from partners.models import PracticalTask, TaskStatus
from projects.models import (
    Activity,
    ActivitySpending,
    ActivityVolunteer,
    FundingSource,
    Project,
    Theme,
)
from roundtable.models import Topic, TopicStatus
from signups.models import SignUp, SignUpStatus

from .selectors import Cached, cached

FIRST_YEAR = 2024  # the programme's first year (the seed article, 2024)


@dataclass
class Bill:
    community: str
    street: str
    year: int
    projects: list = field(default_factory=list)  # (title, theme label) of the projects done
    themes: list = field(default_factory=list)  # (theme label, n) of the projects done
    held: int = 0
    participants: int = 0
    households: int = 0
    volunteers: int = 0
    hours: Decimal = Decimal(0)
    spent: list = field(default_factory=list)  # (source label, amount)
    spent_total: Decimal = Decimal(0)
    grades: dict = field(default_factory=dict)  # verdict label -> n
    graded: int = 0
    rate: str = "—"
    needs_solved: int = 0
    topics_solved: int = 0
    tasks_done: int = 0

    @property
    def empty(self) -> bool:
        return not (self.projects or self.held or self.needs_solved or self.graded)


def years() -> list[int]:
    """The years a bill can be asked for, newest first."""
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def compute(community: Community, year: int) -> Bill:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    bill = Bill(community.name, community.street.name, year)

    done = (
        Project.objects.alive()
        .filter(community=community, retrospected_at__year=year)
        .order_by("retrospected_at", "pk")
        .values_list("title", "theme")
    )
    themes = dict(Theme.choices)
    bill.projects = [(title, str(themes.get(theme, ""))) for title, theme in done]
    counted: dict = {}
    for _title, theme in bill.projects:
        counted[theme] = counted.get(theme, 0) + 1
    bill.themes = [
        (str(label), counted[str(label)]) for label in themes.values() if str(label) in counted
    ]

    held = Activity.objects.filter(
        project__community=community,
        project__deleted_at__isnull=True,
        status=Activity.Status.HELD,
        date__gte=start,
        date__lte=end,
    )
    sessions = held.aggregate(n=Count("pk"), people=Sum("participants"), helpers=Sum("volunteers"))
    bill.held = sessions["n"]
    bill.participants = sessions["people"] or 0
    bill.volunteers = sessions["helpers"] or 0
    bill.hours = ActivityVolunteer.objects.filter(activity__in=held).aggregate(h=Sum("hours"))[
        "h"
    ] or Decimal(0)

    graded = Grade.objects.filter(
        project__community=community,
        project__deleted_at__isnull=True,
        household__isnull=False,
        created_at__year=year,
    )
    signed_up = SignUp.objects.filter(
        activity__in=held, status=SignUpStatus.CONFIRMED, household__isnull=False
    )
    bill.households = Household.objects.filter(
        Q(pk__in=signed_up.values("household_id")) | Q(pk__in=graded.values("household_id"))
    ).count()

    spent: dict = {}
    rows = (
        ActivitySpending.objects.filter(activity__in=held)
        .values("budget_line__source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        source = row["budget_line__source"] or ""
        spent[source] = spent.get(source, Decimal(0)) + (row["total"] or Decimal(0))
    own = (
        held.exclude(spending=0)
        .exclude(Exists(ActivitySpending.objects.filter(activity=OuterRef("pk"))))
        .values("funding_source")
        .annotate(total=Sum("spending"))
        .order_by()
    )
    for row in own:
        source = row["funding_source"] or ""
        spent[source] = spent.get(source, Decimal(0)) + (row["total"] or Decimal(0))
    labels = dict(FundingSource.choices)
    bill.spent = [
        (str(labels.get(source, "未注明来源")), amount.quantize(Decimal("0.01")))
        for source, amount in sorted(spent.items(), key=lambda item: -item[1])
        if amount
    ]
    bill.spent_total = sum((amount for _label, amount in bill.spent), Decimal(0))

    verdicts = graded.aggregate(
        total=Count("pk"),
        content=Count("pk", filter=Q(verdict__in=SATISFIED_VERDICTS)),
        **{value: Count("pk", filter=Q(verdict=value)) for value in Verdict.values},
    )
    bill.graded = verdicts["total"]
    bill.grades = {str(label): verdicts[value] for value, label in Verdict.choices}
    if bill.graded:
        bill.rate = f"{verdicts['content'] * 100 / bill.graded:.1f}%"

    bill.needs_solved = (
        Need.objects.alive()
        .filter(community=community, status=NeedStatus.SOLVED, status_changed_at__year=year)
        .count()
    )
    bill.topics_solved = Topic.objects.filter(
        community=community, status=TopicStatus.SOLVED, solved_at__year=year
    ).count()
    bill.tasks_done = PracticalTask.objects.filter(
        community=community, status=TaskStatus.DONE, done_at__year=year
    ).count()
    return bill


def bill_for(community: Community, year: int) -> Cached:
    return cached(f"bill:{community.pk}:{year}", lambda: compute(community, year))
