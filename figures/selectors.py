"""A place's dashboard, cached: the seed's figures, the charts, the coverage gaps and (for a street
or a community) how it compares with the district's average.

Aggregates over a whole district are cached per place for FRESH seconds (five minutes): whoever
asks next within that time reads the stored result, and the page says when it was computed. A
change to the data is therefore on every dashboard within five minutes, whatever the cache
backend (the entry records when it was computed and is recomputed once older than FRESH, so the
bound holds even where the backend keeps keys longer).
"""

import datetime
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Community
from evaluation.models import SATISFIED_VERDICTS, Grade
from needs.models import Need, NeedStatus
from partners.models import Partner, PracticalTask
from projects.models import Activity, Project
from roundtable.models import Topic, TopicStatus

from . import charts, coverage, live
from .places import DISTRICT, STREET, Place

FRESH = 300
VERSION = 1


def _clock() -> float:
    return time.time()


@dataclass
class Cached:
    value: object
    computed: float  # time.time() when it was computed

    @property
    def computed_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.computed, tz=datetime.UTC)


def cached(key: str, compute) -> Cached:
    """The stored result under `key` if computed less than FRESH seconds ago, else a new one."""
    key = f"figures:v{VERSION}:{key}"
    entry = cache.get(key)
    now = _clock()
    if isinstance(entry, Cached) and now - entry.computed < FRESH:
        return entry
    entry = Cached(compute(), now)
    cache.set(key, entry, FRESH + 60)
    return entry


def dashboard(place: Place) -> Cached:
    """Everything a place's dashboard shows except the comparison (its own entry)."""

    def compute():
        return {
            "figures": live.seed_figures(place),
            "charts": charts.charts(place),
            "coverage": coverage.coverage(place),
        }

    return cached(f"dashboard:{place.key}", compute)


# --- the comparison with the district's average -------------------------------------------------
# (key, label, unit): per community, summed over a place, averaged over the district's streets or
# communities.
COMPARED = (
    ("projects", "领办项目", "个"),
    ("needs", "需求条数", "条"),
    ("solved", "已解决需求", "条"),
    ("partners", "合伙人", "名"),
    ("held", "本年活动场次", "场"),
    ("participants", "本年参与人次", "人次"),
    ("tasks", "认领实事", "件"),
    ("topics", "圆桌会解决问题", "个"),
)


def _per_community(district_id: int, year: int) -> dict:
    """{community id: {figure: n}} for every community of the district (seven grouped queries)
    and the district's verified grades per community for the satisfaction rate."""
    of_district = Q(community__street__district_id=district_id)
    rows: dict[int, dict] = {
        pk: {}
        for pk in Community.objects.filter(street__district_id=district_id).values_list(
            "pk", flat=True
        )
    }

    def put(queryset, key_field, **values):
        for row in queryset.values(key_field).annotate(**values).order_by():
            target = rows.setdefault(row[key_field], {})
            for name in values:
                target[name] = row[name] or 0

    put(Project.objects.alive().filter(of_district), "community_id", projects=Count("pk"))
    put(
        Need.objects.alive().filter(of_district),
        "community_id",
        needs=Count("pk"),
        solved=Count("pk", filter=Q(status=NeedStatus.SOLVED)),
    )
    put(Partner.objects.alive().filter(of_district), "community_id", partners=Count("pk"))
    put(
        Activity.objects.filter(
            project__community__street__district_id=district_id,
            project__deleted_at__isnull=True,
            status=Activity.Status.HELD,
            date__year=year,
        ),
        "project__community_id",
        held=Count("pk"),
        participants=Sum("participants"),
    )
    put(PracticalTask.objects.claimed().filter(of_district), "community_id", tasks=Count("pk"))
    put(
        Topic.objects.filter(of_district, status=TopicStatus.SOLVED),
        "community_id",
        topics=Count("pk"),
    )
    put(
        Grade.objects.filter(
            project__community__street__district_id=district_id,
            project__deleted_at__isnull=True,
            household__isnull=False,
        ),
        "project__community_id",
        graded=Count("pk"),
        content=Count("pk", filter=Q(verdict__in=SATISFIED_VERDICTS)),
    )
    return rows


def district_profile(district_id: int) -> Cached:
    """Per community figures of the whole district, and the community → street map."""
    year = timezone.localdate().year

    def compute():
        streets = dict(
            Community.objects.filter(street__district_id=district_id).values_list("pk", "street_id")
        )
        return {"year": year, "rows": _per_community(district_id, year), "streets": streets}

    return cached(f"profile:{district_id}:{year}", compute)


def _sum(rows: dict, ids, key: str) -> int:
    return sum(rows.get(pk, {}).get(key, 0) for pk in ids)


def _rate(content: int, graded: int) -> float | None:
    return round(content * 100 / graded, 1) if graded else None


def comparison(place: Place) -> tuple[Cached, list[dict]]:
    """The place's key figures beside the district's average street (for a street) or community
    (for a community). Nothing for the district itself."""
    profile = district_profile(place.district_id)
    if place.kind == DISTRICT:
        return profile, []
    rows, streets = profile.value["rows"], profile.value["streets"]
    every = list(streets)
    groups = len(set(streets.values())) if place.kind == STREET else len(every)
    lines = []
    for key, label, unit in COMPARED:
        mine = _sum(rows, place.community_ids, key)
        total = _sum(rows, every, key)
        average = round(total / groups, 1) if groups else 0
        lines.append({"label": label, "unit": unit, "mine": mine, "average": average})
    mine_rate = _rate(
        _sum(rows, place.community_ids, "content"), _sum(rows, place.community_ids, "graded")
    )
    all_rate = _rate(_sum(rows, every, "content"), _sum(rows, every, "graded"))
    lines.append({"label": "居民满意率", "unit": "%", "mine": mine_rate, "average": all_rate})
    return profile, lines
