"""The 百社百景库 of the demo district: the tree (3 classes, 10 items, library/0002), the district's
指导意见 and the 10-article outdoor guide linked to the five public spaces and twelve outdoor
categories, and completed projects of the two previous years, each nominated by its street: EXACTLY 54
selected into the library with reasons and 典型案例, a few waiting for the district, a few
declined. Not scaled by --scale: the seed's 54 are 54 at every scale.

The past projects go through the same builders as this year's (demo/projects.py, demo/plans.py),
with their own timelines inside their year and their own random stream, so they are the same at
every scale. No needs are linked: the demo's needs list is this year's.
"""

import io
import random
from datetime import date, datetime, time, timedelta

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Compound
from core.models import Upload
from core.uploads import store_upload
from library.models import (
    ActivityItem,
    Guidance,
    GuidanceAttachment,
    LibraryEntry,
    Nomination,
    ensure_library_tree,
)
from needs.models import NeedCategory
from partners.models import PartnerCategory
from projects.models import Activity, OutdoorCategory, Project, PublicSpaceKind, Status

from . import catalog
from . import plans as project_plans
from . import projects as demo_projects
from .catalog import Idea
from .org import Org

SELECTED = 54  # the seed's library projects
PENDING, DECLINED = 4, 3
SEED = 5454
OLD, RES, COM = Compound.Kind.OLD, Compound.Kind.RESETTLEMENT, Compound.Kind.COMMERCIAL
J, L, H = Project.Theme.JOY, Project.Theme.LEARNING, Project.Theme.HEALTH
P = PartnerCategory

# Ideas the catalog has no entry for (the festivals, the reading club).
OWN_IDEAS = {
    idea.title: idea
    for idea in (
        Idea("读书会", L, NeedCategory.CULTURE, "希望有读书交流的地方",
             "在凉亭下设共享书架,每月一次读书分享会", "全体居民", 3000,
             (P.SOCIAL_ORG, P.VOLUNTEER)),
        Idea("春节写春联", J, NeedCategory.CULTURE, "希望过年有年味",
             "邀请书法爱好者为居民写春联、送福字", "全体居民", 2000,
             (P.VOLUNTEER, P.MERCHANT)),
        Idea("中秋团圆会", J, NeedCategory.NEIGHBOURHOOD, "独居老人节日冷清",
             "中秋夜邀请独居老人和新住户同赏月、共做月饼", "独居老人、新住户", 4000,
             (P.MERCHANT, P.VOLUNTEER)),
        Idea("重阳敬老宴", H, NeedCategory.ELDERLY_CHILDREN, "希望节日里多关心老人",
             "重阳节为80岁以上老人办敬老宴、义诊和理发", "80岁以上老人", 5000,
             (P.PARTNER_UNIT, P.VOLUNTEER)),
        Idea("七一主题党日", L, NeedCategory.CULTURE, "希望听老党员讲小区的故事",
             "老党员讲述小区变迁,党员认领楼栋微心愿", "党员、居民", 1500,
             (P.PARTNER_UNIT,)),
        Idea("国庆升旗仪式", L, NeedCategory.CULTURE, "希望孩子们参加升旗",
             "国庆清晨在小区广场举行升旗仪式,居民合唱", "全体居民", 1200,
             (P.PARTNER_UNIT, P.VOLUNTEER)),
        Idea("社区文化艺术节", J, NeedCategory.CULTURE, "希望有居民自己的文艺舞台",
             "一年一届,合唱、书画、广场舞和手工市集轮番登场", "全体居民", 8000,
             (P.SOCIAL_ORG, P.MERCHANT)),
    )
}  # fmt: skip

# (activity item, compound kind, idea title): the kinds of past project each item holds.
TEMPLATES = [
    ("家门口便民集市", OLD, "便民维修服务日"),
    ("家门口便民集市", COM, "幸福集市"),
    ("家门口便民集市", COM, "跳蚤市场"),
    ("维修服务进小区", OLD, "增设电动自行车充电桩"),
    ("维修服务进小区", OLD, "楼道照明改造"),
    ("维修服务进小区", OLD, "加装楼梯扶手"),
    ("一老一小照护", RES, "老年助餐点"),
    ("一老一小照护", RES, "四点半课堂"),
    ("一老一小照护", RES, "暑期托管班"),
    ("邻里节", COM, "邻居节"),
    ("百家宴", COM, "百家宴"),
    ("社区运动会", COM, "社区运动会"),
    ("社区运动会", COM, "亲子运动会"),
    ("读书会", RES, "亲子阅读角"),
    ("读书会", OLD, "读书会"),
    ("传统节日", OLD, "春节写春联"),
    ("传统节日", COM, "中秋团圆会"),
    ("传统节日", RES, "重阳敬老宴"),
    ("红色纪念日", OLD, "七一主题党日"),
    ("红色纪念日", RES, "国庆升旗仪式"),
    ("社区文化节", COM, "邻里音乐会"),
    ("社区文化节", RES, "社区文化艺术节"),
]

