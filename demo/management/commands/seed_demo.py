"""manage.py seed_demo [--scale N] [--force]: load the demo district into an empty database."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Compound
from demo import loader as demo
from projects.models import Status


class Command(BaseCommand):
    help = "载入演示数据:黄渤海新区的街道、社区、小区、需求、合伙人、领办项目和演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=(
                "需求、合伙人、领办项目(连同活动与动态)等数量记录的倍数(1 = 文章中的数字;"
                "可用小数,如 0.1;领办项目不少于文章中的 64 个)。"
            ),
        )
        parser.add_argument(
            "--force", action="store_true", help="在 DEBUG=False(生产配置)下也执行。"
        )

    def handle(self, *args, scale, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG=False(生产配置)下拒绝载入演示数据:演示账号的密码是公开的。"
                "确需载入请加 --force。"
            )
        if not 0 < scale <= 100:
            raise CommandError("--scale 须大于 0 且不超过 100。")
        if demo.is_loaded():
            self.stdout.write("演示数据已载入(黄渤海新区已存在),跳过。")
            return
        if taken := demo.clashing_usernames():
            raise CommandError(
                "数据库不是空的:演示账号名已被占用(" + "、".join(taken) + "),未载入演示数据。"
            )
        custom = os.environ.get("DEMO_PASSWORD", "")
        summary = demo.load(scale=scale, password=custom or demo.DEFAULT_PASSWORD)
        demo.analyze()
        self._report(
            summary, "环境变量 DEMO_PASSWORD 中的密码" if custom else demo.DEFAULT_PASSWORD
        )

    def _report(self, s: demo.Summary, password: str) -> None:
        c = s.counts
        kinds = " / ".join(f"{kind.label} {s.project_kinds.get(kind, 0)}" for kind in Compound.Kind)
        compounds = " / ".join(
            f"{kind.label} {s.compound_kinds.get(kind, 0)}" for kind in Compound.Kind
        )
        statuses = " · ".join(f"{st.label} {s.statuses.get(st, 0)}" for st in Status)
        lines = [
            f"已载入演示区 黄渤海新区(规模 ×{s.scale:g},用时 {s.seconds:.1f} 秒):",
            f"  街道 {c['streets']} · 社区 {c['communities']} · 小区 {c['compounds']}({compounds})"
            f" · 楼栋 {c['buildings']:,} · 户 {c['households']:,} · 账号 {c['users']:,}",
            f"  需求清单 {c['needs']:,} 条({c['need_categories']} 类)"
            f" · 幸福家园合伙人 {c['partners']:,} 位({c['partner_categories']} 类)",
            f"  摸清需求:问卷 {c['surveys']} 份(社区副本 {c['survey_copies']} 份)· 发放"
            f" {c['survey_handed_out']:,} 份 · 收回 {c['survey_returned']:,} 份 · 楼道意见箱"
            f" {c['suggestion_boxes']} 个 · 居民意见 {c['suggestions']:,} 条 · 入户走访"
            f" {c['home_visits']:,} 户次 · 居民会议 {c['resident_meetings']} 场",
            f"  链接资源:招募令 {c['recruitment_calls']} 份 · 申请 {c['applications']} 份 · 单位包小区"
            f" {c['compound_adoptions']} 个 · 党员包楼栋 {c['building_adoptions']:,} 栋 · 认领实事"
            f" {c['tasks_claimed']:,} 件 · 上年度优秀合伙人 {c['excellent_published']:,} 名 · 战时响应"
            f" {c['emergencies']} 次",
            f"  幸福家园圆桌会:{c['roundtable_meetings']:,} 场(已召开 {c['roundtable_meetings_closed']:,})"
            f" · 议题 {c['roundtable_topics']:,} 个 · 发言 {c['roundtable_posts']:,} 条 · 决议"
            f" {c['roundtable_resolutions']:,} 条 · 已解决 {c['roundtable_solved']} 个 · 逾期决议"
            f" {c['roundtable_overdue']} 条 · 转为需求 {c['roundtable_needs']} 条",
            f"  头雁工程:学员 {c['training_trainees']} 名(3 个轮训分组)· 小班实训"
            f" {c['training_classes']} 班(已举办 {c['training_classes_held']})· 季度专题培训"
            f" {c['training_quarterly']} 场 · 出勤记录 {c['training_attendance']:,} 条 · 导师"
            f" {c['training_mentors']} 名 · 结对 {c['training_pairings']} 对 · 咨询"
            f" {c['training_consultations']} 件(待答复 {c['training_waiting']})· 一项目一方案"
            f" {c['training_coachings']} 个",
            f"  领办项目 {c['projects']} 个({kinds})",
            f"    {statuses}",
            f"  活动场次 {c['sessions']:,} 场(已举办 {c['sessions_held']:,})"
            f" · 报名 {c['signups']:,} 人次 · 公示项目 {c['noticed']} 个",
            f"  小区场景 {c['scenes']} 个 · 微项目(幸福责任田等){c['micro_projects']} 个",
            f"  百社百景库:{c['library_items']} 个活动项目 · 入库项目 {c['library_entries']} 个"
            f"(前两年完成的项目 {c['library_past_projects']} 个)· 指导文件 {c['guidance']} 份",
            f"  半年述职 {c['half_year_reports']} 份 · 年度考核 {c['yearly_assessments']} 份",
            f"  居民评价 {c['grades']:,} 户次(另有现场未核实 {c['grades_unverified']:,} 条)",
            f"  评审打分:本年度评审 {c['review_round_projects']} 个项目 · 上年擂台比武"
            f" {c['competition_entrants']} 个参赛项目(已公布)· 评分表 {c['score_sheets']} 份",
            "  国奥社区连续14年举办“邻居节”;悦海社区已举办6次“百家宴”。",
            "",
            f"演示账号(密码:{password}):",
        ]
        width = max(len(username) for username, _, _ in s.logins)
        lines += [f"  {username:<{width}}  {role}  {where}" for username, role, where in s.logins]
        lines.append(
            "  另有每个社区的书记 sec_<社区ID>、每个街道的组长 street_<街道ID>、"
            "评委专家 expert_<街道ID>、导师 mentor01–mentor07,密码相同。"
        )
        self.stdout.write(self.style.SUCCESS(lines[0]))
        self.stdout.write("\n".join(lines[1:]))
