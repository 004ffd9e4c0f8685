"""evaluation/ (residents' grades) in the URL × persona matrix (tests/url_matrix.py explains the
notation).

The project is 国奥社区's running one (in progress); its held session is the page its QR poster
opens; 国奥社区's household has the code MATRIXHH. Residents need no account: the public pages
answer every persona alike. Each case runs in a savepoint, so every persona's grade is the first.
"""

from tests.url_matrix import ONCE, everyone, row, scoped

from .factories import MATRIX_CODE

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
RUNNING = "in_progress"
GRADE = {"once": ONCE, "verdict": "satisfied", "comment": "活动办得好"}

MATRIX = {
    # --- residents' grades (grades helper) ---
    # 线上投票评: the code opens the community's projects (200, the list); a wrong code 422.
    "evaluation:online": {
        "GET": everyone(200),
        "POST": everyone(200),
        "data": {"household_code": MATRIX_CODE},
    },
    "evaluation:online@wrong_code": {
        "POST": everyone(422),
        "data": {"household_code": "ZZZZ2345"},
    },
    # Grading one project needs the code typed first in this browser's session: none here.
    "evaluation:online_grade": {
        "kwargs": "project",
        "project": RUNNING,
        "GET": everyone(405),
        "POST": everyone(422),
        "data": GRADE,
    },
    "evaluation:online_leave": {"GET": everyone(405), "POST": everyone(200)},
    # 邀请现场评: the session's poster page; with the household's code the grade counts (200).
    "evaluation:onsite": {
        "kwargs": "grade_session",
        "project": RUNNING,
        "GET": everyone(200),
        "POST": everyone(200),
        "data": {**GRADE, "household_code": MATRIX_CODE},
    },
    # Staff: the evaluation home, a project's grades and the export for whoever sees projects.
    "evaluation:index": {"GET": row(403, **READ)},
    "evaluation:project_grades": {
        "kwargs": "project",
        "project": RUNNING,
        "GET": scoped(403, **READ),
    },
    # 国奥's project in street B's open scoring round: its assigned judge reads the project (and
    # its satisfaction rate on the score sheet), never the residents' grades and comments.
    "evaluation:project_grades@judged": {"kwargs": "round_project", "GET": scoped(403, **READ)},
    "evaluation:export@judged": {
        "query": {"project": "@round_project"},
        "GET": scoped(403, **READ),
    },
    "evaluation:export": {"GET": row(403, **READ)},
    "evaluation:export@project": {
        "query": {"project": "@project"},
        "project": RUNNING,
        "GET": scoped(403, **READ),
    },
    # 走访入户评: the project's community staff only; a saved grade goes on to the next door.
    "evaluation:visit": {
        "kwargs": "project",
        "project": RUNNING,
        "GET": scoped(403, community_staff=200),
        "POST": scoped(403, community_staff=302),
        "data": {**GRADE, "household": "@grade_household"},
    },
    # --- end of residents' grades ---
}

# Household code slips and session posters (evaluation/tests/slip_matrix.py).
from .slip_matrix import MATRIX as SLIP_MATRIX  # noqa: E402

MATRIX.update(SLIP_MATRIX)