# Where each kind of past project really happened (the builders draw a random place): an outdoor
# place names its public space (广场/凉亭/步道, demo/plans.py reads it), an indoor one a room;
# the works (维修服务进小区) are built in the compound, not held as activities.
VENUES = {
    "便民维修服务日": "{compound}步道旁",
    "幸福集市": "{compound}中心广场",
    "跳蚤市场": "{compound}中心广场",
    "增设电动自行车充电桩": "{compound}新建的充电车棚",
    "楼道照明改造": "{compound}各单元楼道",
    "加装楼梯扶手": "{compound}多层住宅楼楼道",
    "老年助餐点": "{community}老年助餐点",
    "四点半课堂": "{community}党群服务中心",
    "暑期托管班": "{community}党群服务中心",
    "邻居节": "{compound}中心广场",
    "百家宴": "{compound}中心广场",
    "社区运动会": "{compound}中心广场",
    "亲子运动会": "{compound}中心广场",
    "亲子阅读角": "{compound}小区活动室",
    "读书会": "{compound}凉亭下",
    "春节写春联": "{compound}中心广场",
    "中秋团圆会": "{compound}凉亭下",
    "重阳敬老宴": "{community}党群服务中心",
    "七一主题党日": "{community}党群服务中心",
    "国庆升旗仪式": "{compound}中心广场",
    "邻里音乐会": "{compound}中心广场",
    "社区文化艺术节": "{compound}中心广场",
}
WORKS = {"增设电动自行车充电桩", "楼道照明改造", "加装楼梯扶手"}

OPINION_BODY = """为深化“百社百景”计划,推动社区党组织领办治理服务项目,现提出如下意见。
一、总体要求。坚持党建引领,以居民需求为导向,每个社区党组织每年至少领办一个治理服务项目,按“七步工作法”组织实施。
二、项目来源。项目从居民需求清单中产生,经联席会研判可行后形成实施方案,报街道领导小组审核。
三、分类推进。老旧小区重在办实事、解难题;安置小区重在一老一小照护;商住小区重在邻里互助、融合共建。
四、资源保障。街道设立服务群众专项经费,区级对优秀项目以奖代补;广泛链接幸福家园合伙人和共建单位。
五、评估入库。项目结束后开展复盘评估,居民走访入户评、邀请现场评、线上投票评;街道择优推荐,区级遴选入“百社百景库”,形成典型案例供各社区借鉴。
六、组织保障。街道每半年向区级提级述职,年底开展擂台比武,结果纳入街道党工委书记年度重点任务考核。"""

GUIDE_ARTICLES = [
    "第一条 推动社区服务从室内走向户外,把服务场景延伸到居民身边的公共空间。",
    "第二条 户外公共空间分为五类:步道旁、凉亭下、广场内、小区花园、楼宇架空层。",
    "第三条 户外项目分为十二类:跳蚤市场、便民集市、露天电影、文艺展演、亲子游园、邻里宴席、"
    "户外读书角、全民健身、手工市集、科普宣传、议事广场、节庆活动。",
    "第四条 项目计划应写明开展的户外空间类型和项目类别,并与物业协商场地使用。",
    "第五条 户外项目须制定安全预案,明确现场安全责任人,大型活动报街道备案。",
    "第六条 优先使用小区既有场地和设施,不得占用消防通道,不得影响居民正常通行和休息。",
    "第七条 鼓励幸福家园合伙人、周边商户和共建单位参与摆摊和服务,坚持公益属性。",
    "第八条 活动结束后及时清理场地,恢复原状。",
    "第九条 项目结束后开展复盘评估,将成效好的项目推荐入“百社百景库”。",
    "第十条 本指南由区委社会工作部负责解释,自印发之日起施行。",
]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _timeline(rng: random.Random, year: int) -> dict:
    """A project's steps inside one year: retrospected between March and mid-November."""
    retrospected = date(year, 3, 1) + timedelta(days=rng.randint(0, 255))
    at = {"retrospected": _moment(retrospected, 16)}
    at["started"] = at["retrospected"] - timedelta(days=rng.randint(25, 70))
    at["announced"] = at["started"] - timedelta(days=rng.randint(2, 10))
    at["decided"] = at["announced"] - timedelta(days=rng.randint(1, 6))
    at["submitted"] = at["decided"] - timedelta(days=rng.randint(2, 9))
    at["created"] = at["submitted"] - timedelta(days=rng.randint(4, 15))
    return at


def _idea(title: str) -> Idea:
    return OWN_IDEAS.get(title) or catalog.IDEA_BY_TITLE[title]


