"""scoring/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

The objects (scoring/tests/factories.py): `scoring_round`, an open review round judged by the
`judge` persona (an expert of street B) and district staff, holding 国奥's `round_project`
(`round_entry`, with the judge's submitted `score_sheet`) and 悦海's project (`own_entry`: the
judge's own street); `competition`, a draft 擂台比武; `published_competition`. Rounds are seen by
district staff and their judges, competitions also by the streets' 组长s (they choose entrants):
others get 404 (audited), since the round does not exist for them.
"""

from tests.url_matrix import ONCE, everyone, row

# The district's own pages: everyone else 403.
DISTRICT = {"district_business": 200}
# A round's pages: only district staff and its judges see the round at all.
ROUND = {"district_business": 200}
RUBRIC = {
    "name": "社区项目评分细则(试行)",
    "description": "",
    "c1_name": "需求契合度",
    "c1_points": "40",
    "c1_description": "",
    "c2_name": "实施成效",
    "c2_points": "60",
    "c2_description": "",
}
ROUND_DATA = {
    "name": "2026年擂台比武",
    "year": "2026",
    "rubric": "@rubric",
    "opens_on": "@today",
    "closes_on": "@next_week",
    "tie_break": "satisfaction",
    "description": "",
}


def in_round(default: int = 404, **named: int) -> dict:
    """A URL of the review round: 404 for whoever does not see it (everyone but district staff
    and its judges)."""
    return row(default, **named)


