"""library/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

One library every community reads: community staff, the street's group and district staff open
the tree, its items, library projects and the guidance; community staff start projects from it;
the street's 组长 and members nominate their street's completed projects; district staff decide,
keep the write-ups and the guidance. Residents read /p/library/ without an account. The matrix's
objects are 国奥社区's (street A): a library project, a pending and a declined nomination, a
completed project nobody nominated yet, and a guidance page.
"""

from tests.url_matrix import ONCE, everyone, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
PUBLIC = row(200, anon=200)
START = {"once": ONCE, "title": "借鉴来的新项目"}
WRITE_UP = {
    "item": "@library_item",
    "reason": "居民参与度高,做法可复制。",
    "case_study": "背景:邻里陌生。\n做法:长桌宴。\n成效:参与 300 人次。",
    "photo": "",
}
NOMINATE = {
    "once": ONCE,
    "project": "@nominable",
    "item": "@library_item",
    "reason": "连续三年举办,居民自己组织。",
}
GUIDANCE = {
    "kind": "guide",
    "title": "拓展社区服务场景工作指南(修订)",
    "issued_on": "2026-03-01",
    "body": "第一条 服务走出室内。",
    "order": "1",
}
# The street's 组长 and members recommend (their own street's projects; street B's 组长 finds
# none of street A's in the list: 422).
RECOMMENDERS = {"street": 200, "member": 200, "street_b": 200}

MATRIX = {
    "library:tree": {"GET": row(403, **READ)},
    "library:item": {"kwargs": "library_item", "GET": row(403, **READ)},
    "library:item_start": {
        "kwargs": "library_item",
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "library:item_start@valid": {
        "kwargs": "library_item",
        "data": START,
        "POST": row(403, community_staff=302),
    },
    "library:entry": {"kwargs": "library_entry", "GET": row(403, **READ)},
    "library:entry_clone": {
        "kwargs": "library_entry",
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "library:entry_clone@valid": {
        "kwargs": "library_entry",
        "data": START,
        "POST": row(403, community_staff=302),
    },
    "library:entry_edit": {
        "kwargs": "library_entry",
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "library:entry_edit@valid": {
        "kwargs": "library_entry",
        "data": WRITE_UP,
        "POST": row(403, district_business=302),
    },
    "library:nomination_list": {"GET": row(403, street_group=200, district_business=200)},
    "library:nomination_list@pending": {
        "query": {"status": "pending"},
        "GET": row(403, street_group=200, district_business=200),
    },
    "library:nomination_create": {
        "GET": row(403, **RECOMMENDERS),
        "POST": row(403, street=422, member=422, street_b=422),
    },
    "library:nomination_create@valid": {
        "data": NOMINATE,
        "POST": row(403, street=302, member=302, street_b=422),
    },
    "library:nomination": {
        "kwargs": "nomination",
        "GET": scoped(street_group=200, district_business=200),
    },
    "library:nomination_select": {
        "kwargs": "nomination",
        "data": WRITE_UP,
        "GET": everyone(405),
        "POST": scoped(district_business=302),
    },
    # Declined already: nothing to select (409).
    "library:nomination_select@declined": {
        "kwargs": "nomination_declined",
        "data": WRITE_UP,
        "POST": scoped(district_business=409),
    },
    "library:nomination_decline": {
        "kwargs": "nomination",
        "data": {"reason": "案例材料不完整,明年再推荐。"},
        "GET": everyone(405),
        "POST": scoped(district_business=302),
    },
    "library:nomination_decline@empty": {
        "kwargs": "nomination",
        "data": {"reason": ""},
        "POST": scoped(district_business=422),
    },
    "library:guidance_create": {
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "library:guidance_create@valid": {
        "data": {"once": ONCE, **GUIDANCE},
        "POST": row(403, district_business=302),
    },
    "library:guidance": {"kwargs": "guidance", "GET": row(403, **READ)},
    "library:guidance_edit": {
        "kwargs": "guidance",
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "library:guidance_edit@valid": {
        "kwargs": "guidance",
        "data": GUIDANCE,
        "POST": row(403, district_business=302),
    },
    # No file: refused (422) for district staff.
    "library:guidance_attach": {
        "kwargs": "guidance",
        "data": {"once": ONCE, "title": "指南正文"},
        "GET": everyone(405),
        "POST": row(403, district_business=422),
    },
    # Residents' pages.
    "library:public_tree": {"GET": PUBLIC},
    "library:public_excellent": {"GET": PUBLIC},
    "library:public_excellent@year": {"query": {"year": "2025"}, "GET": PUBLIC},
    "library:public_excellent@bad_year": {"query": {"year": "２０２５x"}, "GET": PUBLIC},
    "library:public_item": {"kwargs": "library_item", "GET": PUBLIC},
    "library:public_entry": {"kwargs": "library_entry", "GET": PUBLIC},
}
