"""public/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from tests.url_matrix import everyone

MATRIX = {
    "public:home": {"GET": everyone(200)},
    # Residents' pages: open to all, logged in or not; only announced projects are public.
    "public:announcement": {"kwargs": "project", "project": "announced", "GET": everyone(200)},
    "public:announcement@draft": {"kwargs": "project", "project": "draft", "GET": everyone(404)},
}
