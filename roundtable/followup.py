"""Follow-up of the round table (issue 15, items 5 and 6): what a meeting decided on each topic
(a Resolution: who does what by when), followed until done; a topic set aside or turned into a
need of the community's needs list; and the solved topics, counted per community, street and
district (the seed's "45 problems solved").

Two workflow tables, performed by core/workflow.py's engine (lock → permission 403 → status 409 →
readiness 422 → work → audit):

    TOPIC_FOLLOWUP       resolution_add (OPEN/RESOLVED → RESOLVED), set_aside (OPEN → SET_ASIDE),
                         solve (RESOLVED → SOLVED, when the last resolution is done), to_need
    RESOLUTION_WORKFLOW  edit (OPEN), done (OPEN → DONE)

Services (keyword-only; each checks permission, locks, audits):
    resolution_add(topic=, by=, action=, responsible=, due_on=)          → Resolution
    resolution_edit(resolution=, by=, reason=, action=, responsible=, due_on=) → Resolution
    resolution_done(resolution=, by=, note=)                              → Resolution
    topic_set_aside(topic=, by=, reason=)                                 → Topic
    topic_to_need(topic=, by=, category=None)                             → needs.Need
Reads: overdue_resolutions(user), resolution_list(user, …), solved_counts(user=None, district=None),
followup_figures(user), topic_panel(topic, user).

The partners a resolution names are text, not accounts: nobody is notified here (the meetings
area reminds the community's staff when a resolution falls due).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.privacy import mask_personal
from core.workflow import Action, Conflict, Step, Workflow, stamp
from needs.models import Category, Need
from needs.services import need_create

from .models import (
    PostStatus,
    Resolution,
    ResolutionStatus,
    Topic,
    TopicStatus,
)

# A resolution may be typed up for this many days after the meeting was closed (the secretary
# writes up the sign-in sheet and the minutes the week after).
TYPE_UP_DAYS = 7
# How far ahead a resolution's due date may lie.
LONGEST_DUE = datetime.timedelta(days=366)
# The need a topic becomes falls in this category unless staff pick another (a round table's
# questions are mostly about living together: noise, parking, pets).
DEFAULT_NEED_CATEGORY = "neighbourhood"
ORIGIN_PREFIX = "roundtable.topic:"


# --- readiness checks ------------------------------------------------------------------------------
def decide_window(topic, today=None) -> str:
    """Why a resolution cannot be recorded on the topic's meeting today ("" when it can): it is
    decided at the meeting, so from its day on, and typed up until TYPE_UP_DAYS after closing."""
    today = today or timezone.localdate()
    meeting = topic.meeting
    if today < meeting.date:
        return f"圆桌会于{meeting.date:%Y年%-m月%-d日}召开,会上形成决议后再记录。"
    if meeting.status == meeting.Status.CLOSED:
        closed_on = timezone.localdate(meeting.closed_at) if meeting.closed_at else meeting.date
        if today > closed_on + datetime.timedelta(days=TYPE_UP_DAYS):
            return (
                f"圆桌会已于{closed_on:%Y年%-m月%-d日}闭会,闭会 {TYPE_UP_DAYS} 天后不能再补记决议。"
            )
    return ""


def _text(data: dict, name: str, label: str, max_length: int) -> tuple[str, list[str]]:
    value = data.get(name)
    value = " ".join(str(value).split()) if isinstance(value, str) else ""
    if not value:
        return "", [f"请填写{label}。"]
    if len(value) > max_length:
        return value, [f"{label}最多 {max_length} 个字。"]
    return value, []


def due_date_problems(due_on, today=None) -> list[str]:
    """A due date must be a date from today to a year ahead."""
    today = today or timezone.localdate()
    if not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
        return ["请填写完成时限(日期)。"]
    if due_on < today:
        return ["完成时限不能早于今天。"]
    if due_on > today + LONGEST_DUE:
        return ["完成时限不能超过一年。"]
    return []


def _resolution_fields(data: dict) -> tuple[dict, list[str]]:
    """The cleaned action, responsible and due date of a resolution, and what is wrong."""
    action, wrong = _text(data, "action", "做什么", 200)
    responsible, more = _text(data, "responsible", "谁来做", 60)
    wrong += more + due_date_problems(data.get("due_on"))
    return {"action": action, "responsible": responsible, "due_on": data.get("due_on")}, wrong


def _check_add(step: Step):
    topic = step.obj
    if topic.moderation != PostStatus.PUBLISHED:
        yield "议题尚未公开(待审核或已隐藏),不能记录决议。"
        return
    if reason := decide_window(topic):
        if topic.meeting.status == topic.meeting.Status.CLOSED:
            raise Conflict(reason, code="closed")
        yield reason
        return
    cleaned, wrong = _resolution_fields(step.data)
    step.data.update(cleaned)
    yield from wrong


def _add(step: Step) -> None:
    data = step.data
    step.result = Resolution.objects.create(
        topic=step.obj,
        action=data["action"],
        responsible=data["responsible"],
        due_on=data["due_on"],
        created_by=step.by,
    )
    step.detail.update({"resolution": step.result.pk, "due_on": data["due_on"].isoformat()})


def _check_reason(step: Step):
    reason, wrong = _text(step.data, "reason", "理由", 200)
    step.data["reason"] = reason
    yield from wrong


def _set_aside(step: Step) -> None:
    # The topic has no column for it: the audit row keeps the reason and the panel reads it back.
    step.detail["reason"] = mask_personal(step.data["reason"])


def _check_to_need(step: Step):
    topic = step.obj
    if topic.need_id is not None:
        title = Need.objects.filter(pk=topic.need_id).values_list("title", flat=True).first()
        raise Conflict(f"该议题已转为需求“{title or topic.need_id}”,不能重复转入。", code="twice")
    if topic.moderation != PostStatus.PUBLISHED:
        yield "议题尚未公开(待审核或已隐藏),不能转为需求。"


def _to_need(step: Step) -> None:
    topic = step.obj
    community = topic.community
    compound = None
    if topic.participant_id is not None:
        compound = topic.participant.compound
        if compound is not None and compound.community_id != community.pk:
            compound = None
    meeting = topic.meeting
    link = (
        f"—— 来自{community.name}{meeting.date:%Y年%-m月%-d日}圆桌会议题“{topic.title}”,"
        f"附议 {topic.supports} 人。"
    )
    room = Need._meta.get_field("description").max_length - len(link) - 2
    body = topic.body if len(topic.body) <= room else topic.body[: room - 1] + "…"
    need = need_create(
        by=step.by,
        community=community,
        data={
            "title": topic.title,
            "category": step.data.get("category") or default_need_category(),
            "source": Need.Source.ROUND_TABLE,
            "description": f"{body}\n\n{link}",
            "compound": compound,
            "mentions": 1 + topic.supports,
        },
        origin=f"{ORIGIN_PREFIX}{topic.pk}",
    )
    step.set(need=need)
    step.detail["need"] = need.pk
    step.result = need


def default_need_category():
    """The category a topic's need falls in unless staff pick one: 邻里关系 while it is active,
    else the district's first active category."""
    active = Category.objects.filter(active=True)
    found = active.filter(code=DEFAULT_NEED_CATEGORY).first() or active.order_by("order").first()
    if found is None:
        raise ValidationError("需求类别表为空,请区级工作人员先设置需求类别。")
    return found


