"""Practical tasks (实事): a community publishes a task, a partner or unit claims it (认领), the
claimant marks it done with a short result and a photo, and done tasks are shown to residents
on the public notice (实事公示).

The lifecycle is one table performed by core.workflow's engine:

    open ──claim──▶ claimed ──done──▶ done
      ▲               │
      └───release─────┘
    open, claimed ──cancel (staff, with the reason)──▶ cancelled
    edit: in place, open tasks only

Claiming locks the task's row, so two claims at once give one claim and one "已被认领" (409).
A cancelled task keeps the reason in `result` (the column that holds a task's outcome).

Residents see the claimant of a done task as a unit's name or a person's masked name ("张**"):
a person's full name is personal data and the notice needs none of it (`public_claimant`).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Community, Street, User
from accounts.roles import Role
from accounts.selectors import people_holding
from core.models import Upload
from core.notifications import notify
from core.privacy import mask_personal
from core.scope import get_visible_or_404
from core.uploads import store_upload
from core.workflow import Action, Conflict, Step, Workflow

from .history import HISTORY_HOOKS, Part
from .models import Partner, PartnerKind, PartnerStatus, PracticalTask, TaskStatus
from .rules_task import partner_community_ids

OPEN, CLAIMED, DONE, CANCELLED = (
    TaskStatus.OPEN,
    TaskStatus.CLAIMED,
    TaskStatus.DONE,
    TaskStatus.CANCELLED,
)
# What a create or an edit may set; the community, the status and the claim never come from a form.
TASK_FIELDS = frozenset({"title", "kind", "description", "date", "place", "compound"})
MAX_HOURS = Decimal("1000")
# A search for a claimant or a nominee lists at most this many partners: search, never list all.
SEARCH_RESULTS = 10
# A partner's page lists their latest tasks; the count and the hours cover all of them.
HISTORY_ROWS = 20
# "My tasks" on a partner's list: those still to do first, then the latest done.
MINE_SHOWN = 30


# --- the workflow table --------------------------------------------------------------------------
def _claim_check(step: Step):
    task, partner = step.obj, step.data.get("partner")
    if partner is None:
        yield "请选择认领的合伙人或共建单位。"
        return
    fresh = Partner.objects.alive().filter(pk=partner.pk).values("community_id", "status").first()
    if fresh is None or fresh["community_id"] != task.community_id:
        yield "只有本社区的合伙人或共建单位可以认领这件实事。"
    elif fresh["status"] != PartnerStatus.ACTIVE:
        yield "该合伙人已停用或退出,不能认领。"


def _claim(step: Step) -> None:
    partner = step.data["partner"]
    step.set(claimed_by=partner, claimed_at=timezone.now())
    step.detail.update({"partner": partner.pk, "on_behalf": partner.user_id != step.by.pk})


def _tell_claim(step: Step) -> None:
    task, partner = step.obj, step.data["partner"]
    if partner.user_id == step.by.pk:
        for person in _community_to_tell(task):
            notify(
                person,
                "task.claimed",
                task,
                title=f"{partner.name} 认领了实事“{task.title}”",
                body=f"{task.date:%Y-%m-%d} {task.place}".strip(),
            )
    elif partner.user_id:
        notify(
            partner.user,
            "task.claimed_for_you",
            task,
            title=f"社区已为你认领实事“{task.title}”",
            body=f"{task.date:%Y-%m-%d} {task.place}".strip(),
        )


def _release(step: Step) -> None:
    task = step.obj
    step.result = task.claimed_by
    reason = str(step.data.get("reason") or "").strip()
    step.detail.update(
        {"partner": task.claimed_by_id, "by_claimant": task.claimed_by.user_id == step.by.pk}
    )
    step.note = reason[:200]
    step.set(claimed_by=None, claimed_at=None)


def _tell_release(step: Step) -> None:
    task, partner = step.obj, step.result
    if partner is None:
        return
    if partner.user_id == step.by.pk:
        for person in _community_to_tell(task):
            notify(
                person,
                "task.released",
                task,
                title=f"{partner.name} 退回了实事“{task.title}”,已重新开放认领",
                body=step.note,
            )
    elif partner.user_id:
        notify(
            partner.user,
            "task.released",
            task,
            title=f"社区已收回你认领的实事“{task.title}”",
            body=step.note,
        )


def _done_check(step: Step):
    data = step.data
    if not str(data.get("result") or "").strip():
        yield "请写明完成情况。"
    hours = data.get("hours")
    if hours is not None and not (Decimal(0) < Decimal(hours) <= MAX_HOURS):
        yield f"服务时长应大于 0、不超过 {MAX_HOURS} 小时。"
    if data.get("photo") and not data.get("photo_consent"):
        yield "上传照片前,请确认照片中的人同意在居民页面公开。"


def _done(step: Step) -> None:
    data, task = step.data, step.obj
    photo = None
    if data.get("photo"):
        # Re-encoded without EXIF (GPS); read by staff through core:file, by residents through
        # the notice's photo view once the task is done.
        photo = store_upload(
            uploaded_file=data["photo"], kind=Upload.Kind.IMAGE, by=step.by, owner=task
        )
    hours = data.get("hours")
    step.set(
        result=str(data["result"]).strip()[:1000],
        hours=hours,
        photo=photo,
        done_at=timezone.now(),
    )
    step.detail.update(
        {
            "partner": task.claimed_by_id,
            "photo": photo.pk if photo else None,
            "hours": str(hours) if hours is not None else None,
        }
    )


def _tell_done(step: Step) -> None:
    task = step.obj
    partner = task.claimed_by
    if partner.user_id == step.by.pk:
        for person in _community_to_tell(task):
            notify(
                person,
                "task.done",
                task,
                title=f"{partner.name} 已完成实事“{task.title}”",
                body=task.result[:200],
            )
    elif partner.user_id:
        notify(
            partner.user,
            "task.done",
            task,
            title=f"社区已将你认领的实事“{task.title}”标记为完成",
            body=task.result[:200],
        )


def _cancel_check(step: Step):
    if not str(step.data.get("reason") or "").strip():
        yield "请写明取消原因。"


def _cancel(step: Step) -> None:
    step.set(result=str(step.data["reason"]).strip()[:1000])
    step.detail["partner"] = step.obj.claimed_by_id


def _tell_cancel(step: Step) -> None:
    task = step.obj
    if step.source == CLAIMED and task.claimed_by.user_id:
        notify(
            task.claimed_by.user,
            "task.cancelled",
            task,
            title=f"你认领的实事“{task.title}”已取消",
            body=task.result[:200],
        )


def _typed(task: PracticalTask, name: str, value):
    """The value as the model's field takes it (typed, choices and validators applied)."""
    field = PracticalTask._meta.get_field(name)
    return value if field.is_relation else field.clean(value, task)