MATRIX = {
    # --- rubrics: district staff --------------------------------------------------------------
    "scoring:rubric_list": {"GET": row(403, **DISTRICT)},
    "scoring:rubric_create": {
        "GET": row(403, **DISTRICT),
        "POST": row(403, district_business=302),
        "data": {"once": ONCE, **RUBRIC},
    },
    "scoring:rubric_create@not_100": {
        "POST": row(403, district_business=422),
        "data": {"once": ONCE, **RUBRIC, "c2_points": "50"},
    },
    "scoring:rubric": {"kwargs": "rubric", "GET": row(403, **DISTRICT)},
    # The matrix's rubric is used by an open round: it cannot change (copy it instead).
    "scoring:rubric_edit": {
        "kwargs": "rubric",
        "GET": row(403, district_business=302),
        "POST": row(403, district_business=409),
        "data": RUBRIC,
    },
    "scoring:rubric_copy": {
        "kwargs": "rubric",
        "GET": everyone(405),
        "POST": row(403, district_business=302),
    },
    # --- rounds --------------------------------------------------------------------------------
    # The list: district staff, judges, and the 组长s (competitions).
    "scoring:round_list": {
        "GET": row(403, district_business=200, street_deciders=200, judge=200),
    },
    "scoring:round_create": {
        "GET": row(403, **DISTRICT),
        "POST": row(403, district_business=302),
        "data": {"once": ONCE, "kind": "competition", **ROUND_DATA},
    },
    "scoring:round": {
        "kwargs": "scoring_round",
        "GET": in_round(district_business=200, judge=200),
    },
    "scoring:round@competition": {
        "kwargs": "competition",
        "GET": in_round(district_business=200, street_deciders=200),
    },
    # Open: no longer editable (409 on POST; GET goes back to the round).
    "scoring:round_edit": {
        "kwargs": "scoring_round",
        "GET": in_round(district_business=302, judge=403),
        "POST": in_round(district_business=409, judge=403),
        "data": ROUND_DATA,
    },
    "scoring:round_edit@draft": {
        "kwargs": "competition",
        "GET": in_round(district_business=200, street_deciders=403),
        "POST": in_round(district_business=302, street_deciders=403),
        "data": ROUND_DATA,
    },
    "scoring:round_projects": {
        "kwargs": "scoring_round",
        "project": "retrospected",
        "GET": in_round(district_business=200, judge=403),
        "POST": in_round(district_business=302, judge=403),
        "data": {"project": "@project"},
    },
    # A draft project has not been retrospected: refused.
    "scoring:round_projects@draft_project": {
        "kwargs": "scoring_round",
        "POST": in_round(district_business=422, judge=403),
        "data": {"project": "@project"},
    },
    "scoring:entry_remove": {
        "kwargs": "scoring_round",
        "GET": everyone(405),
        "POST": in_round(district_business=302, judge=403),
        "data": {"entry": "@own_entry"},
    },
    # Scored already: it stays.
    "scoring:entry_remove@scored": {
        "kwargs": "scoring_round",
        "POST": in_round(district_business=422, judge=403),
        "data": {"entry": "@round_entry"},
    },
    # 国奥's entrant: street A's 组长 chooses; street B's 组长 and district staff may not.
    "scoring:entrants": {
        "kwargs": "competition",
        "project": "retrospected",
        "query": {"community": "@community"},
        "GET": in_round(street_deciders=403, street=200, district_business=403),
        "POST": in_round(street_deciders=403, street=302, district_business=403),
        "data": {"community": "@community", "project": "@project"},
    },
    "scoring:judge_assign": {
        "kwargs": "scoring_round",
        "GET": everyone(405),
        "POST": in_round(district_business=302, judge=403),
        "data": {"user": "@candidate"},
    },
    # Finding a judge by name (htmx fragment or the whole page): district staff.
    "scoring:judge_search": {
        "kwargs": "scoring_round",
        "query": {"q": "judge"},
        "GET": in_round(district_business=200, judge=403),
    },
    "scoring:judge_remove": {
        "kwargs": "scoring_round",
        "GET": everyone(405),
        "POST": in_round(district_business=302, judge=403),
        "data": {"judge": "@district_judge"},
    },
    # The draft competition has no entrant yet: not ready to open.
    "scoring:round_open": {
        "kwargs": "competition",
        "GET": everyone(405),
        "POST": in_round(district_business=422, street_deciders=403),
    },
    "scoring:round_close": {
        "kwargs": "scoring_round",
        "GET": everyone(405),
        "POST": in_round(district_business=302, judge=403),
    },
    "scoring:round_publish": {
        "kwargs": "scoring_round",
        "GET": everyone(405),
        "POST": in_round(district_business=409, judge=403),
    },
    # The ranking board, every sheet and the exports: district staff (judges score blind).
    "scoring:ranking": {
        "kwargs": "scoring_round",
        "GET": in_round(district_business=200, judge=403),
    },
    "scoring:round_sheets": {
        "kwargs": "scoring_round",
        "GET": in_round(district_business=200, judge=403),
    },
    "scoring:export_ranking": {
        "kwargs": "scoring_round",
        "GET": in_round(district_business=200, judge=403),
    },
    "scoring:export_sheets": {
        "kwargs": "scoring_round",
        "GET": in_round(district_business=200, judge=403),
    },
    # --- sheets ---------------------------------------------------------------------------------
    # 国奥's project: the judge submitted (locked: 409); district staff, also a judge, saves a
    # draft; submitting it without points is refused (422).
    "scoring:sheet": {
        "kwargs": "round_entry",
        "GET": in_round(district_business=200, judge=200),
        "POST": in_round(district_business=302, judge=409),
        "data": {"comment": "组织有序"},
    },
    # 悦海's project is of the judge's own street: 403 with the reason.
    "scoring:sheet@own_street": {
        "kwargs": "own_entry",
        "GET": in_round(district_business=200, judge=403),
        "POST": in_round(district_business=302, judge=403),
        "data": {"comment": "组织有序"},
    },
    "scoring:sheet_submit": {
        "kwargs": "round_entry",
        "GET": everyone(405),
        "POST": in_round(district_business=422, judge=409),
        "data": {"comment": "组织有序"},
    },
    "scoring:sheet_detail": {
        "kwargs": "score_sheet",
        "GET": in_round(district_business=200, judge=200),
    },
    "scoring:sheet_reopen": {
        "kwargs": "score_sheet",
        "GET": everyone(405),
        "POST": in_round(district_business=302, judge=403),
        "data": {"reason": "创新性一项漏看了材料"},
    },
    # --- residents ------------------------------------------------------------------------------
    "scoring:public_competitions": {"GET": everyone(200)},
    "scoring:public_competition": {"kwargs": "published_competition", "GET": everyone(200)},
    "scoring:public_competition@draft": {"kwargs": "competition", "GET": everyone(404)},
}
