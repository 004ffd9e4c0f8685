"""A street's figures for a period, the portal's draft of a report (and of a year's assessment).

Each figure is one aggregate query over the street's records, so drafting costs the same number
of queries whatever the street holds (eight). The result is plain JSON: a report keeps it as its
snapshot, and the page, the side-by-side table, the Word and the PDF files all read the snapshot
through `figure_groups` / `COMPARE_COLUMNS`, never the live data.

What counts (for the street's communities, records not deleted):
- projects: by current status and by theme (美学乐健), those filed by the period's end; new: filed
  within the period; completed: 复盘 within the period;
- needs: recorded within the period (and the residents behind them); solved: the needs of the
  projects completed within the period;
- partners: registered by the period's end; new: within the period;
- sessions held within the period, with their participants, volunteers and spending;
- residents' grades given within the period on the street's projects: verified ones by verdict
  and the satisfaction rate (满意 + 基本满意 over all verified), unverified ones apart.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Community
from evaluation.models import SATISFIED_VERDICTS, Grade, Verdict
from needs.models import Need
from partners.models import Partner
from projects.models import Activity, Project, Status, Theme

VERSION = 1


def _bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes [from, until) covering the local days start..end."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return since, until


def rate(satisfied: int, total: int) -> float | None:
    """Satisfaction in percent, one decimal; None without any verified grade."""
    return round(satisfied * 100 / total, 1) if total else None


def compute(street, start: datetime.date, end: datetime.date) -> dict:
    """The street's figures for the days start..end (both included)."""
    since, until = _bounds(start, end)
    in_period = Q(created_at__gte=since, created_at__lt=until)
    filed = Project.objects.alive().filter(community__street=street, created_at__lt=until)

    by_status, by_theme = dict.fromkeys(Status.values, 0), dict.fromkeys(Theme.values, 0)
    new = completed = 0
    rows = filed.values("status", "theme").annotate(
        n=Count("pk"),
        new=Count("pk", filter=in_period),
        completed=Count("pk", filter=Q(retrospected_at__gte=since, retrospected_at__lt=until)),
    )
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        by_theme[row["theme"]] = by_theme.get(row["theme"], 0) + row["n"]
        new += row["new"]
        completed += row["completed"]

    communities = Community.objects.filter(street=street).aggregate(
        total=Count("pk", distinct=True),
        active=Count(
            "pk",
            distinct=True,
            filter=Q(projects__deleted_at__isnull=True, projects__created_at__lt=until),
        ),
    )
    needs = Need.objects.alive().filter(in_period, community__street=street)
    needs = needs.aggregate(recorded=Count("pk"), mentions=Sum("mentions"))
    solved = (
        Project.needs.through.objects.filter(
            project__community__street=street,
            project__deleted_at__isnull=True,
            project__retrospected_at__gte=since,
            project__retrospected_at__lt=until,
        )
        .values("need_id")
        .distinct()
        .count()
    )
    partners = (
        Partner.objects.alive()
        .filter(community__street=street, created_at__lt=until)
        .aggregate(total=Count("pk"), new=Count("pk", filter=in_period))
    )
    sessions = Activity.objects.filter(
        project__community__street=street,
        project__deleted_at__isnull=True,
        status=Activity.Status.HELD,
        date__gte=start,
        date__lte=end,
    ).aggregate(
        held=Count("pk"),
        participants=Sum("participants"),
        volunteers=Sum("volunteers"),
        spending=Sum("spending"),
    )
    verified = Q(household__isnull=False)
    grades = Grade.objects.filter(
        project__community__street=street,
        project__deleted_at__isnull=True,
        created_at__gte=since,
        created_at__lt=until,
    ).aggregate(
        verified=Count("pk", filter=verified),
        satisfied=Count("pk", filter=verified & Q(verdict=Verdict.SATISFIED)),
        basic=Count("pk", filter=verified & Q(verdict=Verdict.BASIC)),
        dissatisfied=Count("pk", filter=verified & Q(verdict=Verdict.DISSATISFIED)),
        content=Count("pk", filter=verified & Q(verdict__in=SATISFIED_VERDICTS)),
        unverified=Count("pk", filter=Q(household__isnull=True)),
    )
    return {
        "version": VERSION,
        "street": street.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "communities": {"total": communities["total"], "active": communities["active"]},
        "projects": {
            "total": sum(by_status.values()),
            "new": new,
            "completed": completed,
            "by_status": by_status,
            "by_theme": by_theme,
        },
        "needs": {
            "recorded": needs["recorded"],
            "mentions": needs["mentions"] or 0,
            "solved": solved,
        },
        "partners": {"total": partners["total"], "new": partners["new"]},
        "sessions": {
            "held": sessions["held"],
            "participants": sessions["participants"] or 0,
            "volunteers": sessions["volunteers"] or 0,
            "spending": str((sessions["spending"] or Decimal("0")).quantize(Decimal("0.01"))),
        },
        "grades": {
            "verified": grades["verified"],
            "satisfied": grades["satisfied"],
            "basic": grades["basic"],
            "dissatisfied": grades["dissatisfied"],
            "rate": rate(grades["content"], grades["verified"]),
            "unverified": grades["unverified"],
        },
    }