def _plans(tree: Org, rng: random.Random, years: tuple[int, int]) -> list[tuple]:
    """(plan, item name, outcome) for every past project, spread over the district's compounds;
    those waiting or declined are of 国奥社区's street (the demo's street)."""
    total = SELECTED + PENDING + DECLINED
    outcomes = ["selected"] * SELECTED + ["pending"] * PENDING + ["declined"] * DECLINED
    home_street = tree.guoao.street_id
    pools = {}
    for kind, compounds in tree.compounds_by_kind.items():
        pools[kind] = sorted(compounds, key=lambda c: c.pk)
        rng.shuffle(pools[kind])
    taken = dict.fromkeys(pools, 0)
    rows = []
    for index in range(total):
        item_name, kind, idea_title = TEMPLATES[index % len(TEMPLATES)]
        outcome = outcomes[index]
        pool = pools[kind]
        if outcome != "selected":
            pool = [
                c for c in pool if tree.communities_by_id[c.community_id].street_id == home_street
            ] or pool
        compound = pool[taken[kind] % len(pool)]
        taken[kind] += 1
        community = tree.communities_by_id[compound.community_id]
        idea = _idea(idea_title)
        # The older year first; what waits for the district is of last year.
        year = years[0] if outcome == "selected" and index % 2 == 0 else years[1]
        spec = demo_projects.Spec(kind, idea.title, Status.RETROSPECTED)
        title = f"{compound.name}{idea.title}"
        plan = demo_projects.Plan(spec, community, compound, idea, title, at=_timeline(rng, year))
        rows.append((plan, item_name, outcome))
    return rows


def _place_projects(plans) -> None:
    """Put every past project where its kind of project really happens (VENUES): the place in
    its proposal, announcement and sessions, before demo/plans.py reads the place for the public
    space. One UPDATE of the sessions per venue."""
    projects, by_place = [], {}
    for plan in plans:
        place = VENUES[plan.idea.title].format(
            compound=plan.compound.name, community=plan.community.name
        )
        if place == plan.place:
            continue
        project = plan.project
        for field in ("proposal", "announcement"):
            setattr(project, field, getattr(project, field).replace(plan.place, place))
        for session in plan.sessions:
            session.place = place
        plan.place = place
        projects.append(project)
        by_place.setdefault(place, []).append(project.pk)
    Project.objects.bulk_update(projects, ["proposal", "announcement"], batch_size=500)
    for place, ids in by_place.items():
        Activity.objects.filter(project_id__in=ids).update(place=place)


def _case_study(plan) -> str:
    sessions = plan.sessions
    people = sum(a.participants for a in sessions)
    volunteers = sum(a.volunteers for a in sessions)
    kind = Compound.Kind(plan.compound.kind).label
    if plan.idea.title in WORKS:
        done = (
            f"做法:{plan.community.name}党组织召开联席会领办项目,{plan.idea.goal};"
            f"物业和共建单位在{plan.place}分{len(sessions)}批施工,党员和志愿者入户征求意见、"
            "现场监督质量。"
        )
        result = f"成效:惠及居民{people}人次,志愿者{volunteers}人次,居民最着急的问题得到解决。"
    else:
        done = (
            f"做法:{plan.community.name}党组织召开联席会领办项目,{plan.idea.goal};"
            f"在{plan.place}开展活动{len(sessions)}次,合伙人和志愿者全程参与。"
        )
        result = f"成效:参与居民{people}人次,志愿者{volunteers}人次,居民从旁观者变成组织者。"
    return "\n".join(
        [
            f"背景:{plan.compound.name}是{kind},居民反映“{plan.idea.need_title}”。",
            done,
            result,
            "经验:需求从走访中来,方案在联席会上定,成效请居民来评;做法已纳入社区常态化服务。",
        ]
    )


def _document(title: str, paragraphs: list[str]) -> bytes:
    """A short Word file of a guidance page (its signed text), made in memory."""
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _attach(guidance: Guidance, by, name: str) -> None:
    """The guidance page's Word version, stored as any upload is (core.uploads)."""
    data = _document(guidance.title, guidance.paragraphs)
    upload = store_upload(
        uploaded_file=SimpleUploadedFile(name, data),
        kind=Upload.Kind.DOCUMENT,
        by=by,
        owner=guidance,
    )
    GuidanceAttachment.objects.create(
        guidance=guidance, upload=upload, title=f"{guidance.title}(Word 版)"[:100]
    )


