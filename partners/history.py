"""A partner's service record: what they did for their community, from every app that knows.

`partners` never imports `projects`; the layers above add their part through `HISTORY_HOOKS`
(projects/ registers the projects a partner is linked to, their contributions and the hours of
the sessions they volunteered at). Each hook takes the partner and returns a `Part` or None.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Partner


@dataclass
class Part:
    """One app's share of a partner's record, shown as one section of the partner's page."""

    key: str  # "projects", "tasks" …
    title: str  # the section's heading
    template: str  # renders `part`
    rows: list = field(default_factory=list)
    hours: Decimal = Decimal(0)  # volunteer hours counted in this part
    count: int = 0  # how many (projects, tasks …)


@dataclass
class History:
    partner: Partner
    parts: list[Part]

    @property
    def hours(self) -> Decimal:
        return sum((part.hours for part in self.parts), Decimal(0))


HISTORY_HOOKS: list[Callable[[Partner], Part | None]] = []


def partner_history(partner: Partner) -> History:
    """The partner's record from every registered app, in registration order."""
    parts = [part for hook in HISTORY_HOOKS if (part := hook(partner)) is not None]
    return History(partner=partner, parts=parts)
