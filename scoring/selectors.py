"""Reads of scoring, each a constant number of queries whatever the number of rows.

The ranking (`round_ranking`): a project's score is the mean of its submitted sheets' totals
(each total is already weighted: a criterion's full marks are its weight); with five or more
sheets the highest and the lowest total are dropped first. Ties are broken by the round's rule
(residents' satisfaction rate, the median judge total). Means are compared exact (a Decimal
quotient, never rounded): 85.333… and 85.325 both show as 85.33 and are no tie. Three queries,
whatever the round's size.
"""

import statistics
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum

from core.scope import get_visible_or_404
from projects.models import PUBLIC_STATUSES, Project

from .models import Entry, Round, Rubric, ScoreSheet, SheetStatus, TieBreak
from .workflow import REVIEWABLE

# With this many submitted sheets or more, the highest and the lowest total are dropped.
DROP_FROM = 5
TWO_PLACES = Decimal("0.01")


# --- the arithmetic -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    sheets: int
    score: Decimal | None  # the mean rounded half up to two places, for display; None: no sheet
    median: Decimal | None
    dropped: tuple = ()  # (highest, lowest) when dropped
    mean: Decimal | None = None  # the exact mean, for comparing (ranks and ties)

    @property
    def exact(self) -> Decimal | None:
        """What ranks compare: the exact mean (the shown score for a Score built without it)."""
        return self.mean if self.mean is not None else self.score


def score_from(sheets: int, total, highest, lowest, median=None) -> Score:
    """A project's score from the aggregates of its submitted sheets' totals (count, sum,
    highest, lowest), as the database gives them: from DROP_FROM sheets on, the highest and the
    lowest are dropped; the mean is kept exact (for comparing) and shown rounded half up to two
    places."""
    if not sheets:
        return Score(0, None, None)
    total, kept, dropped = Decimal(total), sheets, ()
    if sheets >= DROP_FROM:
        total, kept = total - highest - lowest, sheets - 2
        dropped = (Decimal(highest), Decimal(lowest))
    mean = total / kept
    return Score(sheets, mean.quantize(TWO_PLACES, ROUND_HALF_UP), median, dropped, mean)


def median_of(totals) -> Decimal | None:
    return (
        Decimal(statistics.median(sorted(totals))).quantize(TWO_PLACES, ROUND_HALF_UP)
        if totals
        else None
    )


def project_score(totals) -> Score:
    """The score of one project from its submitted sheets' totals."""
    totals = [Decimal(t) for t in totals]
    if not totals:
        return Score(0, None, None)
    return score_from(len(totals), sum(totals), max(totals), min(totals), median_of(totals))


@dataclass
class RankRow:
    entry_id: int
    project_id: int
    title: str
    community: str
    street: str
    score: Score
    rate: Decimal | None  # residents' satisfaction rate, percent, to one place (display)
    grades: int = 0
    rank: int | None = None
    tied: bool = False  # shares its exact mean with another row (the rule decided)
    rate_exact: Decimal | None = None  # the rate unrounded, for the tie-break (else `rate`)
    public: bool = False  # the project has a public page (/p/announcements/<project id>/)
    library_entry_id: int | None = None  # selected into the library (/p/library/<id>/)


def _tie_keys(row: RankRow, rule: str) -> tuple:
    exact = row.rate_exact if row.rate_exact is not None else row.rate
    rate = exact if exact is not None else Decimal("-1")
    median = row.score.median if row.score.median is not None else Decimal("-1")
    return (rate, median) if rule == TieBreak.SATISFACTION else (median, rate)


def rank(rows: list[RankRow], rule: str) -> list[RankRow]:
    """Order by the exact mean, then the tie-break rule; number the ranks (rows equal on every
    key share one: 1, 2, 2, 4). Rows without a score come last, unranked. Two rows are tied only
    when their exact means are equal, not when their rounded scores are."""
    scored = [r for r in rows if r.score.score is not None]
    unscored = sorted((r for r in rows if r.score.score is None), key=lambda r: r.title)
    key = lambda r: (r.score.exact, *_tie_keys(r, rule))  # noqa: E731
    scored.sort(key=lambda r: (key(r), -r.entry_id), reverse=True)
    counts: dict = {}
    for row in scored:
        counts[row.score.exact] = counts.get(row.score.exact, 0) + 1
    previous = None
    for position, row in enumerate(scored, 1):
        row.tied = counts[row.score.exact] > 1
        row.rank = previous.rank if previous and key(previous) == key(row) else position
        previous = row
    return scored + unscored


