"""Static data the demo district is built from: names, project ideas and texts (user-facing, in Chinese).

Nothing here touches the database; the builders in this package combine it with a seeded random
generator so every load of the demo gives the same district.
"""

from dataclasses import dataclass

from accounts.roles import Role
from needs.models import SeededCategory
from partners.models import PartnerCategory
from projects.models import Project

DISTRICT_NAME = "黄渤海新区"

# Street -> community name prefixes ("社区" is appended). 100 communities over 8 streets;
# 国奥社区 and 悦海社区 sit in different streets, as in the article.
STREETS: dict[str, list[str]] = {
    "长江路街道": [
        "国奥", "海韵", "长江", "泰山", "华山", "衡山", "嵩山",
        "天山", "昆仑", "珠江", "淮河", "岷江", "漓江",
    ],
    "八角街道": [
        "悦海", "八角", "渔港", "望海", "观澜", "听涛", "海滨",
        "港湾", "蓝湾", "金沙滩", "银滩", "贝壳", "灯塔",
    ],
    "黄河路街道": [
        "黄河", "太行", "燕山", "祁连", "秦岭", "长城", "天马",
        "金桥", "星海", "银河", "阳光", "朝阳", "向阳",
    ],
    "古现街道": [
        "古现", "河东", "河西", "南山", "北岭", "东林", "西苑",
        "枫林", "松林", "竹溪", "梅岭", "兰亭", "菊香",
    ],
    "大季家街道": [
        "大季家", "小季家", "崔家", "李家庄", "王家疃", "刘家沟",
        "孙家", "赵家", "周家", "吴家", "郑家", "冯家",
    ],
    "潮水街道": [
        "潮水", "潮海", "朱家", "衙前", "杜家", "解宋",
        "富民", "裕华", "振华", "丰收", "兴业", "安居",
    ],
    "银湖街道": [
        "银湖", "翠湖", "南湖", "碧水", "清泉", "丁香",
        "玉兰", "海棠", "牡丹", "芙蓉", "紫荆", "樱花",
    ],
    "金城街道": [
        "金城", "开元", "福瑞", "福安", "祥和", "和美",
        "康宁", "乐业", "春晖", "秋实", "桃源", "杏林",
    ],
}  # fmt: skip

GUOAO = "国奥社区"
YUEHAI = "悦海社区"
HAIYUN = "海韵社区"

COMPOUND_SUFFIXES = {
    "old": ["小区", "新村", "东区"],
    "resettlement": ["家园", "新居", "安居苑"],
    "commercial": ["花园", "华府", "名苑"],
}
BUILDINGS_PER_COMPOUND = 3
UNITS = ["1单元", "2单元"]
ROOMS = ["101", "102", "201", "202", "301", "302"]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰志红海燕晓东春梅立新凤文斌浩宇欣怡子涵"
)

# (username, role, where, display name). `where` is "district", "street", "guoao", "yuehai" or "".
LOGINS = [
    ("district", Role.DISTRICT_STAFF, "district", "区委组织部 刘建华"),
    ("street", Role.STREET_LEADER, "street", "长江路街道党工委书记 王海涛"),
    ("member", Role.STREET_MEMBER, "street", "长江路街道领导小组成员 陈晓燕"),
    ("expert", Role.EXPERT, "street", "专家顾问 张立新教授"),
    ("secretary", Role.SECRETARY, "guoao", "国奥社区书记 李秀梅"),
    ("secretary2", Role.SECRETARY, "yuehai", "悦海社区书记 赵春霞"),
    ("auditor", Role.AUDITOR, "district", "审计员 周文斌"),
    ("sysadmin", Role.SYSADMIN, "", "系统管理员 吴浩宇"),
    ("secadmin", Role.SECADMIN, "", "安全管理员 郑欣怡"),
    ("partner", Role.PARTNER, "guoao", "孙志强"),
    ("resident", Role.RESIDENT, "guoao", "国奥花园居民 杨玉兰"),
]
# The property company's and the owners' committee's partner accounts of 国奥社区 (demo/roundtable.py
# gives two of its partners these logins: they take part in the round table as organisations).
ORGANISATION_LOGINS = [
    ("wuye", Role.PARTNER, "guoao", "国奥花园物业服务中心"),
    ("yeweihui", Role.PARTNER, "guoao", "国奥花园业主委员会"),
]
EMAIL_DOMAIN = "demo.baiseshejing.local"

NEED_SOURCE_WEIGHTS = {
    "questionnaire": 40,
    "home_visit": 25,
    "owners_meeting": 12,
    "suggestion_box": 15,
    "online": 8,
}