def _edit_check(step: Step):
    task = step.obj
    for name in TASK_FIELDS & set(step.data):
        try:
            value = _typed(task, name, step.data[name])
        except ValidationError as exc:
            label = PracticalTask._meta.get_field(name).verbose_name
            yield from (f"{label}:{m}" for m in exc.messages)
            continue
        if name == "compound" and value is not None and value.community_id != task.community_id:
            yield "请选择本社区的小区。"
        if name == "title" and not str(value).strip():
            yield "请填写实事名称。"


def _edit(step: Step) -> None:
    task = step.obj
    for name in sorted(TASK_FIELDS & set(step.data)):
        value = _typed(task, name, step.data[name])
        current = getattr(task, PracticalTask._meta.get_field(name).attname)
        if current != (value.pk if hasattr(value, "pk") else value):
            step.set(**{name: value})
    step.detail["fields"] = list(step.changed)


class TaskWorkflow(Workflow):
    def conflict(self, action, obj):
        """A claim that comes second hears that somebody was first, in plain words."""
        if action.name == "claim" and self.status_of(obj) in (CLAIMED, DONE):
            return Conflict("这件实事已被认领,请刷新页面看看其他待认领的实事。", code="claimed")
        return super().conflict(action, obj)


TASK_WORKFLOW = TaskWorkflow(
    PracticalTask,
    [
        Action(
            "claim",
            "认领",
            "partners.claim_task",
            frozenset({OPEN}),
            CLAIMED,
            check=_claim_check,
            apply=_claim,
            notify=_tell_claim,
        ),
        Action(
            "release",
            "退回认领",
            "partners.release_task",
            frozenset({CLAIMED}),
            OPEN,
            apply=_release,
            notify=_tell_release,
        ),
        Action(
            "done",
            "标记完成",
            "partners.complete_task",
            frozenset({CLAIMED}),
            DONE,
            check=_done_check,
            apply=_done,
            notify=_tell_done,
        ),
        Action(
            "cancel",
            "取消",
            "partners.change_task",
            frozenset({OPEN, CLAIMED}),
            CANCELLED,
            check=_cancel_check,
            apply=_cancel,
            notify=_tell_cancel,
        ),
        Action(
            "edit",
            "修改",
            "partners.change_task",
            frozenset({OPEN}),
            check=_edit_check,
            apply=_edit,
        ),
    ],
    initial=OPEN,
    noun="实事",
    changed_at_field=None,
)


