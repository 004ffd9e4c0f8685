"""Rows of recruitment (招募令), applications, the partners' SMS sign-in and the partner's own page
in the URL × persona matrix (see partners/tests/url_matrix.py; the objects are
partners/tests/world_recruit.py's); FUZZ: its POST URLs for tests/test_fuzz_forms.py (persona, a
valid post).

Community staff write their community's calls and decide its applications; the street's group
and district staff read them. The `partner` persona has their own page and may leave their own
record (everybody else: 404). The public pages answer everyone alike, logged in or not.
"""

from tests.url_matrix import ONCE, everyone, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
CALL = {
    "once": ONCE,
    "title": "招募楼道志愿者",
    "body": "平时宣传政策,战时应急值守。",
    "looking_for": "",
    "duties": "@duty",
}
APPLY = {
    "once": ONCE,
    "kind": "person",
    "name": "钱阿姨",
    "phone": "13700000001",
    "category": "volunteer",
    "duties": "@duty",
    "availability": "weekend",
    "skills": "",
    "compound": "",
    "party_org": "",
    "employer": "",
    "home_building": "",
    "consent": "on",
}

MATRIX = {
    # Calls (staff).
    "partners:call_list": {"GET": row(403, **READ)},
    "partners:call_list@open": {"query": {"status": "open"}, "GET": row(403, **READ)},
    "partners:call_create": {
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "partners:call_create@valid": {"data": CALL, "POST": row(403, community_staff=302)},
    "partners:call_detail": {"kwargs": "call", "GET": scoped(200)},
    "partners:call_edit": {
        "kwargs": "call",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "partners:call_edit@valid": {
        "kwargs": "call",
        "data": {k: v for k, v in CALL.items() if k != "once"},
        "POST": scoped(community_staff=302),
    },
    "partners:call_open": {"kwargs": "call_draft", "POST": scoped(community_staff=302)},
    # An open call opens no further: the status refuses it (409), after the rule (403).
    "partners:call_open@open": {"kwargs": "call", "POST": scoped(community_staff=409)},
    "partners:call_close": {"kwargs": "call", "POST": scoped(community_staff=302)},
    "partners:call_close@draft": {"kwargs": "call_draft", "POST": scoped(community_staff=409)},
    "partners:call_poster": {"kwargs": "call", "GET": scoped(200)},
    # Applications (staff).
    "partners:application_list": {"GET": row(403, **READ)},
    "partners:application_list@declined": {
        "query": {"status": "declined"},
        "GET": row(403, **READ),
    },
    "partners:application_detail": {"kwargs": "application", "GET": scoped(200)},
    "partners:application_approve": {
        "kwargs": "application",
        "POST": scoped(community_staff=302),
    },
    "partners:application_decline": {
        "kwargs": "application",
        "data": {"reason": "不在本社区居住"},
        "POST": scoped(community_staff=302),
    },
    "partners:application_decline@no_reason": {
        "kwargs": "application",
        "POST": scoped(community_staff=422),
    },
    # The partner's own page; leaving their own record (a confirmation page, then the post).
    "partners:me": {"GET": row(403, partner=200)},
    "partners:me_leave": {
        "kwargs": "partner",
        "GET": row(404, partner=200),
        "POST": row(404, partner=302),
    },
    # Public pages under /p/.
    "partners_public:calls": {"GET": everyone(200)},
    "partners_public:calls@street": {"query": {"street": "@street"}, "GET": everyone(200)},
    "partners_public:call": {"kwargs": "call", "GET": everyone(200)},
    "partners_public:apply": {"kwargs": "call", "GET": everyone(200), "POST": everyone(422)},
    "partners_public:apply@valid": {"kwargs": "call", "data": APPLY, "POST": everyone(302)},
    "partners_public:applied": {"kwargs": "call", "GET": everyone(200)},
    "partners_public:login": {"GET": everyone(200), "POST": everyone(422)},
    # Asking for a code answers alike for any number (a partner's or not).
    "partners_public:login@send": {
        "data": {"phone": "13700000002", "send": "1"},
        "POST": everyone(200),
    },
    "partners_public:withdraw": {"GET": everyone(200), "POST": everyone(422)},
    "partners_public:withdraw@send": {
        "data": {"phone": "13600000001", "send": "1"},
        "POST": everyone(200),
    },
}
FUZZ = {
    "partners:call_create": ("secretary", CALL),
    "partners:call_edit": ("secretary", {k: v for k, v in CALL.items() if k != "once"}),
    "partners:call_open": ("secretary", {}),
    "partners:call_close": ("secretary", {}),
    "partners:application_approve": ("secretary", {}),
    "partners:application_decline": ("secretary", {"reason": "不在本社区居住"}),
    "partners:me_leave": ("partner", {}),
    "partners_public:apply": ("anon", APPLY),
    "partners_public:login": ("anon", {"phone": "13700000002", "send": "1"}),
    "partners_public:withdraw": ("anon", {"phone": "13600000001", "send": "1"}),
}
