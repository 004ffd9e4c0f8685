"""core/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from core.preferences import CHOOSABLE
from tests.url_matrix import everyone, logged_in, row, scoped

MATRIX = {
    "core:inbox": {"GET": logged_in(200)},
    # The secretary's own notification; anyone else's inbox does not hold it.
    "core:notification_open": {
        "kwargs": "notification",
        "GET": everyone(405),
        "POST": row(404, secretary=302),
    },
    "core:notification_read_all": {"GET": everyone(405), "POST": everyone(302)},
    # How each kind of notification comes by e-mail: staff choose; partners, residents and an
    # account without a role are not offered it (403). A choice missing for a kind: 422.
    "core:notification_preferences": {
        "data": {kind.key: "daily" for kind in CHOOSABLE},
        "GET": row(200, partners=403, residents=403, nobody=403),
        "POST": row(302, partners=403, residents=403, nobody=403),
    },
    "core:notification_preferences@incomplete": {
        "data": {"projects": "daily", "partners": "none"},
        "POST": row(422, partners=403, residents=403, nobody=403),
    },
    # Only the auditor reads the audit log.
    "core:audit_log": {"GET": row(403, auditors=200)},
    # An upload on the project: whoever sees the project sees its files.
    "core:file": {"kwargs": "upload", "GET": scoped(200)},
    "healthz": {"GET": everyone(200), "POST": everyone(405)},
}
