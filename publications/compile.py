"""What each monthly publication says: a plain-JSON snapshot of a street's (or the district's)
month, compiled from the records as the system (no user, no scope) and written by nobody here.

    compile_content(kind, district=…, street=…, month=date(2026, 12, 1)) -> dict

Every read is one aggregate or one list over the whole street (or district): compiling costs the
same number of queries whatever the street holds (publications/tests/test_compile.py counts them).
Residents read previews and summaries, so those name only published projects (alive, announced
or later) and never a need's or a grade's text; the digest is for staff.

The snapshot::

    {"version": 1, "kind": "preview" | "summary" | "digest",
     "month": "2026-12", "month_label": "2026年12月", "compiled_at": ISO datetime,
     "scope": {"district": name, "street": name | None, "street_id": id | None},
     "figures": {name: number | None, …},   # per kind, below; the summary adds "previous"
     "sections": [section, …]}              # in reading order

Every section has "type", "key" and "title" (and may have "note"); by type:

- "theme" (previews and summaries, always the four, in 美学乐健 order): "char",
  "projects": [{"id", "title", "community", "compounds": [names], "dates", "how", "link",
  "sessions": [session], "more_sessions", "photos": [{"src", "caption"}]}]; a session is
  {"id", "date", "day", "time", "title", "place", "signup_link" | None, "participants",
  "volunteers"} (the last two in summaries).
- "figures": "rows": [{"label", "value", "unit", "previous", "change"}] (previous and change
  None when there is nothing to compare).
- "list": "items": [{"title", "meta", "text", "link"}] and "more" (rows left out).
- "streets" (digest): "streets": [{"name", "total", "held", "statuses": [{"label", "n"}]}].

A DIGEST_SECTIONS hook returns a "list" or "figures" section (any other type is shown as a
list). Links are site-relative paths; the template prefixes them with `base` (the PDF's and the
e-mail's absolute address).

Figures — preview: projects, sessions, signup_sessions, communities. Summary: sessions,
participants, volunteers, volunteer_hours, photos, started, completed, needs_solved, grades,
satisfaction (percent or None), and "previous" with the same names for month − 1. Digest:
streets, projects, stuck, overdue_reviews, open_supervisions, overdue_supervisions, sessions.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from accounts.models import Street
from core.links import object_url
from core.workdays import add_working_days, working_day_on_or_after
from evaluation.models import SATISFIED_VERDICTS, Grade
from needs.models import NeedEvent, NeedStatus
from partners.models import Excellent, ExcellentStatus
from projects.models import (
    PUBLIC_STATUSES,
    Activity,
    ActivityPhoto,
    ActivityVolunteer,
    Project,
    ProjectEvent,
    ReviewRound,
    Status,
    Supervision,
    Theme,
)
from scoring.models import Round, RoundStatus
from scoring.selectors import round_ranking

from .models import Kind

VERSION = 1

# Hooks of later apps (training): (district, month) -> section dict or None, appended to the
# digest after its own sections; a None or empty section is left out.
DIGEST_SECTIONS: list[Callable] = []

# Projects a preview shows: announced and running (retrospected ones are done).
PREVIEW_STATUSES = frozenset(PUBLIC_STATUSES) - {Status.RETROSPECTED}
# Steps a project should move on from; drafts are the community's own, running projects
# legitimately take months, retrospected ones are done.
STUCK_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.ANNOUNCED)
WEEKDAYS = "一二三四五六日"
SESSIONS_SHOWN = 8  # per project; the rest are counted
PHOTOS_PER_PROJECT = 4
HOW_CHARS = 300  # of the announcement, under "怎么参加"
LIST_SHOWN = 10  # rows of a digest list
ROUNDS_SHOWN = 3  # scoring rounds published in one month
RANKED_SHOWN = 5
BEST_GRADED_MIN = 3  # verified grades a project needs to be among the month's best graded


# --- months and labels --------------------------------------------------------------------------
def next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def previous_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_label(first: datetime.date) -> str:
    return f"{first.year}年{first.month}月"


def preview_due(month: datetime.date) -> datetime.date:
    """A preview is due on the month's first working day."""
    return working_day_on_or_after(month)


