"""outreach/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

国奥社区's staff record visits and meetings, register boxes, type in paper slips and handle the
suggestions; the street's group and district staff read them; residents leave suggestions under
/p/ without an account. The objects are outreach/tests/factories.py's matrix_objects."""

from tests.url_matrix import ONCE, OTHER_STREET, everyone, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
CREATE = {"secretary_haiyun": 404, "secretary2": 404}
PUBLIC = row(200, anon=200)
# Readers who do not see 国奥社区's compound or boxes: another community's staff and street B's
# group (the labels sheet names them in its query string).
NOT_GUOAO = {"secretary_haiyun": 404, "secretary2": 404, **OTHER_STREET}
VISIT = {
    "household": "@visit_household",
    "visited_on": "2026-01-05",
    "visitors": "王书记",
    "raised": "希望加装楼道扶手",
    "mentions": "@need",
    "new_title_1": "楼道加装扶手",
    "new_category_1": "facilities",
}
MEETING = {
    "kind": "owners",
    "title": "2026年业主大会",
    "held_on": "2026-01-10",
    "compound": "",
    "attendance": "86",
    "summary": "讨论停车和充电桩",
    "mentions": "@need",
    "new_title_1": "增设电动车充电桩",
    "new_category_1": "facilities",
    "new_count_1": "12",
}
SUGGESTION = {"once": ONCE, "text": "楼道灯不亮,晚上回家看不见。", "phone": "", "consent": ""}


def _create(status_staff: int) -> dict:
    return row(403, community_staff=status_staff, **CREATE)


