"""projects/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Community staff run a project through its steps, the street's 组长 decides, every member of the
leading group comments, district staff read. 409 where the row is right but the status is not.
"""

from tests.url_matrix import ONCE, everyone, logged_in, row, scoped

RUN = {"community_staff": 200}  # the community's pages of a project in the right status
DONE = {"community_staff": 302}  # …and their form, posted and saved

ACTIVITY = {"date": "2026-12-02", "place": "小区广场", "participants": "30", "volunteers": "5"}

MATRIX = {
    "projects:list": {"GET": logged_in(200)},
    "projects:create": {
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "projects:create@valid": {
        "data": {"once": ONCE, "title": "楼道点亮行动", "theme": "beauty"},
        "POST": row(403, community_staff=302),
    },
    "projects:detail": {"kwargs": "project", "GET": scoped(200)},
    "projects:edit": {
        "kwargs": "project",
        "GET": scoped(**RUN),
        "POST": scoped(community_staff=422),
    },
    # Submitted: community staff are sent back to the project page with a message.
    "projects:edit@submitted": {
        "kwargs": "project",
        "project": "submitted",
        "GET": scoped(**DONE),
        "POST": scoped(community_staff=409),
    },
    # Every plan field is optional: an empty form saves.
    "projects:plan": {"kwargs": "project", "GET": scoped(**RUN), "POST": scoped(**DONE)},
    "projects:plan@far_future": {
        "kwargs": "project",
        "data": {"start_date": "2027-01-01", "end_date": "9999-12-31"},
        "POST": scoped(community_staff=422),
    },
    "projects:proposal": {"kwargs": "project", "GET": scoped(**RUN), "POST": scoped(**DONE)},
    "projects:partner_link": {
        "kwargs": "project",
        "data": {"partner": "@partner"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    # Permission before the form: without the right, 403 even when the form is bad.
    "projects:partner_link@empty": {"kwargs": "project", "POST": scoped(community_staff=422)},
    # 悦海社区's partner cannot be linked to 国奥社区's project…
    "projects:partner_link@foreign": {
        "kwargs": "project",
        "data": {"partner": "@partner_yuehai"},
        "POST": scoped(community_staff=422),
    },
    "projects:partner_unlink": {
        "kwargs": "project",
        "linked": True,
        "data": {"partner": "@partner"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    # …nor named in its unlink (it would put the name in the project's history).
    "projects:partner_unlink@foreign": {
        "kwargs": "project",
        "linked": True,
        "data": {"partner": "@partner_yuehai"},
        "POST": scoped(community_staff=422),
    },
    "projects:submit": {"kwargs": "project", "GET": everyone(405), "POST": scoped(**DONE)},
    # Plan and proposal missing: the workflow says what is missing.
    "projects:submit@incomplete": {
        "kwargs": "project",
        "ready": False,
        "POST": scoped(community_staff=422),
    },
    # Only street A's 组长 decides; members and experts comment.
    "projects:approve": {
        "kwargs": "project",
        "project": "submitted",
        "GET": everyone(405),
        "POST": scoped(street_deciders=302),
    },
    # A draft cannot be approved: 409 for the one who may approve, 403 for the rest.
    "projects:approve@draft": {"kwargs": "project", "POST": scoped(street_deciders=409)},
    "projects:return": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"comment": "请补充预算明细。"},
        "GET": everyone(405),
        "POST": scoped(street_deciders=302),
    },
    # A return without a comment is refused; without the right, 403 first.
    "projects:return@empty": {
        "kwargs": "project",
        "project": "submitted",
        "POST": scoped(street_deciders=422),
    },
    "projects:comment": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"once": ONCE, "comment": "建议增加老人专场。"},
        "GET": everyone(405),
        "POST": scoped(street_group=302),
    },
    "projects:comment@empty": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"once": ONCE},
        "POST": scoped(street_group=422),
    },
    # Comments belong to the review: once decided, the proposal takes none.
    "projects:comment@approved": {
        "kwargs": "project",
        "project": "approved",
        "data": {"once": ONCE, "comment": "补充一条意见。"},
        "POST": scoped(street_group=409),
    },
    "projects:announce": {
        "kwargs": "project",
        "project": "approved",
        "data": {"announcement": "12月1日上午九点在小区广场举办。"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    # Not approved yet: the link leads back to the project with a message; a post gets 409.
    "projects:announce@draft": {
        "kwargs": "project",
        "data": {"announcement": "12月1日上午九点在小区广场举办。"},
        "GET": scoped(**DONE),
        "POST": scoped(community_staff=409),
    },
    "projects:activity_create": {
        "kwargs": "project",
        "project": "announced",
        "data": {"once": ONCE, **ACTIVITY, "spending": "120.00"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    # The plan runs through December 2026: an activity in March 2027 is refused with its dates.
    "projects:activity_create@outside_plan": {
        "kwargs": "project",
        "project": "announced",
        "data": {"once": ONCE, **ACTIVITY, "date": "2027-03-01"},
        "POST": scoped(community_staff=422),
    },
    # The project is in progress with one activity logged.
    "projects:retrospective": {
        "kwargs": "project",
        "project": "in_progress",
        "data": {"retrospective": "居民反响很好,下次提前报名。"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    # Announced, nothing held yet: no retrospective.
    "projects:retrospective@announced": {
        "kwargs": "project",
        "project": "announced",
        "data": {"retrospective": "还没开始。"},
        "POST": scoped(community_staff=409),
    },
    # The community's trash: community staff see their deleted drafts.
    "projects:trash": {"GET": row(403, community_staff=200)},
    # Restore a deleted draft: its community's staff; the street sees it but may not restore.
    "projects:restore": {
        "kwargs": "project",
        "deleted": True,
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:delete": {"kwargs": "project", "GET": everyone(405), "POST": scoped(**DONE)},
    # Only drafts are deleted; a submitted project is the street's to judge.
    "projects:delete@submitted": {
        "kwargs": "project",
        "project": "submitted",
        "POST": scoped(community_staff=409),
    },
}
