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
    # The list as Excel: whoever works with projects (projects.view_project), of what they see.
    "projects:export": {
        "GET": row(403, community_staff=200, street_group=200, district_business=200)
    },
    "projects:create": {
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "projects:create@valid": {
        "data": {"once": ONCE, "title": "楼道点亮行动", "theme": "beauty"},
        "POST": row(403, community_staff=302),
    },
    # 纳入已有项目 (projects/adoption.py): the need's community picks one of its draft projects.
    "projects:adopt_need": {
        "kwargs": "need",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "projects:adopt_need@valid": {
        "kwargs": "need",
        "data": {"project": "@project"},
        "POST": scoped(community_staff=302),
    },
    "projects:detail": {"kwargs": "project", "GET": scoped(200)},
    # A retrospected project of 国奥 in an open scoring round (scoring/tests/factories.py): its
    # assigned judge (an expert of street B) reads it, and acts on nothing; an unassigned one
    # does not see it.
    "projects:detail@judged": {"kwargs": "round_project", "GET": scoped(200, judge=200)},
    # A project of 国奥 coached by the `mentor` persona (street B's expert: training/tests/
    # matrix_world.py) is his to read while the coaching is open, and no longer once it ended.
    "projects:detail@coached": {"kwargs": "tr_project", "GET": scoped(200, mentor=200)},
    "projects:detail@coaching_done": {"kwargs": "tr_project_done", "GET": scoped(200)},
    "projects:edit@judged": {
        "kwargs": "round_project",
        "GET": scoped(community_staff=302, judge=403),
        "POST": scoped(community_staff=409, judge=403),
    },
    "projects:comment@judged": {
        "kwargs": "round_project",
        "GET": everyone(405),
        "POST": scoped(street_group=409, judge=403),
        "data": {"once": ONCE, "comment": "做得好"},
    },
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
    # The plan's milestones and budget lines: added and removed from the plan page.
    "projects:milestone_add": {
        "kwargs": "project",
        "data": {"once": ONCE, "date": "2026-12-10", "title": "招募志愿者", "responsible": "王"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:milestone_add@empty": {
        "kwargs": "project",
        "data": {"once": ONCE},
        "POST": scoped(community_staff=422),
    },
    "projects:milestone_remove": {
        "kwargs": "project",
        "data": {"milestone": "@milestone"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    # Submitted: the plan is the street's to read now.
    "projects:milestone_remove@submitted": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"milestone": "@milestone"},
        "POST": scoped(community_staff=409),
    },
    "projects:budget_add": {
        "kwargs": "project",
        "data": {"once": ONCE, "item": "活动物料", "amount": "800", "source": "street"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:budget_add@negative": {
        "kwargs": "project",
        "data": {"once": ONCE, "item": "活动物料", "amount": "-8", "source": "street"},
        "POST": scoped(community_staff=422),
    },
    "projects:budget_remove": {
        "kwargs": "project",
        "data": {"budget_line": "@budget_line"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    # The joint meeting: a page with its form; the attendee rows are part of it.
    "projects:meeting": {
        "kwargs": "project",
        "data": {
            "date": "2026-11-20",
            "feasibility": "场地已落实",
            "decisions": "同意实施",
            "volunteers_needed": "4",
            "party_0": "property",
            "name_0": "物业 张经理",
        },
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    "projects:meeting@no_attendees": {
        "kwargs": "project",
        "data": {"date": "2026-11-20", "feasibility": "可行", "decisions": "同意"},
        "POST": scoped(community_staff=422),
    },
    "projects:meeting@submitted": {
        "kwargs": "project",
        "project": "submitted",
        "GET": scoped(**DONE),
        "POST": scoped(community_staff=409),
    },
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
    # Step 2: what a linked partner contributes (objects in partners/tests/world_resource.py:
    # a draft linking the `partner` persona with its venue; FUZZ in matrix_resource.py).
    "projects:contribution_add": {
        "kwargs": "step2_project",
        "data": {"partner": "@partner", "resource": "@resource", "kind": "", "description": ""},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:contribution_add@empty": {
        "kwargs": "step2_project",
        "POST": scoped(community_staff=422),
    },
    # 悦海社区's partner is not linked to 国奥社区's project: nothing is recorded for it.
    "projects:contribution_add@foreign": {
        "kwargs": "step2_project",
        "data": {
            "partner": "@partner_yuehai",
            "kind": "money",
            "description": "赞助",
            "quantity": "500",
        },
        "POST": scoped(community_staff=422),
    },
    # A retired resource is not offered any more.
    "projects:contribution_add@retired": {
        "kwargs": "step2_project",
        "data": {"partner": "@partner", "resource": "@resource_retired"},
        "POST": scoped(community_staff=422),
    },
    "projects:contribution_add@submitted": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"partner": "@partner", "kind": "venue", "description": "场地"},
        "POST": scoped(community_staff=409),
    },
    "projects:contribution_remove": {
        "kwargs": "step2_project",
        "data": {"contribution": "@contribution"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    # Another project's contribution is not this project's to remove.
    "projects:contribution_remove@elsewhere": {
        "kwargs": "step2_project",
        "data": {"contribution": "@contribution_elsewhere"},
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
    # Approval with conditions: the community confirms each with evidence.
    "projects:condition_confirm": {
        "kwargs": "conditioned",
        "extra": {"condition_pk": "@condition"},
        "data": {"evidence": "已与物业签订场地协议"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    "projects:condition_confirm@empty": {
        "kwargs": "conditioned",
        "extra": {"condition_pk": "@condition"},
        "POST": scoped(community_staff=422),
    },
    # …and the announcement waits for it.
    "projects:announce@conditioned": {
        "kwargs": "conditioned",
        "data": {"announcement": "12月1日上午九点在小区广场举办。"},
        "POST": scoped(community_staff=422),
    },
    # A review round: everyone who sees the project reads it.
    "projects:round": {
        "kwargs": "project",
        "project": "submitted",
        "extra": {"number": 1},
        "GET": scoped(200),
    },
    # Funding: the street's 组长 grants the street's money, district staff the district's.
    "projects:grant": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"source": "street", "amount": "3000"},
        "GET": everyone(405),
        "POST": scoped(street_deciders=302),
    },
    "projects:grant@district": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"source": "district", "amount": "2000"},
        "POST": scoped(district_business=302),
    },
    "projects:grant@draft": {
        "kwargs": "project",
        "data": {"source": "street", "amount": "3000"},
        "POST": scoped(street_deciders=409),
    },
    # 督办: district staff ask about a project under way; the community answers.
    "projects:supervise": {
        "kwargs": "project",
        "project": "in_progress",
        "data": {"once": ONCE, "question": "活动为何推迟?", "due_date": "@next_week"},
        "GET": scoped(district_business=200),
        "POST": scoped(district_business=302),
    },
    "projects:supervise@draft": {
        "kwargs": "project",
        "GET": scoped(district_business=302),
        "POST": scoped(district_business=409),
    },
    "projects:supervisions": {
        "GET": row(403, community_staff=200, street_group=200, district_business=200)
    },
    "projects:supervision": {"kwargs": "supervision", "GET": scoped(200)},
    "projects:supervision_reply": {
        "kwargs": "supervision",
        "data": {"reply": "因天气推迟到下周六。"},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "projects:supervision_reply@empty": {
        "kwargs": "supervision",
        "POST": scoped(community_staff=422),
    },
    # 公示 objections (projects/notice.py): staff who work with projects see the queue of
    # undecided ones (of what they see); the community answers, community or street staff hide,
    # the street's 组长 decides once the community has answered.
    "projects:objections": {
        "GET": row(403, community_staff=200, street_group=200, district_business=200)
    },
    "projects:objection": {"kwargs": "objection", "GET": scoped(200)},
    "projects:project_objections": {"kwargs": "noticed", "GET": scoped(200)},
    "projects:objection_answer": {
        "kwargs": "objection",
        "data": {"answer": "充电桩装在地下车库东侧,离住户较远。"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:objection_answer@empty": {
        "kwargs": "objection",
        "POST": scoped(community_staff=422),
    },
    "projects:objection_hide": {
        "kwargs": "objection",
        "data": {"reason": "含辱骂内容"},
        "GET": everyone(405),
        "POST": scoped(community_staff=302, street_group=302),
    },
    "projects:objection_decide": {
        "kwargs": "objection_answered",
        "data": {"decision": "dismissed", "note": "社区答复可行。"},
        "GET": everyone(405),
        "POST": scoped(street_deciders=302),
    },
    # The number the resident left (audited): the community's staff call back, nobody else.
    "projects:objection_phone": {
        "kwargs": "objection",
        "GET": everyone(405),
        "POST": scoped(403, community_staff=200),
    },
    # No number was left: nothing to reveal.
    "projects:objection_phone@no_phone": {
        "kwargs": "objection_answered",
        "POST": scoped(403, community_staff=422),
    },
    # Not answered yet: the street waits for the community's answer.
    "projects:objection_decide@open": {
        "kwargs": "objection",
        "data": {"decision": "upheld", "note": "成立"},
        "POST": scoped(street_deciders=409),
    },
    # The street's review queue and the approvals filed with the district.
    "projects:reviews": {"GET": row(403, street_group=200, district_business=200)},
    "projects:filings": {"GET": row(403, street_group=200, district_business=200)},
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
        "data": {"retro_worked": "居民反响很好。", "retro_changes": "下次提前报名。"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    # Announced, nothing held yet: no retrospective.
    "projects:retrospective@announced": {
        "kwargs": "project",
        "project": "announced",
        "data": {"retro_worked": "还没开始。", "retro_changes": "先办活动。"},
        "POST": scoped(community_staff=409),
    },
    # Step 6 as a programme (projects/sessions.py; objects in projects/tests/session_matrix.py):
    # whoever sees the project reads its sessions; its community plans, holds and cancels them.
    "projects:sessions": {"kwargs": "project", "GET": scoped(200)},
    "projects:session_create": {
        "kwargs": "project",
        "project": "in_progress",
        "data": {"once": ONCE, "title": "百家宴", "date": "2026-12-10", "place": "小区广场"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    "projects:session_create@no_place": {
        "kwargs": "project",
        "project": "in_progress",
        "data": {"once": ONCE, "title": "百家宴", "date": "2026-12-10"},
        "POST": scoped(community_staff=422),
    },
    # A draft plans no sessions yet: back to the project (GET), the form with the reason (POST).
    "projects:session_create@draft": {
        "kwargs": "project",
        "data": {"once": ONCE, "title": "百家宴", "date": "2026-12-10", "place": "小区广场"},
        "GET": scoped(**DONE),
        "POST": scoped(community_staff=409),
    },
    "projects:series_create": {
        "kwargs": "project",
        "project": "approved",
        "data": {
            "once": ONCE,
            "title": "百家宴",
            "recurrence": "monthly",
            "first_date": "2026-12-05",
            "place": "小区广场",
        },
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    "projects:session": {"kwargs": "session", "GET": scoped(200)},
    "projects:session_edit": {
        "kwargs": "session",
        "data": {"title": "百家宴", "date": "@today", "place": "活动室", "starts_at": "11:00"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    "projects:session_edit@held": {
        "kwargs": "session_held",
        "data": {"title": "百家宴", "date": "@today", "place": "活动室"},
        "GET": scoped(**DONE),
        "POST": scoped(community_staff=409),
    },
    "projects:session_hold": {
        "kwargs": "session",
        "data": {"participants": "35", "note": "居民带来拿手菜"},
        "GET": scoped(**RUN),
        "POST": scoped(**DONE),
    },
    # A held session's record is corrected on the same page.
    "projects:session_hold@held": {
        "kwargs": "session_held",
        "data": {"participants": "-3"},
        "GET": scoped(**RUN),
        "POST": scoped(community_staff=422),
    },
    "projects:session_cancel": {
        "kwargs": "session",
        "data": {"reason": "暴雨预警"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:session_cancel@held": {
        "kwargs": "session_held",
        "data": {"reason": "暴雨预警"},
        "POST": scoped(community_staff=409),
    },
    "projects:photo_publish": {
        "kwargs": "session_held",
        "data": {"photo_id": "@session_photo", "consent": "on"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "projects:photo_publish@no_consent": {
        "kwargs": "session_held",
        "data": {"photo_id": "@session_photo"},
        "POST": scoped(community_staff=422),
    },
    "projects:photo_withdraw": {
        "kwargs": "session_held",
        "data": {"photo_id": "@public_photo"},
        "GET": everyone(405),
        "POST": scoped(**DONE),
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