TOPIC_FOLLOWUP = Workflow(
    Topic,
    [
        Action(
            "resolution_add",
            "记录决议",
            "roundtable.add_resolution",
            frozenset({TopicStatus.OPEN, TopicStatus.RESOLVED}),
            target=TopicStatus.RESOLVED,
            check=_check_add,
            apply=_add,
        ),
        Action(
            "set_aside",
            "暂不讨论",
            "roundtable.set_aside_topic",
            frozenset({TopicStatus.OPEN}),
            target=TopicStatus.SET_ASIDE,
            check=_check_reason,
            apply=_set_aside,
        ),
        # Performed by resolution_done when the topic's last open resolution is done.
        Action(
            "solve",
            "标记为已解决",
            "roundtable.finish_resolution",
            frozenset({TopicStatus.RESOLVED}),
            target=TopicStatus.SOLVED,
            apply=stamp("solved_at"),
        ),
        Action(
            "to_need",
            "转为需求",
            "roundtable.topic_to_need",
            frozenset(TopicStatus.values),
            check=_check_to_need,
            apply=_to_need,
        ),
    ],
    initial=TopicStatus.OPEN,
    noun="议题",
)


def _check_edit(step: Step):
    reason, wrong = _text(step.data, "reason", "修改理由", 200)
    step.data["reason"] = reason
    current, data = step.obj, step.data
    action, more = _text({"action": data.get("action") or current.action}, "action", "做什么", 200)
    wrong += more
    responsible, more = _text(
        {"responsible": data.get("responsible") or current.responsible}, "responsible", "谁来做", 60
    )
    wrong += more
    due_on = data.get("due_on") or current.due_on
    if due_on != current.due_on:  # an overdue one may be corrected without moving its date
        wrong += due_date_problems(due_on)
    data["cleaned"] = {"action": action, "responsible": responsible, "due_on": due_on}
    if not wrong and all(getattr(current, k) == v for k, v in data["cleaned"].items()):
        wrong.append("决议内容和完成时限都没有改动。")
    yield from wrong


