"""Rows of 双报到, 双包, the coverage view and 战时 call-outs in the URL × persona matrix (see
partners/tests/url_matrix.py; the objects are partners/tests/world_unit.py's); FUZZ: its POST
URLs for tests/test_fuzz_forms.py (persona, a valid post).

Community staff register units and party members, record and end adoptions, open and close
emergencies; the street's group and district staff read the lists, the coverage view and the
emergencies; a called partner (the `partner` persona) sees and answers only their own alert:
for everybody else it does not exist (404).
"""

from tests.url_matrix import ONCE, OTHER_STREET, everyone, row, scoped

READ = {"community_staff": 200, "street_group": 200, "district_business": 200}
IN_GUOAO = {"query": {"community": "@community"}}
ELSEWHERE = {"secretary_haiyun": 404, "secretary2": 404}
UNIT = {
    "once": ONCE,
    "name": "区人民法院",
    "party_org": "区人民法院机关党委",
    "phone": "13900002222",
    "skills": "法律咨询",
}
MEMBER = {
    "once": ONCE,
    "name": "王党员",
    "phone": "13900003333",
    "employer": "区财政局",
    "home_building": "@dual_building",
}
EMERGENCY = {"once": ONCE, "title": "燃气泄漏疏散", "description": "", "compounds": "@compound"}

MATRIX = {
    # 双报到: a unit by default, a party member with ?type=member.
    "partners:dual_report": {
        **IN_GUOAO,
        "GET": row(403, community_staff=200, **ELSEWHERE),
        "POST": row(403, community_staff=422, **ELSEWHERE),
    },
    "partners:dual_report@unit": {
        **IN_GUOAO,
        "data": UNIT,
        "POST": row(403, community_staff=302, **ELSEWHERE),
    },
    "partners:dual_report@member": {
        "query": {"community": "@community", "type": "member"},
        "data": MEMBER,
        "POST": row(403, community_staff=302, **ELSEWHERE),
    },
    "partners:dual_report_list": {"GET": row(403, **READ)},
    "partners:dual_report_list@members": {"query": {"kind": "member"}, "GET": row(403, **READ)},
    # 单位包小区: a page with the form, or the post (nothing posted: 422).
    "partners:adopt_compound": {
        "kwargs": "dual_unit",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "partners:adopt_compound@valid": {
        "kwargs": "dual_unit",
        "data": {"once": ONCE, "compound": "@dual_compound2", "note": "环境整治"},
        "POST": scoped(community_staff=302),
    },
    # The unit adopts 国奥花园 already: a message, not a second row.
    "partners:adopt_compound@duplicate": {
        "kwargs": "dual_unit",
        "data": {"once": ONCE, "compound": "@compound", "note": ""},
        "POST": scoped(community_staff=409),
    },
    # A party member adopts buildings, not compounds.
    "partners:adopt_compound@member": {
        "kwargs": "dual_member",
        "data": {"once": ONCE, "compound": "@dual_compound2", "note": ""},
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "partners:adopt_building": {
        "kwargs": "dual_member",
        "GET": scoped(community_staff=200),
        "POST": scoped(community_staff=422),
    },
    "partners:adopt_building@valid": {
        "kwargs": "dual_member",
        "data": {"once": ONCE, "building": "@dual_building2", "note": "收集意见"},
        "POST": scoped(community_staff=302),
    },
    "partners:adopt_building@duplicate": {
        "kwargs": "dual_member",
        "data": {"once": ONCE, "building": "@dual_building", "note": ""},
        "POST": scoped(community_staff=409),
    },
    "partners:adopt_building@unit": {
        "kwargs": "dual_unit",
        "data": {"once": ONCE, "building": "@dual_building2", "note": ""},
        "POST": scoped(community_staff=422),
    },
    "partners:adoption_end": {
        "kwargs": "compound_adoption",
        "extra": {"kind": "compound"},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "partners:adoption_end@building": {
        "kwargs": "building_adoption",
        "extra": {"kind": "building"},
        "POST": scoped(community_staff=302),
    },
    "partners:adoption_end@ended": {
        "kwargs": "compound_adoption_ended",
        "extra": {"kind": "compound"},
        "POST": scoped(community_staff=409),
    },
    # The coverage view at the user's own level, then drilled into 国奥社区 and street A.
    "partners:coverage": {"GET": row(403, **READ)},
    "partners:coverage@community": {
        **IN_GUOAO,
        "GET": row(403, **READ, **ELSEWHERE, **OTHER_STREET),
    },
    "partners:coverage@street": {
        "query": {"street": "@street"},
        "GET": row(
            403, community_staff=404, street_group=200, district_business=200, **OTHER_STREET
        ),
    },
    # 战时 call-outs.
    "partners:emergency_list": {"GET": row(403, **READ)},
    "partners:emergency_create": {
        **IN_GUOAO,
        "GET": row(403, community_staff=200, **ELSEWHERE),
        "POST": row(403, community_staff=422, **ELSEWHERE),
    },
    "partners:emergency_create@valid": {
        **IN_GUOAO,
        "data": EMERGENCY,
        "POST": row(403, community_staff=302, **ELSEWHERE),
    },
    "partners:emergency_detail": {"kwargs": "emergency", "GET": scoped(200)},
    "partners:emergency_detail@closed": {"kwargs": "emergency_closed", "GET": scoped(200)},
    "partners:emergency_close": {
        "kwargs": "emergency",
        "data": {"report": "到岗8人,车辆已转移"},
        "GET": everyone(405),
        "POST": scoped(community_staff=302),
    },
    "partners:emergency_close@no_report": {
        "kwargs": "emergency",
        "data": {"report": ""},
        "POST": scoped(community_staff=422),
    },
    "partners:emergency_close@closed": {
        "kwargs": "emergency_closed",
        "data": {"report": "再次结束"},
        "POST": scoped(community_staff=409),
    },
    # The called partner's own alert: nobody else's business.
    "partners:alert_detail": {"kwargs": "alert", "GET": row(404, partner=200)},
    "partners:alert_detail@closed": {"kwargs": "alert_closed", "GET": row(404, partner=200)},
    "partners:alert_answer": {
        "kwargs": "alert",
        "data": {"answer": "available", "note": "十分钟到"},
        "GET": everyone(405),
        "POST": row(404, partner=302),
    },
    "partners:alert_answer@no_answer": {
        "kwargs": "alert",
        "data": {"note": ""},
        "POST": row(404, partner=422),
    },
    "partners:alert_answer@closed": {
        "kwargs": "alert_closed",
        "data": {"answer": "unavailable", "note": ""},
        "POST": row(404, partner=409),
    },
}

FUZZ = {
    "partners:dual_report": ("secretary", UNIT),
    "partners:adopt_compound": (
        "secretary",
        {"once": "@once", "compound": "@dual_compound2", "note": ""},
    ),
    "partners:adopt_building": (
        "secretary",
        {"once": "@once", "building": "@dual_building2", "note": ""},
    ),
    "partners:adoption_end": ("secretary", {}),
    "partners:emergency_create": ("secretary", EMERGENCY),
    "partners:emergency_close": ("secretary", {"report": "到岗8人"}),
    "partners:alert_answer": ("partner", {"answer": "available", "note": ""}),
}
