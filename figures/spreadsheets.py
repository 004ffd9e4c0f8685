"""The two fill-once reports districts ask streets for, computed from what was entered, never typed
again: the 月度工作进展表 (one row per community for a month) and the 半年工作统计表 (one row per
street for a half year). Each is a handful of grouped queries, whatever the number of communities
or records; the header rows are fixed (tests hold them to the letter).

What the columns count (records not deleted, of the place's communities):

月度工作进展表 (the month's days, Shanghai time)
- 项目总数 and the seven steps: projects filed by the month's end and not finished before its
  year began, each at the step it stood at the month's end (figures/steps.py);
- 本月新增需求: needs recorded in the month; 本月解决需求: needs marked 已解决 in the month;
- 本月活动场次 / 参与人次 / 志愿者人次: sessions held in the month, their participants (an
  attendance count: one person at two sessions is two) and volunteers;
- 志愿服务时长: hours of the partners recorded on those sessions;
- 本月支出(元): what those sessions spent (their spending rows, or the session's own figure);
- 满意率: residents' verified grades given in the month, 满意 + 基本满意 over all of them.

半年工作统计表
- 社区数; 领办项目数: projects filed by the half's end and not finished before it began, and of
  them those in 老旧 / 安置 / 商住 compounds; 入库项目数: the street's projects in the library by
  the half's end; 合伙人数: partners registered by the half's end; 优秀合伙人: the latest list
  the district published for the half's year or before;
- within the half: 实地调研次数, 研判项目数 (assessments), 需求条数 (needs recorded), 认领实事
  (tasks claimed), 圆桌会解决问题 (topics solved), 培训出勤率 (the held training sessions).
"""

import datetime
import tempfile
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from accounts.models import Community, Compound
from core.audit import audit
from core.xlsx import CONTENT_TYPE, text_cell
from evaluation.models import SATISFIED_VERDICTS, Grade
from library.models import LibraryEntry
from needs.models import Need, NeedStatus
from partners.models import Excellent, ExcellentStatus, Partner, PracticalTask
from projects.models import Activity, ActivitySpending, ActivityVolunteer, Project
from reports.models import Period
from roundtable.models import Topic, TopicStatus
from streetwork.models import Assessment, FieldVisit
from training.models import Attendance, SessionStatus

from .places import Place
from .steps import STEPS, step_counts

MONTHLY_HEADER = (
    "街道",
    "社区",
    "项目总数",
    *STEPS,
    "本月新增需求",
    "本月解决需求",
    "本月活动场次",
    "参与人次",
    "志愿者人次",
    "志愿服务时长",
    "本月支出(元)",
    "满意率",
)
HALF_YEAR_HEADER = (
    "街道",
    "社区数",
    "领办项目数",
    "老旧小区项目",
    "安置小区项目",
    "商住小区项目",
    "入库项目数",
    "实地调研次数",
    "研判项目数",
    "需求条数",
    "合伙人数",
    "优秀合伙人",
    "认领实事",
    "圆桌会解决问题",
    "培训出勤率",
)


def _bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes [since, until) covering the local days start..end."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return since, until


def month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def _rate(content: int, total: int) -> str:
    return f"{content * 100 / total:.1f}%" if total else "—"


def _grouped(queryset, key: str, **values) -> dict:
    return {row[key]: row for row in queryset.values(key).annotate(**values).order_by()}


def _open_in(projects, since):
    """Projects not finished before `since` (still open, or retrospected on or after it)."""
    return projects.filter(Q(retrospected_at__isnull=True) | Q(retrospected_at__gte=since))


def monthly_rows(place: Place, month: datetime.date) -> list[list]:
    """One row per community of the place for the month (the header is MONTHLY_HEADER)."""
    start, end = month.replace(day=1), month_end(month)
    since, until = _bounds(start, end)
    year_start, _ = _bounds(datetime.date(start.year, 1, 1), start)
    ids = place.community_ids
    mine = Q(community_id__in=ids)

    projects = _open_in(Project.objects.alive().filter(mine, created_at__lt=until), year_start)
    steps: dict = {}
    for (community_id, step), n in step_counts(projects, "community_id", until).items():
        steps.setdefault(community_id, {})[step] = n

    needs = _grouped(
        Need.objects.alive().filter(mine),
        "community_id",
        new=Count("pk", filter=Q(created_at__gte=since, created_at__lt=until)),
        solved=Count(
            "pk",
            filter=Q(
                status=NeedStatus.SOLVED, status_changed_at__gte=since, status_changed_at__lt=until
            ),
        ),
    )
    held = Activity.objects.filter(
        project__community_id__in=ids,
        project__deleted_at__isnull=True,
        status=Activity.Status.HELD,
        date__gte=start,
        date__lte=end,
    )
    sessions = _grouped(
        held,
        "project__community_id",
        n=Count("pk"),
        participants=Sum("participants"),
        volunteers=Sum("volunteers"),
    )
    hours = _grouped(
        ActivityVolunteer.objects.filter(activity__in=held),
        "activity__project__community_id",
        hours=Sum("hours"),
    )
    spent_rows = _grouped(
        ActivitySpending.objects.filter(activity__in=held),
        "activity__project__community_id",
        amount=Sum("amount"),
    )
    spent_own = _grouped(
        held.exclude(spending=0).exclude(
            Exists(ActivitySpending.objects.filter(activity=OuterRef("pk")))
        ),
        "project__community_id",
        amount=Sum("spending"),
    )
    grades = _grouped(
        Grade.objects.filter(
            project__community_id__in=ids,
            project__deleted_at__isnull=True,
            household__isnull=False,
            created_at__gte=since,
            created_at__lt=until,
        ),
        "project__community_id",
        total=Count("pk"),
        content=Count("pk", filter=Q(verdict__in=SATISFIED_VERDICTS)),
    )

    rows = []
    for community in _communities(ids):
        pk = community.pk
        by_step = steps.get(pk, {})
        need = needs.get(pk, {})
        session = sessions.get(pk, {})
        money = (spent_rows.get(pk, {}).get("amount") or Decimal(0)) + (
            spent_own.get(pk, {}).get("amount") or Decimal(0)
        )
        grade = grades.get(pk, {})
        rows.append(
            [
                community.street.name,
                community.name,
                sum(by_step.values()),
                *(by_step.get(step, 0) for step in range(1, len(STEPS) + 1)),
                need.get("new", 0),
                need.get("solved", 0),
                session.get("n", 0),
                session.get("participants") or 0,
                session.get("volunteers") or 0,
                float(hours.get(pk, {}).get("hours") or 0),
                float(money.quantize(Decimal("0.01"))),
                _rate(grade.get("content", 0), grade.get("total", 0)),
            ]
        )
    return rows


