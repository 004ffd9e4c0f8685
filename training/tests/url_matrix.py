"""training/ in the URL × persona matrix (tests/url_matrix.py explains the notation; the objects
are training/tests/matrix_world.py's).

Being a mentor is an assignment, as judging is: the `mentor` persona is street B's expert whom
the world puts on the mentor panel. He teaches 国奥's class, answers 国奥's secretary and coaches a
project of 国奥 (which he therefore reads: projects/tests/url_matrix.py, `projects:detail@coached`).

Who sees what:
- Every page asks first for the training programme's reader (community staff, the streets'
  leading groups, district staff, mentors); the others get 403 before any object is looked at.
  An action without that check (a reply, a note) looks the object up first: 404 for them.
- The quarterly session is everybody's; a class is seen by those invited, the leading group of
  their street, its mentor and district staff (another secretary, another cohort: 404).
- The attendance report: district staff and the leading groups (secretaries 403).
- Cohorts, the plan of a month, moves, quarterly sessions and the mentor panel: district staff.
- A consultation: its secretary, its mentor and district staff (another secretary: 404; the
  leading groups may not open consultations at all: 403).
- A coaching: whoever sees its project, and its mentor.
"""

from tests.url_matrix import ONCE, logged_in, row

from .matrix_world import CLASS_DAY, PLAN_DAY

# Accounts that are not training staff at all: refused before any object is looked at.
OUTSIDERS = ("separated_admins", "partners", "residents", "nobody")
STREET_A = ("street", "member", "expert")
STREET_B = ("street_b", "judge", "judge_unassigned", "mentor")
# Those who see 国奥's class: its two secretaries, street A's group, the mentor teaching it.
CLASS = ("secretary", "secretary_haiyun", *STREET_A, "mentor", "district_business")
# 悦海's class (another cohort): its secretary and street B's group (the mentor among them).
OTHER_CLASS = ("secretary2", *STREET_B, "district_business")
# Whoever sees a project of 国奥 (besides district staff), and so its coaching, with its mentor.
PROJECT = ("secretary", "worker", *STREET_A)
COACHING = (*PROJECT, "mentor", "district_business")


def readers(status: int, **named: int) -> dict:
    """A page every training reader opens (OUTSIDERS 403)."""
    return row(status, **dict.fromkeys(OUTSIDERS, 403), **named)


def seen_by(seers, status: int, *, outsiders: int = 404, **named: int) -> dict:
    """`status` for those who see the object, 404 for the others; `outsiders` for the
    accounts that are no training staff (403 where the page asks for the reader first)."""
    return row(
        404, **{**dict.fromkeys(OUTSIDERS, outsiders), **dict.fromkeys(seers, status), **named}
    )


def district(status: int) -> dict:
    """The district's own pages and forms: everyone else 403."""
    return row(403, district_business=status)


SESSION = {
    "title": "物业管理实务",
    "topic": "property",
    "starts_at": f"{CLASS_DAY:%Y-%m-%d}T09:30",
    "ends_at": f"{CLASS_DAY:%Y-%m-%d}T11:30",
    "place": "区党群服务中心302",
    "online_url": "",
    "trainer": "李老师",
    "mentor": "@tr_mentor",
    "description": "",
}
QUARTERLY = {"once": ONCE, **SESSION, "title": "季度专题培训:居民自治", "mentor": ""}
# The first class of 悦海's cohort's month: its first weekday.
PLAN = {
    "once": ONCE,
    **SESSION,
    "title": "头雁工程实训营",
    "starts_at": f"{PLAN_DAY:%Y-%m-%d}T09:00",
    "ends_at": f"{PLAN_DAY:%Y-%m-%d}T11:30",
    "mentor": "",
}
MENTOR = {
    "kind": "professional",
    "organisation": "市物业协会",
    "expertise": "物业管理",
    "bio": "",
}
CONSULTATION = {
    "once": ONCE,
    "mentor": "@tr_mentor",
    "subject": "楼道堆物怎么劝",
    "text": "老人不愿清理,怎么沟通?",
}
MESSAGE = {"once": ONCE, "text": "谢谢导师,我们下周试试。"}
COACH = {"once": ONCE, "mentor": "@tr_mentor", "topic": "property", "problem": "物业不配合"}
NOTE = {"once": ONCE, "date": "@today", "mode": "offline", "text": "到社区座谈,梳理了问题。"}
PLAN_TEXT = {"plan": "一、成立议事小组;二、与物业签订协议;三、每月复盘。"}

CLASS_ROW = {"kwargs": "tr_class"}
HELD = {"kwargs": "tr_held"}
POST_ONLY = {"GET": logged_in(405)}

