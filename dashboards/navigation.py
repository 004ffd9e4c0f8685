"""The main menu: each entry shown to whoever holds its permission (the rules of each app), never
by role name. A context processor, so a page's menu costs one permission check per entry."""

from django.urls import get_script_prefix, reverse

# (permission, URL name, label), in menu order.
MENU = (
    ("projects.view_project", "projects:list", "领办项目"),
    ("projects.view_review_queue", "projects:reviews", "待审核"),
    ("projects.view_supervision", "projects:supervisions", "督办"),
    ("projects.view_objections", "projects:objections", "公示异议"),
    ("signups.view_signups", "signups:list", "活动报名"),
    ("evaluation.view_grades", "evaluation:index", "居民评价"),
    ("evaluation.print_slips", "evaluation:slips", "户码条"),
    ("needs.view_need", "needs:list", "需求清单"),
    ("partners.view_partner", "partners:list", "合伙人"),
    ("scenes.view_scene", "scenes:scene_list", "小区场景"),
    ("library.view_library", "library:tree", "百社百景库"),
    ("library.view_nominations", "library:nomination_list", "入库推荐"),
    ("streetwork.follow_streetwork", "streetwork:assessment_list", "研判"),
    ("streetwork.follow_streetwork", "streetwork:visit_list", "实地调研"),
    ("reports.view_report", "reports:report_list", "半年述职"),
    ("reports.view_assessment", "reports:assessment_list", "年度考核"),
    ("scoring.view_rounds", "scoring:round_list", "评审打分"),
    ("dashboards.view_pipeline", "dashboards:pipeline", "项目进度"),
    ("dashboards.view_overview", "dashboards:overview", "全区概览"),
    ("accounts.view_leading_group", "accounts:leading_group", "领导小组"),
    ("accounts.view_people", "accounts:people", "人员"),
    ("core.view_auditevent", "core:audit_log", "审计日志"),
    ("accounts.view_account_change", "accounts:changes", "账号变更"),
    ("accounts.unlock_account", "accounts:lockouts", "账号锁定"),
    ("accounts.reset_totp", "accounts:totp_devices", "动态口令"),
    ("accounts.use_admin_site", "admin:index", "管理后台"),
)
_paths: dict[str, str] = {}


def _path(name: str) -> str:
    if name not in _paths:
        _paths[name] = reverse(name).removeprefix(get_script_prefix())
    return get_script_prefix() + _paths[name]


def menu(request) -> dict:
    """`menu`: (url, label) of each entry the user may open, worked out only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": ()}

    def entries():
        return [(_path(name), label) for perm, name, label in MENU if user.has_perm(perm)]

    return {"menu": entries}