def summary_due(month: datetime.date) -> datetime.date:
    """A summary (and the digest) is due on the third working day after the month."""
    return add_working_days(working_day_on_or_after(next_month(month)), 2)


def _bounds(first: datetime.date, until: datetime.date):
    """Aware datetimes [from, to) covering the local days first..until − 1."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(until, datetime.time.min, tzinfo=tz),
    )


def _day(value: datetime.date) -> str:
    return f"{value.month}月{value.day}日 周{WEEKDAYS[value.weekday()]}"


def _span(start, end) -> str:
    if not start:
        return "时间待定"
    if not end:
        return f"{start.year}年{start.month}月{start.day}日起"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def _time(starts, ends) -> str:
    if not starts:
        return ""
    return f"{starts:%H:%M}–{ends:%H:%M}" if ends else f"{starts:%H:%M}"


def _percent(part: int, total: int) -> float | None:
    return round(part * 100 / total, 1) if total else None


def _clip(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _public_link(project_id) -> str:
    return reverse("public:announcement", args=[project_id])


# --- the entry points ---------------------------------------------------------------------------
def compile_content(kind: str, *, district, street=None, month: datetime.date) -> dict:
    """The snapshot of one publication (see the module's docstring); reads only."""
    month = month.replace(day=1)
    if kind == Kind.DIGEST:
        figures, sections = _digest(district, month)
    elif street is None:
        raise ValueError("a preview or a summary belongs to a street")
    elif kind == Kind.PREVIEW:
        figures, sections = _preview(street, month)
    elif kind == Kind.SUMMARY:
        figures, sections = _summary(street, month)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return {
        "version": VERSION,
        "kind": str(kind),
        "month": f"{month:%Y-%m}",
        "month_label": month_label(month),
        "compiled_at": timezone.localtime().isoformat(timespec="seconds"),
        "scope": {
            "district": district.name,
            "street": street.name if street is not None and kind != Kind.DIGEST else None,
            "street_id": street.pk if street is not None and kind != Kind.DIGEST else None,
        },
        "figures": figures,
        "sections": sections,
    }


def headline(publication) -> str:
    """One line (≤ 60 characters) saying what is in the publication, for subjects and chats."""
    content = publication.content or {}
    figures = content.get("figures") or {}
    month = f"{publication.month.month}月"
    if publication.kind == Kind.DIGEST:
        line = f"{month}红色专递:{figures.get('streets', 0)}个街道进展"
        if figures.get("open_supervisions"):
            line += f"、{figures['open_supervisions']}项督办待回复"
        if figures.get("overdue_reviews"):
            line += f"、{figures['overdue_reviews']}个方案待审核"
    else:
        where = publication.street.name if publication.street_id else ""
        if not figures:
            line = f"{month}{where}{publication.get_kind_display()}"
        elif publication.kind == Kind.PREVIEW:
            line = (
                f"{month}{where}月初预告:{figures.get('projects', 0)}个项目、"
                f"{figures.get('sessions', 0)}场活动"
            )
        else:
            line = (
                f"{month}{where}月末总结:{figures.get('sessions', 0)}场活动、"
                f"{figures.get('participants', 0)}人次参与"
            )
    return _clip(line, 60)


def _theme_sections(projects_by_theme: dict, empty_note: str) -> list[dict]:
    """The four theme sections in 美学乐健 order; a theme without projects says so."""
    sections = []
    for value, char in Theme.choices:
        projects = projects_by_theme.get(value, [])
        section = {
            "type": "theme",
            "key": f"theme-{value}",
            "title": f"「{char}」类项目",
            "char": str(char),
            "projects": projects,
        }
        if not projects:
            section["note"] = empty_note
        sections.append(section)
    return sections


# --- 月初预告 -------------------------------------------------------------------------------------
def _preview(street, month: datetime.date) -> tuple[dict, list]:
    """The month's announced and running projects of the street, with their sessions, by theme.
    Three queries: the projects, their compounds, the sessions."""
    until = next_month(month)
    in_month = Q(date__gte=month, date__lt=until)
    sessions_in_month = Activity.objects.filter(in_month, project=OuterRef("pk")).exclude(
        status=Activity.Status.CANCELLED
    )
    overlaps = Q(start_date__isnull=False, start_date__lt=until) & (
        Q(end_date__isnull=True) | Q(end_date__gte=month)
    )
    chosen = Project.objects.alive().filter(community__street=street, status__in=PREVIEW_STATUSES)
    matching = chosen.filter(Q(Exists(sessions_in_month)) | overlaps)
    projects = list(
        matching.select_related("community", "compound").order_by("community__name", "title", "id")
    )
    # The projects' compounds by a subquery, not prefetch_related: a prefetch skips its query
    # when no project matched, and the count must not depend on the data.
    served: dict[int, list] = {}
    for project_id, name in (
        Project.compounds.through.objects.filter(project__in=matching.values("pk"))
        .order_by("compound__name", "compound_id")
        .values_list("project_id", "compound__name")
    ):
        served.setdefault(project_id, []).append(name)
    sessions: dict[int, list] = {}
    for s in (
        Activity.objects.filter(in_month, project__in=chosen)
        .exclude(status=Activity.Status.CANCELLED)
        .order_by("date", "starts_at", "id")
    ):
        sessions.setdefault(s.project_id, []).append(s)
    by_theme: dict[str, list] = {}
    n_sessions = n_signup = 0
    for project in projects:
        own = sessions.get(project.pk, [])
        n_sessions += len(own)
        n_signup += sum(1 for s in own if s.signup_capacity is not None)
        compounds = list(served.get(project.pk, ()))
        if project.compound and project.compound.name not in compounds:
            compounds.insert(0, project.compound.name)
        by_theme.setdefault(project.theme, []).append(
            {
                "id": project.pk,
                "title": project.title,
                "community": project.community.name,
                "compounds": compounds,
                "dates": _span(project.start_date, project.end_date),
                "how": _clip(project.announcement or project.summary, HOW_CHARS),
                "link": _public_link(project.pk),
                "sessions": [_session(s, signups=True) for s in own[:SESSIONS_SHOWN]],
                "more_sessions": max(len(own) - SESSIONS_SHOWN, 0),
                "photos": [],
            }
        )
    figures = {
        "projects": len(projects),
        "sessions": n_sessions,
        "signup_sessions": n_signup,
        "communities": len({p.community_id for p in projects}),
    }
    return figures, _theme_sections(by_theme, "本月暂无这一类的项目活动。")


def withdrawn_photos_dropped(content: dict) -> dict:
    """The content without the photos whose consent was withdrawn since it was compiled (one
    query): a draft compiled before a photo stopped being public must not publish it, nor its
    caption, nor put it in the PDF."""
    shown = [
        photo
        for section in content.get("sections", ())
        for project in section.get("projects", ()) or ()
        for photo in project.get("photos", ()) or ()
    ]
    if not shown:
        return content
    uuids = {photo["src"].rstrip("/").rsplit("/", 1)[-1] for photo in shown}
    public = {
        str(uuid)
        for uuid in ActivityPhoto.objects.filter(public=True, upload__uuid__in=uuids).values_list(
            "upload__uuid", flat=True
        )
    }
    for section in content.get("sections", ()):
        for project in section.get("projects", ()) or ():
            if project.get("photos"):
                project["photos"] = [
                    photo
                    for photo in project["photos"]
                    if photo["src"].rstrip("/").rsplit("/", 1)[-1] in public
                ]
    return content


def _session(s: Activity, *, signups: bool = False) -> dict:
    takes_signups = signups and s.signup_capacity is not None
    return {
        "id": s.pk,
        "date": s.date.isoformat(),
        "day": _day(s.date),
        "time": _time(s.starts_at, s.ends_at),
        "title": s.title,
        "place": s.place,
        "signup_link": reverse("signups:join", args=[s.pk]) if takes_signups else None,
        "participants": s.participants,
        "volunteers": s.volunteers,
    }


# --- 月末总结 -------------------------------------------------------------------------------------
def _summary(street, month: datetime.date) -> tuple[dict, list]:
    """What the street's communities did in the month, beside the month before. Eight queries:
    held sessions (listed), their totals, volunteers' hours, photos (listed), photo counts, the
    projects' announcements and retrospectives, needs solved, grades."""
    until, before = next_month(month), previous_month(month)
    since, to = _bounds(month, until)
    prev_since, _ = _bounds(before, month)
    this_day, prev_day = Q(date__gte=month, date__lt=until), Q(date__gte=before, date__lt=month)
    held = Activity.objects.filter(
        project__community__street=street,
        project__deleted_at__isnull=True,
        status=Activity.Status.HELD,
    )
    published = Q(project__deleted_at__isnull=True, project__status__in=PUBLIC_STATUSES)

    # The sessions shown: those of published projects (residents can open them).
    listed = list(
        held.filter(this_day, published)
        .select_related("project__community")
        .order_by("project__community__name", "project__title", "project_id", "date", "id")
    )
    totals = held.filter(date__gte=before, date__lt=until).aggregate(
        n_sessions=Count("pk", filter=this_day),
        n_participants=Sum("participants", filter=this_day),
        n_volunteers=Sum("volunteers", filter=this_day),
        prev_sessions=Count("pk", filter=prev_day),
        prev_participants=Sum("participants", filter=prev_day),
        prev_volunteers=Sum("volunteers", filter=prev_day),
    )
    on = {"activity__" + k: v for k, v in {"date__gte": month, "date__lt": until}.items()}
    on_prev = {"activity__" + k: v for k, v in {"date__gte": before, "date__lt": month}.items()}
    hours = ActivityVolunteer.objects.filter(
        activity__in=held, activity__date__gte=before, activity__date__lt=until
    ).aggregate(this=Sum("hours", filter=Q(**on)), prev=Sum("hours", filter=Q(**on_prev)))
    public_photos = ActivityPhoto.objects.filter(
        public=True,
        activity__in=held.filter(published),
    )
    photos: dict[int, list] = {}
    for project_id, uuid, caption in (
        public_photos.filter(**on)
        .order_by("activity__date", "id")
        .values_list("activity__project_id", "upload__uuid", "caption")
    ):
        shown = photos.setdefault(project_id, [])
        if len(shown) < PHOTOS_PER_PROJECT:
            shown.append(
                {"src": reverse("public:photo", args=[uuid]), "caption": caption or "活动照片"}
            )
    photo_counts = public_photos.filter(
        activity__date__gte=before, activity__date__lt=until
    ).aggregate(this=Count("pk", filter=Q(**on)), prev=Count("pk", filter=Q(**on_prev)))

    events = list(
        ProjectEvent.objects.filter(
            project__community__street=street,
            project__deleted_at__isnull=True,
            kind__in=(ProjectEvent.Kind.ANNOUNCED, ProjectEvent.Kind.RETROSPECTED),
            at__gte=prev_since,
            at__lt=to,
        )
        .order_by("at", "id")
        .values(
            "kind",
            "at",
            "project_id",
            "project__title",
            "project__status",
            "project__community__name",
        )
    )
    moved: dict[tuple, dict] = {}  # (kind, this month?) → {project id: row}
    for row in events:
        moved.setdefault((row["kind"], row["at"] >= since), {})[row["project_id"]] = row

    solved = (
        NeedEvent.objects.filter(
            need__community__street=street,
            need__deleted_at__isnull=True,
            to_status=NeedStatus.SOLVED,
            at__gte=prev_since,
            at__lt=to,
        )
        .order_by()
        .values("need__category__name")
        .annotate(
            this=Count("need", distinct=True, filter=Q(at__gte=since)),
            prev=Count("need", distinct=True, filter=Q(at__lt=since)),
        )
        .order_by("need__category__name")
    )
    solved = list(solved)
    verified = Q(household__isnull=False)
    content = verified & Q(verdict__in=SATISFIED_VERDICTS)
    this_at, prev_at = Q(created_at__gte=since), Q(created_at__lt=since)
    grades = Grade.objects.filter(
        project__community__street=street,
        project__deleted_at__isnull=True,
        created_at__gte=prev_since,
        created_at__lt=to,
    ).aggregate(
        this=Count("pk", filter=verified & this_at),
        this_ok=Count("pk", filter=content & this_at),
        prev=Count("pk", filter=verified & prev_at),
        prev_ok=Count("pk", filter=content & prev_at),
        unverified=Count("pk", filter=Q(household__isnull=True) & this_at),
    )

    def _hours(value) -> float:
        return float(value or Decimal(0))

    started = moved.get((ProjectEvent.Kind.ANNOUNCED, True), {})
    completed = moved.get((ProjectEvent.Kind.RETROSPECTED, True), {})
    figures = {
        "sessions": totals["n_sessions"],
        "participants": totals["n_participants"] or 0,
        "volunteers": totals["n_volunteers"] or 0,
        "volunteer_hours": _hours(hours["this"]),
        "photos": photo_counts["this"],
        "started": len(started),
        "completed": len(completed),
        "needs_solved": sum(r["this"] for r in solved),
        "grades": grades["this"],
        "satisfaction": _percent(grades["this_ok"], grades["this"]),
        "previous": {
            "month": f"{before:%Y-%m}",
            "sessions": totals["prev_sessions"],
            "participants": totals["prev_participants"] or 0,
            "volunteers": totals["prev_volunteers"] or 0,
            "volunteer_hours": _hours(hours["prev"]),
            "photos": photo_counts["prev"],
            "started": len(moved.get((ProjectEvent.Kind.ANNOUNCED, False), {})),
            "completed": len(moved.get((ProjectEvent.Kind.RETROSPECTED, False), {})),
            "needs_solved": sum(r["prev"] for r in solved),
            "grades": grades["prev"],
            "satisfaction": _percent(grades["prev_ok"], grades["prev"]),
        },
    }

    sections = [_comparison(figures, before)]
    by_theme: dict[str, list] = {}
    by_project: dict[int, dict] = {}
    for s in listed:
        project = s.project
        card = by_project.get(project.pk)
        if card is None:
            card = by_project[project.pk] = {
                "id": project.pk,
                "title": project.title,
                "community": project.community.name,
                "compounds": [],
                "dates": _span(project.start_date, project.end_date),
                "how": "",
                "link": _public_link(project.pk),
                "sessions": [],
                "more_sessions": 0,
                "photos": photos.get(project.pk, []),
            }
            by_theme.setdefault(project.theme, []).append(card)
        if len(card["sessions"]) < SESSIONS_SHOWN:
            card["sessions"].append(_session(s))
        else:
            card["more_sessions"] += 1
    sections += _theme_sections(by_theme, "本月这一类没有举办活动。")
    for key, title, rows in (
        ("started", "本月发布预告的项目", started),
        ("completed", "本月完成复盘的项目", completed),
    ):
        items = [
            {
                "title": r["project__title"],
                "meta": r["project__community__name"],
                "text": "",
                "link": _public_link(r["project_id"]),
            }
            for r in rows.values()
            if r["project__status"] in PUBLIC_STATUSES
        ]
        if items:
            sections.append(_list(key, title, items))
    if figures["needs_solved"]:
        items = [
            {"title": r["need__category__name"], "meta": f"{r['this']} 条", "text": "", "link": ""}
            for r in solved
            if r["this"]
        ]
        sections.append(
            _list(
                "needs",
                f"本月解决居民需求 {figures['needs_solved']} 条",
                items,
                note="按需求类别统计;居民凭回执码可以查看自己所提需求的答复。",
            )
        )
    if grades["this"] or grades["unverified"]:
        rows = [{"label": "核实户评价", "value": grades["this"], "unit": "份"}]
        rows.append({"label": "满意率", "value": figures["satisfaction"], "unit": "%"})
        if grades["unverified"]:
            rows.append({"label": "未核实的现场评价", "value": grades["unverified"], "unit": "份"})
        sections.append(
            {
                "type": "figures",
                "key": "grades",
                "title": "居民批卷子",
                "note": "满意率 = (满意 + 基本满意) ÷ 核实户评价;未核实的现场评价单列。",
                "rows": [{**r, "previous": None, "change": None} for r in rows],
            }
        )
    return figures, sections


# (figure name, label, unit) of the summary's comparison, in print order.
COMPARED = (
    ("sessions", "举办活动", "场"),
    ("participants", "居民参与", "人次"),
    ("volunteers", "志愿服务", "人次"),
    ("volunteer_hours", "合伙人服务时长", "小时"),
    ("photos", "公开活动照片", "张"),
    ("started", "新发布预告的项目", "个"),
    ("completed", "完成复盘的项目", "个"),
    ("needs_solved", "解决居民需求", "条"),
    ("grades", "居民评价(核实户)", "份"),
    ("satisfaction", "满意率", "%"),
)


def _change(now, before):
    if now is None or before is None:
        return None
    diff = now - before
    return round(diff, 1) if isinstance(diff, float) else diff


def _comparison(figures: dict, before: datetime.date) -> dict:
    previous = figures["previous"]
    return {
        "type": "figures",
        "key": "figures",
        "title": "本月数字",
        "note": f"与{before.month}月相比",
        "rows": [
            {
                "label": label,
                "value": figures[name],
                "unit": unit,
                "previous": previous[name],
                "change": _change(figures[name], previous[name]),
            }
            for name, label, unit in COMPARED
        ],
    }


def _list(key: str, title: str, items: list, *, note: str = "", more: int = 0) -> dict:
    return {"type": "list", "key": key, "title": title, "note": note, "items": items, "more": more}


# --- 红色专递 -------------------------------------------------------------------------------------
def _digest(district, month: datetime.date) -> tuple[dict, list]:
    """The district's month for its staff: progress per street, what is stuck or overdue,
    rankings and highlights, the next month's deadlines, then the hooks' sections. A constant
    number of queries (each scoring round published in the month adds three, at most
    ROUNDS_SHOWN rounds)."""
    until = next_month(month)
    since, to = _bounds(month, until)
    now = timezone.now()
    today = timezone.localdate(now)
    projects = Project.objects.alive().filter(community__street__district=district)

    streets = list(Street.objects.filter(district=district).order_by("name", "id"))
    counts: dict[int, dict] = {}
    for row in projects.order_by().values("community__street_id", "status").annotate(n=Count("pk")):
        counts.setdefault(row["community__street_id"], {})[row["status"]] = row["n"]
    held = dict(
        Activity.objects.filter(
            project__in=projects,
            status=Activity.Status.HELD,
            date__gte=month,
            date__lt=until,
        )
        .order_by()
        .values_list("project__community__street_id")
        .annotate(n=Count("pk"))
    )
    labels = dict(Status.choices)
    street_rows = [
        {
            "name": street.name,
            "total": sum(counts.get(street.pk, {}).values()),
            "held": held.get(street.pk, 0),
            "statuses": [
                {"label": str(labels[value]), "n": counts[street.pk][value]}
                for value in Status.values
                if counts.get(street.pk, {}).get(value)
            ],
        }
        for street in streets
    ]
    sections: list[dict] = []
    if streets:
        sections.append(
            {
                "type": "streets",
                "key": "streets",
                "title": "各街道进展",
                "note": f"项目按当前步骤统计;活动为{month.month}月已举办的场次。",
                "streets": street_rows,
            }
        )

    stuck = list(
        projects.filter(status__in=STUCK_STATUSES)
        .select_related("community__street")
        .order_by("status_changed_at", "id")[:LIST_SHOWN]
    )
    if stuck:
        sections.append(
            _list(
                "stuck",
                "停留最久的项目",
                [
                    {
                        "title": p.title,
                        "meta": f"{p.community.street.name} · {p.community.name}",
                        "text": f"{p.get_status_display()},已停留 "
                        f"{(today - timezone.localdate(p.status_changed_at)).days} 天",
                        "link": object_url("projects:detail", p.pk),
                    }
                    for p in stuck
                ],
                note="不含草稿、实施中和已复盘的项目。",
            )
        )

    cutoff = now - datetime.timedelta(days=settings.REVIEW_REMIND_AFTER_DAYS)
    waiting = ReviewRound.objects.waiting().filter(
        project__in=projects.filter(status=Status.SUBMITTED), submitted_at__lte=cutoff
    )
    overdue_reviews = waiting.count()
    if overdue_reviews:
        rows = waiting.select_related("project__community__street").order_by("submitted_at", "id")
        sections.append(
            _list(
                "reviews",
                f"超期未审核的方案 {overdue_reviews} 个",
                [
                    {
                        "title": r.project.title,
                        "meta": f"{r.project.community.street.name} · {r.project.community.name}",
                        "text": f"第 {r.number} 轮,{timezone.localtime(r.submitted_at):%Y-%m-%d} "
                        f"提交,已等待 {(today - timezone.localdate(r.submitted_at)).days} 天",
                        "link": r.get_absolute_url(),
                    }
                    for r in rows[:LIST_SHOWN]
                ],
                note=f"提交后超过 {settings.REVIEW_REMIND_AFTER_DAYS} 天仍未作出决定。",
                more=max(overdue_reviews - LIST_SHOWN, 0),
            )
        )

    supervisions = Supervision.objects.open().filter(project__in=projects)
    tally = supervisions.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
    )
    if tally["open"]:
        rows = supervisions.select_related("project__community__street").order_by("due_date", "id")
        sections.append(
            _list(
                "supervisions",
                f"待回复的督办 {tally['open']} 项,其中超期 {tally['overdue']} 项",
                [
                    {
                        "title": s.project.title,
                        "meta": f"{s.project.community.street.name} · {s.project.community.name}",
                        "text": f"{'已超期' if s.due_date < today else '回复期限'} "
                        f"{s.due_date:%Y-%m-%d}:{_clip(s.question, 80)}",
                        "link": object_url("projects:supervision", s.pk),
                    }
                    for s in rows[:LIST_SHOWN]
                ],
                more=max(tally["open"] - LIST_SHOWN, 0),
            )
        )

    sections += _highlights(district, month, since, to)
    sections.append(_deadlines(projects, supervisions, month))

    for hook in DIGEST_SECTIONS:
        section = hook(district, month)
        if section and (section.get("items") or section.get("rows")):
            sections.append(section)

    figures = {
        "streets": len(streets),
        "projects": sum(r["total"] for r in street_rows),
        "stuck": len(stuck),
        "overdue_reviews": overdue_reviews,
        "open_supervisions": tally["open"],
        "overdue_supervisions": tally["overdue"],
        "sessions": sum(held.values()),
    }
    return figures, sections


