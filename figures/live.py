"""The seed article's figures, counted live from the portal's records for one place.

Each figure is one aggregate query over `community_id IN (the place's communities)` (an indexed
column on every table read here), so the dashboard costs the same number of queries at any size.
What each counts:

- 调研问卷: copies handed out (surveys.Distribution.copies) of questionnaires not deleted;
- 楼道意见箱: suggestion boxes set up; 需求清单: needs not deleted, by the district's categories;
- 研判项目 / 设立项目 / 实地调研: the street's assessments (and their classes), those adopted by
  compound kind (老旧 / 安置 / 商住), and field visits (streetwork);
- 微项目 / 小区场景: micro-projects and scenes (scenes);
- 圆桌会解决问题: round-table topics solved; 合伙人: partners not deleted, by category;
- 优秀合伙人: the latest year the district published; 认领实事: tasks claimed (done or not);
- 入库项目: projects in the 百社百景 library; 培训出勤率: the year's held training sessions.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Compound
from library.models import ActivityClass, ActivityItem, LibraryEntry
from needs.models import Need
from outreach.models import SuggestionBox
from partners.models import Excellent, ExcellentStatus, Partner, PracticalTask
from roundtable.models import Topic, TopicStatus
from scenes.models import MicroProject, Scene
from streetwork.models import Assessment, FieldVisit, Verdict
from surveys.models import Distribution
from training.models import Attendance, SessionStatus

from .places import DISTRICT, Place
from .seed import SEED


@dataclass
class Figure:
    key: str
    label: str
    value: int | str
    unit: str
    url: str = ""
    seed: str = ""  # the article's figure, on the district's dashboard only
    parts: list = field(default_factory=list)  # [(label, n)]: a breakdown shown under it
    note: str = ""
    list_name: str = ""  # the URL name of the list behind it (LISTS)


# The list behind each figure and the permission its page asks (a figure links it only for those
# who may open it: figures.views.for_user).
LISTS = {
    "surveys:list": "surveys.view_survey",
    "outreach:box_list": "outreach.view_outreach",
    "needs:list": "needs.view_need",
    "streetwork:assessment_list": "streetwork.view_assessment",
    "streetwork:assessment_summary": "streetwork.follow_streetwork",
    "streetwork:visit_list": "streetwork.view_fieldvisit",
    "scenes:micro_list": "scenes.view_scene",
    "scenes:scene_list": "scenes.view_scene",
    "roundtable:resolutions": "roundtable.view_resolutions",
    "partners:list": "partners.view_partner",
    "partners:excellent_list": "partners.view_excellent",
    "partners:task_list": "partners.view_task",
    "library:tree": "library.view_library",
    "training:report": "training.view_report",
}


def _link(name: str, place: Place, *, filtered: bool = True) -> str:
    url = reverse(name)
    query = place.query() if filtered else ""
    return f"{url}?{query}" if query else url


def _to(name: str, place: Place, *, filtered: bool = True) -> dict:
    return {"url": _link(name, place, filtered=filtered), "list_name": name}


def linked_for(user, figures: list[Figure]) -> list[Figure]:
    """The figures with the links this person may not open removed (a copy: the cached list is
    shared by everyone who reads the place)."""
    allowed = {name: user.has_perm(perm) for name, perm in LISTS.items()}
    return [
        figure if allowed.get(figure.list_name, False) else _unlinked(figure) for figure in figures
    ]


def _unlinked(figure: Figure) -> Figure:
    copy = Figure(**{**figure.__dict__})
    copy.url = ""
    return copy


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.0f}%" if whole else "—"


def seed_figures(place: Place, *, year: int | None = None) -> list[Figure]:
    """Every figure of the seed article for the place, in the article's order (15 queries)."""
    ids = place.community_ids
    year = year or timezone.localdate().year
    mine = Q(community_id__in=ids)
    figures: list[Figure] = []

    handed = Distribution.objects.filter(
        survey__community_id__in=ids, survey__deleted_at__isnull=True
    ).aggregate(n=Sum("copies"))["n"]
    figures.append(
        Figure(
            "surveys",
            "发放调研问卷",
            handed or 0,
            "份",
            **_to("surveys:list", place, filtered=False),
        )
    )
    boxes = SuggestionBox.objects.alive().filter(mine).count()
    figures.append(
        Figure("boxes", "设置楼道意见箱", boxes, "处", **_to("outreach:box_list", place))
    )

    by_category = list(
        Need.objects.alive()
        .filter(mine)
        .values("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    figures.append(
        Figure(
            "needs",
            "梳理需求清单",
            sum(row["n"] for row in by_category),
            "条",
            **_to("needs:list", place),
            parts=[(row["category__name"] or "未分类", row["n"]) for row in by_category],
            note=f"{len(by_category)} 类",
        )
    )

    adopted = Q(verdict=Verdict.ADOPT)
    studied = (
        Assessment.objects.alive()
        .filter(mine)
        .aggregate(
            n=Count("pk"),
            classes=Count("project_class", distinct=True),
            **{
                kind: Count("pk", filter=adopted & Q(compound_kind=kind))
                for kind in Compound.Kind.values
            },
        )
    )
    figures.append(
        Figure(
            "assessments",
            "研判项目",
            studied["n"],
            "项",
            **_to("streetwork:assessment_list", place),
            note=f"{studied['classes']} 类",
        )
    )
    for kind, label in Compound.Kind.choices:
        figures.append(
            Figure(
                f"compound_{kind}",
                f"{label}设立项目",
                studied[kind],
                "个",
                **_to("streetwork:assessment_summary", place),
            )
        )
    visits = FieldVisit.objects.alive().filter(mine).count()
    figures.append(
        Figure("field_visits", "实地调研", visits, "次", **_to("streetwork:visit_list", place))
    )

    micro = MicroProject.objects.alive().filter(mine).count()
    figures.append(
        Figure("micro_projects", "认领微项目", micro, "个", **_to("scenes:micro_list", place))
    )
    scenes = Scene.objects.alive().filter(mine).count()
    figures.append(
        Figure("scenes", "打造小区场景", scenes, "个", **_to("scenes:scene_list", place))
    )

    solved = Topic.objects.filter(mine, status=TopicStatus.SOLVED).count()
    figures.append(
        Figure(
            "roundtable_solved",
            "圆桌会协商解决问题",
            solved,
            "个",
            **_to("roundtable:resolutions", place, filtered=False),
        )
    )

    by_partner_category = list(
        Partner.objects.alive()
        .filter(mine)
        .values("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    figures.append(
        Figure(
            "partners",
            "幸福家园合伙人",
            sum(row["n"] for row in by_partner_category),
            "名",
            **_to("partners:list", place),
            parts=[(row["category__name"] or "未分类", row["n"]) for row in by_partner_category],
            note=f"{len(by_partner_category)} 类",
        )
    )
    latest = (
        Excellent.objects.filter(partner__community_id__in=ids, status=ExcellentStatus.PUBLISHED)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
        .first()
    )
    figures.append(
        Figure(
            "excellent",
            "年度优秀合伙人",
            latest["n"] if latest else 0,
            "人",
            **_to("partners:excellent_list", place, filtered=False),
            note=f"{latest['year']} 年度" if latest else "尚未公布",
        )
    )
    claimed = PracticalTask.objects.claimed().filter(mine).count()
    figures.append(
        Figure("tasks_claimed", "认领实事", claimed, "件", **_to("partners:task_list", place))
    )

    library = LibraryEntry.objects.filter(project__community_id__in=ids).count()
    figures.append(
        Figure("library", "入库项目", library, "个", **_to("library:tree", place, filtered=False))
    )
    if place.kind == DISTRICT:
        classes = ActivityClass.objects.count()
        items = ActivityItem.objects.count()
        figures.append(
            Figure(
                "library_items",
                "百社百景库活动",
                items,
                "项",
                **_to("library:tree", place, filtered=False),
                note=f"{classes} 类",
            )
        )

    attendance = Attendance.objects.filter(
        mine, session__status=SessionStatus.HELD, session__month__year=year
    ).aggregate(expected=Count("pk"), present=Count("pk", filter=Q(present=True)))
    figures.append(
        Figure(
            "training",
            "头雁工程培训出勤率",
            _percent(attendance["present"], attendance["expected"]),
            "",
            **_to("training:report", place, filtered=False),
            note=f"{year} 年应到 {attendance['expected']} 人次,实到 {attendance['present']} 人次",
        )
    )

    if place.kind == DISTRICT:
        for figure in figures:
            figure.seed = SEED.get(figure.key, "")
    return figures