# Extra needs (beyond those behind the projects), by category.
NEED_TITLES: dict[str, list[str]] = {
    SeededCategory.ENVIRONMENT: [
        "楼道堆放杂物,消防通道不畅",
        "垃圾桶满溢,清运不及时",
        "小区绿化带被占用种菜",
        "车辆乱停乱放,消防车进不来",
        "雨后路面积水,出行不便",
        "宠物粪便无人清理",
    ],
    SeededCategory.CONVENIENCE: [
        "希望有便民维修服务",
        "遇到物业纠纷不知道找谁咨询法律问题",
        "希望小区附近有早餐点",
        "闲置物品没有地方交换",
        "老年人不会用智能手机挂号缴费",
        "希望有理发、磨刀等便民服务日",
    ],
    SeededCategory.ELDERLY_CHILDREN: [
        "双职工家庭放学后孩子没人照看",
        "独居老人吃饭难,希望有助餐点",
        "老人上下楼困难,希望加装扶手",
        "暑假孩子缺少托管场所",
        "希望定期开展老年健康讲座",
        "婴幼儿照护缺少交流指导",
    ],
    SeededCategory.FACILITIES: [
        "电动车充电难,楼道飞线充电有隐患",
        "外墙保温层脱落,冬季屋里冷",
        "楼道灯坏了没人修,晚上不安全",
        "顶楼漏雨,屋面需要防水维修",
        "健身器材老化损坏",
        "单元门禁损坏",
    ],
    SeededCategory.CULTURE: [
        "希望有广场舞活动场地",
        "希望组织社区运动会",
        "孩子们缺少课外阅读的地方",
        "希望周末放露天电影",
        "希望成立合唱队、书画班",
        "希望有篮球、乒乓球比赛",
    ],
    SeededCategory.NEIGHBOURHOOD: [
        "住了好几年还不认识对门邻居",
        "楼上噪音扰民,希望协商解决",
        "希望多组织邻里聚会",
        "新搬来的年轻人融入难",
        "养犬不拴绳引发邻里矛盾",
        "希望有邻里互助的平台",
    ],
}

PARTNER_WEIGHTS = {
    PartnerCategory.VOLUNTEER: 30,
    PartnerCategory.PARTY_MEMBER: 20,
    PartnerCategory.NEW_EMPLOYMENT: 12,
    PartnerCategory.MERCHANT: 10,
    PartnerCategory.PROPERTY: 6,
    PartnerCategory.OWNERS_COMMITTEE: 6,
    PartnerCategory.PARTNER_UNIT: 6,
    PartnerCategory.SOCIAL_ORG: 5,
    PartnerCategory.PROFESSIONAL: 5,
}
PARTNER_SKILLS = {
    PartnerCategory.VOLUNTEER: ["楼长、入户走访", "文艺骨干", "垃圾分类督导", "邻里调解", "治安巡逻"],
    PartnerCategory.PARTY_MEMBER: ["在职党员包楼栋", "双报到志愿服务", "政策宣讲", "帮办代办"],
    PartnerCategory.NEW_EMPLOYMENT: ["外卖骑手,随手拍隐患", "快递员,帮独居老人送件上楼", "网约车司机,爱心送考"],
    PartnerCategory.MERCHANT: ["活动赞助", "提供场地", "为老人打折优惠", "便民服务日摆摊"],
    PartnerCategory.PROPERTY: ["设施维修", "环境保洁", "安全巡查", "场地协调"],
    PartnerCategory.OWNERS_COMMITTEE: ["业主意见征集", "维修基金申请", "议事协商"],
    PartnerCategory.PARTNER_UNIT: ["双报到单位包小区", "资金支持", "专业服务进社区"],
    PartnerCategory.SOCIAL_ORG: ["活动策划组织", "为老服务", "青少年课堂", "心理疏导"],
    PartnerCategory.PROFESSIONAL: ["法律咨询、法律援助", "义诊、健康讲座", "课业辅导", "心理咨询", "电工维修"],
}  # fmt: skip
PROPERTY_BRANDS = ["海信", "万科", "绿城", "开发区城投", "碧桂园", "金地", "福山恒信", "中海"]
PARTNER_UNITS = [
    "区人民医院", "区司法局", "区税务局", "区消防救援大队", "区图书馆", "区实验小学",
    "开发区供电中心", "区文化馆", "中国银行烟台开发区支行", "烟台城市党建学院",
    "区市场监管局", "区交警大队",
]  # fmt: skip
SOCIAL_ORGS = ["志愿服务队", "邻里互助会", "夕阳红艺术团", "社工服务站", "巾帼志愿者协会"]
SHOPS = ["便利店", "超市", "理发店", "大药房", "家电维修部", "早餐店", "水果店", "洗衣店"]