# --- reading a snapshot -------------------------------------------------------------------------
def _get(figures: dict, path: str):
    value = figures
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def shown(value, unit: str = "") -> str:
    """A figure as the reader sees it: "—" when the snapshot has none."""
    if value is None or value == "":
        return "—"
    return f"{value}{unit}"


def _rate(figures: dict) -> str:
    value = _get(figures, "grades.rate")
    return "—(暂无评价)" if value is None else f"{value}%"


# (group heading, [(label, path or function, unit)]) in print order.
GROUPS = (
    (
        "项目总体",
        [
            (
                "参与社区 / 社区总数",
                lambda f: (
                    f"{shown(_get(f, 'communities.active'))} / "
                    f"{shown(_get(f, 'communities.total'))}"
                ),
                "",
            ),
            ("项目总数", "projects.total", " 个"),
            ("本期新增项目", "projects.new", " 个"),
            ("本期完成复盘", "projects.completed", " 个"),
        ],
    ),
    (
        "项目状态",
        [(str(label), f"projects.by_status.{value}", " 个") for value, label in Status.choices],
    ),
    (
        "项目类型(美学乐健)",
        [(str(label), f"projects.by_theme.{value}", " 个") for value, label in Theme.choices],
    ),
    (
        "居民需求",
        [
            ("本期收集需求", "needs.recorded", " 条"),
            ("反映人次", "needs.mentions", " 人次"),
            ("本期解决需求", "needs.solved", " 条"),
        ],
    ),
    (
        "幸福家园合伙人",
        [("合伙人总数", "partners.total", " 个"), ("本期新增", "partners.new", " 个")],
    ),
    (
        "活动开展",
        [
            ("举办活动场次", "sessions.held", " 场"),
            ("参与居民", "sessions.participants", " 人次"),
            ("志愿者", "sessions.volunteers", " 人次"),
            ("活动支出", "sessions.spending", " 元"),
        ],
    ),
    (
        "居民评价",
        [
            ("满意率(满意 + 基本满意)", _rate, ""),
            ("已核实评价", "grades.verified", " 份"),
            ("满意", "grades.satisfied", " 份"),
            ("基本满意", "grades.basic", " 份"),
            ("不满意", "grades.dissatisfied", " 份"),
            ("未核实评价(不计入满意率)", "grades.unverified", " 份"),
        ],
    ),
)


def _value(figures: dict, how, unit: str) -> str:
    return how(figures) if callable(how) else shown(_get(figures, how), unit)


def figure_groups(figures: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(heading, [(label, value as shown)])] of a snapshot, for the page, Word and PDF."""
    return [
        (heading, [(label, _value(figures or {}, how, unit)) for label, how, unit in rows])
        for heading, rows in GROUPS
    ]


# The side-by-side table's columns: (heading, path or function).
COMPARE_COLUMNS = (
    ("项目总数", "projects.total"),
    ("新增", "projects.new"),
    ("完成复盘", "projects.completed"),
    ("实施中", f"projects.by_status.{Status.IN_PROGRESS}"),
    ("美", f"projects.by_theme.{Theme.BEAUTY}"),
    ("学", f"projects.by_theme.{Theme.LEARNING}"),
    ("乐", f"projects.by_theme.{Theme.JOY}"),
    ("健", f"projects.by_theme.{Theme.HEALTH}"),
    ("解决需求", "needs.solved"),
    ("新增合伙人", "partners.new"),
    ("活动场次", "sessions.held"),
    ("参与人次", "sessions.participants"),
    ("志愿者", "sessions.volunteers"),
    ("评价份数", "grades.verified"),
    ("满意率", lambda f: "—" if _get(f, "grades.rate") is None else f"{_get(f, 'grades.rate')}%"),
)


def compare_cells(figures: dict | None) -> list[str]:
    """One street's row of the side-by-side table ("—" for each figure of a missing report)."""
    if not figures:
        return ["—"] * len(COMPARE_COLUMNS)
    return [_value(figures, how, "") for _label, how in COMPARE_COLUMNS]