def _highlights(district, month, since, to) -> list[dict]:
    """Scoring rounds published in the month with their leaders, the month's best-graded
    projects and the excellent partners the district published."""
    sections = []
    rounds = list(
        Round.objects.filter(
            status=RoundStatus.PUBLISHED, published_at__gte=since, published_at__lt=to
        ).order_by("published_at", "id")[:ROUNDS_SHOWN]
    )
    for round_ in rounds:
        ranked = [r for r in round_ranking(round_) if r.rank is not None][:RANKED_SHOWN]
        if ranked:
            sections.append(
                _list(
                    f"round-{round_.pk}",
                    f"{round_.name}:结果已公布",
                    [
                        {
                            "title": f"第 {r.rank} 名 {r.title}",
                            "meta": f"{r.street} · {r.community}",
                            "text": f"得分 {r.score.score}"
                            + (f",居民满意率 {r.rate}%" if r.rate is not None else ""),
                            "link": object_url("projects:detail", r.project_id),
                        }
                        for r in ranked
                    ],
                    note="前五名",
                )
            )
    verified = Q(household__isnull=False)
    best = list(
        Grade.objects.filter(
            verified,
            project__community__street__district=district,
            project__deleted_at__isnull=True,
            created_at__gte=since,
            created_at__lt=to,
        )
        .order_by()
        .values(
            "project_id",
            "project__title",
            "project__community__name",
            "project__community__street__name",
        )
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(verdict__in=SATISFIED_VERDICTS)))
        .filter(n__gte=BEST_GRADED_MIN)
        .annotate(rate=Cast(F("ok"), FloatField()) / Cast(F("n"), FloatField()))
        .order_by("-rate", "-n", "project_id")[:RANKED_SHOWN]
    )
    if best:
        sections.append(
            _list(
                "best-graded",
                "本月居民评价最好的项目",
                [
                    {
                        "title": r["project__title"],
                        "meta": (
                            f"{r['project__community__street__name']} · "
                            f"{r['project__community__name']}"
                        ),
                        "text": f"核实户评价 {r['n']} 份,满意率 {_percent(r['ok'], r['n'])}%",
                        "link": object_url("projects:detail", r["project_id"]),
                    }
                    for r in best
                ],
                note=f"本月至少 {BEST_GRADED_MIN} 份核实户评价的项目。",
            )
        )
    excellent = list(
        Excellent.objects.filter(
            status=ExcellentStatus.PUBLISHED,
            partner__community__street__district=district,
            published_at__gte=since,
            published_at__lt=to,
        )
        .select_related("partner__community__street")
        .order_by("partner__community__street__name", "partner__name", "id")[: LIST_SHOWN * 3]
    )
    if excellent:
        sections.append(
            _list(
                "excellent",
                "本月公布的优秀幸福家园合伙人",
                [
                    {
                        "title": e.partner.name,
                        "meta": f"{e.partner.community.street.name} · {e.partner.community.name}",
                        "text": f"{e.year} 年度",
                        "link": object_url("partners:excellent_detail", e.pk),
                    }
                    for e in excellent
                ],
            )
        )
    return sections