MATRIX = {
    # 入户走访
    "outreach:visit_list": {"GET": row(403, **READ)},
    "outreach:visit_create": {
        "query": {"community": "@community"},
        "GET": _create(200),
        "POST": _create(422),
    },
    "outreach:visit_create@valid": {
        "query": {"community": "@community"},
        "data": {"once": ONCE, **VISIT},
        "POST": _create(302),
    },
    "outreach:visit": {"kwargs": "home_visit", "GET": scoped(200)},
    "outreach:visit_edit": {
        "kwargs": "home_visit",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "outreach:visit_edit@valid": {
        "kwargs": "home_visit",
        "data": VISIT,
        "POST": scoped(community_staff=302),
    },
    "outreach:visit_delete": {
        "kwargs": "home_visit",
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "outreach:visit_compound": {"kwargs": "compound", "GET": scoped(200)},
    # 居民会议
    "outreach:meeting_list": {"GET": row(403, **READ)},
    "outreach:meeting_create": {
        "query": {"community": "@community"},
        "GET": _create(200),
        "POST": _create(422),
    },
    "outreach:meeting_create@valid": {
        "query": {"community": "@community"},
        "data": {"once": ONCE, **MEETING},
        "POST": _create(302),
    },
    "outreach:meeting": {"kwargs": "meeting", "GET": scoped(200)},
    "outreach:meeting_edit": {
        "kwargs": "meeting",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "outreach:meeting_edit@valid": {
        "kwargs": "meeting",
        "data": MEETING,
        "POST": scoped(community_staff=302),
    },
    "outreach:meeting_delete": {
        "kwargs": "meeting",
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    # 楼道意见箱
    "outreach:box_list": {"GET": row(403, **READ)},
    "outreach:box_create": {
        "query": {"community": "@community"},
        "GET": _create(200),
        "POST": _create(422),
    },
    "outreach:box_create@valid": {
        "query": {"community": "@community"},
        "data": {"once": ONCE, "stairwell": "@free_stairwell", "location": "一楼"},
        "POST": _create(302),
    },
    # Labels of a compound's boxes, or of the boxes ticked: 404 for whoever does not see them.
    "outreach:box_labels": {
        "query": {"compound": "@compound"},
        "GET": row(403, **READ, **NOT_GUOAO),
    },
    "outreach:box_labels@ticked": {
        "query": {"box": "@box"},
        "GET": row(403, **READ, **NOT_GUOAO),
    },
    "outreach:box": {"kwargs": "box", "GET": scoped(200)},
    "outreach:box_edit": {
        "kwargs": "box",
        "data": {"location": "二楼楼梯口"},
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=302),
    },
    "outreach:box_edit@invalid": {
        "kwargs": "box",
        "data": {"location": "长" * 101},
        "POST": scoped(community_staff=422),
    },
    "outreach:box_deactivate": {
        "kwargs": "box",
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "outreach:box_label": {"kwargs": "box", "GET": scoped(200)},
    "outreach:box_slips": {
        "kwargs": "box",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "outreach:box_slips@valid": {
        "kwargs": "box",
        "data": {"once": ONCE, "text": "电梯经常停运", "phone": ""},
        "POST": scoped(community_staff=302),
    },
    # 意见建议
    "outreach:suggestion_list": {"GET": row(403, **READ)},
    "outreach:suggestion_export": {"GET": row(403, **READ)},
    "outreach:suggestion": {"kwargs": "suggestion", "GET": scoped(200)},
    "outreach:suggestion_file": {
        "kwargs": "suggestion",
        "data": {"need": "@need"},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "outreach:suggestion_file@filed": {
        "kwargs": "suggestion_filed",
        "data": {"need": "@need"},
        "POST": scoped(community_staff=409),
    },
    "outreach:suggestion_file_new": {
        "kwargs": "suggestion",
        "data": {"title": "楼道照明", "category": "environment", "description": ""},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "outreach:suggestion_close": {
        "kwargs": "suggestion",
        "data": {"reason": ""},
        "GET": everyone(405),
        "POST": scoped(community_staff=422),
    },
    "outreach:suggestion_close@valid": {
        "kwargs": "suggestion",
        "data": {"reason": "属于物业职责,已转告物业公司。"},
        "POST": scoped(community_staff=302),
    },
    "outreach:suggestion_phone": {
        "kwargs": "suggestion",
        "GET": everyone(405),
        "POST": scoped(community_staff=200),
    },
    # Residents' pages (no account).
    "outreach:public_box": {
        "kwargs": "box",
        "lookup": "code",
        "GET": PUBLIC,
        "POST": row(422, anon=422),
    },
    "outreach:public_box@valid": {
        "kwargs": "box",
        "lookup": "code",
        "data": SUGGESTION,
        "POST": PUBLIC,
    },
    "outreach:public_suggest": {"GET": PUBLIC, "POST": row(422, anon=422)},
    "outreach:public_suggest@valid": {
        "data": {"street": "@street", "community": "@community", **SUGGESTION},
        "POST": PUBLIC,
    },
}

# tests/test_fuzz_forms.py's entries for outreach's POSTs: (persona, a valid post).
FUZZ = {
    "outreach:visit_create": ("secretary", {"once": ONCE, **VISIT}),
    "outreach:visit_edit": ("secretary", VISIT),
    "outreach:visit_delete": ("secretary", {}),
    "outreach:meeting_create": ("secretary", {"once": ONCE, **MEETING}),
    "outreach:meeting_edit": ("worker", MEETING),
    "outreach:meeting_delete": ("secretary", {}),
    "outreach:box_create": ("secretary", {"once": ONCE, "stairwell": "@free_stairwell"}),
    "outreach:box_edit": ("worker", {"location": "二楼楼梯口"}),
    "outreach:box_deactivate": ("secretary", {}),
    "outreach:box_slips": ("worker", {"once": ONCE, "text": "电梯经常停运", "phone": ""}),
    "outreach:suggestion_file": ("secretary", {"need": "@need"}),
    "outreach:suggestion_file_new": (
        "secretary",
        {"title": "楼道照明", "category": "environment", "description": ""},
    ),
    "outreach:suggestion_close": ("secretary", {"reason": "属于物业职责"}),
    "outreach:suggestion_phone": ("secretary", {}),
    "outreach:public_box": ("anon", {**SUGGESTION, "phone": "13900003333", "consent": "on"}),
    "outreach:public_suggest": (
        "anon",
        {"street": "@street", "community": "@community", **SUGGESTION},
    ),
}