def _communities(ids):
    return list(
        Community.objects.filter(pk__in=ids)
        .select_related("street")
        .order_by("street__name", "name", "pk")
    )


def half_year_rows(place: Place, period: Period) -> list[list]:
    """One row per street of the place for the half year (the header is HALF_YEAR_HEADER)."""
    since, until = _bounds(period.start, period.end)
    ids = place.community_ids
    mine = Q(community_id__in=ids)
    street = "community__street_id"
    within = {"created_at__gte": since, "created_at__lt": until}

    projects = _grouped(
        _open_in(Project.objects.alive().filter(mine, created_at__lt=until), since),
        street,
        n=Count("pk"),
        **{kind: Count("pk", filter=Q(compound__kind=kind)) for kind in Compound.Kind.values},
    )
    library = _grouped(
        LibraryEntry.objects.filter(
            project__community_id__in=ids, project__deleted_at__isnull=True, selected_at__lt=until
        ),
        "project__community__street_id",
        n=Count("pk"),
    )
    visits = _grouped(
        FieldVisit.objects.alive().filter(mine, date__gte=period.start, date__lte=period.end),
        street,
        n=Count("pk"),
    )
    assessments = _grouped(
        Assessment.objects.alive().filter(
            mine, assessed_on__gte=period.start, assessed_on__lte=period.end
        ),
        street,
        n=Count("pk"),
    )
    needs = _grouped(Need.objects.alive().filter(mine, **within), street, n=Count("pk"))
    partners = _grouped(
        Partner.objects.alive().filter(mine, created_at__lt=until), street, n=Count("pk")
    )
    published = Excellent.objects.filter(
        partner__community_id__in=ids, status=ExcellentStatus.PUBLISHED, year__lte=period.year
    )
    latest = published.aggregate(year=Max("year"))["year"]
    excellent = _grouped(
        published.filter(year=latest),
        "partner__community__street_id",
        n=Count("pk"),
    )
    tasks = _grouped(
        PracticalTask.objects.claimed().filter(mine, claimed_at__gte=since, claimed_at__lt=until),
        street,
        n=Count("pk"),
    )
    topics = _grouped(
        Topic.objects.filter(
            mine, status=TopicStatus.SOLVED, solved_at__gte=since, solved_at__lt=until
        ),
        street,
        n=Count("pk"),
    )
    training = _grouped(
        Attendance.objects.filter(
            mine,
            session__status=SessionStatus.HELD,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
        ),
        street,
        expected=Count("pk"),
        present=Count("pk", filter=Q(present=True)),
    )

    streets: dict = {}
    for community in _communities(ids):
        streets.setdefault(community.street_id, [community.street.name, 0])[1] += 1
    rows = []
    for pk, (name, communities) in sorted(streets.items(), key=lambda item: (item[1][0], item[0])):
        project = projects.get(pk, {})
        attendance = training.get(pk, {})
        rows.append(
            [
                name,
                communities,
                project.get("n", 0),
                *(project.get(kind, 0) for kind in Compound.Kind.values),
                library.get(pk, {}).get("n", 0),
                visits.get(pk, {}).get("n", 0),
                assessments.get(pk, {}).get("n", 0),
                needs.get(pk, {}).get("n", 0),
                partners.get(pk, {}).get("n", 0),
                excellent.get(pk, {}).get("n", 0),
                tasks.get(pk, {}).get("n", 0),
                topics.get(pk, {}).get("n", 0),
                _rate(attendance.get("present", 0), attendance.get("expected", 0)),
            ]
        )
    return rows


# --- the workbook ---------------------------------------------------------------------------------
def _cell(sheet, value):
    return value if isinstance(value, int | float) else text_cell(sheet, value)


def workbook_response(*, user, title: str, header, rows, action: str, detail: dict) -> FileResponse:
    """The rows under their header as an .xlsx download, the export written to the audit log.
    Text cells are never formulas (core/xlsx.py)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, label in enumerate(header):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(8, len(label) * 2 + 2)
    sheet.freeze_panes = "C2"
    sheet.append([text_cell(sheet, label) for label in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        book.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    audit(actor=user, action=action, detail={**detail, "rows": len(rows)})
    return FileResponse(
        file, as_attachment=True, filename=f"{title}.xlsx", content_type=CONTENT_TYPE
    )
