"""Practical tasks (实事) and excellent partners in the URL × persona matrix (see
partners/tests/url_matrix.py; the objects are partners/tests/world_task.py's); FUZZ: its POST URLs
for tests/test_fuzz_forms.py (persona, a valid post).

Community staff publish, correct, cancel tasks and claim on behalf of a partner; the `partner`
persona claims the open task for themselves, and gives back or marks done the one they claimed;
the street's group and district staff read. Excellent partners: the community nominates, only
the street's 组长 decides, district staff publish the year. Residents read the done tasks and
the published list under /p/ without an account.
"""

import datetime

from tests.url_matrix import ONCE, everyone, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
CREATE = {"community_staff": 200, "secretary_haiyun": 404, "secretary2": 404}
TASK = {
    "title": "法律援助进小区",
    "kind": "legal_aid",
    "date": "2026-12-05",
    "place": "3号楼前广场",
    "compound": "@compound",
    "description": "律师现场解答法律问题",
}
THIS_YEAR = datetime.date.today().year
NOMINATE = {
    "once": ONCE,
    "partner": "@partner",
    "year": str(THIS_YEAR - 1),
    "reason": "全年认领实事12件",
}
PUBLIC = everyone(200)

MATRIX = {
    "partners:task_list": {"GET": row(403, **READ, partner=200)},
    "partners:task_create": {
        "query": {"community": "@community"},
        "GET": row(403, **CREATE),
        "POST": row(403, **{**CREATE, "community_staff": 422}),
    },
    "partners:task_create@valid": {
        "query": {"community": "@community"},
        "data": {"once": ONCE, **TASK},
        "POST": row(403, **{**CREATE, "community_staff": 302}),
    },
    # The partner sees their communities' open tasks and those they claimed.
    "partners:task_detail": {"kwargs": "task", "GET": scoped(200, partner=200)},
    "partners:task_detail@done": {"kwargs": "task_done", "GET": scoped(200, partner=200)},
    # Nothing posted: the title, kind and date are missing.
    "partners:task_edit": {
        "kwargs": "task",
        "GET": scoped(403, community_staff=200, partner=403),
        "POST": scoped(403, community_staff=422, partner=403),
    },
    "partners:task_edit@valid": {
        "kwargs": "task",
        "data": TASK,
        "POST": scoped(403, community_staff=302, partner=403),
    },
    # Claimed: no longer editable (the page sends staff back to the task with the message).
    "partners:task_edit@claimed": {
        "kwargs": "task_claimed",
        "data": TASK,
        "GET": scoped(403, community_staff=302, partner=403),
        "POST": scoped(403, community_staff=409, partner=403),
    },
    "partners:task_cancel": {
        "kwargs": "task",
        "data": {"reason": "场地临时占用"},
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302, partner=403),
    },
    "partners:task_cancel@no_reason": {
        "kwargs": "task",
        "POST": scoped(403, community_staff=422, partner=403),
    },
    "partners:task_cancel@done": {
        "kwargs": "task_done",
        "data": {"reason": "场地临时占用"},
        "POST": scoped(403, community_staff=409, partner=403),
    },
    # The partner claims for themselves; staff must name whom they claim for (422 without).
    "partners:task_claim": {
        "kwargs": "task",
        "GET": everyone(405),
        "POST": scoped(403, community_staff=422, partner=302),
    },
    "partners:task_claim@for_partner": {
        "kwargs": "task",
        "data": {"partner": "@partner"},
        "POST": scoped(403, community_staff=302, partner=302),
    },
    "partners:task_claim@claimed": {
        "kwargs": "task_claimed",
        "data": {"partner": "@partner"},
        "POST": scoped(403, community_staff=409, partner=409),
    },
    "partners:task_claimant_search": {
        "kwargs": "task",
        "query": {"q": "合伙人"},
        "GET": scoped(403, community_staff=200, partner=403),
    },
    "partners:task_release": {
        "kwargs": "task_claimed",
        "data": {"reason": ""},
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302, partner=302),
    },
    "partners:task_release@open": {
        "kwargs": "task",
        "POST": scoped(403, community_staff=409, partner=403),
    },
    "partners:task_done": {
        "kwargs": "task_claimed",
        "data": {"result": "义诊30人次", "hours": "2.5"},
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302, partner=302),
    },
    "partners:task_done@no_result": {
        "kwargs": "task_claimed",
        "data": {"hours": "2"},
        "POST": scoped(403, community_staff=422, partner=422),
    },
    "partners:task_done@open": {
        "kwargs": "task",
        "data": {"result": "义诊30人次"},
        "POST": scoped(403, community_staff=409, partner=403),
    },
    # Excellent partners.
    "partners:excellent_list": {"GET": row(403, **READ)},
    "partners:excellent_nominate": {
        "query": {"community": "@community"},
        "GET": row(403, **CREATE),
        "POST": row(403, **{**CREATE, "community_staff": 422}),
    },
    "partners:excellent_nominate@valid": {
        "query": {"community": "@community"},
        "data": NOMINATE,
        "POST": row(403, **{**CREATE, "community_staff": 302}),
    },
    # The partner is nominated for this year already: a message, nothing saved.
    "partners:excellent_nominate@repeat": {
        "query": {"community": "@community"},
        "data": {**NOMINATE, "year": str(THIS_YEAR)},
        "POST": row(403, **{**CREATE, "community_staff": 422}),
    },
    "partners:excellent_detail": {"kwargs": "excellent", "GET": scoped(200)},
    # Only street A's 组长 decides (the member's delegation begins in two months).
    "partners:excellent_approve": {
        "kwargs": "excellent",
        "data": {"note": ""},
        "GET": everyone(405),
        "POST": scoped(403, street=302),
    },
    "partners:excellent_approve@approved": {
        "kwargs": "excellent_approved",
        "POST": scoped(403, street=409),
    },
    "partners:excellent_decline": {
        "kwargs": "excellent",
        "data": {"note": "事迹不够具体"},
        "GET": everyone(405),
        "POST": scoped(403, street=302),
    },
    "partners:excellent_decline@no_note": {
        "kwargs": "excellent",
        "POST": scoped(403, street=422),
    },
    "partners:excellent_publish": {
        "data": {"year": str(THIS_YEAR)},
        "GET": everyone(405),
        "POST": row(403, district_business=302),
    },
    "partners:excellent_publish@bad_year": {
        "data": {"year": "明年"},
        "POST": row(403, district_business=422),
    },
    # Residents' pages.
    "partners_public:tasks": {"GET": PUBLIC},
    "partners_public:tasks@community": {"query": {"community": "@community"}, "GET": PUBLIC},
    "partners_public:task": {"kwargs": "task_done", "GET": PUBLIC},
    "partners_public:task_photo": {"kwargs": "task_done", "GET": PUBLIC},
    "partners_public:excellent_latest": {"GET": PUBLIC},
    "partners_public:excellent": {
        "kwargs": "excellent_published",
        "lookup": "year",
        "GET": PUBLIC,
    },
}

FUZZ = {
    "partners:task_create": ("secretary", {"once": "@once", **TASK}),
    "partners:task_edit": ("secretary", TASK),
    "partners:task_cancel": ("secretary", {"reason": "场地临时占用"}),
    "partners:task_claim": ("secretary", {"partner": "@partner"}),
    "partners:task_release": ("secretary", {"reason": "临时有事"}),
    "partners:task_done": (
        "partner",
        {"result": "义诊30人次", "hours": "2.5", "photo": "", "photo_consent": ""},
    ),
    "partners:excellent_nominate": ("secretary", NOMINATE),
    "partners:excellent_approve": ("street", {"note": ""}),
    "partners:excellent_decline": ("street", {"note": "事迹不够具体"}),
    "partners:excellent_publish": ("district", {"year": str(THIS_YEAR)}),
}