MATRIX = {
    # --- sessions ---------------------------------------------------------------------------------
    "training:home": {"GET": readers(200)},
    "training:session_list": {"GET": readers(200)},
    "training:session_list@filtered": {
        "query": {"kind": "class", "status": "planned", "year": "abc", "mine": "on"},
        "GET": readers(200),
    },
    "training:quarterly_create": {
        "GET": district(200),
        "POST": district(302),
        "data": QUARTERLY,
    },
    "training:quarterly_create@nowhere": {
        "POST": district(422),
        "data": {**QUARTERLY, "place": "", "online_url": ""},
    },
    "training:session": {**CLASS_ROW, "GET": seen_by(CLASS, 200, outsiders=403)},
    # Another cohort's class: 国奥's secretary and street A do not see it.
    "training:session@other_cohort": {
        "kwargs": "tr_class_other",
        "GET": seen_by(OTHER_CLASS, 200, outsiders=403),
    },
    "training:session@quarterly": {"kwargs": "tr_quarterly", "GET": readers(200)},
    "training:session@held": {**HELD, "GET": seen_by(CLASS, 200, outsiders=403)},
    "training:session_edit": {
        **CLASS_ROW,
        "data": SESSION,
        "GET": seen_by(CLASS, 403, district_business=200),
        "POST": seen_by(CLASS, 403, district_business=302),
    },
    "training:session_edit@bad_times": {
        **CLASS_ROW,
        "data": {**SESSION, "ends_at": SESSION["starts_at"]},
        "POST": seen_by(CLASS, 403, district_business=422),
    },
    # Held: back to the session with the message; a post is a conflict.
    "training:session_edit@held": {
        **HELD,
        "data": SESSION,
        "GET": seen_by(CLASS, 403, district_business=302),
        "POST": seen_by(CLASS, 403, district_business=409),
    },
    "training:session_cancel": {
        **CLASS_ROW,
        **POST_ONLY,
        "POST": seen_by(CLASS, 403, district_business=302),
    },
    "training:session_cancel@held": {
        **HELD,
        "POST": seen_by(CLASS, 403, district_business=409),
    },
    # Who came: district staff and the mentor who taught the class.
    "training:session_attendance": {
        **HELD,
        "data": {"present": "@tr_attendance_held"},
        "GET": seen_by(CLASS, 403, district_business=200, mentor=200),
        "POST": seen_by(CLASS, 403, district_business=302, mentor=302),
    },
    "training:session_attendance@before_start": {
        **CLASS_ROW,
        "data": {"present": "@tr_attendance"},
        "GET": seen_by(CLASS, 403, district_business=200, mentor=200),
        "POST": seen_by(CLASS, 403, district_business=422, mentor=422),
    },
    "training:session_material": {
        **CLASS_ROW,
        **POST_ONLY,
        "data": {"title": "课件", "file": "@pdf"},
        "POST": seen_by(CLASS, 403, district_business=302, mentor=302),
    },
    "training:session_material@no_file": {
        **CLASS_ROW,
        "data": {"title": "课件"},
        "POST": seen_by(CLASS, 403, district_business=422, mentor=422),
    },
    # The invited secretaries reply for themselves; whoever else sees the class may not.
    "training:session_confirm": {
        **CLASS_ROW,
        **POST_ONLY,
        "POST": seen_by(CLASS, 403, secretary=302, secretary_haiyun=302),
    },
    # Held: 国奥's secretary had confirmed (no longer a status to confirm from: 409); 海韵's had
    # not replied (the session is no longer open to replies: 422).
    "training:session_confirm@held": {
        **HELD,
        "POST": seen_by(CLASS, 403, secretary=409, secretary_haiyun=422),
    },
    "training:session_leave": {
        **CLASS_ROW,
        **POST_ONLY,
        "data": {"leave_reason": "社区有防汛任务"},
        "POST": seen_by(CLASS, 403, secretary=302, secretary_haiyun=302),
    },
    "training:session_leave@no_reason": {
        **CLASS_ROW,
        "data": {"leave_reason": ""},
        "POST": seen_by(CLASS, 403, secretary=422, secretary_haiyun=422),
    },
    # After the class: 国奥's secretary came and rates it; 海韵's was absent.
    "training:session_rate": {
        **HELD,
        **POST_ONLY,
        "data": {"rating": "5", "comment": "案例很实用"},
        "POST": seen_by(CLASS, 403, secretary=302, secretary_haiyun=422),
    },
    "training:session_rate@before_start": {
        **CLASS_ROW,
        "data": {"rating": "5", "comment": ""},
        "POST": seen_by(CLASS, 403, secretary=422, secretary_haiyun=422),
    },
    "training:attendee_move": {
        "kwargs": "tr_attendance",
        **POST_ONLY,
        "data": {"to": "@tr_class_sibling"},
        "POST": district(302),
    },
    # --- the rotation -----------------------------------------------------------------------------
    "training:cohort_list": {"GET": district(200)},
    "training:cohort_setup": {**POST_ONLY, "POST": district(302)},
    "training:cohort": {"kwargs": "tr_cohort", "GET": district(200)},
    "training:cohort_plan": {
        "kwargs": "tr_cohort_other",
        "data": PLAN,
        "GET": district(200),
        "POST": district(302),
    },
    # Next week's month is not the month this cohort trains in.
    "training:cohort_plan@wrong_month": {
        "kwargs": "tr_cohort_other",
        "data": {**PLAN, "starts_at": SESSION["starts_at"], "ends_at": SESSION["ends_at"]},
        "POST": district(422),
    },
    # 国奥's cohort has everybody in next week's classes already.
    "training:cohort_plan@placed": {
        "kwargs": "tr_cohort",
        "data": {**PLAN, "starts_at": SESSION["starts_at"], "ends_at": SESSION["ends_at"]},
        "POST": district(409),
    },
    "training:trainee_move": {
        "kwargs": "tr_trainee",
        **POST_ONLY,
        "data": {"cohort": "@tr_cohort_empty"},
        "POST": district(302),
    },
    # --- the attendance report: district staff and the leading groups -----------------------------
    "training:report": {"GET": row(403, district_business=200, street_group=200)},
    "training:report@year": {
        "query": {"year": "1999"},
        "GET": row(403, district_business=200, street_group=200),
    },
    # --- the mentor panel -------------------------------------------------------------------------
    "training:mentor_list": {"GET": readers(200)},
    "training:mentor_list@all": {"query": {"all": "1"}, "GET": readers(200)},
    "training:mentor_create": {
        "data": {"once": ONCE, "user": "@tr_candidate", **MENTOR},
        "GET": district(200),
        "POST": district(302),
    },
    # A resident's account cannot be a mentor.
    "training:mentor_create@resident": {
        "data": {"once": ONCE, "user": "@person", **MENTOR},
        "POST": district(422),
    },
    "training:mentor": {"kwargs": "tr_mentor", "GET": readers(200)},
    "training:mentor_edit": {
        "kwargs": "tr_mentor",
        "data": {**MENTOR, "active": "on"},
        "GET": district(200),
        "POST": district(302),
    },
    "training:pairing_create": {
        "kwargs": "tr_mentor",
        **POST_ONLY,
        "data": {"mentee": "@tr_unpaired"},
        "POST": district(302),
    },
    "training:pairing_create@paired": {
        "kwargs": "tr_mentor",
        "data": {"mentee": "@tr_paired"},
        "POST": district(422),
    },
    "training:pairing_end": {"kwargs": "tr_pairing", **POST_ONLY, "POST": district(302)},
    "training:pairing_end@ended": {"kwargs": "tr_pairing_ended", "POST": district(409)},
    # --- consultations ----------------------------------------------------------------------------
    "training:consultation_list": {
        "GET": row(403, community_staff=200, district_business=200, mentor=200),
    },
    # Secretaries ask; only 国奥's is paired (悦海's pairing has ended).
    "training:consultation_create": {
        "data": CONSULTATION,
        "GET": row(403, secretary=200, secretary_haiyun=200, secretary2=200),
        "POST": row(403, secretary=302, secretary_haiyun=422, secretary2=422),
    },
    "training:consultation": {
        "kwargs": "tr_consultation",
        "GET": row(403, community_staff=404, secretary=200, mentor=200, district_business=200),
    },
    # The mentor answers, the secretary follows up; district staff read, and close.
    "training:consultation_reply": {
        "kwargs": "tr_consultation",
        **POST_ONLY,
        "data": MESSAGE,
        "POST": row(404, secretary=302, mentor=302, district_business=403),
    },
    "training:consultation_reply@closed": {
        "kwargs": "tr_consultation_closed",
        "data": MESSAGE,
        "POST": row(404, secretary=409, mentor=409, district_business=403),
    },
    "training:consultation_close": {
        "kwargs": "tr_consultation",
        **POST_ONLY,
        "POST": row(404, secretary=302, mentor=403, district_business=302),
    },
    "training:consultation_close@closed": {
        "kwargs": "tr_consultation_closed",
        "POST": row(404, secretary=409, mentor=403, district_business=409),
    },
    # --- 一项目一方案 -----------------------------------------------------------------------------------
    "training:coaching_list": {"GET": readers(200)},
    # From 国奥's (shared) project: its street's 组长 and members, and district staff attach a
    # mentor; who does not see the project gets 404 (the mentor too: his grant reads, no more).
    "training:coaching_create": {
        "query": {"project": "@project"},
        "data": COACH,
        "GET": seen_by(PROJECT, 403, street=200, member=200, district_business=200),
        "POST": seen_by(PROJECT, 403, street=302, member=302, district_business=302),
    },
    # The mentor coaches this one already.
    "training:coaching_create@coached": {
        "query": {"project": "@tr_project"},
        "data": COACH,
        "GET": seen_by(PROJECT, 403, street=200, member=200, district_business=200),
        "POST": seen_by(PROJECT, 403, street=422, member=422, district_business=422),
    },
    "training:coaching_create@no_project": {"GET": logged_in(404)},
    "training:coaching": {
        "kwargs": "tr_coaching",
        "GET": seen_by(COACHING, 200, outsiders=403),
    },
    # Ended: the mentor still reads his coaching (not its project).
    "training:coaching@done": {
        "kwargs": "tr_coaching_done",
        "GET": seen_by(COACHING, 200, outsiders=403),
    },
    "training:coaching_note": {
        "kwargs": "tr_coaching",
        **POST_ONLY,
        "data": NOTE,
        "POST": seen_by(COACHING, 403, mentor=302),
    },
    "training:coaching_note@done": {
        "kwargs": "tr_coaching_done",
        "data": NOTE,
        "POST": seen_by(COACHING, 403, mentor=409),
    },
    "training:coaching_plan": {
        "kwargs": "tr_coaching",
        **POST_ONLY,
        "data": PLAN_TEXT,
        "POST": seen_by(COACHING, 403, mentor=302),
    },
    "training:coaching_plan@file": {
        "kwargs": "tr_coaching",
        "data": {**PLAN_TEXT, "file": "@pdf"},
        "POST": seen_by(COACHING, 403, mentor=302),
    },
    "training:coaching_plan@empty": {
        "kwargs": "tr_coaching",
        "data": {"plan": ""},
        "POST": seen_by(COACHING, 403, mentor=422),
    },
    # The district, the project's street's 组长 and members, or the mentor end it.
    "training:coaching_close": {
        "kwargs": "tr_coaching",
        **POST_ONLY,
        "POST": seen_by(COACHING, 403, district_business=302, street=302, member=302, mentor=302),
    },
    "training:coaching_close@done": {
        "kwargs": "tr_coaching_done",
        "POST": seen_by(COACHING, 403, district_business=409, street=409, member=409, mentor=409),
    },
}

