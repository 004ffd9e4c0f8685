"""Every form and POST endpoint, fuzzed (QUALITY.md item 9): Hypothesis posts generated hostile
input as the person who may use it; the answer is never a 500, and a refusal (4xx) leaves no row
behind. The registry below must name every URL the URL × persona matrix declares a POST for, so a
new form is fuzzed as soon as it is declared there (test_every_post_url_is_fuzzed).

Each entry: the persona who may post (one the matrix gives a 2xx, 3xx or 422), the matrix entry
whose object it posts to (its project status and so on), and the form's field names. Every post
also carries a few fields no form has (status, community, created_by …): they must change nothing.
"""

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditEvent
from tests.url_matrix import MATRIX

pytestmark = pytest.mark.django_db

# URL name → (persona, a valid post). Each example replaces one of its fields with a hostile value,
# so the fuzzer reaches the services behind the forms, not only the forms' own checks.
# "@once" is a fresh one-time token, "@partner" the matrix's partner (tests/url_matrix.py).
ACTIVITY = {"date": "2026-12-05", "place": "广场", "participants": "3", "volunteers": "0"}
# A delegation of a week from the day after tomorrow: clear of the matrix's (in two months).
SOON = datetime.date.today() + datetime.timedelta(days=2)
STREETWORK_ASSESSMENT = {
    "title": "楼道微更新",
    "source": "need",
    "project_class": "@project_class",
    "compound": "",
    "compound_kind": "old",
    "verdict": "adopt",
    "reason": "居民需求集中",
    "need": "",
    "project": "@project",
    "assessed_on": "2026-11-20",
}
STREETWORK_VISIT = {
    "date": "2026-11-18",
    "members": "@deputy",
    "others": "社区书记",
    "findings": "楼道杂物多",
    "follow_ups": "",
    "projects": "@project",
}
SCENE = {
    "compound": "@compound",
    "kind": "post",
    "public_space": "",
    "name": "凉亭议事角",
    "location": "3号楼东侧",
    "opening_hours": "每天 8:00–20:00",
    "description": "",
    "projects": "@project",
}
MICRO = {
    "compound": "@compound",
    "kind": "plot",
    "title": "幸福责任田C",
    "description": "",
    "location": "",
    "neglect_days": "14",
}
TODAY = datetime.date.today()
LIBRARY_WRITE_UP = {
    "item": "@library_item",
    "reason": "居民参与度高",
    "case_study": "背景、做法、成效",
    "photo": "",
}
LIBRARY_GUIDANCE = {
    "kind": "guide",
    "title": "拓展社区服务场景工作指南",
    "issued_on": "2026-03-01",
    "body": "第一条 服务走出室内。",
    "order": "1",
}
REPORT_SECTIONS = {
    "practices": "街道领导小组每月调度。",
    "achievements": "新增项目多个。",
    "problems": "合伙人链接不足。",
    "next_steps": "推进微更新。",
}
YEARLY_ASSESSMENT = {"grade": "good", "score": "88.5", "comment": "项目覆盖面广。"}
SCORING_RUBRIC = {
    "name": "社区项目评分细则(试行)",
    "description": "",
    "c1_name": "需求契合度",
    "c1_points": "40",
    "c1_description": "",
    "c2_name": "实施成效",
    "c2_points": "60",
    "c2_description": "",
}
SCORING_ROUND = {
    "name": "2026年擂台比武",
    "year": "2026",
    "rubric": "@rubric",
    "opens_on": TODAY.isoformat(),
    "closes_on": (TODAY + datetime.timedelta(days=7)).isoformat(),
    "tie_break": "median",
    "description": "",
}
# The matrix's rubric has five criteria (25, 25, 25, 15, 10), posted by position.
SCORE_SHEET = {"c1": "20", "c2": "21.5", "c3": "22", "c4": "12", "c5": "8", "comment": "扎实"}
from outreach.tests.url_matrix import FUZZ as OUTREACH_FUZZ  # noqa: E402
from partners.tests.url_matrix import FUZZ as PARTNERS_FUZZ  # noqa: E402
from publications.tests.url_matrix import FUZZ as PUBLICATIONS_FUZZ  # noqa: E402
from roundtable.tests.url_matrix import FUZZ as ROUNDTABLE_FUZZ  # noqa: E402
from surveys.tests.url_matrix import FUZZ as SURVEYS_FUZZ  # noqa: E402
from training.tests.url_matrix import FUZZ as TRAINING_FUZZ  # noqa: E402

