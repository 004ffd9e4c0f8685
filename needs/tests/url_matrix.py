"""needs/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Whoever works with needs reads the list, its charts and export, and the category list; the need's
own community changes it (edit, status, mentions, merge, delete); the street and the district read
only; district staff keep the categories. Residents look a receipt up on /p/receipts/."""

from tests.url_matrix import ONCE, everyone, row, scoped

READERS = {"community_staff": 200, "street_group": 200, "district_business": 200}

MATRIX = {
    "needs:list": {"GET": row(403, **READERS)},
    "needs:charts": {"GET": row(403, **READERS)},
    "needs:breakdown": {"GET": row(403, **READERS)},
    "needs:export": {"GET": row(403, **READERS)},
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
    "needs:edit": {
        "kwargs": "need",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "needs:edit@valid": {
        "kwargs": "need",
        "data": {"title": "楼道灯不亮", "category": "environment", "compound": ""},
        "POST": scoped(community_staff=302),
    },
    "needs:delete": {
        "kwargs": "need",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=302),
    },
    "needs:status": {
        "kwargs": "need",
        "GET": everyone(405),
        "POST": scoped(community_staff=422),
    },
    "needs:status@valid": {
        "kwargs": "need",
        "data": {"action": "study", "note": ""},
        "POST": scoped(community_staff=302),
    },
    # Declining without the reason residents read is refused.
    "needs:status@no_reason": {
        "kwargs": "need",
        "data": {"action": "decline", "note": ""},
        "POST": scoped(community_staff=422),
    },
    "needs:mention": {
        "kwargs": "need",
        "GET": everyone(405),
        "POST": scoped(community_staff=422),
    },
    "needs:mention@valid": {
        "kwargs": "need",
        "data": {"once": ONCE, "source": "round_table", "count": "3", "noted_on": "@today"},
        "POST": scoped(community_staff=302),
    },
    "needs:merge": {
        "kwargs": "need",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "needs:merge@valid": {
        "kwargs": "need",
        "data": {"into": "@need_other"},
        "POST": scoped(community_staff=302),
    },
    # The district keeps the categories; everybody who works with needs reads them.
    "needs:categories": {
        "GET": row(403, **READERS),
        "POST": row(403, district_business=422),
    },
    "needs:categories@valid": {
        "data": {"op": "add", "name": "安全隐患"},
        "POST": row(403, district_business=302),
    },
    # Residents' receipt lookup: no account; a missing or wrong code is 422 for everybody.
    "needs_public:receipt": {"GET": everyone(200), "POST": everyone(422)},
}
