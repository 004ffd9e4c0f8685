"""signups/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

The session belongs to 国奥社区's announced project, in two weeks; a sign-up to it has the cancel
code MATRIXCD. The sign-up in the URL is to a session of the same project held today."""

from tests.url_matrix import ONCE, everyone, row, scoped

SIGNUP = {"once": ONCE, "name": "李大爷", "phone": "13900003333", "consent": "on"}

MATRIX = {
    # Residents, no account: the form, and cancelling with the code (both answer 200 on success).
    "signups:join": {
        "kwargs": "signup_session",
        "project": "announced",
        "GET": everyone(200),
        "POST": everyone(200),
        "data": SIGNUP,
    },
    "signups:cancel": {
        "kwargs": "signup_session",
        "project": "announced",
        "GET": everyone(200),
        "POST": everyone(200),
        "data": {"code": "MATRIXCD"},
    },
    # Staff: the sessions taking sign-ups in scope; a session's list, its export, attendance.
    "signups:list": {"GET": row(403, community_staff=200, district_business=200)},
    "signups:session": {
        "kwargs": "signup_session",
        "project": "announced",
        "GET": scoped(403, community_staff=200, district_business=200),
    },
    "signups:export": {
        "kwargs": "signup_session",
        "project": "announced",
        "GET": scoped(403, community_staff=200),
    },
    "signups:attend": {
        "kwargs": "signup",
        "project": "announced",
        "GET": row(405),
        "POST": scoped(403, community_staff=302),
        "data": {"attended": "yes"},
    },
    # One sign-up's full number (audited), for the session's community staff who tell the
    # resident of a change; district staff read the lists but call nobody (403).
    "signups:phone_reveal": {
        "kwargs": "signup",
        "project": "announced",
        "GET": row(405),
        "POST": scoped(403, community_staff=200),
    },
}
