"""Rows of partners kept by staff in the URL × persona matrix (see partners/tests/url_matrix.py;
the objects are partners/tests/world_staff.py's); FUZZ: its POST URLs for tests/test_fuzz_forms.py
(persona, a valid post).

The partner's own community keeps the record: edit, deactivate, restore, import into it. Street
and district staff read the list and export it (numbers masked); they change nothing. The district
keeps the category list. The `partner` persona sees their own profile (partners:detail) and may
change nothing of it here (403).
"""

from tests.url_matrix import ONCE, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
EDIT = {
    "name": "国奥物业服务中心",
    "kind": "person",
    "category": "property",
    "phone": "",
    "availability": "weekend",
    "skills": "维修",
    "compound": "",
    "party_org": "",
    "employer": "",
    "home_building": "",
}
CATEGORY = {"name": "矩阵类别二", "order": "3", "active": "on"}

MATRIX = {
    "partners:edit": {
        "kwargs": "partner",
        "GET": scoped(403, community_staff=200, partner=403),
        # Nothing posted: the name and category are missing.
        "POST": scoped(403, community_staff=422, partner=403),
    },
    "partners:edit@valid": {
        "kwargs": "partner",
        "data": EDIT,
        "POST": scoped(403, community_staff=302, partner=403),
    },
    # A masked number that is not the stored one is refused, never saved as a placeholder.
    "partners:edit@other_mask": {
        "kwargs": "partner",
        "data": {**EDIT, "phone": "139****0000"},
        "POST": scoped(403, community_staff=422, partner=403),
    },
    "partners:deactivate": {
        "kwargs": "partner",
        "data": {"reason": "搬离本社区"},
        "POST": scoped(403, community_staff=302, partner=403),
    },
    "partners:deactivate@no_reason": {
        "kwargs": "partner",
        "POST": scoped(403, community_staff=422, partner=403),
    },
    # Already deactivated: the status no longer allows it.
    "partners:deactivate@inactive": {
        "kwargs": "partner_inactive",
        "data": {"reason": "搬离本社区"},
        "POST": scoped(403, community_staff=409),
    },
    "partners:restore": {
        "kwargs": "partner_inactive",
        "POST": scoped(403, community_staff=302),
    },
    "partners:restore@active": {
        "kwargs": "partner",
        "POST": scoped(403, community_staff=409, partner=403),
    },
    # The district's categories: district staff keep them; nobody else opens the pages.
    "partners:category_list": {"GET": row(403, district_business=200)},
    "partners:category_create": {
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "partners:category_create@valid": {
        "data": {"once": ONCE, "name": "矩阵类别二"},
        "POST": row(403, district_business=302),
    },
    # A name another category has: a message, not a 500.
    "partners:category_create@taken": {
        "data": {"once": ONCE, "name": "物业"},
        "POST": row(403, district_business=422),
    },
    "partners:category_edit": {
        "kwargs": "category",
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "partners:category_edit@valid": {
        "kwargs": "category",
        "data": CATEGORY,
        "POST": row(403, district_business=302),
    },
    # Export: whoever reads the list, of what they read (phones masked outside the community).
    "partners:export": {"GET": row(403, **READ)},
    # Import: community staff, into their community; nothing posted → the form's message.
    "partners:import": {
        "GET": row(403, community_staff=200),
        "POST": row(403, community_staff=422),
    },
    "partners:import_template": {"GET": row(403, community_staff=200)},
    "partners:import_detail": {"kwargs": "import_job", "GET": scoped(403, community_staff=200)},
}
FUZZ = {
    "partners:edit": ("secretary", EDIT),
    "partners:deactivate": ("secretary", {"reason": "搬离本社区"}),
    "partners:restore": ("worker", {}),
    "partners:category_create": ("district", {"once": "@once", "name": "矩阵类别二"}),
    "partners:category_edit": ("district", CATEGORY),
    "partners:import": ("secretary", {"once": "@once", "file": ""}),
}
