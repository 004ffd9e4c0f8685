"""core/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

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
    # Only the auditor reads the audit log.
    "core:audit_log": {"GET": row(403, auditors=200)},
    # An upload on the project: whoever sees the project sees its files.
    "core:file": {"kwargs": "upload", "GET": scoped(200)},
    "healthz": {"GET": everyone(200), "POST": everyone(405)},
}
