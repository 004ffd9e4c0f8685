"""Reads of residents' grades. `grade_results` is the one way any app learns a project's result."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from accounts.models import Household
from core.scope import get_visible_or_404
from projects.models import Project

from .models import Channel, Grade, Verdict
from .services import GRADEABLE_STATUSES


@dataclass
class Tally:
    """Counts of 满意 / 基本满意 / 不满意 for one channel (or all of them)."""

    satisfied: int = 0
    basic: int = 0
    dissatisfied: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied

    @property
    def rate(self) -> float | None:
        """The satisfaction rate, (满意 + 基本满意) / total, between 0 and 1; None without grades."""
        return (self.satisfied + self.basic) / self.total if self.total else None

    @property
    def percent(self) -> str:
        """The rate as people read it ("92.5%"), "—" without grades."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def add(self, verdict: str, n: int) -> None:
        attribute = {
            Verdict.SATISFIED: "satisfied",
            Verdict.BASIC: "basic",
            Verdict.DISSATISFIED: "dissatisfied",
        }[verdict]
        setattr(self, attribute, getattr(self, attribute) + n)


@dataclass
class Result:
    """One project's residents' grades.

    `overall`: the verified grades (those of a household) of every channel together, the
    figure anyone quotes; `channels`: the verified grades per channel, keyed by Channel value
    (`visit`, `onsite`, `online`), every channel present; `unverified`: the grades given on
    site without a household code, shown apart and never in a rate above.
    """

    project_id: int
    overall: Tally = field(default_factory=Tally)
    channels: dict[str, Tally] = field(
        default_factory=lambda: {channel.value: Tally() for channel in Channel}
    )
    unverified: Tally = field(default_factory=Tally)

    @property
    def channel_rows(self) -> list[tuple[str, Tally]]:
        """(Chinese channel name, tally) in the channels' order, for a table."""
        return [(channel.label, self.channels[channel.value]) for channel in Channel]


def grade_results(project_ids) -> dict[int, Result]:
    """{project_id: Result} for these projects, every id present (an empty Result for a project
    nobody graded yet). One aggregate query however many projects and grades; callers (the
    project page, the evaluation pages, reports, scoring, publications) keep to this name and
    shape: Result.overall / .channels[channel] / .unverified, each a Tally with satisfied,
    basic, dissatisfied, total, rate (0–1 or None) and percent."""
    ids = [int(pk) for pk in project_ids]
    results = {pk: Result(pk) for pk in ids}
    if not ids:
        return results
    verified, unverified = Q(household__isnull=False), Q(household__isnull=True)
    columns = {
        f"{channel}_{verdict}": Count("id", filter=verified & Q(channel=channel, verdict=verdict))
        for channel in Channel.values
        for verdict in Verdict.values
    }
    columns.update(
        {
            f"unverified_{verdict}": Count("id", filter=unverified & Q(verdict=verdict))
            for verdict in Verdict.values
        }
    )
    # One row per project (not per channel and verdict): the rows read stay the projects'.
    rows = Grade.objects.filter(project_id__in=ids).values("project_id").annotate(**columns)
    for row in rows.order_by():
        result = results[row["project_id"]]
        for verdict in Verdict.values:
            for channel in Channel.values:
                n = row[f"{channel}_{verdict}"]
                result.channels[channel].add(verdict, n)
                result.overall.add(verdict, n)
            result.unverified.add(verdict, row[f"unverified_{verdict}"])
    return results


def gradeable_projects(community_id: int):
    """The projects of a community residents may grade now, newest first."""
    return (
        Project.objects.alive()
        .filter(community_id=community_id, status__in=GRADEABLE_STATUSES)
        .only("id", "title", "status", "theme", "start_date", "end_date", "community_id")
        .order_by("-start_date", "-id")
    )


def graded_by(household: Household, project_ids) -> set[int]:
    """The ids among these projects this household graded already."""
    return set(
        Grade.objects.filter(household=household, project_id__in=list(project_ids)).values_list(
            "project_id", flat=True
        )
    )


def households_graded(*, user, value, household_ids) -> set[int]:
    """The household picker used for a project (`?project=<id>`, accounts.households.ResultMark):
    the households among those listed that graded it already, in one query. A project out of the
    user's own scope (or a bad id) marks nothing: the picker then tells nothing about it."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 12):
        return set()
    return set(
        Grade.objects.visible_to(user)
        .filter(project_id=int(value), household_id__in=list(household_ids))
        .values_list("household_id", flat=True)
    )


def overview(*, user):
    """The projects of the user's own scope (not a grant's) that residents grade (in progress or
    retrospected), for the evaluation home; rates come from grade_results for the page shown."""
    return (
        Project.objects.visible_to(user, grants=False)
        .filter(status__in=GRADEABLE_STATUSES)
        .select_related("community__street")
        .only(
            "id",
            "title",
            "status",
            "community__name",
            "community__street__name",
            "start_date",
        )
        .order_by("-start_date", "-id")
    )


def project_for_grades(*, user, pk: int) -> Project:
    """One project of the user's own scope (404, audited, otherwise), for its grades pages: a
    judge whose round opens the project reads its satisfaction rate on the score sheet, never
    the residents' grades and comments."""
    return get_visible_or_404(
        Project.objects.select_related("community__street"),
        user,
        visible_kwargs={"grants": False},
        pk=pk,
    )


COMMENT_FIELDS = (
    "id",
    "project_id",
    "channel",
    "verdict",
    "comment",
    "created_at",
    "household__id",
    "household__building__number",
    "household__building__compound__name",
)


def grade_comments(project: Project):
    """The verified grades of a project that carry a comment, newest first (a page reads one
    page of them)."""
    return (
        Grade.objects.verified()
        .filter(project=project)
        .exclude(comment="")
        .select_related("household__building__compound")
        .only(*COMMENT_FIELDS)
        .order_by("-created_at", "-id")
    )


UNVERIFIED_SHOWN = 20


def unverified_comments(project: Project) -> list[Grade]:
    """The newest comments given on site without a household code (at most UNVERIFIED_SHOWN)."""
    return list(
        Grade.objects.unverified()
        .filter(project=project)
        .exclude(comment="")
        .only("id", "project_id", "channel", "verdict", "comment", "created_at")
        .order_by("-created_at", "-id")[:UNVERIFIED_SHOWN]
    )


def export_rows(*, user, project_id: int | None = None):
    """The grades the user may export (of the projects they see), optionally of one project,
    with what a row shows: never the household's code."""
    grades = Grade.objects.visible_to(user)
    if project_id:
        grades = grades.filter(project_id=project_id)
    return (
        grades.select_related("project__community", "household__building__compound", "session")
        .only(
            "id",
            "channel",
            "verdict",
            "comment",
            "created_at",
            "project__title",
            "project__community__name",
            "household__id",
            "household__building__number",
            "household__building__compound__name",
            "session__date",
        )
        .order_by("project_id", "-created_at", "-id")
    )
