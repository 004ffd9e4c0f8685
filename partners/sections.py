"""Sections of a partner's page (partners:detail) that other areas of partners/ add.

Each provider takes the request and the partner and returns the context of one section, with its
`template`, or None when it has nothing to show to this user. partners/views.py renders them in
order; an area registers its provider where its views are defined (they are imported by
partners/urls.py before any request).
"""

from collections.abc import Callable

DETAIL_SECTIONS: list[Callable] = []


def detail_sections(request, partner) -> list[dict]:
    return [found for provider in DETAIL_SECTIONS if (found := provider(request, partner))]
