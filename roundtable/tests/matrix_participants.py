"""The participants area's rows of the URL × persona matrix (tests/url_matrix.py explains the
notation; the objects are roundtable/tests/world_participants.py's).

Residents' pages (/p/roundtable/): the sign-in is open to everyone; the registration needs a number
verified in the session, which no persona has (so it sends everyone to the sign-in); one's own page
needs a login (the anonymous visitor goes to the residents' sign-in, not the staff login); a
participation is its owner's alone (the `resident` persona's), anybody else's is a 404.

Staff pages (/roundtable/participants/): community staff, the street's leading group and district
staff read; only 国奥社区's own staff verify, reject and reveal the phone.
"""

from tests.url_matrix import everyone, row, scoped

READERS = {"community_staff": 200, "street_group": 200, "district_business": 200}
PENDING = {"kwargs": "rt_participant_pending"}
VERIFIED = {"kwargs": "rt_participant_verified"}
OWN = {"kwargs": "rt_participant_verified"}  # the resident persona's own participation
VERIFY = {"household": "@rt_participant_household"}
REJECT = {"reason": "查无此户,请到社区登记住户信息"}
SEND = {"phone": "13900002222", "send": "1"}

MATRIX = {
    # --- residents -------------------------------------------------------------------------
    "roundtable_public:login": {"GET": everyone(200), "POST": everyone(200), "data": SEND},
    "roundtable_public:login@carried": {
        "query": {"next": "/p/roundtable/me/", "community": "@community"},
        "GET": everyone(200),
    },
    "roundtable_public:login@no_phone": {"data": {"phone": "", "send": "1"}, "POST": everyone(422)},
    "roundtable_public:login@wrong_code": {
        "data": {"phone": "13900002222", "code": "000000"},
        "POST": everyone(422),
    },
    "roundtable_public:register": {
        "query": {"community": "@community"},
        "data": {"name": "李大爷", "room": "301"},
        "GET": everyone(302),
        "POST": everyone(302),
    },
    "roundtable_public:me": {"GET": row(200)},
    "roundtable_public:follow": {
        **OWN,
        "data": {"follows": "0"},
        "GET": everyone(405),
        "POST": row(404, resident=302),
    },
    "roundtable_public:follow@junk": {
        **OWN,
        "data": {"follows": "maybe"},
        "POST": row(404, resident=422),
    },
    "roundtable_public:leave": {
        **OWN,
        "GET": row(404, resident=200),
        "POST": row(404, resident=302),
    },
    "roundtable_public:logout": {"GET": everyone(405), "POST": everyone(302)},
    # --- staff -------------------------------------------------------------------------------
    "roundtable:participants": {"GET": row(403, **READERS)},
    "roundtable:participants@filtered": {
        "query": {"status": "pending", "community": "@community"},
        "GET": row(403, **READERS),
    },
    "roundtable:participant": {**PENDING, "GET": scoped(403, **READERS)},
    "roundtable:participant@verified": {**VERIFIED, "GET": scoped(403, **READERS)},
    "roundtable:participant_verify": {
        **PENDING,
        "data": VERIFY,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    "roundtable:participant_verify@verified": {
        **VERIFIED,
        "data": VERIFY,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:participant_verify@other_community": {
        **PENDING,
        "data": {"household": "@rt_participant_household_yuehai"},
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:participant_reject": {
        **PENDING,
        "data": REJECT,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    "roundtable:participant_reject@no_reason": {
        **PENDING,
        "data": {"reason": " "},
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:participant_reject@verified": {
        **VERIFIED,
        "data": REJECT,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:participant_phone": {
        **PENDING,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=200),
    },
}

FUZZ = {
    "roundtable_public:login": ("anon", {"phone": "13900002222", "code": "123456"}),
    "roundtable_public:register": (
        "anon",
        {
            "once": "@once",
            "name": "李大爷",
            "compound": "",
            "building": "",
            "unit": "2单元",
            "room": "301",
            "follows": "on",
            "consent": "on",
        },
    ),
    "roundtable_public:follow": ("resident", {"follows": "0"}),
    "roundtable_public:leave": ("resident", {}),
    "roundtable_public:logout": ("anon", {}),
    "roundtable:participant_verify": ("secretary", VERIFY),
    "roundtable:participant_reject": ("secretary", REJECT),
    "roundtable:participant_phone": ("secretary", {}),
}

SCOPED = {"rt_participant_pending", "rt_participant_verified"}
