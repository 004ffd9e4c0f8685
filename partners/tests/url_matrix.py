"""partners/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from tests.url_matrix import ONCE, logged_in, row, scoped

MATRIX = {
    "partners:list": {"GET": logged_in(200)},
    "partners:create": {
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "partners:create@valid": {
        "data": {"once": ONCE, "name": "国奥物业", "category": "property", "phone": "13912345678"},
        "POST": row(403, community_staff=302),
    },
    # A masked number typed into a new partner is a form error, never a placeholder saved.
    "partners:create@masked_phone": {
        "data": {"once": ONCE, "name": "国奥物业", "category": "property", "phone": "139****5678"},
        "POST": row(403, community_staff=422),
    },
    # A partner sees their own profile.
    "partners:detail": {"kwargs": "partner", "GET": scoped(200, partner=200)},
}
