"""partners/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Each area of partners/ keeps its rows and its fuzz entries in its own module (matrix_<area>.py);
this module joins them. The objects they open are built by partners/tests/factories.py."""

from tests.url_matrix import ONCE, row, scoped

from . import matrix_recruit, matrix_resource, matrix_staff, matrix_task, matrix_unit

AREAS = (matrix_recruit, matrix_staff, matrix_unit, matrix_task, matrix_resource)

BASE = {
    # Staff who work with partners (partners/rules.py view_partner); a partner opens their own
    # profile, not the list.
    "partners:list": {
        "GET": row(403, community_staff=200, street_group=200, district_business=200)
    },
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
BASE_FUZZ = {
    "partners:create": (
        "secretary",
        {"once": "@once", "name": "国奥物业", "category": "property", "skills": "", "phone": ""},
    ),
}

MATRIX = {**BASE}
FUZZ = {**BASE_FUZZ}
for area in AREAS:
    assert not set(area.MATRIX) & set(MATRIX), f"{area.__name__} repeats rows"
    MATRIX.update(area.MATRIX)
    FUZZ.update(area.FUZZ)
