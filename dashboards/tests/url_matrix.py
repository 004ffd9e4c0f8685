"""dashboards/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from tests.url_matrix import logged_in, row

MATRIX = {
    "dashboards:home": {"GET": logged_in(200)},
    # Street staff of either street (each sees their own street's projects).
    "dashboards:pipeline": {"GET": row(403, street_group=200)},
    "dashboards:overview": {"GET": row(403, district_business=200)},
}