def _guidance(tree: Org, now) -> list[Guidance]:
    district = tree.logins["district"]
    opinion = Guidance.objects.create(
        kind=Guidance.Kind.OPINION,
        title="关于深化“百社百景”计划推动社区党组织领办治理服务项目的指导意见",
        issued_on=date(now.year - 2, 3, 15),
        body=OPINION_BODY,
        order=1,
        created_by=district,
        created_at=now - timedelta(days=900),
    )
    guide = Guidance.objects.create(
        kind=Guidance.Kind.GUIDE,
        title="拓展社区服务场景工作指南(十条)",
        issued_on=date(now.year - 2, 4, 20),
        body="\n".join(GUIDE_ARTICLES),
        order=2,
        created_by=district,
        created_at=now - timedelta(days=880),
    )
    guide.public_spaces.set(PublicSpaceKind.objects.all())
    guide.outdoor_categories.set(OutdoorCategory.objects.all())
    opinion.outdoor_categories.set(OutdoorCategory.objects.all())
    _attach(opinion, district, "百社百景指导意见.docx")
    _attach(guide, district, "拓展社区服务场景工作指南.docx")
    return [opinion, guide]


def build(tree: Org, now, partners) -> dict:
    """The tree, the guidance and the two previous years' completed projects with their
    nominations and library entries. Returns the counts for the summary."""
    ensure_library_tree()
    guidance = _guidance(tree, now)
    rng = random.Random(SEED)  # its own stream: the same library at every scale
    years = (now.year - 2, now.year - 1)
    rows = _plans(tree, rng, years)
    plans = [plan for plan, _, _ in rows]
    builder = demo_projects.ProjectBuilder(tree, rng, now, [], partners)
    builder.build(plans)
    _place_projects(plans)
    project_plans.build(tree, rng, now, plans)
    categories = {c.name: c for c in OutdoorCategory.objects.all()}
    items = {item.name: item for item in ActivityItem.objects.all()}
    district = tree.logins["district"]
    nominations, entries, outdoor = [], [], []
    for plan, item_name, outcome in rows:
        project = plan.project
        if project.public_space_id and (category := _outdoor_category(plan, categories)):
            project.outdoor_category = category
            outdoor.append(project)
        retrospected = plan.at["retrospected"]
        nominated_at = retrospected + timedelta(days=rng.randint(5, 20))
        if outcome == "pending":
            # What waits for the district was recommended in the last weeks.
            nominated_at = now - timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 8))
        year = timezone.localtime(retrospected).year
        decided_at = _moment(date(year, 12, rng.randint(10, 28)), 15)
        reason = (
            f"{plan.community.name}“{plan.title}”回应了居民“{plan.idea.need_title}”的诉求,"
            f"居民参与度高,做法可复制,推荐入库。"
        )
        nomination = Nomination(
            project=project,
            item=items[item_name],
            reason=reason,
            status={"selected": "selected", "pending": "pending", "declined": "declined"}[outcome],
            nominated_by=tree.leader_of[plan.community.street_id],
            nominated_at=nominated_at,
            status_changed_at=nominated_at if outcome == "pending" else decided_at,
        )
        if outcome != "pending":
            nomination.decided_by, nomination.decided_at = district, decided_at
        if outcome == "declined":
            nomination.decline_reason = (
                "项目成效材料不够充分,居民评价样本偏少,建议补充后明年再推荐。"
            )
        nominations.append((nomination, plan, item_name, outcome))
    Project.objects.bulk_update(outdoor, ["outdoor_category"], batch_size=500)
    Nomination.objects.bulk_create([n for n, _, _, _ in nominations], batch_size=500)
    for nomination, plan, item_name, outcome in nominations:
        if outcome != "selected":
            continue
        entries.append(
            LibraryEntry(
                project=plan.project,
                item=items[item_name],
                nomination=nomination,
                year=timezone.localtime(nomination.decided_at).year,
                reason=f"{plan.idea.goal},居民满意率高,经验可在同类小区推广。",
                case_study=_case_study(plan),
                selected_by=district,
                selected_at=nomination.decided_at,
            )
        )
    LibraryEntry.objects.bulk_create(entries, batch_size=500)
    return {
        "library_items": len(items),
        "library_entries": len(entries),
        "library_past_projects": len(plans),
        "guidance": len(guidance),
    }


def _outdoor_category(plan, categories: dict) -> OutdoorCategory | None:
    """The guide's category a project held in a public space belongs to, from its idea."""
    words = [
        ("跳蚤", "跳蚤市场"),
        ("集市", "便民集市"),
        ("维修", "便民集市"),
        ("电影", "露天电影"),
        ("音乐", "文艺展演"),
        ("艺术", "文艺展演"),
        ("亲子", "亲子游园"),
        ("百家宴", "邻里宴席"),
        ("邻居节", "邻里宴席"),
        ("敬老宴", "邻里宴席"),
        ("阅读", "户外读书角"),
        ("读书", "户外读书角"),
        ("运动", "全民健身"),
        ("春联", "节庆活动"),
        ("中秋", "节庆活动"),
        ("升旗", "节庆活动"),
    ]
    return next((categories.get(c) for w, c in words if w in plan.idea.title), None)
