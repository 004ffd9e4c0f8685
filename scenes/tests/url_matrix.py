"""scenes/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Community staff record scenes and publish micro-projects; the street's group and district staff
read them; residents use the public pages under /p/ without an account. The matrix's partner
holds the claim on 国奥责任田B ("tended").
"""

from tests.url_matrix import ONCE, everyone, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
SCENE = {
    "once": ONCE,
    "compound": "@compound",
    "kind": "post",
    "name": "楼道议事角",
    "location": "3号楼一层",
    "opening_hours": "",
    "description": "",
}
MICRO = {
    "once": ONCE,
    "compound": "@compound",
    "kind": "plot",
    "title": "幸福责任田C",
    "description": "",
    "location": "",
    "neglect_days": "14",
}
PUBLIC = row(200, anon=200)  # residents' pages: the same for everybody

MATRIX = {
    "scenes:scene_list": {"GET": row(403, **READ)},
    "scenes:scene_create": {
        "query": {"community": "@community"},
        "GET": row(403, community_staff=200, secretary_haiyun=404, secretary2=404),
        "POST": row(403, community_staff=422, secretary_haiyun=404, secretary2=404),
    },
    "scenes:scene_create@valid": {
        "query": {"community": "@community"},
        "data": SCENE,
        "POST": row(403, community_staff=302, secretary_haiyun=404, secretary2=404),
    },
    "scenes:scene_detail": {"kwargs": "scene", "GET": scoped(200)},
    "scenes:scene_edit": {
        "kwargs": "scene",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "scenes:scene_edit@valid": {
        "kwargs": "scene",
        "data": {k: v for k, v in SCENE.items() if k != "once"},
        "POST": scoped(community_staff=302),
    },
    "scenes:scene_delete": {
        "kwargs": "scene",
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    # A photo that is not an image: refused (422) for those who may add one.
    "scenes:scene_photo_add": {
        "kwargs": "scene",
        "data": {"once": ONCE, "caption": "议事角"},
        "GET": everyone(405),
        "POST": scoped(community_staff=422),
    },
    "scenes:scene_photo_consent": {
        "kwargs": "scene",
        "data": {"photo": "@scene_photo", "public": ""},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "scenes:compound": {"kwargs": "compound", "GET": scoped(200)},
    "scenes:micro_list": {"GET": row(403, **READ)},
    "scenes:micro_create": {
        "query": {"community": "@community"},
        "GET": row(403, community_staff=200, secretary_haiyun=404, secretary2=404),
        "POST": row(403, community_staff=422, secretary_haiyun=404, secretary2=404),
    },
    "scenes:micro_create@valid": {
        "query": {"community": "@community"},
        "data": MICRO,
        "POST": row(403, community_staff=302, secretary_haiyun=404, secretary2=404),
    },
    "scenes:micro_detail": {"kwargs": "tended", "GET": scoped(200)},
    # Nothing posted: the title is missing (422).
    "scenes:micro_edit": {
        "kwargs": "tended",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "scenes:micro_edit@valid": {
        "kwargs": "plot",
        "data": {k: v for k, v in MICRO.items() if k != "once"},
        "POST": scoped(community_staff=302),
    },
    "scenes:micro_release": {
        "kwargs": "tended",
        "data": {"reason": "长期未照料"},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    # Open: nothing to release.
    "scenes:micro_release@open": {
        "kwargs": "plot",
        "data": {"reason": ""},
        "POST": scoped(community_staff=409),
    },
    "scenes:micro_close": {
        "kwargs": "plot",
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "scenes:micro_reopen": {
        "kwargs": "plot",
        "GET": everyone(405),
        "POST": scoped(community_staff=409),
    },
    # Residents' pages.
    "scenes:public_compounds": {"GET": PUBLIC},
    "scenes:public_compounds@search": {"query": {"q": "国奥"}, "GET": PUBLIC},
    "scenes:public_compound": {"kwargs": "compound", "GET": PUBLIC},
    "scenes:public_photo": {"kwargs": "scene_photo", "GET": PUBLIC},
    # The open plot: anyone may look; claiming needs a verified phone (422) or, for the
    # community's partner, one press (302 to their plots).
    "scenes:public_claim": {
        "kwargs": "plot",
        "data": {"once": ONCE, "name": "李大爷", "consent": "on"},
        "GET": PUBLIC,
        "POST": row(422, anon=422, partner=302),
    },
    # Taken already: the page says so; a second claim is a conflict.
    "scenes:public_claim@claimed": {
        "kwargs": "tended",
        "data": {"once": ONCE},
        "GET": PUBLIC,
        "POST": row(422, anon=422, partner=409),
    },
    # Asking for a code: sent (200, the page with the code field).
    "scenes:public_phone": {
        "kwargs": "plot",
        "data": {"phone": "13900003333", "send": "1"},
        "GET": everyone(405),
        "POST": row(200, anon=200),
    },
    "scenes:public_phone@wrong_code": {
        "kwargs": "plot",
        "data": {"phone": "13900003333", "code": "000000"},
        "POST": row(422, anon=422),
    },
    "scenes:public_mine": {"GET": PUBLIC},
    # Only the claimant records care: the partner here; anybody else finds no such claim.
    "scenes:public_care": {
        "kwargs": "claim",
        "data": {"once": ONCE, "date": "", "done": "浇水"},
        "GET": everyone(405),
        "POST": row(404, anon=404, partner=422),
    },
    # Only the claimant gives their claim up (a confirmation page, then the post): the partner.
    "scenes:public_give_up": {
        "kwargs": "claim",
        "data": {"once": ONCE, "reason": "搬家了"},
        "GET": row(404, anon=404, partner=200),
        "POST": row(404, anon=404, partner=302),
    },
}
