"""How apps above needs hear from it and add to its pages, without needs importing them
(tests/test_layers.py). Each hook list is filled at import time by the app that owns the data
(its AppConfig.ready()).

MERGE_HOOKS: `fn(old, new, by)`, called inside the merge's transaction with both needs locked,
    after needs moved its own rows (mentions, receipts). Each app re-points what it links to the
    old need (projects: the project's needs; surveys: answers; outreach: visits, meetings and
    suggestions), avoiding duplicate links.
ADOPTIONS: `fn(need_ids) -> {need_id: [Adoption, ...]}`, the projects that took up each need, for
    the need's page, the list and the residents' receipt page. One query per hook for any number
    of needs.
NEED_PAGE_ACTIONS: `fn(request, need) -> [(label, url), ...]`, buttons on a need's page that
    belong to another app (projects: 纳入项目 / 以此需求新建项目).
ORIGIN_LINKS: `fn(origins) -> {origin: (label, url)}` for NeedMention.origin values such as
    "outreach.homevisit:12" or "surveys.response:7", so a need's page links each source to its
    record. Each hook answers the origins of its own app (prefix) in one query and ignores others.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Adoption:
    title: str  # the project's name
    url: str  # its staff page
    public_url: str  # its residents' page ("" when it has none yet)


MERGE_HOOKS: list[Callable] = []
ADOPTIONS: list[Callable] = []
NEED_PAGE_ACTIONS: list[Callable] = []
ORIGIN_LINKS: list[Callable] = []


def origin_links(origins) -> dict[str, tuple[str, str]]:
    wanted = sorted({o for o in origins if o})
    found: dict[str, tuple[str, str]] = {}
    if wanted:
        for hook in ORIGIN_LINKS:
            found.update(hook(wanted))
    return found


def adoptions(need_ids) -> dict[int, list[Adoption]]:
    found: dict[int, list[Adoption]] = {}
    ids = list(need_ids)
    if not ids:
        return found
    for hook in ADOPTIONS:
        for need_id, items in hook(ids).items():
            found.setdefault(need_id, []).extend(items)
    return found