@dataclass(frozen=True)
class Idea:
    """A kind of project a compound runs: its name, theme (美/学/乐/健), the need behind it and
    plan figures."""

    title: str
    theme: str
    need_category: str
    need_title: str
    goal: str
    target_groups: str
    budget: int
    partner_categories: tuple = ()


B, L, J, H = (
    Project.Theme.BEAUTY,
    Project.Theme.LEARNING,
    Project.Theme.JOY,
    Project.Theme.HEALTH,
)
F, E, C, EC, CU, N = (
    SeededCategory.FACILITIES,
    SeededCategory.ENVIRONMENT,
    SeededCategory.CONVENIENCE,
    SeededCategory.ELDERLY_CHILDREN,
    SeededCategory.CULTURE,
    SeededCategory.NEIGHBOURHOOD,
)
P = PartnerCategory

# 老旧小区: practical fixes.
OLD_IDEAS = [
    Idea("增设电动自行车充电桩", B, F, "电动车充电难,楼道飞线充电有隐患",
         "在小区内集中设置充电车棚,杜绝飞线充电", "全体居民", 68000,
         (P.PROPERTY, P.PARTNER_UNIT)),
    Idea("外墙保温改造", B, F, "外墙保温层脱落,冬季屋里冷",
         "完成楼体外墙保温层修复,冬季室温提高2℃以上", "全体居民", 150000,
         (P.PROPERTY, P.OWNERS_COMMITTEE)),
    Idea("楼道照明改造", B, F, "楼道灯坏了没人修,晚上不安全",
         "楼道灯全部更换为声控节能灯,建立报修台账", "全体居民", 8000,
         (P.PROPERTY, P.PARTY_MEMBER)),
    Idea("楼道堆物清理", B, E, "楼道堆放杂物,消防通道不畅",
         "清理楼道杂物,恢复消防通道畅通,建立楼长巡查机制", "全体居民", 3000,
         (P.VOLUNTEER, P.PROPERTY)),
    Idea("停车秩序整治", B, E, "车辆乱停乱放,消防车进不来",
         "重新施划车位,设置消防通道标识,车辆有序停放", "有车居民", 15000,
         (P.PROPERTY, P.OWNERS_COMMITTEE)),
    Idea("屋面防水维修", B, F, "顶楼漏雨,屋面需要防水维修",
         "启用维修基金完成屋面防水,解决顶楼渗漏", "顶层住户", 42000,
         (P.OWNERS_COMMITTEE, P.PROPERTY)),
    Idea("加装楼梯扶手", H, EC, "老人上下楼困难,希望加装扶手",
         "为多层住宅楼加装楼梯扶手和休息座椅", "老年居民", 12000,
         (P.PARTY_MEMBER, P.PARTNER_UNIT)),
    Idea("法律援助进小区", L, C, "遇到物业纠纷不知道找谁咨询法律问题",
         "每月一次律师坐诊,现场解答物业、婚姻、继承等法律问题", "全体居民", 2000,
         (P.PROFESSIONAL, P.PARTNER_UNIT)),
    Idea("健身器材更新", H, CU, "健身器材老化损坏",
         "更换老化健身器材,铺设防滑地面", "全体居民", 18000,
         (P.PARTNER_UNIT, P.PROPERTY)),
    Idea("便民维修服务日", B, C, "希望有便民维修服务",
         "每月组织家电维修、磨刀、理发等便民服务", "全体居民", 3000,
         (P.MERCHANT, P.PROFESSIONAL)),
]  # fmt: skip

# 安置小区: 一老一小.
RESETTLEMENT_IDEAS = [
    Idea("幼儿陪护", L, EC, "婴幼儿照护缺少交流指导",
         "建立幼儿陪护驿站,每周开展亲子早教活动", "0-3岁婴幼儿家庭", 9000,
         (P.SOCIAL_ORG, P.PROFESSIONAL)),
    Idea("老年养生课堂", H, EC, "希望定期开展老年健康讲座",
         "每月开展养生讲座和八段锦教学,提升老人健康素养", "60岁以上老人", 6000,
         (P.PROFESSIONAL, P.PARTNER_UNIT)),
    Idea("四点半课堂", L, EC, "双职工家庭放学后孩子没人照看",
         "为放学后无人照看的孩子提供作业辅导和兴趣课", "小学生", 8000,
         (P.PROFESSIONAL, P.PARTY_MEMBER)),
    Idea("老年助餐点", H, EC, "独居老人吃饭难,希望有助餐点",
         "开设助餐点,为高龄和独居老人提供平价午餐", "高龄、独居老人", 30000,
         (P.MERCHANT, P.VOLUNTEER)),
    Idea("暑期托管班", L, EC, "暑假孩子缺少托管场所",
         "暑期开设为期四周的托管班,安排阅读、手工、体育课程", "小学生", 12000,
         (P.SOCIAL_ORG, P.PARTY_MEMBER)),
    Idea("银龄智能手机课堂", L, C, "老年人不会用智能手机挂号缴费",
         "教会老人用手机挂号、缴费、视频通话", "老年居民", 2500,
         (P.NEW_EMPLOYMENT, P.VOLUNTEER)),
    Idea("亲子阅读角", L, CU, "孩子们缺少课外阅读的地方",
         "在小区活动室建立亲子阅读角,每周组织绘本共读", "儿童及家长", 5000,
         (P.PARTNER_UNIT, P.VOLUNTEER)),
    Idea("银龄健康义诊", H, EC, "希望定期开展老年健康讲座",
         "每季度组织医生进小区义诊,建立老人健康档案", "老年居民", 4000,
         (P.PARTNER_UNIT, P.PROFESSIONAL)),
]  # fmt: skip

