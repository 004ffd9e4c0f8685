"""The follow-up area's rows of the URL × persona matrix (tests/url_matrix.py explains the notation;
the objects are roundtable/tests/world_followup.py's).

The follow-up list is for whoever works with the communities' records (community staff, the
street's leading group, district staff); the panel's buttons are the community's own staff's
(国奥社区's secretary and worker): the street and the district see the topic (403), everyone else
does not (404).
"""

from tests.url_matrix import everyone, row, scoped

READERS = {"community_staff": 200, "street_group": 200, "district_business": 200}
STAFF = "community_staff"
RESOLUTION = {
    "once": "@once",
    "responsible": "物业公司",
    "action": "夜间十点后关闭广场音响",
    "due_on": "@next_week",
}
EDIT = {
    "responsible": "物业公司",
    "action": "更换单元门禁并加装闭门器",
    "due_on": "@next_week",
    "reason": "配件到货推迟,经居民代表同意延期",
}
DONE = {"note": "已更换门禁,居民代表验收"}
SET_ASIDE = {"reason": "与“单元门禁损坏”议题重复"}
TO_NEED = {"category": ""}


def _post(kwargs: str, data: dict, staff: int) -> dict:
    return {"kwargs": kwargs, "data": data, "POST": scoped(403, **{STAFF: staff})}


MATRIX = {
    "roundtable:resolutions": {"GET": row(403, **READERS)},
    "roundtable:resolutions@filtered": {
        "query": {"state": "overdue", "community": "@community"},
        "GET": row(403, **READERS),
    },
    "roundtable:resolution_add": {
        "kwargs": "rt_follow_topic",
        "data": RESOLUTION,
        "GET": everyone(405),
        "POST": scoped(403, **{STAFF: 302}),
    },
    # No due date: the form refuses it.
    "roundtable:resolution_add@no_due": _post("rt_follow_topic", {**RESOLUTION, "due_on": ""}, 422),
    "roundtable:resolution_add@held": _post("rt_follow_topic_held", RESOLUTION, 422),
    "roundtable:resolution_add@set_aside": _post("rt_follow_topic_set_aside", RESOLUTION, 409),
    # Its meeting closed long ago: too late to type up a resolution.
    "roundtable:resolution_add@late": _post("rt_follow_topic_late", RESOLUTION, 409),
    "roundtable:resolution_done": {
        "kwargs": "rt_resolution",
        "data": DONE,
        "GET": everyone(405),
        "POST": scoped(403, **{STAFF: 302}),
    },
    "roundtable:resolution_done@no_note": _post("rt_resolution", {"note": ""}, 422),
    "roundtable:resolution_done@done": _post("rt_resolution_done", DONE, 409),
    "roundtable:resolution_edit": {
        "kwargs": "rt_resolution",
        "data": EDIT,
        "GET": scoped(403, **{STAFF: 200}),
        "POST": scoped(403, **{STAFF: 302}),
    },
    "roundtable:resolution_edit@no_reason": _post("rt_resolution", {**EDIT, "reason": ""}, 422),
    # A done resolution is not edited: the link goes back to the topic, a post is refused.
    "roundtable:resolution_edit@done": {
        "kwargs": "rt_resolution_done",
        "data": EDIT,
        "GET": scoped(403, **{STAFF: 302}),
        "POST": scoped(403, **{STAFF: 409}),
    },
    "roundtable:topic_set_aside": {
        "kwargs": "rt_follow_topic",
        "data": SET_ASIDE,
        "GET": everyone(405),
        "POST": scoped(403, **{STAFF: 302}),
    },
    "roundtable:topic_set_aside@no_reason": _post("rt_follow_topic", {"reason": ""}, 422),
    "roundtable:topic_set_aside@resolved": _post("rt_follow_topic_resolved", SET_ASIDE, 409),
    "roundtable:topic_to_need": {
        "kwargs": "rt_follow_topic",
        "data": TO_NEED,
        "GET": everyone(405),
        "POST": scoped(403, **{STAFF: 302}),
    },
    "roundtable:topic_to_need@twice": _post("rt_follow_topic_needed", TO_NEED, 409),
    "roundtable:topic_to_need@held": _post("rt_follow_topic_held", TO_NEED, 422),
}

FUZZ = {
    "roundtable:resolution_add": ("secretary", RESOLUTION),
    "roundtable:resolution_done": ("secretary", DONE),
    "roundtable:resolution_edit": ("secretary", EDIT),
    "roundtable:topic_set_aside": ("secretary", SET_ASIDE),
    "roundtable:topic_to_need": ("secretary", TO_NEED),
}

SCOPED = {
    "rt_follow_topic",
    "rt_follow_topic_resolved",
    "rt_follow_topic_needed",
    "rt_follow_topic_set_aside",
    "rt_follow_topic_held",
    "rt_follow_topic_late",
    "rt_resolution",
    "rt_resolution_done",
}
