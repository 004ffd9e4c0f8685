"""streetwork/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

The street's leading group (组长, members and experts alike) records, corrects and deletes its 研判
and field visits in its own street's communities; the community's staff and district staff read
them; the summary and the menu are the street's and the district's. Create pages are asked for
国奥社区 (`?community=`): street B's 组长 gets 404 for it, as for any place out of scope.
"""

from tests.url_matrix import ONCE, OTHER_STREET, everyone, row, scoped

READERS = {"community_staff": 200, "street_group": 200, "district_business": 200}
IN_GUOAO = {"community": "@community"}

ASSESSMENT = {
    "title": "国奥花园楼道微更新",
    "source": "need",
    "project_class": "@project_class",
    "compound_kind": "commercial",
    "verdict": "adopt",
    "reason": "居民反映集中,社区有物业和志愿者可以领办。",
    "assessed_on": "2026-11-20",
}
VISIT = {
    "date": "2026-11-18",
    "members": "@deputy",
    "findings": "国奥花园3号楼楼道杂物较多,居民希望增设充电桩。",
    "projects": "@project",
}

MATRIX = {
    "streetwork:assessment_list": {"GET": row(403, **READERS)},
    "streetwork:assessment_summary": {"GET": row(403, street_group=200, district_business=200)},
    # Street A's group has two communities to pick from; street B's 组长 only 悦海社区's form.
    "streetwork:assessment_create@choice": {"GET": row(403, street_group=200)},
    "streetwork:assessment_create": {
        "query": IN_GUOAO,
        "GET": row(403, street_group=200, **OTHER_STREET),
        "POST": row(403, street_group=422, **OTHER_STREET),
    },
    "streetwork:assessment_create@valid": {
        "query": IN_GUOAO,
        "data": {"once": ONCE, **ASSESSMENT},
        "POST": row(403, street_group=302, **OTHER_STREET),
    },
    "streetwork:assessment_detail": {"kwargs": "assessment", "GET": scoped(200)},
    # The community's staff and district staff read it but may not change it.
    "streetwork:assessment_edit": {
        "kwargs": "assessment",
        "GET": scoped(street_group=200),
        "POST": scoped(street_group=422),
    },
    "streetwork:assessment_edit@valid": {
        "kwargs": "assessment",
        "data": ASSESSMENT,
        "POST": scoped(street_group=302),
    },
    "streetwork:assessment_delete": {
        "kwargs": "assessment",
        "GET": everyone(405),
        "POST": scoped(street_group=302),
    },
    "streetwork:visit_list": {"GET": row(403, **READERS)},
    "streetwork:visit_create@choice": {"GET": row(403, street_group=200)},
    "streetwork:visit_create": {
        "query": IN_GUOAO,
        "GET": row(403, street_group=200, **OTHER_STREET),
        "POST": row(403, street_group=422, **OTHER_STREET),
    },
    "streetwork:visit_create@valid": {
        "query": IN_GUOAO,
        "data": {"once": ONCE, **VISIT},
        "POST": row(403, street_group=302, **OTHER_STREET),
    },
    "streetwork:visit_detail": {"kwargs": "visit", "GET": scoped(200)},
    "streetwork:visit_edit": {
        "kwargs": "visit",
        "GET": scoped(street_group=200),
        "POST": scoped(street_group=422),
    },
    "streetwork:visit_edit@valid": {
        "kwargs": "visit",
        "data": VISIT,
        "POST": scoped(street_group=302),
    },
    "streetwork:visit_delete": {
        "kwargs": "visit",
        "GET": everyone(405),
        "POST": scoped(street_group=302),
    },
}