def _community_to_tell(task: PracticalTask) -> list[User]:
    """Who hears what partners do with a task: the community's secretaries and its publisher."""
    people = {p.pk: p for p in people_holding((Role.SECRETARY,), community=task.community)}
    publisher = task.created_by
    if publisher.is_active:
        people.setdefault(publisher.pk, publisher)
    return list(people.values())


# --- services ------------------------------------------------------------------------------------
def _only(data: dict) -> dict:
    if not set(data) <= TASK_FIELDS:
        raise ValueError(f"fields not writable: {sorted(set(data) - TASK_FIELDS)}")
    return dict(data)


@transaction.atomic
def task_create(*, by: User, community: Community, data: dict) -> PracticalTask:
    """Community staff publish a task (such as 法律援助 on a given date) for partners to claim."""
    if not by.has_perm("partners.add_task", community):
        raise PermissionDenied
    data = _only(data)
    compound = data.get("compound")
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError("请选择本社区的小区。")
    task = PracticalTask(community=community, created_by=by, **data)
    task.title = str(task.title or "").strip()
    task.full_clean(exclude=["community", "created_by", "claimed_by", "photo"])
    task.save()
    TASK_WORKFLOW.created(
        task, by=by, event=None, detail={"community": community.pk, "kind": task.kind}
    )
    return task


def task_update(*, task: PracticalTask, by: User, data: dict) -> PracticalTask:
    """Correct an open task (once claimed, what the claimant agreed to stays)."""
    return TASK_WORKFLOW.perform(task, "edit", by=by, data=_only(data)).obj


def task_claim(*, task: PracticalTask, by: User, partner: Partner | None = None) -> PracticalTask:
    """A partner claims a task of their community for themselves (`partner` None: their own
    profile there), or community staff claim it on behalf of one of the community's partners or
    units. The row is locked: of two claims at once, the second gets a Conflict (409)."""
    if partner is None:
        partner = (
            Partner.objects.alive()
            .filter(user_id=by.pk, community_id=task.community_id, status=PartnerStatus.ACTIVE)
            .order_by("pk")
            .first()
        )
        if partner is None:
            raise PermissionDenied
    elif partner.user_id != by.pk and not by.has_perm("partners.change_task", task):
        raise PermissionDenied
    return TASK_WORKFLOW.perform(task, "claim", by=by, data={"partner": partner}).obj


def task_release(*, task: PracticalTask, by: User, reason: str = "") -> PracticalTask:
    """The claimant gives the task back, or community staff take it back: open again."""
    return TASK_WORKFLOW.perform(task, "release", by=by, data={"reason": reason}).obj


def task_done(
    *,
    task: PracticalTask,
    by: User,
    result: str,
    hours: Decimal | None = None,
    photo=None,
    photo_consent: bool = False,
) -> PracticalTask:
    """The claimant (or community staff) marks the task done with what was done, the hours and
    a photo; the community hears of it, and residents see it on the notice."""
    data = {"result": result, "hours": hours, "photo": photo, "photo_consent": photo_consent}
    return TASK_WORKFLOW.perform(task, "done", by=by, data=data).obj


