"""surveys/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

国奥社区's questionnaires (surveys/tests/factories.py matrix_objects): `survey` open (one answer per
device, a paper copy with a comment), `survey_draft` with four questions, `survey_closed`, street A's
`survey_template` (open, repeats allowed) and `survey_copy`, 国奥社区's copy of it. The community's
staff make, edit and run their own; street A's 组长 and members own the template, its expert reads
it; district staff read everything. Residents answer at p/q/<code>/ without an account.
"""

from tests.url_matrix import ONCE, everyone, logged_in, row, scoped

STAFF = {"community_staff": 200, "street_group": 200, "district_business": 200}
# Who may make a survey somewhere: community staff, street 组长 and members, district staff.
CREATORS = {
    "community_staff": 200,
    "street": 200,
    "member": 200,
    "street_b": 200,
    "district_business": 200,
}
OWNERS = {"community_staff": 200}  # 国奥社区's own survey
NOT_FOR_COMMUNITY = {"secretary": 404, "worker": 404}  # the street's template is not theirs
SURVEY = {
    "title": "停车位需求调查",
    "intro": "",
    "starts_on": "@today",
    "ends_on": "@next_week",
    "allow_repeat": "",
}
QUESTION = {"kind": "single", "text": "您家有几辆车?", "required": "on", "options": "一辆\n两辆"}
ANSWER = {"q1": "0", "q2": ["0", "2"], "q3": "4", "q4": "希望多办活动", "comment": ""}
ENTRY = {"channel": "paper", "q1": "2", "q2": "13", "q3": "5", "q4": "", "comment": ""}
QUESTION_URL = {"question_pk": "@survey_question"}
RESPONSE_URL = {"response_pk": "@survey_response"}


def _with(status: int, *, outsiders: int = 403, **named) -> dict:
    """Owners (国奥社区's staff) get `status`; the rest who see the survey `outsiders`."""
    return scoped(outsiders, **{"community_staff": status, **named})


