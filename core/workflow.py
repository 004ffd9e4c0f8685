"""One workflow engine for every model with a lifecycle.

A model declares its actions in one table (`Workflow([...Action...])`): the action's name, the
statuses it may start from, the status it moves to (or none, for in-place actions such as edit,
comment or log an activity), the permission it needs, the timeline event it writes, a readiness
check, its own work and who hears of it. `Workflow.perform()` is the only way an action happens:

    lock the row → permission on the locked row (403) → status (409) → readiness (422 with the
    reasons) → the action's work → save with update_fields → timeline event + audit row →
    notifications (inbox rows in the transaction, e-mail queued on commit by core.notifications)

`Workflow.available()` answers the same questions without acting, for the buttons on a page.
Rules answer "may this role do this to this object"; the table answers "may it happen in this
status"; nothing else decides either. Copy `projects/workflow.py` for a new model.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from .audit import audit


class Conflict(ValidationError):
    """The object is not, or no longer, in a status that allows the action (HTTP 409)."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the verb in Chinese: "不能{label}"
    permission: str  # a rule on the object (role × object), never a status test
    sources: frozenset  # the statuses it may start from
    target: str | None = None  # the status it moves to; None: the status stays
    event: str | None = None  # the timeline entry it writes
    fields: tuple = ()  # fields of the row the caller may set through `data`
    check: Callable[["Step"], Iterable[str]] | None = None  # why it cannot happen yet (422)
    apply: Callable[["Step"], None] | None = None  # its own work, on the locked row
    notify: Callable[["Step"], None] | None = None  # who hears of it
    prelude: str | None = None  # an action performed first whenever the row's status allows it
    on_deleted: bool = False  # acts on a soft-deleted row (restore) rather than a live one


@dataclass
class Step:
    """One performance of an action: what check, apply and notify read and fill."""

    action: Action
    obj: models.Model  # the locked row
    by: Any
    data: dict
    source: str  # the status before this action
    note: str = ""  # the timeline entry's text
    detail: dict = field(default_factory=dict)  # ids and masked values for the audit row
    result: Any = None  # what apply made (an activity, say), returned to the caller
    changed: list = field(default_factory=list)

    def set(self, **values) -> None:
        """Change fields of the locked row; they are saved with update_fields."""
        for name, value in values.items():
            setattr(self.obj, name, value)
            if name not in self.changed:
                self.changed.append(name)


