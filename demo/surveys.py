"""Questionnaires in the demo (问卷调查): the seed's 2,900 copies handed out, multiplied by --scale.

A district template for the first half of the year with a copy in every community, a street
template (一老一小) in the street that holds 国奥社区, and six communities' own questionnaires
(国奥社区's 邻居节 one among them). Every copy and survey records what it handed out per channel
(扫码, 纸质, 入户代填) and gets back about four in five, with answers whose shares look like a
neighbourhood's (the first options more often, scores mostly 4 and 5). Some residents leave a
comment: online ones hold a receipt; some are filed under the community's needs, some declined
with a reason, the rest wait. Written in bulk, with what surveys/services.py would have written.
"""

import datetime
import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from needs.models import Need, NeedMention, NeedSource, Receipt, ReceiptKind
from needs.services import RECEIPT_ALPHABET, RECEIPT_LENGTH, receipt_hash
from surveys.models import Answer, Channel, Distribution, Question, Response, Survey
from surveys.workflow import CODE_ALPHABET, CODE_LENGTH

from . import catalog
from .org import Org
from .records import scaled

SEED = 2300
HANDED_OUT = 2900
# Shares of the copies handed out: the district template's copies, the street's, the communities'.
SHARES = {"district": 0.55, "street": 0.15, "community": 0.30}
CHANNEL_SHARES = ((Channel.ONLINE, 0.35), (Channel.PAPER, 0.45), (Channel.VISIT, 0.20))
RETURNED = (0.72, 0.88)  # per channel and copy
COMMENTED = 0.07
RATINGS = (0.03, 0.07, 0.20, 0.40, 0.30)

S, M, R, T = "single", "multiple", "rating", "text"
DISTRICT_QUESTIONS = (
    (S, "您在本小区居住多长时间了?", ("不到1年", "1–5年", "5–10年", "10年以上")),
    (
        M,
        "您认为小区最需要改进的是哪些方面?",
        ("环境卫生", "停车秩序", "绿化养护", "楼道照明", "加装电梯", "充电设施"),
    ),
    (
        S,
        "您最希望社区增加哪类便民服务?",
        ("家电维修", "理发义剪", "代收快递", "法律咨询", "健康义诊"),
    ),
    (R, "您对社区目前的服务满意吗?", ()),
    (
        M,
        "您愿意参加哪些文体活动?",
        ("广场舞", "读书会", "邻居节", "百家宴", "社区运动会", "书画班"),
    ),
    (T, "您对社区还有什么建议?", ()),
)
STREET_QUESTIONS = (
    (S, "您家中是否有60岁以上的老人?", ("有", "没有")),
    (M, "老人最需要哪些服务?", ("助餐", "助浴", "陪诊", "上门理发", "文娱活动")),
    (M, "孩子放学后最需要什么?", ("课后托管", "作业辅导", "兴趣课堂", "户外活动")),
    (R, "您对社区日间照料服务的满意度", ()),
    (S, "您愿意做一老一小志愿者吗?", ("愿意", "看时间安排", "暂时不方便")),
    (T, "其他想法", ()),
)
COMMUNITY_SETS = {
    "邻居节活动意见征集": (
        (S, "您参加过往年的邻居节吗?", ("每年都参加", "参加过一两次", "没参加过")),
        (
            M,
            "今年邻居节您希望有哪些内容?",
            ("美食分享", "文艺表演", "跳蚤市场", "亲子游戏", "义诊义剪"),
        ),
        (S, "您希望在什么时间举办?", ("周六上午", "周六下午", "周日上午", "工作日晚上")),
        (R, "您对去年邻居节的满意度", ()),
        (S, "您愿意出一个节目或摊位吗?", ("愿意", "可以帮忙", "只想参加")),
        (T, "给邻居节的建议", ()),
    ),
    "小区环境整治需求调查": (
        (
            M,
            "您觉得小区哪些地方最需要整治?",
            ("楼道杂物", "垃圾分类点", "绿地荒芜", "路面破损", "飞线充电"),
        ),
        (S, "您支持定期开展楼道清理吗?", ("支持", "无所谓", "不支持")),
        (R, "您对小区目前的环境满意吗?", ()),
        (S, "您愿意参加环境整治志愿活动吗?", ("愿意", "偶尔可以", "不方便")),
        (T, "具体是哪里需要整治?", ()),
    ),
    "老旧小区设施改造意愿调查": (
        (S, "您住在几楼?", ("1–2楼", "3–4楼", "5楼及以上")),
        (
            M,
            "您最希望改造哪些设施?",
            ("加装电梯", "外墙保温", "电动车充电桩", "楼道扶手", "健身器材"),
        ),
        (S, "加装电梯需要居民分摊部分费用,您的意见是?", ("同意分摊", "看费用多少", "不同意")),
        (R, "改造的迫切程度", ()),
        (T, "对改造方案的意见", ()),
    ),
    "邻里关系与议事协商调查": (
        (S, "您认识同一单元的邻居吗?", ("大多认识", "认识几户", "基本不认识")),
        (M, "您愿意通过哪些方式参与小区议事?", ("楼道议事会", "线上群聊", "圆桌会", "书面意见")),
        (R, "您对邻里关系的评价", ()),
        (S, "遇到邻里纠纷您会找谁?", ("社区网格员", "楼长", "物业", "自己协商")),
        (T, "您对邻里互助的建议", ()),
    ),
}
COMMUNITY_SURVEYS = (
    (catalog.GUOAO, "邻居节活动意见征集", "open"),
    (catalog.YUEHAI, "邻里关系与议事协商调查", "closed"),
    (None, "小区环境整治需求调查", "open"),
    (None, "老旧小区设施改造意愿调查", "closed"),
    (None, "小区环境整治需求调查", "closed"),
    (None, "老旧小区设施改造意愿调查", "open"),
)
COMMENTS = (
    "楼道里堆的杂物太多,希望组织清理",
    "小区晚上停车太难,希望规划车位",
    "希望增加电动车充电桩,别再飞线充电",
    "老人吃饭不方便,希望办个老年助餐点",
    "孩子放学没人管,希望有课后托管",
    "3号楼的楼道灯坏了很久",
    "希望多组织邻里活动,大家多认识认识",
    "绿地里杂草很多,希望修剪",
    "健身器材有些坏了,希望维修",
    "希望能多办几次义诊",
)
TEXTS = ("希望多组织活动", "辛苦社区工作人员了", "希望改善停车", "没有意见", "多关心老人")
DECLINED = (
    "属于物业维修范围,已转交物业公司处理",
    "涉及市政道路,已反映给街道城管部门",
    "与已有需求重复,已合并考虑",
)