def _edit(step: Step) -> None:
    resolution = step.obj
    changed = {
        name: value
        for name, value in step.data["cleaned"].items()
        if getattr(resolution, name) != value
    }
    if "due_on" in changed:
        step.detail["due_on"] = [resolution.due_on.isoformat(), changed["due_on"].isoformat()]
    step.detail["changed"] = sorted(changed)
    step.detail["reason"] = mask_personal(step.data["reason"])
    step.set(**changed)


def _check_done(step: Step):
    note, wrong = _text(step.data, "note", "办结情况", 300)
    step.data["note"] = note
    yield from wrong


def _done(step: Step) -> None:
    step.set(done_note=step.data["note"], done_at=timezone.now(), done_by=step.by)


RESOLUTION_WORKFLOW = Workflow(
    Resolution,
    [
        Action(
            "edit",
            "修改",
            "roundtable.edit_resolution",
            frozenset({ResolutionStatus.OPEN}),
            check=_check_edit,
            apply=_edit,
        ),
        Action(
            "done",
            "办结",
            "roundtable.finish_resolution",
            frozenset({ResolutionStatus.OPEN}),
            target=ResolutionStatus.DONE,
            check=_check_done,
            apply=_done,
        ),
    ],
    initial=ResolutionStatus.OPEN,
    noun="决议",
    changed_at_field=None,
)


# --- services ------------------------------------------------------------------------------------
def resolution_add(*, topic, by, action: str, responsible: str, due_on) -> Resolution:
    """Record what the meeting decided on a topic; the topic becomes 已形成决议."""
    data = {"action": action, "responsible": responsible, "due_on": due_on}
    return TOPIC_FOLLOWUP.perform(topic, "resolution_add", by=by, data=data).result


def resolution_edit(
    *, resolution, by, reason: str, action: str = "", responsible: str = "", due_on=None
) -> Resolution:
    """Correct an open resolution's text or move its due date, with the reason kept in the audit
    log (the meeting decided it: a change must say why)."""
    data = {"reason": reason, "action": action, "responsible": responsible, "due_on": due_on}
    return RESOLUTION_WORKFLOW.perform(resolution, "edit", by=by, data=data).obj


def resolution_done(*, resolution, by, note: str) -> Resolution:
    """Mark a resolution done with how it was done; the topic is solved with its last one."""
    with transaction.atomic():
        # The topic first: two of its resolutions done at once must not both see the other
        # still open and leave the topic unsolved.
        topic = Topic.objects.select_for_update().get(pk=resolution.topic_id)
        done = RESOLUTION_WORKFLOW.perform(resolution, "done", by=by, data={"note": note}).obj
        still_open = Resolution.objects.filter(topic_id=topic.pk, status=ResolutionStatus.OPEN)
        if TOPIC_FOLLOWUP.allows(TOPIC_FOLLOWUP["solve"], topic) and not still_open.exists():
            TOPIC_FOLLOWUP.perform(topic, "solve", by=by)
        return done


def topic_set_aside(*, topic, by, reason: str) -> Topic:
    """暂不讨论: a duplicate or a question outside the round table, with the reason shown on it."""
    return TOPIC_FOLLOWUP.perform(topic, "set_aside", by=by, data={"reason": reason}).obj


def topic_to_need(*, topic, by, category=None):
    """Turn the topic into a need of the community's needs list in one step (source 圆桌会,
    counted once for the proposer and once per supporter), linked both ways: the topic keeps the
    need, the need's first source keeps the topic (its page links back through
    roundtable/hooks.py). A second call is refused, naming the need."""
    return TOPIC_FOLLOWUP.perform(topic, "to_need", by=by, data={"category": category}).result


# --- reads ---------------------------------------------------------------------------------------
def overdue_resolutions(user, today=None):
    """Open resolutions past their due date in the user's scope, the longest overdue first."""
    return (
        Resolution.objects.visible_to(user)
        .overdue(today)
        .select_related("topic__community__street")
        .order_by("due_on", "id")
    )


STATES = {
    "open": "办理中",
    "overdue": "已超期",
    "done": "已办结",
}


def resolution_list(user, *, state: str = "", community: int | None = None, street=None):
    """The follow-up list in scope: open resolutions first (the longest overdue at the top),
    then the done ones; each row with its topic, community and street."""
    rows = Resolution.objects.visible_to(user)
    if state == "open":
        rows = rows.filter(status=ResolutionStatus.OPEN)
    elif state == "overdue":
        rows = rows.overdue()
    elif state == "done":
        rows = rows.filter(status=ResolutionStatus.DONE)
    if community:
        rows = rows.filter(topic__community_id=community)
    if street:
        rows = rows.filter(topic__community__street_id=street)
    # "open" sorts after "done": descending puts what is still to do first.
    return rows.select_related("topic__community__street").order_by("-status", "due_on", "id")


