"""publications/ delivery rows of the URL matrix (the objects are world_delivery.py's).

District staff read the deliveries and retry a failed one; for everybody else a delivery does
not exist (404). A street's WeCom robot is set by its 组长 and by district staff; the rest of its
leading group sees the street but may not (403); other streets and community staff do not see
it (404). Residents subscribe and unsubscribe without logging in.
"""

from tests.url_matrix import everyone, row, scoped

ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
WECOM = scoped(404, street_deciders=200, street_group=403, district_business=200)

MATRIX = {
    "publications:deliveries": {"GET": row(403, district_business=200)},
    "publications:deliveries@filtered": {
        "query": {"status": "failed", "channel": "email", "month": "2025-06"},
        "GET": row(403, district_business=200),
    },
    "publications:deliveries@junk": {
        "query": {"status": "x", "month": "2025-13", "publication": "-3", "page": "x"},
        "GET": row(403, district_business=200),
    },
    "publications:delivery_retry": {
        "kwargs": "delivery",
        "GET": everyone(405),
        "POST": scoped(404, district_business=302),
    },
    "publications:delivery_retry@sent": {
        "kwargs": "delivery_sent",
        "POST": scoped(404, district_business=409),
    },
    "publications:wecom": {
        "kwargs": "street",
        "GET": WECOM,
        "POST": scoped(404, street_deciders=422, street_group=403, district_business=422),
    },
    "publications:wecom@valid": {
        "kwargs": "street",
        "data": {"action": "save", "url": ROBOT},
        "POST": scoped(404, street_deciders=302, street_group=403, district_business=302),
    },
    "publications:wecom@foreign_host": {
        "kwargs": "street",
        "data": {"action": "save", "url": "https://evil.example.com/cgi-bin/webhook/send?key=1"},
        "POST": scoped(404, street_deciders=422, street_group=403, district_business=422),
    },
    "publications:wecom@remove": {
        "kwargs": "street",
        "data": {"action": "remove"},
        "POST": scoped(404, street_deciders=302, street_group=403, district_business=302),
    },
    "publications_public:subscribe": {"GET": everyone(200), "POST": everyone(422)},
    "publications_public:subscribe@send": {
        "data": {"street": "@street", "phone": "13900005555", "send": "1"},
        "POST": everyone(200),
    },
    "publications_public:subscribe@no_consent": {
        "data": {"street": "@street", "phone": "13900005555", "code": "123456"},
        "POST": everyone(422),
    },
    "publications_public:unsubscribe": {
        "kwargs": "subscription",
        "lookup": "token",
        "GET": everyone(200),
        "POST": everyone(200),
    },
}

FUZZ = {
    "publications:delivery_retry": ("district", {}),
    "publications:wecom": ("district", {"action": "save", "url": ROBOT}),
    "publications_public:subscribe": (
        "anon",
        {"street": "@street", "phone": "13900005555", "code": "123456", "consent": "on"},
    ),
    "publications_public:unsubscribe": ("anon", {}),
}
# Fetched through visible_to (deliveries, streets); the subscription is found by its token.
SCOPED = {"delivery", "delivery_sent", "street", "subscription"}
