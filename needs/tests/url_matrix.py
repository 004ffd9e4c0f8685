"""needs/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from tests.url_matrix import ONCE, logged_in, row, scoped

MATRIX = {
    "needs:list": {"GET": logged_in(200)},
    # Any community's staff record needs in their own community; an empty form is refused.
    "needs:create": {
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "needs:create@valid": {
        "data": {
            "once": ONCE,
            "title": "3号楼楼道灯不亮",
            "category": "environment",
            "source": "suggestion_box",
            "mentions": "3",
        },
        "POST": row(403, community_staff=302),
    },
    "needs:detail": {"kwargs": "need", "GET": scoped(200)},
}
