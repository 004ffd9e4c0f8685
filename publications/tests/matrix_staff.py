"""Staff rows of the monthly rhythm in the URL × persona matrix (tests/url_matrix.py explains the
notation; the objects are publications/tests/world_staff.py's).

Street A's preview and summary exist for street A's leading group, the community staff of its
communities (海韵社区's secretary too: same street) and district staff; only street A's 组长 signs
them off and edits the foreword (the district recompiles too). The district's digest is district
staff's while a draft; once published every staff member with a street or a community reads it.
"""

import datetime

from tests.url_matrix import everyone, row, scoped

_first = datetime.date.today().replace(day=1)
# A month that is over: its summaries may be compiled by hand.
LAST_MONTH = f"{(_first - datetime.timedelta(days=1)):%Y-%m}"

READERS = {"community_staff": 200, "street_group": 200, "district_business": 200}
SEES_STREET_A = {"secretary_haiyun": 200}  # 海韵社区 is in street A
FOREWORD = {"foreword": "本月四大主题活动请居民踊跃参加。"}
PREVIEW = {"kwargs": "staff_preview_draft"}
SUMMARY = {"kwargs": "staff_summary_published"}
DIGEST = {"kwargs": "staff_digest_draft"}
# Those who see street A's publication but may not act on it.
NOT_SIGNER = {"secretary_haiyun": 403}

MATRIX = {
    "publications:list": {"GET": row(403, **READERS)},
    "publications:list@late": {
        "query": {"late": "on", "kind": "preview"},
        "GET": row(403, **READERS),
    },
    "publications:detail": {**PREVIEW, "GET": scoped(200, **SEES_STREET_A)},
    "publications:detail@published": {**SUMMARY, "GET": scoped(200, **SEES_STREET_A)},
    "publications:detail@digest_draft": {**DIGEST, "GET": row(404, district_business=200)},
    "publications:detail@digest_published": {
        "kwargs": "staff_digest_published",
        "GET": row(404, **READERS),
    },
    "publications:sign_off": {
        **PREVIEW,
        "data": FOREWORD,
        "GET": everyone(405),
        "POST": scoped(403, street=302, **NOT_SIGNER),
    },
    "publications:sign_off@too_long": {
        **PREVIEW,
        "data": {"foreword": "长" * 2001},
        "POST": scoped(403, street=422, **NOT_SIGNER),
    },
    "publications:sign_off@published": {
        **SUMMARY,
        "data": FOREWORD,
        "POST": scoped(403, street=409, **NOT_SIGNER),
    },
    "publications:sign_off@digest": {
        **DIGEST,
        "data": FOREWORD,
        "POST": row(404, district_business=302),
    },
    "publications:foreword": {
        **PREVIEW,
        "data": FOREWORD,
        "GET": everyone(405),
        "POST": scoped(403, street=302, **NOT_SIGNER),
    },
    "publications:foreword@published": {
        **SUMMARY,
        "data": FOREWORD,
        "POST": scoped(403, street=409, **NOT_SIGNER),
    },
    "publications:recompile": {
        **PREVIEW,
        "GET": everyone(405),
        "POST": scoped(403, street=302, district_business=302, **NOT_SIGNER),
    },
    "publications:recompile@published": {
        **SUMMARY,
        "POST": scoped(403, street=409, district_business=409, **NOT_SIGNER),
    },
    "publications:settings": {
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "publications:settings@valid": {
        "data": {"auto_publish": "on", "auto_publish_hour": "9"},
        "POST": row(403, district_business=302),
    },
    "publications:compile": {
        "GET": row(403, district_business=200),
        "POST": row(403, district_business=422),
    },
    "publications:compile@valid": {
        "data": {"kind": "summary", "month": LAST_MONTH, "street": ""},
        "POST": row(403, district_business=302),
    },
    # The digest belongs to the district: naming a street is refused.
    "publications:compile@digest_street": {
        "data": {"kind": "digest", "month": LAST_MONTH, "street": "@street"},
        "POST": row(403, district_business=422),
    },
}

FUZZ = {
    "publications:sign_off": ("street", FOREWORD),
    "publications:foreword": ("street", FOREWORD),
    "publications:recompile": ("street", {}),
    "publications:settings": ("district", {"auto_publish": "on", "auto_publish_hour": "9"}),
    "publications:compile": ("district", {"kind": "summary", "month": LAST_MONTH, "street": ""}),
}

SCOPED = {
    "staff_preview_draft",
    "staff_summary_published",
    "staff_digest_draft",
    "staff_digest_published",
}