MATRIX = {
    # --- residents ---
    # The template's copy allows repeats: every persona's answer is saved (200, the thank-you).
    "surveys:answer": {
        "kwargs": "survey_copy",
        "lookup": "short_code",
        "GET": everyone(200),
        "POST": everyone(200),
        "data": {"once": ONCE, **ANSWER},
    },
    # One answer per device: a post without the device cookie the page hands out is refused.
    "surveys:answer@once_per_device": {
        "kwargs": "survey",
        "lookup": "short_code",
        "POST": everyone(422),
        "data": {"once": ONCE, **ANSWER},
    },
    "surveys:answer@missing": {"kwargs": "survey", "lookup": "short_code", "POST": everyone(422)},
    "surveys:answer@closed": {
        "kwargs": "survey_closed",
        "lookup": "short_code",
        "GET": everyone(410),
        "POST": everyone(410),
    },
    "surveys:answer@template": {
        "kwargs": "survey_template",
        "lookup": "short_code",
        "GET": everyone(200),
    },
    "surveys:thanks": {"kwargs": "survey", "lookup": "short_code", "GET": everyone(200)},
    # --- staff: the list and making one ---
    "surveys:list": {"GET": row(403, **STAFF)},
    "surveys:create": {"GET": row(403, **CREATORS), "POST": row(403, **{k: 422 for k in CREATORS})},
    "surveys:create@valid": {
        "data": {"once": ONCE, **SURVEY},
        "POST": row(403, **{k: 302 for k in CREATORS}),
    },
    # --- a survey's page and its lifecycle ---
    "surveys:detail": {"kwargs": "survey", "GET": scoped(200)},
    "surveys:detail@template": {
        "kwargs": "survey_template",
        "GET": scoped(200, **NOT_FOR_COMMUNITY),
    },
    "surveys:detail@copy": {"kwargs": "survey_copy", "GET": scoped(200)},
    "surveys:edit": {
        "kwargs": "survey_draft",
        "GET": _with(200),
        "POST": _with(422),
    },
    "surveys:edit@valid": {"kwargs": "survey_draft", "data": SURVEY, "POST": _with(302)},
    "surveys:edit@open": {"kwargs": "survey", "GET": _with(302), "POST": _with(409)},
    # The street owns its template: its 组长 and member edit it, the expert reads it.
    "surveys:edit@template": {
        "kwargs": "survey_template",
        "GET": scoped(403, street=302, member=302, **NOT_FOR_COMMUNITY),
    },
    "surveys:adjust": {
        "kwargs": "survey_copy",
        "GET": _with(200),
        "POST": _with(422),
        "data": {"starts_on": "2000-01-01", "ends_on": "@next_week"},
    },
    "surveys:adjust@valid": {
        "kwargs": "survey",
        "data": {"starts_on": "@today", "ends_on": "@next_week", "allow_repeat": "on"},
        "POST": _with(302),
    },
    "surveys:adjust@draft": {"kwargs": "survey_draft", "GET": _with(302), "POST": _with(409)},
    "surveys:publish": {"kwargs": "survey_draft", "GET": logged_in(405), "POST": _with(302)},
    "surveys:publish@open": {"kwargs": "survey", "POST": _with(409)},
    "surveys:close": {"kwargs": "survey", "GET": logged_in(405), "POST": _with(302)},
    "surveys:close@closed": {"kwargs": "survey_closed", "POST": _with(409)},
    "surveys:close@template": {
        "kwargs": "survey_template",
        "POST": scoped(403, street=302, member=302, **NOT_FOR_COMMUNITY),
    },
    "surveys:delete": {"kwargs": "survey_draft", "GET": logged_in(405), "POST": _with(302)},
    "surveys:delete@open": {"kwargs": "survey", "POST": _with(409)},
    # --- questions, in draft ---
    "surveys:question_add": {"kwargs": "survey_draft", "GET": logged_in(405), "POST": _with(422)},
    "surveys:question_add@valid": {
        "kwargs": "survey_draft",
        "data": {"once": ONCE, **QUESTION},
        "POST": _with(302),
    },
    "surveys:question_add@open": {
        "kwargs": "survey",
        "data": {"once": ONCE, **QUESTION},
        "POST": _with(409),
    },
    "surveys:question_edit": {
        "kwargs": "survey_draft",
        "extra": QUESTION_URL,
        "GET": _with(200),
        "POST": _with(422),
    },
    "surveys:question_edit@valid": {
        "kwargs": "survey_draft",
        "extra": QUESTION_URL,
        "data": QUESTION,
        "POST": _with(302),
    },
    "surveys:question_delete": {
        "kwargs": "survey_draft",
        "extra": QUESTION_URL,
        "GET": logged_in(405),
        "POST": _with(302),
    },
    "surveys:question_move": {
        "kwargs": "survey_draft",
        "extra": QUESTION_URL,
        "GET": logged_in(405),
        "POST": _with(422),
    },
    "surveys:question_move@valid": {
        "kwargs": "survey_draft",
        "extra": QUESTION_URL,
        "data": {"direction": "down"},
        "POST": _with(302),
    },
    # --- running it: copies handed out, paper entry ---
    "surveys:distribute": {"kwargs": "survey", "GET": logged_in(405), "POST": _with(422)},
    "surveys:distribute@valid": {
        "kwargs": "survey",
        "data": {"once": ONCE, "channel": "paper", "copies": "200", "handed_out_on": "@today"},
        "POST": _with(302),
    },
    "surveys:entry": {"kwargs": "survey", "GET": _with(200), "POST": _with(422)},
    "surveys:entry@valid": {
        "kwargs": "survey",
        "data": {"once": ONCE, **ENTRY},
        "POST": _with(302),
    },
    "surveys:entry@draft": {"kwargs": "survey_draft", "GET": _with(302)},
    # Correcting a typed copy: the paper copy of `survey`; an online answer is the resident's
    # (GET goes back to the entry page with the reason, POST 409); a copy of another survey 404.
    "surveys:entry_correct": {
        "kwargs": "survey",
        "extra": RESPONSE_URL,
        "GET": _with(200),
        "POST": _with(422),
    },
    "surveys:entry_correct@valid": {
        "kwargs": "survey",
        "extra": RESPONSE_URL,
        "data": {"once": ONCE, **ENTRY, "comment": "楼道灯坏了"},
        "POST": _with(302),
    },
    "surveys:entry_correct@online": {
        "kwargs": "survey",
        "extra": {"response_pk": "@survey_online_response"},
        "data": {"once": ONCE, **ENTRY},
        "GET": _with(302),
        "POST": _with(409),
    },
    "surveys:entry_correct@other_survey": {
        "kwargs": "survey_closed",
        "extra": RESPONSE_URL,
        "GET": _with(404),
        "POST": _with(404),
    },
    # --- results, their export and the posters: whoever sees the survey ---
    "surveys:results": {"kwargs": "survey", "GET": scoped(200)},
    "surveys:results@template": {
        "kwargs": "survey_template",
        "GET": scoped(200, **NOT_FOR_COMMUNITY),
    },
    "surveys:texts": {
        "kwargs": "survey",
        "extra": {"question_pk": "@survey_open_question"},
        "GET": scoped(200),
    },
    "surveys:export": {"kwargs": "survey", "GET": scoped(200)},
    "surveys:export@template": {
        "kwargs": "survey_template",
        "GET": scoped(200, **NOT_FOR_COMMUNITY),
    },
    "surveys:poster_png": {"kwargs": "survey", "GET": scoped(200)},
    "surveys:poster_pdf": {"kwargs": "survey_copy", "GET": scoped(200)},
    # --- the comments' triage and an option turned into a need: the community's staff ---
    "surveys:option_need": {"kwargs": "survey", "GET": logged_in(405), "POST": _with(422)},
    "surveys:option_need@valid": {
        "kwargs": "survey",
        "data": {
            "once": ONCE,
            "question": "@survey_choice_question",
            "option": "0",
            "category": "environment",
        },
        "POST": _with(302),
    },
    "surveys:comment_file": {
        "kwargs": "survey_response",
        "GET": logged_in(405),
        "POST": _with(422),
    },
    "surveys:comment_file@valid": {
        "kwargs": "survey_response",
        "data": {"need": "@need"},
        "POST": _with(302),
    },
    "surveys:comment_need": {
        "kwargs": "survey_response",
        "GET": logged_in(405),
        "POST": _with(422),
    },
    "surveys:comment_need@valid": {
        "kwargs": "survey_response",
        "data": {"once": ONCE, "title": "修楼道灯", "category": "environment"},
        "POST": _with(302),
    },
    "surveys:comment_decline": {
        "kwargs": "survey_response",
        "GET": logged_in(405),
        "POST": _with(422),
    },
    "surveys:comment_decline@valid": {
        "kwargs": "survey_response",
        "data": {"reason": "属物业维修范围,已转交物业"},
        "POST": _with(302),
    },
}