def task_cancel(*, task: PracticalTask, by: User, reason: str) -> PracticalTask:
    """Community staff cancel an open or claimed task, with the reason the claimant hears."""
    return TASK_WORKFLOW.perform(task, "cancel", by=by, data={"reason": reason}).obj


# --- selectors -----------------------------------------------------------------------------------
def works_with_tasks(user) -> bool:
    """Staff of some community, street or the district: the staff list rather than a partner's."""
    scope = user.scope
    return bool(scope.community_ids() or scope.street_ids() or scope.is_district_business)


def task_get(*, user: User, pk) -> PracticalTask:
    return get_visible_or_404(
        PracticalTask.objects.select_related(
            "community__street", "compound", "claimed_by__category", "created_by", "photo"
        ),
        user,
        pk=pk,
    )


def task_for_claim(*, user: User, pk) -> PracticalTask:
    """The task a claim is posted for. A partner may press 认领 on any task of their communities
    (a stale list): one somebody else took meanwhile answers 409, not 404."""
    ids = partner_community_ids(user)
    if ids:
        found = (
            PracticalTask.objects.filter(pk=pk, community_id__in=ids)
            .select_related("community__street", "compound", "claimed_by__category")
            .first()
        )
        if found is not None:
            return found
    return task_get(user=user, pk=pk)


def task_list(*, user: User, status="", kind="", community=None, month=None):
    """The tasks of the user's scope, newest date first, filtered."""
    tasks = PracticalTask.objects.visible_to(user)
    if status:
        tasks = tasks.filter(status=status)
    if kind:
        tasks = tasks.filter(kind=kind)
    if community is not None:
        tasks = tasks.filter(community=community)
    if month is not None:
        tasks = tasks.filter(date__year=month.year, date__month=month.month)
    return tasks.select_related("community__street", "compound", "claimed_by").order_by(
        "-date", "-id"
    )


def claimed_counts(user: User) -> dict:
    """How many tasks partners and units claimed (认领, done or not) in the user's scope: the
    district by street, a street by community, a community in all. One query."""
    claimed = PracticalTask.objects.visible_to(user).claimed()
    scope = user.scope
    if scope.is_district_business:
        rows = (
            claimed.values(name=F("community__street__name"))
            .annotate(n=Count("id"))
            .order_by("name")
        )
        by, label = list(rows), "街道"
    elif scope.street_ids():
        rows = claimed.values(name=F("community__name")).annotate(n=Count("id")).order_by("name")
        by, label = list(rows), "社区"
    else:
        return {"total": claimed.count(), "by": [], "label": ""}
    return {"total": sum(row["n"] for row in by), "by": by, "label": label}


def partner_open_tasks(user: User):
    """The open tasks of the communities where the user is an active partner, soonest first."""
    return (
        PracticalTask.objects.filter(community_id__in=partner_community_ids(user), status=OPEN)
        .select_related("community", "compound")
        .order_by("date", "id")
    )


