"""The topics area's rows of the URL × persona matrix (tests/url_matrix.py explains the notation;
the objects are roundtable/tests/world_topics.py's).

Residents' pages (/p/roundtable/) are open to everyone for reading; held topics exist only for
their author. Posting there needs a place in 国奥's round table: the `resident` persona (a
verified participant) and the `partner` persona (国奥's 物业, taking part as an organisation);
an anonymous visitor is sent to the sign-in (302) and any other account is refused (403, with
the reason on the page). Staff pages (/roundtable/) open topics through visible_to: 国奥's staff,
street A's leading group and district staff read them; only 国奥's staff post and raise topics.
"""

from tests.url_matrix import ONCE, everyone, row, scoped

POSTERS = {"resident": 302, "partner": 302}
TOPIC = {"kwargs": "rt_topic"}
MEETING = {"kwargs": "rt_topics_meeting"}
CLOSED_MEETING = {"kwargs": "rt_topics_closed_meeting"}
CLOSED_TOPIC = {"kwargs": "rt_topic_closed"}
NEW_TOPIC = {"once": ONCE, "title": "小区东门晚上没有灯", "body": "老人晚上出门看不清台阶。"}
NEW_POST = {"body": "同意,我家老人也摔过一跤。"}
STAFF_TOPIC = {**NEW_TOPIC, "on_behalf_of": "5号楼 张奶奶"}
STAFF_POST = {"body": "社区已经联系物业,本周内来检修。", "on_behalf_of": ""}


def posting(**named) -> dict:
    """A residents' POST: 302 to the sign-in for the anonymous visitor, 403 for accounts
    without a place in 国奥's round table."""
    return row(403, anon=302, **named)


MATRIX = {
    # --- residents' pages ---------------------------------------------------------------------
    "roundtable_public:index": {"GET": everyone(200)},
    "roundtable_public:index@community": {
        "query": {"community": "@community"},
        "GET": everyone(200),
    },
    "roundtable_public:meeting": {**MEETING, "GET": everyone(200)},
    "roundtable_public:meeting@closed": {**CLOSED_MEETING, "GET": everyone(200)},
    "roundtable_public:topic": {**TOPIC, "GET": everyone(200)},
    "roundtable_public:topic@held": {
        "kwargs": "rt_topic_held",
        "GET": row(404, anon=404, resident=200),
    },
    "roundtable_public:topic@closed": {**CLOSED_TOPIC, "GET": everyone(200)},
    "roundtable_public:posts": {**TOPIC, "GET": everyone(200)},
    "roundtable_public:posts@nothing_new": {
        **TOPIC,
        "query": {"after": "@rt_post", "every": "5"},
        "GET": everyone(204),
    },
    "roundtable_public:posts@closed": {**CLOSED_TOPIC, "GET": everyone(286)},
    "roundtable_public:posts@held": {"kwargs": "rt_topic_held", "GET": everyone(404)},
    "roundtable_public:topic_create": {
        **MEETING,
        "data": NEW_TOPIC,
        "GET": everyone(405),
        "POST": posting(**POSTERS),
    },
    "roundtable_public:topic_create@too_long": {
        **MEETING,
        "data": {**NEW_TOPIC, "title": "长" * 61},
        "POST": posting(resident=422, partner=422),
    },
    "roundtable_public:topic_create@closed": {
        **CLOSED_MEETING,
        "data": NEW_TOPIC,
        "POST": posting(resident=409, partner=409),
    },
    "roundtable_public:support": {**TOPIC, "GET": everyone(405), "POST": posting(**POSTERS)},
    "roundtable_public:support@own": {
        "kwargs": "rt_topic_own",
        "POST": posting(resident=422, partner=302),
    },
    "roundtable_public:support@closed": {
        **CLOSED_TOPIC,
        "POST": posting(resident=409, partner=409),
    },
    "roundtable_public:support@held": {
        "kwargs": "rt_topic_held",
        "POST": row(404, anon=404, resident=409),
    },
    "roundtable_public:post_create": {
        **TOPIC,
        "data": NEW_POST,
        "GET": everyone(405),
        "POST": posting(**POSTERS),
    },
    "roundtable_public:post_create@too_long": {
        **TOPIC,
        "data": {"body": "长" * 1001},
        "POST": posting(resident=422, partner=422),
    },
    "roundtable_public:post_create@closed": {
        **CLOSED_TOPIC,
        "data": NEW_POST,
        "POST": posting(resident=409, partner=409),
    },
    # --- staff pages --------------------------------------------------------------------------
    "roundtable:topic": {**TOPIC, "GET": scoped(200)},
    "roundtable:topic@held": {"kwargs": "rt_topic_held", "GET": scoped(200)},
    "roundtable:topic@closed": {**CLOSED_TOPIC, "GET": scoped(200)},
    "roundtable:posts": {**TOPIC, "GET": scoped(200)},
    "roundtable:posts@nothing_new": {
        **TOPIC,
        "query": {"after": "@rt_post", "every": "5"},
        "GET": scoped(204),
    },
    "roundtable:post_create": {
        **TOPIC,
        "data": STAFF_POST,
        "GET": everyone(405),
        "POST": scoped(403, community_staff=302),
    },
    "roundtable:post_create@too_long": {
        **TOPIC,
        "data": {**STAFF_POST, "body": "长" * 1001},
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:post_create@closed": {
        **CLOSED_TOPIC,
        "data": STAFF_POST,
        "POST": scoped(403, community_staff=409),
    },
    "roundtable:topic_create": {
        **MEETING,
        "data": STAFF_TOPIC,
        "GET": scoped(403, community_staff=200),
        "POST": scoped(403, community_staff=302),
    },
    "roundtable:topic_create@too_long": {
        **MEETING,
        "data": {**STAFF_TOPIC, "body": "长" * 2001},
        "POST": scoped(403, community_staff=422),
    },
    "roundtable:topic_create@closed": {
        **CLOSED_MEETING,
        "data": STAFF_TOPIC,
        "GET": scoped(403, community_staff=302),
        "POST": scoped(403, community_staff=409),
    },
}

FUZZ = {
    "roundtable_public:topic_create": ("resident", NEW_TOPIC),
    "roundtable_public:support": ("resident", {}),
    "roundtable_public:post_create": ("resident", NEW_POST),
    "roundtable:post_create": ("secretary", STAFF_POST),
    "roundtable:topic_create": ("secretary", STAFF_TOPIC),
}

SCOPED = {
    "rt_topics_meeting",
    "rt_topics_closed_meeting",
    "rt_topic",
    "rt_topic_own",
    "rt_topic_held",
    "rt_topic_closed",
}