# tests/test_fuzz_forms.py: who posts each form, with a valid post (one field at a time made
# hostile). The public answer goes to the copy that allows repeats, so posts reach the service.
FUZZ = {
    "surveys:answer": ("anon", {"once": ONCE, **ANSWER, "comment": "路灯坏了"}),
    "surveys:create": ("secretary", {"once": ONCE, **SURVEY}),
    "surveys:edit": ("secretary", SURVEY),
    "surveys:adjust": (
        "secretary",
        {"starts_on": "@today", "ends_on": "@next_week", "allow_repeat": "on"},
    ),
    "surveys:publish": ("secretary", {}),
    "surveys:close": ("secretary", {}),
    "surveys:delete": ("secretary", {}),
    "surveys:question_add": ("secretary", {"once": ONCE, **QUESTION, "rating_max": "5"}),
    "surveys:question_edit": ("worker", {**QUESTION, "rating_max": "5"}),
    "surveys:question_delete": ("secretary", {}),
    "surveys:question_move": ("secretary", {"direction": "up"}),
    "surveys:distribute": (
        "worker",
        {"once": ONCE, "channel": "visit", "copies": "30", "handed_out_on": "@today", "note": ""},
    ),
    "surveys:entry": ("worker", {"once": ONCE, **ENTRY, "paper_no": "A-12"}),
    "surveys:entry_correct": ("worker", {"once": ONCE, **ENTRY, "paper_no": "A-12"}),
    "surveys:option_need": (
        "secretary",
        {
            "once": ONCE,
            "question": "@survey_choice_question",
            "option": "0",
            "category": "environment",
        },
    ),
    "surveys:comment_file": ("secretary", {"need": "@need"}),
    "surveys:comment_need": (
        "worker",
        {"once": ONCE, "title": "修楼道灯", "category": "environment"},
    ),
    "surveys:comment_decline": ("secretary", {"reason": "属物业维修范围"}),
}