def _codes(rng: random.Random, n: int) -> list[str]:
    taken = set(Survey.objects.values_list("short_code", flat=True))
    codes: list[str] = []
    while len(codes) < n:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _allocate(total: int, weights: list[float]) -> list[int]:
    """`total` split by weights, rounding by the largest remainders (the sum is exact)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [int(r) for r in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[
        : total - sum(counts)
    ]:
        counts[index] += 1
    return counts


def _questions(survey: Survey, spec) -> list[Question]:
    return [
        Question(
            survey=survey,
            order=order,
            kind=kind,
            text=text,
            options=list(options),
            required=kind != T,
            rating_max=5,
        )
        for order, (kind, text, options) in enumerate(spec, start=1)
    ]


def _weights(rng: random.Random, n: int) -> list[float]:
    """Option weights for one question: earlier options somewhat more popular, with noise."""
    return [rng.uniform(0.6, 1.4) / (1 + 0.35 * i) for i in range(n)]


def build(org: Org, now: datetime.datetime, needs: list[Need], scale: float) -> dict:
    """The questionnaires, their copies handed out and returned; the counts for the summary."""
    rng = random.Random(SEED)
    today = timezone.localdate(now)
    district_user = org.logins["district"]
    street_user = org.logins["street"]
    guoao = org.guoao
    street = next(s for s in org.streets if s.pk == guoao.street_id)

    # --- the surveys ------------------------------------------------------------------------
    half = datetime.date(today.year, 1, 5), datetime.date(today.year, 6, 30)
    district_status = "open" if today <= half[1] else "closed"
    templates = [
        Survey(
            title=f"{today.year}年上半年社区居民需求调查",
            intro="为了解大家最关心的问题,把好事办到居民心坎上,请花三分钟填写。不需要留姓名和电话。",
            level="district",
            district=org.district,
            status=district_status,
            starts_on=half[0],
            ends_on=half[1],
            created_by=district_user,
            published_at=now,
        ),
        Survey(
            title=f"{street.name}“一老一小”服务需求调查",
            intro="街道将根据调查结果完善助老托幼服务。",
            level="street",
            street=street,
            status="open",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=30),
            allow_repeat=True,
            created_by=street_user,
            published_at=now,
        ),
    ]
    codes = iter(_codes(rng, 2 + 2 * len(org.communities) + len(COMMUNITY_SURVEYS)))
    for survey in templates:
        survey.short_code = next(codes)
    district_template, street_template = Survey.objects.bulk_create(templates)
    copies = []
    for template in (district_template, street_template):
        below = [
            c
            for c in org.communities
            if template.level == "district" or c.street_id == template.street_id
        ]
        copies += [
            Survey(
                title=template.title,
                intro=template.intro,
                level="community",
                community=community,
                template=template,
                status=template.status,
                starts_on=template.starts_on,
                ends_on=template.ends_on,
                allow_repeat=template.allow_repeat,
                short_code=next(codes),
                created_by=template.created_by,
                published_at=now,
            )
            for community in below
        ]
    others = [c for c in org.communities if c.name not in (catalog.GUOAO, catalog.YUEHAI)]
    own = []
    for name, title, status in COMMUNITY_SURVEYS:
        community = org.by_name[name] if name else rng.choice(others)
        starts = today - timedelta(
            days=rng.randint(20, 40) if status == "open" else rng.randint(70, 150)
        )
        ends = (
            today + timedelta(days=rng.randint(10, 30))
            if status == "open"
            else starts + timedelta(days=rng.randint(20, 40))
        )
        own.append(
            Survey(
                title=title,
                intro="社区想听听您的意见,请花两分钟填写。",
                level="community",
                community=community,
                status=status,
                starts_on=starts,
                ends_on=ends,
                short_code=next(codes),
                created_by=org.secretary_of[community.pk],
                published_at=now,
            )
        )
    copies = Survey.objects.bulk_create(copies)
    own = Survey.objects.bulk_create(own)
    questions = Question.objects.bulk_create(
        _questions(district_template, DISTRICT_QUESTIONS)
        + _questions(street_template, STREET_QUESTIONS)
        + [q for s in own for q in _questions(s, COMMUNITY_SETS[s.title])]
    )
    by_source: dict[int, list[Question]] = {}
    for question in questions:
        by_source.setdefault(question.survey_id, []).append(question)

    # --- handed out, per survey and channel ---------------------------------------------------
    total = scaled(HANDED_OUT, scale)
    answered = copies + own
    level_of = {
        s.pk: ("district" if s.template_id == district_template.pk else "street")
        if s.template_id
        else "community"
        for s in answered
    }
    per_level = {lvl: sum(1 for s in answered if level_of[s.pk] == lvl) for lvl in SHARES}
    slots, weights = [], []
    for survey in answered:
        lvl = level_of[survey.pk]
        size = rng.uniform(0.6, 1.4) * SHARES[lvl] / per_level[lvl]
        for channel, share in CHANNEL_SHARES:
            slots.append((survey, channel))
            weights.append(size * share)
    counts = _allocate(total, weights)
    distributions, responses = [], []
    for (survey, channel), copies_out in zip(slots, counts, strict=True):
        if copies_out < 1:
            continue
        first = survey.starts_on
        last = min(survey.ends_on, today)
        span = max((last - first).days, 0)
        distributions.append(
            Distribution(
                survey=survey,
                channel=channel,
                copies=copies_out,
                handed_out_on=first + timedelta(days=rng.randint(0, min(span, 7))),
                note="" if channel == Channel.ONLINE else "网格员分楼发放",
                created_by=org.secretary_of[survey.community_id],
                created_at=now,
            )
        )
        expected = copies_out * rng.uniform(*RETURNED)
        back = int(expected) + (rng.random() < expected - int(expected))  # unbiased when small
        for _ in range(back):
            day = first + timedelta(days=rng.randint(0, span))
            moment = timezone.make_aware(
                datetime.datetime.combine(
                    day, datetime.time(rng.randint(8, 20), rng.randint(0, 59))
                )
            )
            responses.append(
                Response(
                    survey=survey,
                    channel=channel,
                    device_hash=(
                        f"{rng.getrandbits(256):064x}"
                        if channel == Channel.ONLINE and not survey.allow_repeat
                        else ""
                    ),
                    entered_by=None
                    if channel == Channel.ONLINE
                    else org.secretary_of[survey.community_id],
                    submitted_at=min(moment, now),
                )
            )
    Distribution.objects.bulk_create(distributions, batch_size=2000)

    # --- comments, receipts and their triage ----------------------------------------------------
    needs_of: dict[int, list[Need]] = {}
    for need in needs:
        needs_of.setdefault(need.community_id, []).append(need)
    receipts, filed = [], []
    for response in responses:
        if rng.random() >= COMMENTED:
            continue
        response.comment = rng.choice(COMMENTS)
        community_id = response.survey.community_id
        fate = rng.random()
        handled = response.submitted_at + timedelta(days=rng.randint(2, 12))
        candidates = needs_of.get(community_id)
        if fate < 0.4 and candidates:
            response.need = rng.choice(candidates)
            response.comment_handled_at = min(handled, now)
            filed.append(response)
        elif fate < 0.6:
            response.comment_decline_reason = rng.choice(DECLINED)
            response.comment_handled_at = min(handled, now)
        if response.channel == Channel.ONLINE:
            code = "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
            receipt = Receipt(
                community_id=community_id,
                kind=ReceiptKind.SURVEY,
                excerpt=response.comment[:40],
                code_hash=receipt_hash(code),
                need=response.need,
                declined_reason=response.comment_decline_reason,
                created_at=response.submitted_at,
                handled_at=response.comment_handled_at,
            )
            receipts.append(receipt)
            response.receipt = receipt
    Receipt.objects.bulk_create(receipts, batch_size=2000)
    responses = Response.objects.bulk_create(responses, batch_size=2000)
    mentions = [
        NeedMention(
            need=response.need,
            source=NeedSource.QUESTIONNAIRE,
            count=1,
            noted_on=timezone.localdate(response.comment_handled_at),
            note=response.comment[:200],
            origin=f"surveys.response:{response.pk}",
            created_by=org.secretary_of[response.survey.community_id],
            created_at=response.comment_handled_at,
        )
        for response in filed
    ]
    NeedMention.objects.bulk_create(mentions, batch_size=2000)
    more: dict[int, int] = {}
    for response in filed:
        more[response.need_id] = more.get(response.need_id, 0) + 1
    for need_id, n in more.items():
        Need.objects.filter(pk=need_id).update(mentions=F("mentions") + n)

    # --- answers -----------------------------------------------------------------------------------
    weights_of = {q.pk: _weights(rng, len(q.options)) for q in questions if q.kind in (S, M)}
    answers = []
    for response in responses:
        survey = response.survey
        for question in by_source[survey.template_id or survey.pk]:
            if question.kind == S:
                option = rng.choices(range(len(question.options)), weights_of[question.pk])[0]
                answers.append(Answer(response_id=response.pk, question=question, option=option))
            elif question.kind == M:
                k = min(len(question.options), rng.choice((1, 1, 2, 2, 3)))
                chosen = set()
                while len(chosen) < k:
                    chosen.add(
                        rng.choices(range(len(question.options)), weights_of[question.pk])[0]
                    )
                answers += [
                    Answer(response_id=response.pk, question=question, option=o)
                    for o in sorted(chosen)
                ]
            elif question.kind == R:
                rating = rng.choices(range(1, 6), RATINGS)[0]
                answers.append(Answer(response_id=response.pk, question=question, rating=rating))
            elif rng.random() < 0.25:
                answers.append(
                    Answer(response_id=response.pk, question=question, text=rng.choice(TEXTS))
                )
    Answer.objects.bulk_create(answers, batch_size=5000)
    return {
        "surveys": len(own) + 2,
        "survey_copies": len(copies),
        "survey_handed_out": sum(d.copies for d in distributions),
        "survey_returned": len(responses),
        "survey_comments": sum(1 for r in responses if r.comment),
        "survey_receipts": len(receipts),
    }
