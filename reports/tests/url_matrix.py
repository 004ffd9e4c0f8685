"""reports/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Street A's 组长 and members write its half-year report; only the 组长 submits it; its experts read
it. District staff read a report once it has been submitted (street A's draft is a 404 to them:
the street's working copy), compare every street, return or accept a report, and record, correct
and finalise the yearly assessment, which street A's leading group reads once finalised (a draft is a
404 to them). Community staff and every other role get 403: the rule is asked before the object.
Street B's 组长 gets 404 for street A's records.
"""

from accounts.roles import STREET_GROUP, STREET_RECOMMENDERS
from tests.url_matrix import ONCE, PERSONAS, row

from .factories import SECTIONS

# The leading groups of other streets (street B's 组长, its experts judging a round …): street A's
# reports and assessments are out of their scope, so 404; only the drafters among them get past
# the rule to start a report, to be told 404 for street A.
OTHER_STREET = {
    name: 404 for name, p in PERSONAS.items() if p.role in STREET_GROUP and not p.sees_guoao
}
OTHER_DRAFTERS = {
    name: 404 for name, p in PERSONAS.items() if p.role in STREET_RECOMMENDERS and not p.sees_guoao
}

READERS = {"street_group": 200, "district_business": 200}
# A report of street A: read by its leading group and the district; 404 for street B's 组长.
READ = row(403, **OTHER_STREET, **READERS)
# Street A's draft, never submitted: the district does not see it (404), whatever the URL.
UNSENT = {"district_business": 404}
READ_DRAFT = row(403, **OTHER_STREET, street_group=200, **UNSENT)
# Street A's 组长 and members write; experts read only.
WRITE = {"street": 302, "member": 302, **OTHER_STREET, **UNSENT}
ASSESSMENT = {"grade": "good", "score": "88.5", "comment": "项目覆盖面广,居民参与度高。"}
NEW_YEAR = {"street": "@street", "year": "2023"}

MATRIX = {
    "reports:report_list": {"GET": row(403, **READERS)},
    "reports:report_compare": {"GET": row(403, district_business=200)},
    # Opening the report of a period that has one: back to it; another period: a new draft.
    "reports:report_start": {
        "GET": row(405, anon=405),
        "data": {"street": "@street", "period": "2026-1"},
        "POST": row(403, street=302, member=302, **OTHER_DRAFTERS),
    },
    "reports:report_start@new": {
        "data": {"street": "@street", "period": "2025-1"},
        "POST": row(403, street=302, member=302, **OTHER_DRAFTERS),
    },
    "reports:report_detail": {"kwargs": "half_year_report", "GET": READ_DRAFT},
    "reports:report_detail@submitted": {"kwargs": "half_year_report_submitted", "GET": READ},
    "reports:report_edit": {
        "kwargs": "half_year_report",
        "data": SECTIONS,
        "GET": row(403, street=200, member=200, **OTHER_STREET, **UNSENT),
        "POST": row(403, **WRITE),
    },
    "reports:report_edit@too_long": {
        "kwargs": "half_year_report",
        "data": {**SECTIONS, "problems": "长" * 4001},
        "POST": row(403, street=422, member=422, **OTHER_STREET, **UNSENT),
    },
    # Once submitted the street no longer edits: a stale link goes back to the report.
    "reports:report_edit@submitted": {
        "kwargs": "half_year_report_submitted",
        "data": SECTIONS,
        "GET": row(403, street=302, member=302, **OTHER_STREET),
        "POST": row(403, street=409, member=409, **OTHER_STREET),
    },
    "reports:report_refresh": {"kwargs": "half_year_report", "POST": row(403, **WRITE)},
    "reports:report_submit": {
        "kwargs": "half_year_report",
        "POST": row(403, street=302, **OTHER_STREET, **UNSENT),
    },
    "reports:report_submit@submitted": {
        "kwargs": "half_year_report_submitted",
        "POST": row(403, street=409, **OTHER_STREET),
    },
    "reports:report_return": {
        "kwargs": "half_year_report_submitted",
        "data": {"comment": "请补充居民评价的具体情况。"},
        "POST": row(403, district_business=302, **OTHER_STREET),
    },
    "reports:report_return@no_comment": {
        "kwargs": "half_year_report_submitted",
        "data": {"comment": ""},
        "POST": row(403, district_business=422, **OTHER_STREET),
    },
    "reports:report_accept": {
        "kwargs": "half_year_report_submitted",
        "data": {"comment": ""},
        "POST": row(403, district_business=302, **OTHER_STREET),
    },
    # A draft is not the district's to see, let alone accept: 404, not 409.
    "reports:report_accept@draft": {
        "kwargs": "half_year_report",
        "POST": row(403, **OTHER_STREET, **UNSENT),
    },
    "reports:report_return@draft": {
        "kwargs": "half_year_report",
        "data": {"comment": "请补充居民评价的具体情况。"},
        "POST": row(403, **OTHER_STREET, **UNSENT),
    },
    "reports:report_docx": {"kwargs": "half_year_report", "GET": READ_DRAFT},
    "reports:report_docx@submitted": {"kwargs": "half_year_report_submitted", "GET": READ},
    "reports:report_pdf@draft": {"kwargs": "half_year_report", "GET": READ_DRAFT},
    "reports:report_pdf": {"kwargs": "half_year_report_submitted", "GET": READ},
    "reports:assessment_list": {"GET": row(403, **READERS)},
    "reports:assessment_create": {
        "query": NEW_YEAR,
        "GET": row(403, district_business=200),
        "data": {"once": ONCE, "grade": "", "comment": ""},
        "POST": row(403, district_business=422),
    },
    "reports:assessment_create@valid": {
        "query": NEW_YEAR,
        "data": {"once": ONCE, **ASSESSMENT},
        "POST": row(403, district_business=302),
    },
    # A year already assessed: the page sends district staff to it.
    "reports:assessment_create@existing": {
        "query": {"street": "@street", "year": "2025"},
        "GET": row(403, district_business=302),
    },
    # A draft is the district's own until finalised: 404 to the street.
    "reports:assessment_detail": {
        "kwargs": "yearly_assessment",
        "GET": row(403, street_group=404, **OTHER_STREET, district_business=200),
    },
    "reports:assessment_detail@final": {
        "kwargs": "yearly_assessment_final",
        "GET": READ,
    },
    "reports:assessment_edit": {
        "kwargs": "yearly_assessment",
        "data": ASSESSMENT,
        "GET": row(403, street_group=404, **OTHER_STREET, district_business=200),
        "POST": row(403, street_group=404, **OTHER_STREET, district_business=302),
    },
    "reports:assessment_edit@invalid": {
        "kwargs": "yearly_assessment",
        "data": {**ASSESSMENT, "score": "101"},
        "POST": row(403, street_group=404, **OTHER_STREET, district_business=422),
    },
    "reports:assessment_edit@final": {
        "kwargs": "yearly_assessment_final",
        "data": ASSESSMENT,
        "GET": row(403, **OTHER_STREET, street_group=403, district_business=302),
        "POST": row(403, **OTHER_STREET, street_group=403, district_business=409),
    },
    "reports:assessment_finalise": {
        "kwargs": "yearly_assessment",
        "POST": row(403, street_group=404, **OTHER_STREET, district_business=302),
    },
    "reports:assessment_finalise@final": {
        "kwargs": "yearly_assessment_final",
        "POST": row(403, street_group=403, **OTHER_STREET, district_business=409),
    },
}
