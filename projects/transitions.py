"""Every status change of a project, declared once. Services read this table; nothing else decides."""

from dataclasses import dataclass

from .models import ProjectEvent, Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    permission: str
    event: str
    label: str


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "submit",
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            "projects.submit_project",
            ProjectEvent.Kind.SUBMITTED,
            "提交街道审核",
        ),
        Transition(
            "approve",
            frozenset({Status.SUBMITTED}),
            Status.APPROVED,
            "projects.approve_project",
            ProjectEvent.Kind.APPROVED,
            "批准",
        ),
        Transition(
            "return",
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            "projects.return_project",
            ProjectEvent.Kind.RETURNED,
            "退回修改",
        ),
        Transition(
            "announce",
            frozenset({Status.APPROVED}),
            Status.ANNOUNCED,
            "projects.announce_project",
            ProjectEvent.Kind.ANNOUNCED,
            "发布预告",
        ),
        Transition(
            "start",
            frozenset({Status.ANNOUNCED}),
            Status.IN_PROGRESS,
            "projects.log_activity",
            ProjectEvent.Kind.STARTED,
            "开始实施",
        ),
        Transition(
            "complete",
            frozenset({Status.IN_PROGRESS}),
            Status.COMPLETED,
            "projects.complete_project",
            ProjectEvent.Kind.COMPLETED,
            "完成复盘",
        ),
    ]
}


def allowed_targets() -> dict:
    """status -> set of statuses it may move to (for the database check and the docs)."""
    table: dict = {}
    for t in TRANSITIONS.values():
        for source in t.sources:
            table.setdefault(source, set()).add(t.target)
    return table
