"""Household code slips and session posters in the URL × persona matrix (merged into
evaluation/tests/url_matrix.py; tests/url_matrix.py explains the notation).

Objects (evaluation/tests/slip_factories.py): `slip_batch`, a ready batch of 国奥社区's 国奥小区
1号楼 without its file (its first download sends it back to 生成中 for the task: 302 to the
list); `slip_batch_failed`, a failed batch of its 2号楼.
Printing goes to 国奥花园 (`@compound`), which has no batch. `session` is a scheduled session of
国奥社区's running project (projects/tests/session_matrix.py)."""

from tests.url_matrix import ONCE, row, scoped

# The slips carry the household codes: 国奥社区's secretary and worker only; the street and the
# district see that a batch exists (403, not 404), others nothing (404).
PRINTERS = {"community_staff": 200}
READ = {"community_staff": 200, "street_group": 200, "district_business": 200}

MATRIX = {
    "evaluation:slips": {"GET": row(403, **PRINTERS)},
    # Any community's staff open the form for their own community; posting 国奥花园 works for
    # 国奥社区's staff, another community's is refused by the form (not their compound: 422).
    "evaluation:slip_create": {
        "GET": row(403, **PRINTERS),
        "POST": row(403, community_staff=422, secretary=302, worker=302),
        "data": {"once": ONCE, "compound": "@compound", "building": ""},
    },
    "evaluation:slip_row": {"kwargs": "slip_batch", "GET": scoped(403, **PRINTERS)},
    "evaluation:slip_download": {
        "kwargs": "slip_batch",
        "GET": scoped(403, community_staff=302),
    },
    "evaluation:slip_void": {
        "kwargs": "slip_batch",
        "GET": scoped(403, **PRINTERS),
        "POST": scoped(403, community_staff=302),
        "data": {"reason": "户码条丢失"},
    },
    "evaluation:slip_retry": {
        "kwargs": "slip_batch_failed",
        "GET": row(405),
        "POST": scoped(403, community_staff=302),
    },
    # A session's QR poster and its PNG: the staff who see the session.
    "evaluation:session_poster": {"kwargs": "session", "GET": scoped(403, **READ)},
    "evaluation:session_poster_png": {"kwargs": "session", "GET": scoped(403, **READ)},
}

__all__ = ["MATRIX"]