FUZZ = {
    "accounts:login": ("anon", {"username": "secretary", "password": "Demo-pass-2024!"}),
    "accounts:logout": ("secretary", {}),
    "accounts:password_change": (
        "secretary",
        {
            "old_password": "Demo-pass-2024!",
            "new_password1": "Xin-Mima#2031",
            "new_password2": "Xin-Mima#2031",
        },
    ),
    "accounts:lockout_release": ("secadmin", {"attempt": "1"}),
    "accounts:totp_verify": ("secretary", {"code": "123456"}),
    "accounts:totp_enrol": ("district", {"code": "123456"}),
    "accounts:totp_reset": ("secadmin", {}),
    "accounts:phone_reveal": ("secretary", {}),
    "accounts:change_create": (
        "sysadmin",
        {"kind": "create", "target": "", "username": "xin_shequ", "reason": "新任社区工作者"},
    ),
    "accounts:change_approve": ("secadmin", {"note": "同意"}),
    "accounts:change_reject": ("secadmin", {"note": "未见本人申请"}),
    "accounts:preferences": ("secretary", {"email_notifications": "on"}),
    "accounts:working_group_create": (
        "street",
        {"once": "@once", "name": "宣传组", "description": "", "members": "@deputy"},
    ),
    "accounts:working_group_edit": (
        "street",
        {"name": "资源协调组", "description": "对接共建单位", "members": "@deputy"},
    ),
    "accounts:working_group_delete": ("street", {}),
    "accounts:delegation_create": (
        "street",
        {
            "once": "@once",
            "delegate": "@deputy",
            "starts_on": SOON.isoformat(),
            "ends_on": (SOON + datetime.timedelta(days=6)).isoformat(),
            "reason": "组长外出学习",
        },
    ),
    "accounts:delegation_revoke": ("street", {}),
    "core:notification_open": ("secretary", {}),
    "core:notification_read_all": ("secretary", {}),
    "core:notification_preferences": (
        "secretary",
        {
            "projects": "daily",
            "objections": "each",
            "partners": "none",
            "library": "each",
            "evaluation": "daily",
            "publications": "daily",
            "roundtable": "each",
            "other": "each",
        },
    ),
    "needs:create": (
        "secretary",
        {
            "once": "@once",
            "title": "楼道灯不亮",
            "category": "environment",
            "source": "online",
            "compound": "",
            "mentions": "2",
            "description": "",
        },
    ),
    "needs:edit": (
        "secretary",
        {"title": "楼道灯不亮", "category": "environment", "compound": "", "description": ""},
    ),
    "needs:delete": ("secretary", {}),
    "needs:status": ("secretary", {"action": "decline", "note": "不在社区职责范围内"}),
    "needs:mention": (
        "secretary",
        {
            "once": "@once",
            "source": "round_table",
            "count": "3",
            "noted_on": "2026-01-05",
            "note": "",
        },
    ),
    "needs:merge": ("secretary", {"into": "@need_other"}),
    "needs:categories": ("district", {"op": "add", "category": "", "name": "安全隐患"}),
    "needs_public:receipt": ("anon", {"code": "ABCD-EFGH-JKMN"}),
    "projects:adopt_need": ("secretary", {"project": "@project"}),
    "projects:create": (
        "secretary",
        {"once": "@once", "title": "邻居节", "compound": "", "theme": "joy", "summary": ""},
    ),
    "projects:edit": (
        "secretary",
        {"title": "邻居节", "compound": "", "theme": "joy", "summary": ""},
    ),
    "projects:plan": (
        "secretary",
        {
            "goal": "熟悉邻里",
            "start_date": "2026-12-01",
            "end_date": "2026-12-20",
            "target_groups": "居民",
            "compounds": "",
            "project_class": "@project_class",
            "public_space": "",
            "micro_kind": "renewal",
        },
    ),
    "projects:proposal": ("secretary", {"proposal": "三次活动", "no_partner_reason": "自办"}),
    "projects:milestone_add": (
        "secretary",
        {"once": "@once", "date": "2026-12-10", "title": "招募", "responsible": "王"},
    ),
    "projects:milestone_remove": ("secretary", {"milestone": "@milestone"}),
    "projects:budget_add": (
        "secretary",
        {"once": "@once", "item": "物料", "amount": "100", "source": "street"},
    ),
    "projects:budget_remove": ("secretary", {"budget_line": "@budget_line"}),
    "projects:meeting": (
        "worker",
        {
            "date": "2026-11-20",
            "place": "社区会议室",
            "feasibility": "可行",
            "agreed_goal": "",
            "agreed_budget": "500",
            "volunteers_needed": "3",
            "venues_needed": "",
            "skills_needed": "",
            "decisions": "同意",
            "party_0": "branch",
            "name_0": "王书记",
            "minutes_file": "",
        },
    ),
    "projects:grant": ("street", {"source": "street", "amount": "3000", "note": ""}),
    "projects:condition_confirm": ("secretary", {"evidence": "已签协议", "evidence_file": ""}),
    "projects:supervise": (
        "district",
        {"once": "@once", "question": "为何推迟?", "due_date": "@next_week"},
    ),
    "projects:supervision_reply": ("secretary", {"reply": "下周办"}),
    # 公示 objections (projects/notice.py) and the residents' form (public/notice_views.py).
    "projects:objection_answer": ("secretary", {"answer": "充电桩装在地下车库东侧。"}),
    "projects:objection_hide": ("member", {"reason": "含辱骂内容"}),
    "projects:objection_decide": ("street", {"decision": "dismissed", "note": "答复可行"}),
    "projects:objection_phone": ("secretary", {}),
    "public:objection_create": (
        "anon",
        {"once": "@once", "text": "充电桩离窗户太近", "phone": "13912345678"},
    ),
    "projects:partner_link": ("secretary", {"partner": "@partner"}),
    "projects:partner_unlink": ("secretary", {"partner": "@partner"}),
    "projects:submit": ("secretary", {}),
    "projects:approve": ("street", {"comment": "同意", "conditions": "签订场地协议\n公示时间"}),
    "projects:return": ("street", {"comment": "请补充预算"}),
    "projects:comment": (
        "member",
        {"once": "@once", "comment": "建议周末办", "recommendation": "approve"},
    ),
    "projects:announce": ("secretary", {"announcement": "周六上午广场见"}),
    "projects:activity_create": (
        "secretary",
        {"once": "@once", **ACTIVITY, "spending": "0", "note": "", "photo": ""},
    ),
    "projects:retrospective": (
        "secretary",
        {"retro_worked": "居民满意", "retro_missed": "", "retro_changes": "提前宣传"},
    ),
    # Step 6 as a programme (projects/sessions.py): the matrix's sessions of a running project.
    "projects:session_create": (
        "secretary",
        {
            "once": "@once",
            "title": "百家宴",
            "date": "2026-12-10",
            "starts_at": "11:00",
            "ends_at": "13:00",
            "place": "小区广场",
            "signup_capacity": "40",
            "signup_deadline": "2026-12-09T20:00",
            "milestone": "",
        },
    ),
    "projects:series_create": (
        "secretary",
        {
            "once": "@once",
            "title": "百家宴",
            "recurrence": "monthly",
            "first_date": "2026-12-05",
            "until": "",
            "starts_at": "11:00",
            "ends_at": "",
            "place": "小区广场",
            "signup_capacity": "",
        },
    ),
    "projects:session_edit": (
        "secretary",
        {"title": "百家宴", "date": "@today", "place": "活动室", "starts_at": "11:00"},
    ),
    "projects:session_hold": (
        "secretary",
        {
            "participants": "35",
            "volunteers": "",
            "partner_0": "@partner",
            "hours_0": "2.5",
            # What a partner gave besides its hours (projects/session_forms.py).
            "c_partner_0": "@partner",
            "c_kind_0": "money",
            "c_quantity_0": "500",
            "c_unit_0": "元",
            "c_note_0": "活动赞助",
            "line_0": "",
            "amount_0": "",
            "note": "居民带来拿手菜",
            "photo": "",
            "shows_children": "",
        },
    ),
    "projects:session_cancel": ("secretary", {"reason": "暴雨预警"}),
    "projects:photo_publish": (
        "secretary",
        {"photo_id": "@session_photo", "consent": "on", "guardian_consent": ""},
    ),
    "projects:photo_withdraw": ("secretary", {"photo_id": "@public_photo"}),
    "projects:delete": ("secretary", {}),
    "projects:restore": ("secretary", {}),
    # The street's work: a 研判 and a field visit of 国奥社区 (streetwork/tests/url_matrix.py).
    "streetwork:assessment_create": ("street", {"once": "@once", **STREETWORK_ASSESSMENT}),
    "streetwork:assessment_edit": ("expert", STREETWORK_ASSESSMENT),
    "streetwork:assessment_delete": ("member", {}),
    "streetwork:visit_create": ("member", {"once": "@once", **STREETWORK_VISIT}),
    "streetwork:visit_edit": ("street", STREETWORK_VISIT),
    "streetwork:visit_delete": ("expert", {}),
    # Sign-ups (signups/tests/url_matrix.py): the residents' form, cancelling, attendance.
    "signups:join": (
        "anon",
        {
            "once": "@once",
            "name": "李大爷",
            "phone": "13900003333",
            "household_code": "",
            "consent": "on",
        },
    ),
    "signups:cancel": ("anon", {"code": "MATRIXCD"}),
    "signups:attend": ("secretary", {"attended": "yes"}),
    "signups:phone_reveal": ("secretary", {}),
    # Compound scenes and 幸福责任田 (scenes/tests/url_matrix.py).
    "scenes:scene_create": ("secretary", {"once": "@once", **SCENE}),
    "scenes:scene_edit": ("worker", SCENE),
    "scenes:scene_delete": ("secretary", {}),
    "scenes:scene_photo_add": (
        "secretary",
        {"once": "@once", "photo": "x", "caption": "议事角", "public": "on"},
    ),
    "scenes:scene_photo_consent": ("secretary", {"photo": "@scene_photo", "public": "on"}),
    "scenes:micro_create": ("secretary", {"once": "@once", **MICRO}),
    "scenes:micro_edit": ("secretary", MICRO),
    "scenes:micro_release": ("worker", {"reason": "长期未照料"}),
    "scenes:micro_close": ("secretary", {}),
    "scenes:micro_reopen": ("secretary", {}),
    "scenes:public_claim": ("partner", {"once": "@once", "name": "李大爷", "consent": "on"}),
    "scenes:public_phone": ("anon", {"phone": "13900003333", "send": "1", "code": ""}),
    "scenes:public_care": (
        "partner",
        {"once": "@once", "date": TODAY.isoformat(), "done": "浇水", "photo": ""},
    ),
    "scenes:public_give_up": ("partner", {"once": "@once", "reason": "搬家了"}),
    # 半年述职 and 年度考核 (reports/tests/url_matrix.py).
    "reports:report_start": ("street", {"street": "@street", "period": "2025-1"}),
    "reports:report_edit": ("member", REPORT_SECTIONS),
    "reports:report_refresh": ("member", {}),
    "reports:report_submit": ("street", {}),
    "reports:report_return": ("district", {"comment": "请补充居民评价情况。"}),
    "reports:report_accept": ("district", {"comment": "同意。"}),
    "reports:assessment_create": ("district", {"once": "@once", **YEARLY_ASSESSMENT}),
    "reports:assessment_edit": ("district", YEARLY_ASSESSMENT),
    "reports:assessment_finalise": ("district", {}),
    # Residents' grades (evaluation/tests/url_matrix.py): the code MATRIXHH is 国奥社区's household.
    "evaluation:online": ("anon", {"household_code": "MATRIXHH"}),
    "evaluation:online_grade": ("anon", {"once": "@once", "verdict": "satisfied", "comment": ""}),
    "evaluation:online_leave": ("anon", {}),
    "evaluation:onsite": (
        "anon",
        {"once": "@once", "verdict": "basic", "comment": "好", "household_code": "MATRIXHH"},
    ),
    "evaluation:visit": (
        "worker",
        {"once": "@once", "household": "@grade_household", "verdict": "satisfied", "comment": ""},
    ),
    # Household code slips (evaluation/tests/slip_matrix.py): print 国奥花园, void and retry.
    "evaluation:slip_create": (
        "secretary",
        {"once": "@once", "compound": "@compound", "building": ""},
    ),
    "evaluation:slip_void": ("worker", {"reason": "户码条丢失"}),
    "evaluation:slip_retry": ("secretary", {}),
    # The 百社百景库 (library/tests/url_matrix.py).
    "library:item_start": ("secretary", {"once": "@once", "title": "按此开展的百家宴"}),
    "library:entry_clone": ("worker", {"once": "@once", "title": "借鉴来的百家宴"}),
    "library:entry_edit": ("district", LIBRARY_WRITE_UP),
    "library:nomination_create": (
        "member",
        {"once": "@once", "project": "@nominable", "item": "@library_item", "reason": "可复制"},
    ),
    "library:nomination_select": ("district", LIBRARY_WRITE_UP),
    "library:nomination_decline": ("district", {"reason": "材料不完整"}),
    "library:guidance_create": ("district", {"once": "@once", **LIBRARY_GUIDANCE}),
    "library:guidance_edit": ("district", LIBRARY_GUIDANCE),
    "library:guidance_attach": ("district", {"once": "@once", "title": "指南正文"}),
    # Judges' scores and the 擂台比武 (scoring/tests/url_matrix.py).
    "scoring:rubric_create": ("district", {"once": "@once", **SCORING_RUBRIC}),
    "scoring:rubric_edit": ("district", SCORING_RUBRIC),
    "scoring:rubric_copy": ("district", {}),
    "scoring:round_create": ("district", {"once": "@once", "kind": "competition", **SCORING_ROUND}),
    "scoring:round_edit": ("district", SCORING_ROUND),
    "scoring:round_projects": ("district", {"project": "@project"}),
    "scoring:entry_remove": ("district", {"entry": "@own_entry"}),
    "scoring:entrants": ("street", {"community": "@community", "project": "@project"}),
    "scoring:judge_assign": ("district", {"user": "@candidate"}),
    "scoring:judge_remove": ("district", {"judge": "@district_judge"}),
    "scoring:round_open": ("district", {}),
    "scoring:round_close": ("district", {}),
    "scoring:round_publish": ("district", {}),
    "scoring:sheet": ("district", SCORE_SHEET),
    "scoring:sheet_submit": ("district", SCORE_SHEET),
    "scoring:sheet_reopen": ("district", {"reason": "创新性一项漏看了材料"}),
    # Visits, meetings, boxes and suggestions (outreach/tests/url_matrix.py).
    **OUTREACH_FUZZ,
    **PARTNERS_FUZZ,
    **PUBLICATIONS_FUZZ,
    **ROUNDTABLE_FUZZ,
    # Questionnaires (surveys/tests/url_matrix.py).
    **SURVEYS_FUZZ,
    # 头雁工程: sessions, cohorts, the mentor panel, consultations, coaching
    # (training/tests/url_matrix.py).
    **TRAINING_FUZZ,
}
# Fields a client might add to change what it may not: posting them must change nothing.
PROTECTED = ["status", "community", "created_by", "score", "id", "deleted_at"]

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=2001, max_value=9000).map(lambda n: "长" * n),  # past most fields' length
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '=HYPERLINK("http://x")',
            "9" * 40,
            "-1",
            "0",
            "1e309",
            "NaN",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "../../etc/passwd",
            "😀" * 30,
            "国奥社区",
            "139****5678",
        ]
    ),
    st.integers(min_value=-5, max_value=100_000).map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
