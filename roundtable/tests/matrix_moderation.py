"""The moderation area's rows of the URL × persona matrix (tests/url_matrix.py explains the notation;
the objects are roundtable/tests/world_moderation.py's).

The queue is read by community staff (their communities), the street's leading group (its
communities, read-only) and district staff. 国奥社区's staff and district staff publish and hide
国奥's topics and posts; street A's leading group sees them but may not act (403); whoever does
not see 国奥社区's records gets 404. The words page is district staff's; a word exists for nobody
else (404).
"""

from tests.url_matrix import everyone, row, scoped

QUEUE = row(403, community_staff=200, street_group=200, district_business=200)
REASON = {"reason": "含有人身攻击内容", "next": "/roundtable/moderation/"}
# 国奥社区's moderators do it; street A's leading group sees it and may not.
ACT = scoped(403, community_staff=302, district_business=302)
DONE_ALREADY = scoped(403, community_staff=409, district_business=409)
REFUSED = scoped(403, community_staff=422, district_business=422)
WORDS = row(403, district_business=200)

MATRIX = {
    "roundtable:moderation": {"GET": QUEUE},
    "roundtable:moderation@hidden": {"query": {"show": "hidden"}, "GET": QUEUE},
    "roundtable:moderation@junk": {"query": {"show": "x", "page": "-1"}, "GET": QUEUE},
    "roundtable:topic_publish": {
        "kwargs": "rt_mod_topic_held",
        "GET": everyone(405),
        "POST": ACT,
    },
    "roundtable:topic_publish@published": {"kwargs": "rt_mod_topic", "POST": DONE_ALREADY},
    "roundtable:topic_hide": {
        "kwargs": "rt_mod_topic",
        "data": REASON,
        "GET": everyone(405),
        "POST": ACT,
    },
    "roundtable:topic_hide@held": {"kwargs": "rt_mod_topic_held", "data": REASON, "POST": ACT},
    "roundtable:topic_hide@no_reason": {
        "kwargs": "rt_mod_topic",
        "data": {"reason": " ", "next": "/roundtable/moderation/"},
        "POST": REFUSED,
    },
    "roundtable:topic_hide@hidden": {
        "kwargs": "rt_mod_topic_hidden",
        "data": REASON,
        "POST": DONE_ALREADY,
    },
    "roundtable:post_publish": {
        "kwargs": "rt_mod_post_held",
        "GET": everyone(405),
        "POST": ACT,
    },
    "roundtable:post_publish@published": {"kwargs": "rt_mod_post", "POST": DONE_ALREADY},
    "roundtable:post_hide": {
        "kwargs": "rt_mod_post",
        "data": REASON,
        "GET": everyone(405),
        "POST": ACT,
    },
    "roundtable:post_hide@foreign_next": {
        "kwargs": "rt_mod_post",
        "data": {"reason": "含有人身攻击内容", "next": "https://evil.example.com/"},
        "POST": ACT,
    },
    "roundtable:post_hide@too_long": {
        "kwargs": "rt_mod_post_held",
        "data": {"reason": "长" * 201},
        "POST": REFUSED,
    },
    "roundtable:post_hide@hidden": {
        "kwargs": "rt_mod_post_hidden",
        "data": REASON,
        "POST": DONE_ALREADY,
    },
    "roundtable:words": {"GET": WORDS, "POST": row(403, district_business=422)},
    "roundtable:words@search": {"query": {"q": "收费", "page": "x"}, "GET": WORDS},
    "roundtable:words@add": {
        "data": {"words": "违禁词甲\n违禁词乙, 乱收费"},
        "POST": row(403, district_business=302),
    },
    "roundtable:words@too_long": {
        "data": {"words": "长" * 31},
        "POST": row(403, district_business=422),
    },
    "roundtable:word_delete": {
        "kwargs": "rt_word",
        "GET": everyone(405),
        "POST": row(404, district_business=302),
    },
}

FUZZ = {
    "roundtable:topic_publish": ("secretary", {"next": "/roundtable/moderation/"}),
    "roundtable:topic_hide": ("secretary", REASON),
    "roundtable:post_publish": ("district", {"next": "/roundtable/moderation/"}),
    "roundtable:post_hide": ("district", REASON),
    "roundtable:words": ("district", {"words": "违禁词甲\n违禁词乙"}),
    "roundtable:word_delete": ("district", {}),
}
# Fetched through visible_to (topics, posts; words: district staff only).
SCOPED = {
    "rt_mod_topic",
    "rt_mod_topic_held",
    "rt_mod_topic_hidden",
    "rt_mod_post",
    "rt_mod_post_held",
    "rt_mod_post_hidden",
    "rt_word",
}
