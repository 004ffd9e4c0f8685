"""The main menu: each entry shown to whoever holds its permission (the rules of each app), never
by role name. A context processor, so a page's menu costs one permission check per entry.

The entries come in a few groups, each a dropdown in the navigation bar, so that the district's
twenty-odd entries fit one line on a 1280 px screen. A group of which the user may open only one
entry shows that entry as a plain link, and so does every group of a user who sees only one."""

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse

# (group, [(permission, URL name, label), …]), in menu order.
MENU = (
    ("项目", (
        ("projects.view_project", "projects:list", "领办项目"),
        ("projects.view_review_queue", "projects:reviews", "待审核"),
        ("projects.view_supervision", "projects:supervisions", "督办"),
        ("projects.view_objections", "projects:objections", "公示异议"),
        ("signups.view_signups", "signups:list", "活动报名"),
        ("dashboards.view_pipeline", "dashboards:pipeline", "项目进度"),
        ("dashboards.view_overview", "dashboards:overview", "全区概览"),
        # The seed's figures with charts for one's place, and the fill-once reports (figures/).
        ("figures.view_figures", "figures:dashboard", "数据看板"),
        ("figures.download_reports", "figures:reports", "工作报表"),
        # The monthly rhythm: 月初预告, 月末总结 and the 红色专递, and (district) their deliveries.
        ("publications.view_publications", "publications:list", "月度晾晒"),
        ("publications.view_deliveries", "publications:deliveries", "投递情况"),
    )),
    ("社区资源", (
        ("needs.view_need", "needs:list", "需求清单"),
        ("surveys.view_survey", "surveys:list", "问卷调查"),
        ("outreach.view_outreach", "outreach:suggestion_list", "意见建议"),
        ("outreach.view_outreach", "outreach:visit_list", "走访与意见箱"),
        # 幸福家园圆桌会 (the 17th): residents' verification, held posts and the sensitive words
        # are reached from its page and the community's home.
        ("roundtable.view_meetings", "roundtable:index", "圆桌会"),
        ("roundtable.view_resolutions", "roundtable:resolutions", "圆桌会决议"),
        # Step 2 (链接资源) in the same group: a seventh group would not fit the district's line.
        ("partners.view_partner", "partners:list", "合伙人"),
        ("partners.view_call", "partners:call_list", "招募令"),
        ("partners.view_application", "partners:application_list", "合伙人申请"),
        ("partners.view_dual_report", "partners:dual_report_list", "双报到"),
        ("partners.view_coverage", "partners:coverage", "包联覆盖"),
        ("partners.view_emergency", "partners:emergency_list", "战时响应"),
        ("partners.view_task", "partners:task_list", "实事认领"),
        ("partners.view_excellent", "partners:excellent_list", "优秀合伙人"),
        ("partners.view_own_partner", "partners:me", "我的合伙人页面"),
        ("scenes.view_scene", "scenes:scene_list", "小区场景"),
    )),
    ("百社百景库", (
        ("library.view_library", "library:tree", "百社百景库"),
        ("library.view_nominations", "library:nomination_list", "入库推荐"),
    )),
    # Step 7, the streets' 述职 and the 头雁工程's training of the secretaries who run it all: a
    # seventh group would not fit the district's line.
    ("评价与培训", (
        ("evaluation.view_grades", "evaluation:index", "居民评价"),
        ("evaluation.print_slips", "evaluation:slips", "户码条"),
        ("scoring.view_rounds", "scoring:round_list", "评审打分"),
        ("reports.view_report", "reports:report_list", "半年述职"),
        ("reports.view_assessment", "reports:assessment_list", "年度考核"),
        ("training.view_programme", "training:home", "头雁工程培训"),
        ("training.view_report", "training:report", "培训出勤"),
        ("training.view_consultations", "training:consultation_list", "导师咨询"),
        ("training.view_coachings", "training:coaching_list", "一项目一方案"),
    )),
    ("街道工作", (
        ("streetwork.follow_streetwork", "streetwork:assessment_list", "研判"),
        ("streetwork.follow_streetwork", "streetwork:visit_list", "实地调研"),
        ("accounts.view_leading_group", "accounts:leading_group", "领导小组"),
    )),
    ("管理", (
        ("accounts.view_people", "accounts:people", "人员"),
        ("core.view_auditevent", "core:audit_log", "审计日志"),
        ("accounts.view_account_change", "accounts:changes", "账号变更"),
        ("accounts.unlock_account", "accounts:lockouts", "账号锁定"),
        ("accounts.reset_totp", "accounts:totp_devices", "动态口令"),
        ("accounts.use_admin_site", "admin:index", "管理后台"),
    )),
)  # fmt: skip
_paths: dict[str, str] = {}


@dataclass(frozen=True)
class Entry:
    url: str
    label: str
    active: bool = False


@dataclass(frozen=True)
class Group:
    label: str
    entries: tuple[Entry, ...]

    @property
    def active(self) -> bool:
        return any(entry.active for entry in self.entries)

    @property
    def dropdown(self) -> bool:
        return len(self.entries) > 1


def _path(name: str) -> str:
    if name not in _paths:
        _paths[name] = reverse(name).removeprefix(get_script_prefix())
    return get_script_prefix() + _paths[name]


def groups_for(user, path: str) -> list[Group]:
    """The groups of entries `user` may open, the one for `path` marked active: the entry with the
    longest URL that `path` starts with (/projects/reviews/… is 待审核, not 领办项目)."""
    visible = [
        (group, [(_path(name), label) for perm, name, label in entries if user.has_perm(perm)])
        for group, entries in MENU
    ]
    visible = [(group, entries) for group, entries in visible if entries]
    urls = [url for _, entries in visible for url, _ in entries if path.startswith(url)]
    current = max(urls, key=len, default=None)
    return [
        Group(group, tuple(Entry(url, label, url == current) for url, label in entries))
        for group, entries in visible
    ]


def menu(request) -> dict:
    """`menu`: the groups of entries the user may open, worked out only if a page shows it. A group
    shown as a dropdown has two entries or more, and is not the user's only group."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": ()}

    def groups():
        found = groups_for(user, request.path)
        if len(found) == 1:
            return [Group(entry.label, (entry,)) for entry in found[0].entries]
        return found

    return {"menu": groups}