# The business tables: a refused post must leave each as it was. The audit log may grow (a refusal
# is audited) and so may the sessions' records (a login).
WATCHED = [
    "projects.Project",
    "projects.ProjectEvent",
    "projects.Activity",
    "projects.ActivitySeries",
    "projects.ActivityVolunteer",
    "projects.ActivityPhoto",
    "projects.ActivitySpending",
    "projects.Milestone",
    "projects.BudgetLine",
    "projects.FundingGrant",
    "projects.JointMeeting",
    "projects.MeetingAttendance",
    "projects.ReviewRound",
    "projects.ReviewComment",
    "projects.ReviewCondition",
    "projects.Supervision",
    "projects.Contribution",
    "projects.ActivityContribution",
    "projects.Project_partners",
    "needs.Need",
    "needs.NeedEvent",
    "needs.Category",
    "partners.Partner",
    "partners.CompoundAdoption",
    "partners.BuildingAdoption",
    "partners.Emergency",
    "partners.Emergency_compounds",
    "partners.Alert",
    "partners.Partner_duties",
    "partners.Category",
    "partners.ImportJob",
    "partners.RecruitmentCall",
    "partners.RecruitmentCall_duties",
    "partners.Application",
    "partners.Application_duties",
    "partners.PracticalTask",
    "partners.Excellent",
    "partners.Resource",
    "publications.Publication",
    "publications.PublicationSettings",
    "publications.Delivery",
    "publications.StreetChannel",
    "publications.Subscription",
    "roundtable.CommunitySettings",
    "roundtable.SensitiveWord",
    "roundtable.Meeting",
    "roundtable.Participant",
    "roundtable.Topic",
    "roundtable.Support",
    "roundtable.Post",
    "roundtable.Attendance",
    "roundtable.Resolution",
    "roundtable.Reminder",
    "core.NotificationPreference",
    "core.Upload",
    "core.Notification",
    "core.FormSubmission",
    "accounts.User",
    "accounts.RoleAssignment",
    "accounts.AccountChange",
    "accounts.WorkingGroup",
    "accounts.Delegation",
    "streetwork.Assessment",
    "streetwork.FieldVisit",
    "streetwork.FieldVisit_members",
    "streetwork.FieldVisit_projects",
    "signups.SignUp",
    "scenes.Scene",
    "scenes.Scene_projects",
    "scenes.ScenePhoto",
    "scenes.MicroProject",
    "scenes.Claim",
    "scenes.CareRecord",
    "evaluation.Grade",
    "evaluation.CodeBatch",
    "accounts.Household",
    "library.Nomination",
    "library.LibraryEntry",
    "library.ProjectOrigin",
    "library.Guidance",
    "library.GuidanceAttachment",
    "reports.HalfYearReport",
    "reports.ReportEvent",
    "reports.YearlyAssessment",
    "core.PhoneCode",
    "scoring.Rubric",
    "scoring.Criterion",
    "scoring.Round",
    "scoring.Entry",
    "scoring.Judge",
    "scoring.ScoreSheet",
    "scoring.Score",
    "outreach.HomeVisit",
    "outreach.HomeVisit_needs",
    "outreach.ResidentMeeting",
    "outreach.ResidentMeeting_needs",
    "outreach.SuggestionBox",
    "outreach.Suggestion",
    "needs.NeedMention",
    "needs.Receipt",
    "surveys.Survey",
    "surveys.Question",
    "surveys.Distribution",
    "surveys.Response",
    "surveys.Answer",
    "training.Cohort",
    "training.Trainee",
    "training.Session",
    "training.Attendance",
    "training.Material",
    "training.Mentor",
    "training.Pairing",
    "training.Consultation",
    "training.ConsultationMessage",
    "training.Coaching",
    "training.CoachingNote",
]