# --- reads --------------------------------------------------------------------------------------
def satisfaction_rates(project_ids) -> dict[int, tuple[Decimal, int, Decimal]]:
    """project id → (satisfaction rate in percent to one place, verified grades, the exact rate
    in percent), for the projects residents graded: evaluation's result (满意 + 基本满意 over
    every verified grade; unverified ones are kept apart). The rounded rate is shown, the exact
    one compared. One query (evaluation.selectors.grade_results)."""
    from evaluation.selectors import grade_results

    rates = {}
    for pk, result in grade_results(project_ids).items():
        tally = result.overall
        if tally.total:
            exact = Decimal(tally.satisfied + tally.basic) * 100 / tally.total
            rates[pk] = (exact.quantize(Decimal("0.1"), ROUND_HALF_UP), tally.total, exact)
    return rates


def round_ranking(round_: Round, *, medians: bool = False) -> list[RankRow]:
    """The round's ranking as it stands (submitted sheets only). Three queries whatever the
    round's size: the entries with their totals aggregated by the database, the totals of the
    tied projects only (for the median judge total; every project's with `medians`, for the
    export), the residents' grades. The rows loaded are the entries, not the sheets."""
    submitted = Q(sheets__status=SheetStatus.SUBMITTED)
    entries = list(
        round_.entries.select_related("project", "community__street")
        .only(
            "id",
            "project_id",
            "project__title",
            "project__status",
            "project__deleted_at",
            "community__name",
            "community__street__name",
        )
        .annotate(
            library_entry_id=F("project__library_entry__id"),
            n=Count("sheets", filter=submitted),
            total=Sum("sheets__total", filter=submitted),
            highest=Max("sheets__total", filter=submitted),
            lowest=Min("sheets__total", filter=submitted),
        )
        .order_by("id")
    )
    scores = {e.pk: score_from(e.n, e.total, e.highest, e.lowest) for e in entries}
    seen: dict = {}
    for entry_id, score in scores.items():
        if score.score is not None:
            seen.setdefault(score.exact, []).append(entry_id)
    wanted = [pk for ids in seen.values() if medians or len(ids) > 1 for pk in ids]
    totals: dict[int, list] = {}
    # Always one query (an impossible id when nobody is tied): the same count at every refresh.
    for entry_id, total in ScoreSheet.objects.filter(
        round=round_, status=SheetStatus.SUBMITTED, entry_id__in=wanted or [0]
    ).values_list("entry_id", "total"):
        totals.setdefault(entry_id, []).append(total)
    for entry_id, values in totals.items():
        scores[entry_id] = replace(scores[entry_id], median=median_of(values))
    rates = satisfaction_rates(e.project_id for e in entries) if entries else {}
    rows = [
        RankRow(
            entry_id=e.pk,
            project_id=e.project_id,
            title=e.project.title,
            community=e.community.name,
            street=e.community.street.name,
            score=scores[e.pk],
            rate=rates.get(e.project_id, (None, 0, None))[0],
            grades=rates.get(e.project_id, (None, 0, None))[1],
            rate_exact=rates.get(e.project_id, (None, 0, None))[2],
            public=e.project.deleted_at is None and e.project.status in PUBLIC_STATUSES,
            library_entry_id=e.library_entry_id,
        )
        for e in entries
    ]
    return rank(rows, round_.tie_break)


def round_judges(round_: Round) -> list:
    """The round's judges, each with their submitted and draft sheets (one query)."""
    mine = ScoreSheet.objects.filter(round=OuterRef("round"), judge=OuterRef("user")).order_by()

    def count(status):
        return Subquery(
            mine.filter(status=status).values("judge").annotate(n=Count("id")).values("n")
        )

    return list(
        round_.judges.select_related("user")
        .annotate(submitted=count(SheetStatus.SUBMITTED), drafts=count(SheetStatus.DRAFT))
        .order_by("id")
    )


def entrant_communities(round_: Round, user) -> list:
    """The communities of the streets this 组长 leads, each with its entrant's title (one
    query)."""
    from accounts.models import Community
    from accounts.roles import STREET_DECIDERS

    entrant = Entry.objects.filter(round=round_, community=OuterRef("pk"))
    return list(
        Community.objects.filter(street_id__in=user.scope.street_ids(STREET_DECIDERS))
        .select_related("street")
        .annotate(
            entrant_title=Subquery(entrant.values("project__title")[:1]),
            entrant_sheets=Subquery(
                ScoreSheet.objects.filter(entry__round=round_, entry__community=OuterRef("pk"))
                .order_by()
                .values("entry__community")
                .annotate(n=Count("id"))
                .values("n")
            ),
        )
        .order_by("street__name", "name")[:200]
    )


def rubric_list():
    return Rubric.objects.annotate(n_criteria=Count("criteria")).order_by("-created_at", "-id")


def rubric_get(pk) -> Rubric:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Rubric, pk=pk)


