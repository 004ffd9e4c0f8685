"""Reads for the report and assessment pages. Every one starts from visible_to(user); the rule to
open the pages at all (reports.view_*) is asked first, so community staff get 403, not 404."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Street
from accounts.roles import STREET_RECOMMENDERS
from core.scope import get_visible_or_404

from .figures import COMPARE_COLUMNS, compare_cells
from .models import HalfYearReport, Period, ReportStatus, YearlyAssessment

REPORT_ROW_FIELDS = (
    "id",
    "year",
    "half",
    "status",
    "status_changed_at",
    "submitted_at",
    "street__id",
    "street__name",
)


def _admit(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def report_list(*, user, period: Period | None = None) -> QuerySet:
    """The reports this user reads, newest period first (a page of the list)."""
    _admit(user, "reports.view_report")
    reports = HalfYearReport.objects.visible_to(user).select_related("street")
    if period is not None:
        reports = reports.filter(year=period.year, half=period.half)
    return reports.only(*REPORT_ROW_FIELDS).order_by("-year", "-half", "street__name", "pk")


def report_get(*, user, pk: int) -> HalfYearReport:
    _admit(user, "reports.view_report")
    return get_visible_or_404(
        HalfYearReport.objects.select_related("street", "submitted_by", "reviewed_by"),
        user,
        pk=pk,
    )


def report_events(report: HalfYearReport) -> list:
    return list(report.events.select_related("actor").order_by("at", "id")[:100])


@dataclass
class Start:
    """A report this user may start (or open) for a street and a period."""

    street: Street
    period: Period
    report: HalfYearReport | None


def report_starts(*, user, periods: list[Period]) -> list[Start]:
    """For each street whose report this user helps write, and each period: its report, or
    None when it is still to be drafted (two queries)."""
    ids = user.scope.street_ids(STREET_RECOMMENDERS)
    if not ids:
        return []
    streets = list(Street.objects.filter(pk__in=ids).order_by("name", "pk"))
    existing = {
        (r.street_id, r.year, r.half): r
        for r in HalfYearReport.objects.filter(
            street_id__in=ids, year__in={p.year for p in periods}
        ).only("id", "street_id", "year", "half", "status")
    }
    return [
        Start(street, period, existing.get((street.pk, period.year, period.half)))
        for period in periods
        for street in streets
    ]


def latest_period(*, user) -> Period | None:
    """The newest half year with a report this user reads (the side-by-side page opens on it)."""
    latest = (
        HalfYearReport.objects.visible_to(user)
        .order_by("-year", "-half")
        .values_list("year", "half")
        .first()
    )
    return Period(*latest) if latest else None


@dataclass
class CompareRow:
    street: Street
    report: HalfYearReport | None
    cells: list[str]

    @property
    def unsent(self) -> bool:
        """未提交: no report, or only the street's draft."""
        return self.report is None

    @property
    def returned(self) -> bool:
        """待修改: sent back to the street, which has not sent it up again."""
        return self.report is not None and self.report.status == ReportStatus.RETURNED


def report_compare(*, user, period: Period) -> dict:
    """Every street of the district side by side for a period: the figures of each street's
    report, links to the reports, and who has not submitted yet. A street whose report is still a
    draft is 未提交, like one with none: visible_to() leaves drafts out. Two queries, whatever the
    number of streets and reports."""
    _admit(user, "reports.compare_reports")
    streets = list(Street.objects.visible_to(user).order_by("name", "pk"))
    reports = {
        r.street_id: r
        for r in HalfYearReport.objects.visible_to(user)
        .filter(year=period.year, half=period.half)
        .only("id", "street_id", "year", "half", "status", "submitted_at", "figures")
    }
    # A district staff member who also sits in a street's leading group reads that street's
    # draft elsewhere; side by side, like every street's, it is only 未提交.
    sent = {pk: r for pk, r in reports.items() if r.status != ReportStatus.DRAFT}
    rows = [
        CompareRow(
            street,
            sent.get(street.pk),
            compare_cells(getattr(sent.get(street.pk), "figures", None)),
        )
        for street in streets
    ]
    unsent = [row for row in rows if row.unsent]
    returned = [row for row in rows if row.returned]
    # One definition for the counts line and the box of streets still to act: 未提交 (no
    # report or a draft) and 待修改 (returned) are each counted once, from the same rows.
    return {
        "columns": [label for label, _how in COMPARE_COLUMNS],
        "rows": rows,
        "unsent": unsent,
        "returned": returned,
        "counts": {
            "submitted": sum(1 for r in sent.values() if r.status == ReportStatus.SUBMITTED),
            "accepted": sum(1 for r in sent.values() if r.status == ReportStatus.ACCEPTED),
            "returned": len(returned),
            "unsent": len(unsent),
        },
    }


# --- 年度考核 ------------------------------------------------------------------------------------
def assessment_get(*, user, pk: int) -> YearlyAssessment:
    _admit(user, "reports.view_assessment")
    return get_visible_or_404(
        YearlyAssessment.objects.select_related("street", "recorded_by", "finalised_by"),
        user,
        pk=pk,
    )


def assessment_overview(*, user, year: int) -> list[tuple[Street, YearlyAssessment | None]]:
    """District staff: every street with its assessment of the year (or None). The street's
    group: its street's finalised assessments. Two queries."""
    _admit(user, "reports.view_assessment")
    assessments = {
        a.street_id: a
        for a in YearlyAssessment.objects.visible_to(user)
        .filter(year=year)
        .only("id", "street_id", "year", "status", "grade", "score", "figures")
    }
    if user.scope.is_district_business:
        streets = Street.objects.visible_to(user).order_by("name", "pk")
        return [(street, assessments.get(street.pk)) for street in streets]
    streets = Street.objects.filter(pk__in=[a.street_id for a in assessments.values()])
    return [(street, assessments[street.pk]) for street in streets.order_by("name", "pk")]


def assessment_years(*, user) -> list[int]:
    """The years the street's group has finalised assessments for (newest first)."""
    return sorted(
        set(YearlyAssessment.objects.visible_to(user).values_list("year", flat=True)),
        reverse=True,
    )