def _counts():
    """Every watched table's row count, in one query (one round trip per check, not one per
    table: each of the 40 examples of every POST URL counts twice)."""
    quote = connection.ops.quote_name
    tables = [quote(apps.get_model(name)._meta.db_table) for name in WATCHED]
    with connection.cursor() as cursor:
        # The tables are the models' own names, quoted: no input reaches this statement.
        counts = ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)  # noqa: S608
        cursor.execute("SELECT " + counts)
        return dict(zip(WATCHED, cursor.fetchone(), strict=True))


def _payload(world, entry, valid, hostile, extra):
    data = {
        **world.data({"data": valid, **{k: v for k, v in entry.items() if k != "data"}}),
        **hostile,
    }
    if data.get("photo"):
        data["photo"] = SimpleUploadedFile("x.jpg", str(data["photo"]).encode()[:300])
    else:
        data.pop("photo", None)
    return {**data, **extra}


def test_every_post_url_is_fuzzed():
    """A URL the matrix declares a POST for and the fuzzer does not know fails here."""
    posted = {
        key.split("@")[0]
        for key, entry in MATRIX.items()
        if "POST" in entry and set(entry["POST"].values()) != {405}  # 405 for all: no form
    }
    assert posted - set(FUZZ) == set(), "add these to FUZZ in tests/test_fuzz_forms.py"
    assert set(FUZZ) - posted == set(), "FUZZ names URLs the matrix declares no POST for"
    for key, (persona, _) in FUZZ.items():
        assert MATRIX[key]["POST"][persona] < 500, key
        assert MATRIX[key]["POST"][persona] not in (403, 404, 405), f"{key}: {persona} may not post"


@pytest.mark.parametrize("key", sorted(FUZZ))
def test_hostile_input_never_gives_a_500_nor_leaves_a_half_saved_record(world, client, key):
    persona, valid = FUZZ[key]
    entry = MATRIX[key]
    fields = sorted(valid) or ["_"]
    url = world.url(key, entry)
    world.log_in(client, persona)

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        # One field at a time, the others valid: the post gets past the form to the service.
        hostile=st.one_of(
            st.just({}),
            st.builds(lambda name, value: {name: value}, st.sampled_from(fields), HOSTILE),
        ),
        extra=st.dictionaries(st.sampled_from(PROTECTED), HOSTILE, max_size=2),
    )
    def post(hostile, extra):
        before, audits = _counts(), AuditEvent.objects.count()
        response = client.post(url, _payload(world, entry, valid, hostile, extra))
        assert response.status_code < 500, (response.status_code, hostile, extra)
        if response.status_code >= 400:
            assert _counts() == before, (response.status_code, hostile, extra)
        assert AuditEvent.objects.count() >= audits
        world.log_in(client, persona)  # a logout or a password change ends the session

    post()