def round_list(user):
    """The rounds this user may open, newest first, with their counts (one query)."""
    submitted = (
        ScoreSheet.objects.filter(round=OuterRef("pk"), status=SheetStatus.SUBMITTED)
        .order_by()
        .values("round")
        .annotate(n=Count("id"))
        .values("n")
    )
    entries = (
        Entry.objects.filter(round=OuterRef("pk"))
        .order_by()
        .values("round")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Round.objects.visible_to(user)
        .select_related("rubric")
        .annotate(n_entries=Subquery(entries), n_submitted=Subquery(submitted))
        .order_by("-year", "-opens_on", "-id")
    )


def round_get(*, user, pk) -> Round:
    return get_visible_or_404(Round.objects.select_related("rubric"), user, pk=pk)


def judge_entries(round_: Round, user):
    """The projects this judge scores in the round (none of their own street), each with the
    judge's sheet's status and total (one query; access.own_street_ids may add one, cached)."""
    from .access import own_street_ids

    sheets = ScoreSheet.objects.filter(entry=OuterRef("pk"), judge=user)
    return (
        round_.entries.exclude(community__street_id__in=own_street_ids(user))
        .select_related("project", "community__street")
        .annotate(
            sheet_id=Subquery(sheets.values("id")[:1]),
            sheet_status=Subquery(sheets.values("status")[:1]),
            sheet_total=Subquery(sheets.values("total")[:1]),
        )
        .order_by("community__street__name", "community__name", "id")
    )


def next_to_score(entry: Entry, user) -> Entry | None:
    """The judge's next project of the round whose sheet is not submitted yet: the first after
    `entry` in the judge's list, else the first before it (one query; None: all submitted)."""
    pending = [
        e
        for e in judge_entries(entry.round, user)
        if e.sheet_status != SheetStatus.SUBMITTED or e.pk == entry.pk
    ]
    ids = [e.pk for e in pending]
    if entry.pk not in ids:
        return pending[0] if pending else None
    at = ids.index(entry.pk)
    rest = pending[at + 1 :] + pending[:at]
    return rest[0] if rest else None


def entry_get(*, user, pk) -> Entry:
    """An entry of a round the user may open (404 otherwise, audited)."""
    return get_visible_or_404(
        Entry.objects.select_related("round__rubric", "project", "community__street"),
        user,
        pk=pk,
    )


def sheet_get(*, user, pk) -> ScoreSheet:
    return get_visible_or_404(
        ScoreSheet.objects.select_related(
            "round__rubric", "entry__project", "entry__community__street", "judge"
        ),
        user,
        pk=pk,
    )


def round_sheets(round_: Round):
    """Every sheet of the round (district staff), with its judge and project (one query)."""
    return (
        ScoreSheet.objects.filter(round=round_)
        .select_related("judge", "entry__project", "entry__community")
        .order_by("entry__community__name", "entry_id", "judge_id")
    )


def candidate_projects(round_: Round, q: str = ""):
    """Retrospected projects not yet in the round, for the district to add (search, paginate)."""
    projects = (
        Project.objects.alive()
        .filter(status__in=REVIEWABLE)
        .exclude(pk__in=round_.entries.values("project_id"))
        .select_related("community__street")
        .only("id", "title", "status", "community__name", "community__street__name")
        .order_by("-retrospected_at", "-id")
    )
    if q:
        projects = projects.filter(Q(title__icontains=q) | Q(community__name__icontains=q))
    return projects


# At most this many people answer a search for a judge.
JUDGE_RESULTS = 20


def judge_search(round_: Round, q: str):
    """People who may judge (district staff, experts), not yet judges of this round, whose name
    or username holds `q`: at most JUDGE_RESULTS, none for an empty `q` (one query)."""
    from .workflow import judge_candidates

    q = (q or "").strip()
    if not q:
        return []
    return list(
        judge_candidates()
        .exclude(pk__in=round_.judges.values("user_id"))
        .filter(Q(display_name__icontains=q) | Q(username__icontains=q))
        .only("id", "username", "display_name")[:JUDGE_RESULTS]
    )


def published_competitions():
    return Round.objects.published().order_by("-year", "-published_at", "-id")


def public_competition_get(*, user, pk) -> Round:
    """A published competition; anything else is a 404. A logged-in person asking for a round
    that exists but is not published is audited as a denial, as core.scope does for staff; an
    anonymous visitor gets the plain 404 of a missing id (no account, no audit row: otherwise
    anyone could write rows without limit)."""
    from django.http import Http404

    from core.audit import audit
    from core.models import AuditEvent

    found = Round.objects.published().select_related("rubric").filter(pk=pk).first()
    if found is None:
        if user.is_authenticated and Round.objects.filter(pk=pk).exists():
            audit(
                actor=user,
                action="access.denied",
                result=AuditEvent.Result.DENIED,
                detail={"model": "scoring.round", "lookup": {"pk": str(pk)}, "status": 404},
            )
        raise Http404
    return found