def partner_own_tasks(user: User) -> list[PracticalTask]:
    """What the user's partner profiles claimed: those still to do first, then the latest done."""
    to_do_first = Case(
        When(status=CLAIMED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        PracticalTask.objects.filter(claimed_by__user_id=user.pk, status__in=[CLAIMED, DONE])
        .select_related("community", "compound", "claimed_by")
        .order_by(to_do_first, "-date", "-id")[:MINE_SHOWN]
    )


def partner_search(community_id: int, q: str) -> list[Partner]:
    """Up to SEARCH_RESULTS active partners and units of a community whose name holds `q`."""
    q = str(q or "").strip()[:30]
    if not q:
        return []
    return list(
        Partner.objects.alive()
        .active()
        .filter(community_id=community_id, name__icontains=q)
        .select_related("category")
        .order_by("name", "id")[:SEARCH_RESULTS]
    )


def partner_of_community(community_id: int, raw) -> Partner | None:
    """The active partner of the community a posted form names, or None."""
    raw = str(raw or "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    return (
        Partner.objects.alive()
        .active()
        .filter(community_id=community_id, pk=int(raw))
        .select_related("category")
        .first()
    )


# --- the residents' notice (实事公示) --------------------------------------------------------------
def mask_name(name: str) -> str:
    """A person's name as the notice shows it: the surname and two stars, whatever its length."""
    name = str(name or "").strip()
    return f"{name[0]}**" if name else "**"


def public_claimant(partner: Partner | None) -> str:
    """A unit by its name; a person by a masked name."""
    if partner is None:
        return ""
    return partner.name if partner.kind == PartnerKind.ORGANISATION else mask_name(partner.name)


# The task's words residents read: a phone or ID-card number typed into any of them (a claimant's
# "请联系我 138…", a contact in the description) is masked on the notice.
PUBLIC_TEXT = ("title", "place", "description", "result")


def for_the_public(task: PracticalTask) -> PracticalTask:
    """The task as the notice shows it (never saved): the claimant by public name, numbers in
    its words masked."""
    task.claimant_public = public_claimant(task.claimed_by)
    for name in PUBLIC_TEXT:
        setattr(task, name, mask_personal(getattr(task, name)))
    return task


def with_public_names(tasks) -> list[PracticalTask]:
    return [for_the_public(task) for task in tasks]


def notice_list(*, street: Street | None = None, community: Community | None = None):
    """Done tasks, newest first (the `task_done` partial index), of a community, a street or the
    whole district."""
    tasks = PracticalTask.objects.filter(status=DONE)
    if community is not None:
        tasks = tasks.filter(community=community)
    elif street is not None:
        tasks = tasks.filter(community__street=street)
    return tasks.select_related("community__street", "compound", "claimed_by__category").order_by(
        "-done_at", "-id"
    )


def notice_get(pk) -> PracticalTask:
    """A done task for residents; 404 for any other."""
    task = get_object_or_404(
        PracticalTask.objects.filter(status=DONE).select_related(
            "community__street", "compound", "claimed_by__category"
        ),
        pk=pk,
    )
    return for_the_public(task)


def notice_photo(pk) -> Upload | None:
    """The photo of a done task: residents may see it; an open, claimed or cancelled task's
    photo (there is none before done) and any other upload are nobody's business."""
    task = (
        PracticalTask.objects.filter(pk=pk, status=DONE, photo__isnull=False)
        .select_related("photo")
        .first()
    )
    return task.photo if task is not None else None


def place_picked(*, street_id, community_id) -> tuple[Street | None, Community | None]:
    """The street and community picked (a community implies its street); unknown ids: none. A
    community of another street than the one picked is dropped (the plain form sends both)."""
    community = (
        Community.objects.select_related("street").filter(pk=community_id).first()
        if community_id
        else None
    )
    if community is not None and (not street_id or community.street_id == street_id):
        return community.street, community
    street = Street.objects.filter(pk=street_id).first() if street_id else None
    return street, None


def streets() -> list[Street]:
    return list(Street.objects.order_by("name", "id"))


def communities_of(street: Street | None) -> list[Community]:
    return list(street.communities.order_by("name", "id")) if street else []


# --- the partner's record (partners.history) ---------------------------------------------------------
def task_history(partner: Partner) -> Part | None:
    """The tasks a partner claimed, with the hours of those done: two queries."""
    claimed = PracticalTask.objects.filter(claimed_by=partner).claimed()
    totals = claimed.aggregate(count=Count("id"), hours=Sum("hours", filter=Q(status=DONE)))
    if not totals["count"]:
        return None
    rows = list(claimed.select_related("community").order_by("-date", "-id")[:HISTORY_ROWS])
    return Part(
        key="tasks",
        title="认领的实事",
        template="partners/task_history.html",
        rows=rows,
        hours=totals["hours"] or Decimal(0),
        count=totals["count"],
    )


if task_history not in HISTORY_HOOKS:
    HISTORY_HOOKS.append(task_history)