def _deadlines(projects, supervisions, month: datetime.date) -> dict:
    """What falls due in the month after: 公示 periods ending, 督办 replies, the next
    publications (always something: the publications' own due dates)."""
    ahead = next_month(month)
    after = next_month(ahead)
    dated: list[tuple[datetime.date, int, dict]] = []
    for p in (
        projects.filter(notice_ends_on__gte=ahead, notice_ends_on__lt=after)
        .select_related("community__street")
        .order_by("notice_ends_on", "id")[:LIST_SHOWN]
    ):
        dated.append(
            (
                p.notice_ends_on,
                len(dated),
                {
                    "title": f"{p.notice_ends_on.month}月{p.notice_ends_on.day}日 公示截止",
                    "meta": f"{p.community.street.name} · {p.community.name}",
                    "text": p.title,
                    "link": object_url("projects:detail", p.pk),
                },
            )
        )
    for s in (
        supervisions.filter(due_date__gte=ahead, due_date__lt=after)
        .select_related("project__community__street")
        .order_by("due_date", "id")[:LIST_SHOWN]
    ):
        dated.append(
            (
                s.due_date,
                len(dated),
                {
                    "title": f"{s.due_date.month}月{s.due_date.day}日 督办回复期限",
                    "meta": f"{s.project.community.street.name} · {s.project.community.name}",
                    "text": f"{s.project.title}:{_clip(s.question, 60)}",
                    "link": object_url("projects:supervision", s.pk),
                },
            )
        )
    for day, text in (
        (summary_due(month), f"各街道{month.month}月月末总结签发"),
        (preview_due(after), f"各街道{after.month}月月初预告签发"),
    ):
        item = {"title": f"{day.month}月{day.day}日 {text}", "meta": "", "text": "", "link": ""}
        dated.append((day, len(dated), item))
    dated.sort(key=lambda row: row[:2])
    return _list("deadlines", f"{ahead.month}月的时间节点", [item for _, _, item in dated])
