"""figures/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

- The dashboard and its home fragment: community staff, the streets' leading groups and district
  staff, each for their own place (a street or community of somebody else's: 404); everyone else
  403 before any place is looked at.
- The fill-once reports: the leading groups and district staff (community staff 403); a month or
  half year not offered: 422.
- The 幸福账单: public, for everyone.
"""

import datetime

from reports.models import Period
from tests.url_matrix import everyone, row

TODAY = datetime.date.today()
MONTH = f"{TODAY:%Y-%m}"
HALF = Period.of(TODAY).key

STAFF = {"community_staff": 200, "street_group": 200, "district_business": 200}
OTHER_STREET = ("street_b", "judge", "judge_unassigned", "mentor")
# 国奥社区 is seen by its staff, street A's leading group and the district.
GUOAO = {"secretary": 200, "worker": 200, "street": 200, "member": 200, "expert": 200}


def staff(default: int = 403, **named: int) -> dict:
    return row(default, **{**STAFF, **named})


def reporters(status: int) -> dict:
    return row(403, street_group=status, district_business=status)


MATRIX = {
    "figures:dashboard": {"GET": staff()},
    # Street A named: its group and the district; street B's group and every community's staff
    # do not see it.
    "figures:dashboard@street": {
        "query": {"street": "@street"},
        "GET": staff(
            community_staff=404,
            **dict.fromkeys(OTHER_STREET, 404),
        ),
    },
    "figures:dashboard@community": {
        "query": {"community": "@community"},
        "GET": staff(
            community_staff=404,
            street_group=404,
            **GUOAO,
        ),
    },
    "figures:summary": {"GET": staff()},
    "figures:reports": {"GET": reporters(200)},
    "figures:monthly": {"query": {"month": MONTH}, "GET": reporters(200)},
    "figures:monthly@not_offered": {"query": {"month": "1999-01"}, "GET": reporters(422)},
    "figures:half_year": {"query": {"period": HALF}, "GET": reporters(200)},
    "figures:half_year@not_offered": {"query": {"period": "x"}, "GET": reporters(422)},
    "figures_public:index": {"GET": everyone(200), "POST": everyone(405)},
    "figures_public:bill": {
        "kwargs": "community",
        "extra": {"year": TODAY.year},
        "GET": everyone(200),
        "POST": everyone(405),
    },
    "figures_public:bill@no_year": {
        "kwargs": "community",
        "extra": {"year": 1999},
        "GET": everyone(404),
    },
    "figures_public:bill_pdf": {
        "kwargs": "community",
        "extra": {"year": TODAY.year},
        "GET": everyone(200),
    },
}
