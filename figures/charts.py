"""The dashboard's charts for one place, as plain data: Chart.js draws them in the browser
(figures/static/figures/charts.js) and the page prints the same numbers as a table beside each
(for screen readers and for people who want the numbers).

The district's charts compare its streets; a street's, its communities; a community's shows
itself. Each chart is one grouped query.

    {"key", "title", "type": "bar" | "line", "stacked", "unit",
     "labels": [...], "datasets": [{"label", "data": [...]}, ...]}
"""

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Community
from evaluation.models import SATISFIED_VERDICTS, Grade
from projects.models import Activity, Project, Theme

from .places import DISTRICT, Place
from .steps import STEPS, step_counts

MONTHS = 12


def _group(place: Place, prefix: str = "") -> tuple[str, str]:
    """The columns a chart groups by: streets for the district, communities otherwise."""
    if place.kind == DISTRICT:
        return f"{prefix}community__street_id", f"{prefix}community__street__name"
    return f"{prefix}community_id", f"{prefix}community__name"


def _groups(place: Place) -> list[tuple[int, str]]:
    """(pk, name) of the place's streets (the district) or communities, in name order."""
    communities = Community.objects.filter(pk__in=place.community_ids)
    if place.kind == DISTRICT:
        pairs = communities.values_list("street_id", "street__name").distinct()
    else:
        pairs = communities.values_list("pk", "name")
    return sorted(set(pairs), key=lambda pair: (pair[1], pair[0]))


def _chart(key, title, kind, labels, datasets, *, stacked=False, unit="") -> dict:
    return {
        "key": key,
        "title": title,
        "type": kind,
        "stacked": stacked,
        "unit": unit,
        "labels": labels,
        "datasets": datasets,
        # Nothing to draw: no group, or every value zero or missing (the page says 暂无数据).
        "empty": not any(v for d in datasets for v in d["data"]),
        # The same numbers as table rows (the chart's 查看数据 table): (label, [value per dataset])
        "rows": [
            (label, [dataset["data"][i] for dataset in datasets]) for i, label in enumerate(labels)
        ],
    }


def _grid(rows, group_id, group_name, column, columns) -> tuple[list, dict]:
    """Rows of (group, column, n) as group labels and {column: [n per group]}."""
    names: dict = {}
    cells: dict = {}
    for row in rows:
        names[row[group_id]] = row[group_name]
        cells[(row[group_id], row[column])] = row["n"]
    order = sorted(names, key=lambda pk: (names[pk], pk))
    return [names[pk] for pk in order], {
        col: [cells.get((pk, col), 0) for pk in order] for col in columns
    }


def steps_chart(place: Place) -> dict:
    group_id, _name = _group(place)
    counts = step_counts(
        Project.objects.alive().filter(community_id__in=place.community_ids), group_id
    )
    groups = _groups(place)
    labels = [name for _pk, name in groups]
    data = {
        step: [counts.get((pk, step), 0) for pk, _name in groups]
        for step in range(1, len(STEPS) + 1)
    }
    datasets = [{"label": f"{n}. {name}", "data": data[n]} for n, name in enumerate(STEPS, 1)]
    what = "各街道" if place.kind == DISTRICT else "各社区"
    return _chart("steps", f"{what}项目所处步骤", "bar", labels, datasets, stacked=True, unit="个")


def themes_chart(place: Place) -> dict:
    group_id, group_name = _group(place)
    rows = (
        Project.objects.alive()
        .filter(community_id__in=place.community_ids)
        .values(group_id, group_name, "theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels, data = _grid(rows, group_id, group_name, "theme", Theme.values)
    datasets = [{"label": str(label), "data": data[value]} for value, label in Theme.choices]
    what = "各街道" if place.kind == DISTRICT else "各社区"
    return _chart(
        "themes", f"{what}项目类型(美学乐健)", "bar", labels, datasets, stacked=True, unit="个"
    )


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `months` months, oldest first, this month last."""
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def activity_chart(place: Place, today: datetime.date | None = None) -> dict:
    """Sessions held, participants and volunteers per month over the last twelve months."""
    starts = month_starts(today or timezone.localdate())
    rows = (
        Activity.objects.filter(
            project__community_id__in=place.community_ids,
            project__deleted_at__isnull=True,
            status=Activity.Status.HELD,
            date__gte=starts[0],
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(held=Count("pk"), participants=Sum("participants"), volunteers=Sum("volunteers"))
        .order_by("month")
    )
    found = {row["month"]: row for row in rows}

    def series(name):
        return [(found.get(start) or {}).get(name) or 0 for start in starts]

    # Short labels for a phone's axis: the year only where it starts (and on the first month).
    labels = [
        f"{start.year}年{start.month}月" if i == 0 or start.month == 1 else f"{start.month}月"
        for i, start in enumerate(starts)
    ]
    datasets = [
        {"label": "活动场次", "data": series("held")},
        {"label": "参与人次", "data": series("participants")},
        {"label": "志愿者人次", "data": series("volunteers")},
    ]
    return _chart("activity", "逐月活动与参与", "line", labels, datasets)


def satisfaction_chart(place: Place) -> dict:
    """Residents' verified grades per street (or community): 满意 + 基本满意 over all verified."""
    group_id, group_name = _group(place, "project__")
    found = {
        row[group_id]: row
        for row in Grade.objects.filter(
            project__community_id__in=place.community_ids,
            project__deleted_at__isnull=True,
            household__isnull=False,
        )
        .values(group_id)
        .annotate(total=Count("pk"), content=Count("pk", filter=Q(verdict__in=SATISFIED_VERDICTS)))
        .order_by()
    }
    # Every street (community) of the place, those without a grade too (no bar, "—").
    groups = _groups(place)
    labels = [name for _pk, name in groups]
    rates = [
        round(found[pk]["content"] * 100 / found[pk]["total"], 1) if pk in found else None
        for pk, _name in groups
    ]
    counts = [found[pk]["total"] if pk in found else 0 for pk, _name in groups]
    what = "各街道" if place.kind == DISTRICT else "各社区"
    return _chart(
        "satisfaction",
        f"{what}居民满意率(%)",
        "bar",
        labels,
        [
            {"label": "满意率(%)", "data": rates},
            {"label": "已核实评价(份)", "data": counts, "table_only": True},
        ],
        unit="%",
    )


def charts(place: Place, today: datetime.date | None = None) -> list[dict]:
    """The dashboard's four charts (four queries)."""
    return [
        steps_chart(place),
        themes_chart(place),
        activity_chart(place, today),
        satisfaction_chart(place),
    ]
