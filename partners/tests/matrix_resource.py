"""Rows of one area of partners/ in the URL × persona matrix (see partners/tests/url_matrix.py);
FUZZ: its POST URLs for tests/test_fuzz_forms.py (persona, a valid post).

Resources: the partner's community adds, edits, retires and restores them; the partner sees its
own (403 on the forms); street and district staff see them (403). Objects: world_resource.py.
FUZZ also holds step 2's contribution URLs of projects (their rows are in
projects/tests/url_matrix.py).
"""

from tests.url_matrix import ONCE, everyone, scoped

OWN = {"community_staff": 200, "partner": 403}  # the partner's community; the partner reads
DONE = {"community_staff": 302, "partner": 403}
REFUSED = {"community_staff": 422, "partner": 403}
VENUE = {"kind": "venue", "description": "小区活动室", "quantity": "80", "unit": "平方米"}

MATRIX = {
    "partners:resource_create": {
        "kwargs": "partner",
        "GET": scoped(**OWN),
        "POST": scoped(**REFUSED),
    },
    "partners:resource_create@valid": {
        "kwargs": "partner",
        "data": {"once": ONCE, **VENUE},
        "POST": scoped(**DONE),
    },
    # A negative quantity is a form error, not a row.
    "partners:resource_create@negative": {
        "kwargs": "partner",
        "data": {"once": ONCE, **VENUE, "quantity": "-5"},
        "POST": scoped(**REFUSED),
    },
    "partners:resource_edit": {
        "kwargs": "resource",
        "GET": scoped(**OWN),
        "POST": scoped(**REFUSED),
    },
    "partners:resource_edit@valid": {
        "kwargs": "resource",
        "data": {**VENUE, "description": "物业服务中心二楼会议室"},
        "POST": scoped(**DONE),
    },
    "partners:resource_retire": {
        "kwargs": "resource",
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    # Retired already: the status says no.
    "partners:resource_retire@retired": {
        "kwargs": "resource_retired",
        "POST": scoped(community_staff=409, partner=403),
    },
    "partners:resource_restore": {
        "kwargs": "resource_retired",
        "GET": everyone(405),
        "POST": scoped(**DONE),
    },
    "partners:resource_restore@active": {
        "kwargs": "resource",
        "POST": scoped(community_staff=409, partner=403),
    },
}
FUZZ = {
    "partners:resource_create": ("secretary", {"once": "@once", **VENUE}),
    "partners:resource_edit": ("secretary", dict(VENUE)),
    "partners:resource_retire": ("secretary", {}),
    "partners:resource_restore": ("secretary", {}),
    # Step 2 of a project (projects/tests/url_matrix.py has the rows).
    "projects:contribution_add": (
        "secretary",
        {
            "partner": "@partner",
            "resource": "@resource",
            "kind": "venue",
            "description": "议事会场地",
            "quantity": "2",
            "unit": "次",
        },
    ),
    "projects:contribution_remove": ("secretary", {"contribution": "@contribution"}),
}