class Workflow:
    """The actions of one model, and the engine that performs them."""

    def __init__(
        self,
        model,
        actions: Iterable[Action],
        *,
        initial: str,
        timeline: Callable[[Step], None] | None = None,
        noun: str | None = None,
        status_field: str = "status",
        changed_at_field: str | None = "status_changed_at",
    ):
        self.model = model
        self.actions = {a.name: a for a in actions}
        self.initial = initial
        self.timeline = timeline
        self.noun = noun or str(model._meta.verbose_name)
        self.status_field = status_field
        self.changed_at_field = changed_at_field
        self._auto_now = [
            f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
        ]
        for action in self.actions.values():
            if action.prelude and action.prelude not in self.actions:
                raise ValueError(f"{action.name}: unknown prelude {action.prelude!r}")

    def __getitem__(self, name: str) -> Action:
        return self.actions[name]

    def __iter__(self):
        return iter(self.actions.values())

    # --- reading the table -----------------------------------------------------------------
    def status_of(self, obj) -> str:
        return getattr(obj, self.status_field)

    def allows(self, action: Action, obj) -> bool:
        """The table's answer alone: may this action start from the object's status?"""
        deleted = getattr(obj, "deleted_at", None) is not None
        return self.status_of(obj) in action.sources and deleted == action.on_deleted

    def available(self, user, obj) -> dict[str, bool]:
        """name → may this user take this action now (permission and status; not readiness,
        whose reasons the user sees on pressing the button). No query beyond what the rules
        need, so a list page asking for each row stays constant in queries."""
        return {
            name: self.allows(action, obj) and user.has_perm(action.permission, obj)
            for name, action in self.actions.items()
        }

    def graph(self) -> dict[str, set[str]]:
        """status → the statuses an action may move it to."""
        table: dict[str, set[str]] = {}
        for action in self.actions.values():
            if action.target:
                for source in action.sources:
                    table.setdefault(source, set()).add(action.target)
        return table

    def reachable_from(self, status: str, *, avoiding=frozenset()) -> frozenset:
        """The status itself and every status actions can move it on to, never entering a
        status of `avoiding` (a way back, such as a project sent back to be edited)."""
        graph, seen, todo = self.graph(), {status}, [status]
        while todo:
            for target in graph.get(todo.pop(), ()):
                if target not in seen and target not in avoiding:
                    seen.add(target)
                    todo.append(target)
        return frozenset(seen)

    def actions_writing(self, event: str) -> list[Action]:
        """The actions whose timeline entry is `event` (to replay a history against the table)."""
        return [a for a in self.actions.values() if a.event == event]

    # --- refusing --------------------------------------------------------------------------
    def conflict(self, action: Action, obj) -> Conflict:
        if getattr(obj, "deleted_at", None) is not None and not action.on_deleted:
            return Conflict(f"该{self.noun}已被删除,不能{action.label}。", code="deleted")
        shown = getattr(obj, f"get_{self.status_field}_display")()
        return Conflict(
            f"该{self.noun}当前状态为“{shown}”,不能{action.label}。请刷新页面查看最新情况。",
            code="status",
        )

    def admit(self, user, obj, name: str) -> Action:
        """Raise PermissionDenied (403) or Conflict (409) unless the user may take the action
        now; the permission comes first, so a 409 never tells an outsider anything."""
        action = self.actions[name]
        if not user.has_perm(action.permission, obj):
            raise PermissionDenied
        if not self.allows(action, obj):
            raise self.conflict(action, obj)
        return action

    # --- acting ----------------------------------------------------------------------------
    def perform(self, obj, name: str, *, by, data: dict | None = None) -> Step:
        """Perform one action on the row behind `obj`. Raises PermissionDenied, Conflict or
        ValidationError (the reasons) and then changes nothing."""
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            action = self.admit(by, locked, name)
            data = dict(data or {})
            prelude = self.actions.get(action.prelude) if action.prelude else None
            if prelude is not None and self.allows(prelude, locked):
                self._run(self.admit(by, locked, prelude.name), locked, by, {})
            return self._run(action, locked, by, data)

    def created(self, obj, *, by, event: str | None, note: str = "", detail=None) -> None:
        """Record a new row: its first timeline entry and its audit row."""
        step = Step(
            Action("create", "创建", "", frozenset(), event=event),
            obj,
            by,
            {},
            self.status_of(obj),
            note=note,
            detail=dict(detail or {}),
        )
        if event and self.timeline:
            self.timeline(step)
        audit(actor=by, action=f"{obj._meta.model_name}.create", obj=obj, detail=step.detail)

    def _run(self, action: Action, locked, by, data: dict) -> Step:
        step = Step(action, locked, by, data, self.status_of(locked), note=data.get("note", ""))
        for name in action.fields:
            if name in data:
                step.set(**{name: _cleaned(locked, name, data[name])})
        if action.check is not None and (reasons := list(action.check(step))):
            raise ValidationError(reasons, code="not_ready")
        if action.apply is not None:
            action.apply(step)
        if action.target is not None and action.target != step.source:
            step.set(**{self.status_field: action.target})
            if self.changed_at_field:
                step.set(**{self.changed_at_field: timezone.now()})
        if step.changed:
            locked.save(update_fields=[*step.changed, *self._auto_now])
        if action.event and self.timeline:
            self.timeline(step)
        detail = dict(step.detail)
        if action.target is not None:
            detail.update({"from": step.source, "to": self.status_of(locked)})
        audit(
            actor=by, action=f"{locked._meta.model_name}.{action.name}", obj=locked, detail=detail
        )
        if action.notify is not None:
            action.notify(step)
        return step


def _cleaned(obj, name: str, value):
    """A value for a field as the model's own field would take it: typed ("2026-12-01" becomes a
    date), choices and validators applied (date bounds, minimums), before any check."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        return value
    try:
        return field.clean(value, obj)
    except ValidationError as exc:
        raise ValidationError([f"{field.verbose_name}:{m}" for m in exc.messages]) from exc


# --- work shared by many tables ---------------------------------------------------------------
def mark_deleted(step: Step) -> None:
    """apply= of a soft delete (the row must be a core.models.SoftDeleteModel)."""
    step.set(deleted_at=timezone.now())


def mark_restored(step: Step) -> None:
    """apply= of a restore from the trash (with on_deleted=True)."""
    step.set(deleted_at=None)


def stamp(field_name: str):
    """apply= that records when the action happened in `field_name`."""

    def apply(step: Step) -> None:
        step.set(**{field_name: timezone.now()})

    return apply