@dataclass(frozen=True)
class SolvedCounts:
    """Solved topics per community, per street and in total (of what the caller may see)."""

    total: int = 0
    # (street id, street name, n) and (community id, community name, street id, n), by name
    streets: list = field(default_factory=list)
    communities: list = field(default_factory=list)

    def community(self, community_id) -> int:
        return next((n for pk, _, _, n in self.communities if pk == community_id), 0)

    def street(self, street_id) -> int:
        return next((n for pk, _, n in self.streets if pk == street_id), 0)


def solved_counts(user=None, *, district=None) -> SolvedCounts:
    """Solved topics per community, street and district in one grouped query. With a user, of
    their scope (community staff: their community; street: its communities; district: all);
    without one, everyone's (the residents' pages: the figure is public)."""
    topics = Topic.objects.filter(status=TopicStatus.SOLVED)
    if user is not None:
        topics = topics.visible_to(user)
    if district is not None:
        topics = topics.filter(community__street__district=district)
    grouped = (
        topics.order_by()
        .values(
            "community_id", "community__name", "community__street_id", "community__street__name"
        )
        .annotate(n=Count("pk"))
    )
    communities, streets, names = [], {}, {}
    for row in grouped:
        street_id = row["community__street_id"]
        communities.append((row["community_id"], row["community__name"], street_id, row["n"]))
        streets[street_id] = streets.get(street_id, 0) + row["n"]
        names[street_id] = row["community__street__name"]
    return SolvedCounts(
        total=sum(streets.values()),
        streets=sorted(((pk, names[pk], n) for pk, n in streets.items()), key=lambda r: r[1]),
        communities=sorted(communities, key=lambda r: (r[1], r[0])),
    )


def followup_figures(user, today=None) -> dict:
    """The street's and the district's home figures: overdue resolutions and solved topics in
    scope (one query)."""
    today = today or timezone.localdate()
    return Topic.objects.visible_to(user).aggregate(
        solved=Count("pk", filter=Q(status=TopicStatus.SOLVED), distinct=True),
        overdue=Count(
            "resolutions",
            filter=Q(resolutions__status=ResolutionStatus.OPEN, resolutions__due_on__lt=today),
        ),
    )


def set_aside_reason(topic) -> str:
    """Why the topic was set aside, as the audit log keeps it (the topic has no column for it)."""
    detail = (
        AuditEvent.objects.filter(
            action="topic.set_aside", object_type="roundtable.topic", object_id=str(topic.pk)
        )
        .order_by("-at")
        .values_list("detail", flat=True)
        .first()
    )
    return (detail or {}).get("reason", "")


def topic_panel(topic, user) -> dict:
    """What the staff topic page shows of the topic's follow-up (its resolutions, and the forms
    the user may use): the context of roundtable/followup/_topic_panel.html. Constant in queries:
    the resolutions in one, the need's title, the set-aside reason and the categories only when
    shown."""
    from .followup_forms import (
        ResolutionDoneForm,
        ResolutionForm,
        SetAsideForm,
        ToNeedForm,
    )

    today = timezone.localdate()
    resolutions = list(Resolution.objects.filter(topic_id=topic.pk).order_by("due_on", "id"))
    can = TOPIC_FOLLOWUP.available(user, topic)
    may_finish = user.has_perm("roundtable.finish_resolution", topic)
    need = None
    if topic.need_id is not None:
        title = Need.objects.filter(pk=topic.need_id).values_list("title", flat=True).first()
        need = {
            "title": title or "(需求已删除)",
            "url": reverse("needs:detail", args=[topic.need_id]),
        }
    window = decide_window(topic, today) if can["resolution_add"] else ""
    add = can["resolution_add"] and not window and topic.moderation == PostStatus.PUBLISHED
    to_need = can["to_need"] and topic.need_id is None and topic.moderation == PostStatus.PUBLISHED
    return {
        "topic": topic,
        "today": today,
        "resolutions": [
            {
                "obj": r,
                "overdue": r.is_overdue(today),
                "days_overdue": (today - r.due_on).days,
                "may_finish": may_finish and r.status == ResolutionStatus.OPEN,
            }
            for r in resolutions
        ],
        "open_count": sum(1 for r in resolutions if r.status == ResolutionStatus.OPEN),
        "can_add": add,
        "window": window,
        "can_set_aside": can["set_aside"],
        "can_to_need": to_need,
        "need": need,
        "set_aside_reason": set_aside_reason(topic)
        if topic.status == TopicStatus.SET_ASIDE
        else "",
        "add_form": ResolutionForm() if add else None,
        "done_form": ResolutionDoneForm() if may_finish else None,
        "set_aside_form": SetAsideForm() if can["set_aside"] else None,
        "to_need_form": ToNeedForm(categories=Category.objects.filter(active=True))
        if to_need
        else None,
        "read_only": not (add or may_finish or can["set_aside"] or to_need),
    }
