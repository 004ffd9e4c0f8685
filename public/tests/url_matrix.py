"""public/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from tests.url_matrix import ONCE, everyone

MATRIX = {
    "public:home": {"GET": everyone(200)},
    "public:home@all": {"query": {"all": "1"}, "GET": everyone(200)},
    # The community a resident lives in, remembered on the device (a cookie; no login): the
    # chooser, a valid pick, nothing picked (422), and forgetting it. Its FUZZ entry is in
    # publications/tests/matrix_public.py.
    "public:place": {"GET": everyone(200), "POST": everyone(422)},
    "public:place@valid": {"data": {"community": "@community"}, "POST": everyone(302)},
    "public:place@clear": {"data": {"clear": "1"}, "POST": everyone(302)},
    "public:place@stale": {"data": {"community": "999999"}, "POST": everyone(422)},
    # Residents' pages: open to all, logged in or not; only announced projects are public.
    "public:announcement": {"kwargs": "project", "project": "announced", "GET": everyone(200)},
    "public:announcement@draft": {"kwargs": "project", "project": "draft", "GET": everyone(404)},
    "public:announcement@done": {
        "kwargs": "project",
        "project": "retrospected",
        "GET": everyone(200),
    },
    # The printable poster with the page's QR code: as public as the page itself.
    "public:poster": {"kwargs": "project", "project": "announced", "GET": everyone(200)},
    "public:poster@draft": {"kwargs": "project", "project": "draft", "GET": everyone(404)},
    # The month's sessions, of the district, a street or a community.
    "public:calendar": {"GET": everyone(200)},
    "public:calendar@community": {"query": {"community": "@community"}, "GET": everyone(200)},
    # A photo is served only when a session's photo marked public points to it: the matrix's
    # upload is a project document, never public (public/tests/test_views.py serves a real one).
    "public:photo": {"kwargs": "upload", "GET": everyone(404)},
    # A resident raises an objection during a 公示 period, logged in or not (projects/notice.py).
    "public:objection_create": {
        "kwargs": "noticed",
        "data": {"once": ONCE, "text": "充电桩离我家窗户太近,请换个位置。", "phone": ""},
        "GET": everyone(200),
        "POST": everyone(302),
    },
    # A project with no period (the matrix's announced 邻居节) takes no objection.
    "public:objection_create@no_period": {
        "kwargs": "project",
        "project": "announced",
        "data": {"once": ONCE, "text": "有意见"},
        "POST": everyone(422),
    },
    "public:objection_create@draft": {"kwargs": "project", "GET": everyone(404)},
}