# 商住小区: neighbourliness.
COMMERCIAL_IDEAS = [
    Idea("百家宴", J, N, "希望多组织邻里聚会",
         "每家带一道拿手菜,让邻居在长桌宴上熟络起来", "全体居民", 6000,
         (P.MERCHANT, P.VOLUNTEER)),
    Idea("社区运动会", H, CU, "希望组织社区运动会",
         "设置趣味项目和亲子项目,以运动会凝聚邻里", "全体居民", 15000,
         (P.PARTNER_UNIT, P.MERCHANT)),
    Idea("邻居节", J, N, "住了好几年还不认识对门邻居",
         "以美食分享、才艺展示、邻里互助集市让邻居从面熟到相知", "全体居民", 10000,
         (P.MERCHANT, P.VOLUNTEER)),
    Idea("跳蚤市场", J, C, "闲置物品没有地方交换",
         "每月在广场举办跳蚤市场,闲置物品交换、义卖", "全体居民", 1500,
         (P.VOLUNTEER, P.PROPERTY)),
    Idea("幸福集市", J, C, "希望有理发、磨刀等便民服务日",
         "集合周边商户和志愿者,每月一次便民服务、特色摊位", "全体居民", 5000,
         (P.MERCHANT, P.NEW_EMPLOYMENT)),
    Idea("邻里音乐会", J, CU, "希望成立合唱队、书画班",
         "由居民文艺骨干组织周末草坪音乐会", "全体居民", 4000,
         (P.SOCIAL_ORG, P.VOLUNTEER)),
    Idea("亲子运动会", H, CU, "希望有篮球、乒乓球比赛",
         "以家庭为单位开展亲子趣味运动,增进家庭和邻里感情", "儿童及家长", 8000,
         (P.PARTNER_UNIT, P.MERCHANT)),
    Idea("露天电影夜", J, CU, "希望周末放露天电影",
         "夏季每两周在广场放映一场露天电影", "全体居民", 3000,
         (P.MERCHANT, P.PROPERTY)),
    Idea("文明养犬共建", B, N, "养犬不拴绳引发邻里矛盾",
         "成立文明养犬自律会,设置宠物便便箱", "养犬居民", 2500,
         (P.VOLUNTEER, P.PROPERTY)),
    Idea("噪音扰民协商议事", L, N, "楼上噪音扰民,希望协商解决",
         "通过幸福家园圆桌会协商制定楼栋公约,化解噪音矛盾", "全体居民", 1000,
         (P.OWNERS_COMMITTEE, P.VOLUNTEER)),
]  # fmt: skip

IDEAS = {
    "old": OLD_IDEAS,
    "resettlement": RESETTLEMENT_IDEAS,
    "commercial": COMMERCIAL_IDEAS,
}
IDEA_BY_TITLE = {i.title: i for ideas in IDEAS.values() for i in ideas}

JOINT_MEETING = "小区党支部、业委会、物业、居民代表、街道相关科室"
PLACES = [
    "{compound}中心广场",
    "社区党群服务中心",
    "{compound}凉亭下",
    "{compound}步道旁",
    "社区文化活动室",
]
RETURN_NOTES = [
    "预算明细不够具体,请补充物资清单和报价后重新提交。",
    "请与物业确认场地安全方案,补充应急预案。",
    "方案未说明居民参与方式,请补充报名和志愿者招募安排。",
    "请补充联席会纪要和居民代表意见。",
]
EXPERT_COMMENTS = [
    "建议把活动时间放在周末上午,方便双职工家庭参加。",
    "可以链接辖区共建单位的场地和资金,减轻社区经费压力。",
    "建议在复盘时增加线上投票评,扩大居民评价覆盖面。",
]
APPROVE_NOTES = ["方案可行,同意实施。", "同意,注意活动安全。", "同意,请按计划发布预告。"]