# Every form that accepts input, posted by whom may (tests/test_fuzz_forms.py).
FUZZ = {
    "training:quarterly_create": ("district", QUARTERLY),
    "training:session_edit": ("district", SESSION),
    "training:session_cancel": ("district", {}),
    "training:session_attendance": ("mentor", {"present": "@tr_attendance_held"}),
    "training:session_material": ("district", {"title": "课件", "file": "@pdf"}),
    "training:session_confirm": ("secretary", {}),
    "training:session_leave": ("secretary", {"leave_reason": "社区有防汛任务"}),
    "training:session_rate": ("secretary", {"rating": "4", "comment": "案例很实用"}),
    "training:attendee_move": ("district", {"to": "@tr_class_sibling"}),
    "training:cohort_setup": ("district", {}),
    "training:cohort_plan": ("district", PLAN),
    "training:trainee_move": ("district", {"cohort": "@tr_cohort_empty"}),
    "training:mentor_create": ("district", {"once": ONCE, "user": "@tr_candidate", **MENTOR}),
    "training:mentor_edit": ("district", {**MENTOR, "active": "on"}),
    "training:pairing_create": ("district", {"mentee": "@tr_unpaired"}),
    "training:pairing_end": ("district", {}),
    "training:consultation_create": ("secretary", CONSULTATION),
    "training:consultation_reply": ("mentor", MESSAGE),
    "training:consultation_close": ("secretary", {}),
    "training:coaching_create": ("street", COACH),
    "training:coaching_note": ("mentor", NOTE),
    "training:coaching_plan": ("mentor", {**PLAN_TEXT, "file": "@pdf"}),
    "training:coaching_close": ("mentor", {}),
}

# The matrix's training objects (all of them looked up through visible_to, or district-only).
SCOPED = {
    "tr_cohort",
    "tr_cohort_other",
    "tr_trainee",
    "tr_class",
    "tr_class_other",
    "tr_quarterly",
    "tr_held",
    "tr_attendance",
    "tr_mentor",
    "tr_pairing",
    "tr_pairing_ended",
    "tr_consultation",
    "tr_consultation_closed",
    "tr_project",
    "tr_coaching",
    "tr_project_done",
    "tr_coaching_done",
}
