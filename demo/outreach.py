"""Step 1 face to face: the seed's 55 stairwell suggestion boxes with their suggestions (scanned,
typed in from paper slips, a few online), a few hundred home visits (mostly 国奥社区) and some thirty
residents' meetings, written in bulk after the needs list got its sources (demo/needs.py).

Every mention added here is a NeedMention row and the need's count goes up by the same amount (F()),
so a need's `mentions` stays the sum of its sources. Suggestions filed under a need point at it (and
so do the receipts of the scanned ones); closed ones carry the reason residents read."""

import random
from collections import Counter
from datetime import date, datetime, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Building, Household
from needs.models import Need, NeedMention, NeedSource, Receipt, ReceiptKind
from needs.services import RECEIPT_ALPHABET, RECEIPT_LENGTH, receipt_hash
from outreach.models import (
    HomeVisit,
    MeetingKind,
    ResidentMeeting,
    Suggestion,
    SuggestionBox,
    SuggestionChannel,
    SuggestionStatus,
)
from outreach.services import BOX_ALPHABET, BOX_CODE_LENGTH

from . import catalog
from .org import Org, _phone, person_name
from .records import scaled

BOXES, VISITS, MEETINGS = 55, 300, 30
GUOAO_BOXES = 12  # 国奥社区's stairwells first: the secretary's demo shows them
SUGGESTIONS = (
    "楼道里堆了很多杂物,上下楼不方便,希望清理一下。",
    "单元门的门禁坏了好几天了,陌生人随便进出。",
    "楼道灯晚上不亮,老人上下楼看不清。",
    "希望在楼下加几个休息座椅,老人遛弯能歇歇脚。",
    "电动车在楼道里充电太危险了,希望建集中充电桩。",
    "垃圾桶满了没人及时清运,夏天味道很大。",
    "小区里的健身器材坏了,希望维修。",
    "希望社区多组织一些孩子们的假期活动。",
    "楼上漏水,已经找过物业几次,还没解决。",
    "停车位太少,晚上回来没地方停车。",
    "希望定期组织义诊,老年人看病不方便。",
    "绿化带里有人种菜,希望管一管。",
)
CLOSE_REASONS = (
    "属于物业服务合同范围,社区已转告物业公司限期处理。",
    "涉及业主共有部分,需业主大会表决,社区已转交业委会。",
    "与已有需求重复,已合并处理。",
)
RAISED = (
    "老人独居,希望社区定期上门看看。",
    "反映楼道灯不亮、单元门关不严。",
    "希望小区增加电动车充电桩。",
    "对社区组织的邻居节很满意,希望多办。",
    "家里孩子放学后没人照看,希望有四点半课堂。",
    "反映楼下垃圾清运不及时。",
)
MEETING_TITLES = {
    MeetingKind.OWNERS: ("{year}年度业主大会", "关于加装电梯的业主大会", "物业服务评议业主大会"),
    MeetingKind.RESIDENTS: ("居民议事会:停车难怎么办", "居民议事会:楼道清理", "居民议事会"),
    MeetingKind.BUILDING: ("{building}楼栋会", "{building}楼道微更新楼栋会"),
    MeetingKind.OTHER: ("老年人座谈会", "新就业群体座谈会"),
}
KIND_WEIGHTS = {
    MeetingKind.OWNERS: 30,
    MeetingKind.RESIDENTS: 35,
    MeetingKind.BUILDING: 25,
    MeetingKind.OTHER: 10,
}


def _moment(rng: random.Random, start: date, today: date) -> datetime:
    day = start + timedelta(days=rng.randint(0, max((today - start).days, 0)))
    moment = datetime.combine(day, datetime.min.time()) + timedelta(
        hours=rng.randint(7, 21), minutes=rng.randint(0, 59)
    )
    return timezone.make_aware(moment)


def _excerpt(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _code(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def build(org: Org, rng: random.Random, now: datetime, scale: float) -> dict:
    """Boxes, suggestions, visits and meetings; returns their counts for the summary."""
    today = timezone.localdate(now)
    year_start = date(today.year, 1, 1)
    needs_of: dict[int, list[Need]] = {}
    for need in Need.objects.alive().only("id", "community_id", "compound_id").order_by("pk"):
        needs_of.setdefault(need.community_id, []).append(need)
    mentions: list[NeedMention] = []
    boxes = _boxes(org, rng, now, scale)
    suggestions = _suggestions(org, rng, now, year_start, today, boxes, needs_of, mentions)
    visits = _visits(org, rng, now, year_start, today, scale, needs_of, mentions)
    meetings = _meetings(org, rng, now, year_start, today, scale, needs_of, mentions)
    NeedMention.objects.bulk_create(mentions, batch_size=2000)
    added = Counter()
    for mention in mentions:
        added[mention.need_id] += mention.count
    by_amount: dict[int, list[int]] = {}
    for need_id, amount in added.items():
        by_amount.setdefault(amount, []).append(need_id)
    for amount, ids in by_amount.items():
        Need.objects.filter(pk__in=ids).update(mentions=F("mentions") + amount)
    return {
        "suggestion_boxes": len(boxes),
        "suggestions": suggestions,
        "home_visits": visits,
        "resident_meetings": meetings,
    }


def _boxes(org: Org, rng: random.Random, now, scale: float) -> list[SuggestionBox]:
    guoao = {c.pk for c in org.compounds_of[org.guoao.pk]}
    buildings = list(
        Building.objects.filter(compound__in=org.compounds)
        .select_related("compound")
        .order_by("compound_id", "number")
    )
    stairwells = [(b, unit) for b in buildings for unit in catalog.UNITS]
    home = [s for s in stairwells if s[0].compound_id in guoao][:GUOAO_BOXES]
    rest = [s for s in stairwells if s[0].compound_id not in guoao]
    wanted = min(scaled(BOXES, scale), len(stairwells))
    chosen = home[:wanted] + rng.sample(rest, min(max(wanted - len(home), 0), len(rest)))
    codes: set[str] = set()
    rows = []
    for building, unit in chosen:
        code = _code(rng, BOX_ALPHABET, BOX_CODE_LENGTH)
        while code in codes:
            code = _code(rng, BOX_ALPHABET, BOX_CODE_LENGTH)
        codes.add(code)
        community_id = building.compound.community_id
        rows.append(
            SuggestionBox(
                community_id=community_id,
                building=building,
                unit=unit,
                location=rng.choice(("一楼信报箱旁", "单元门内侧", "一楼楼梯口")),
                code=code,
                created_by=org.secretary_of[community_id],
                created_at=now - timedelta(days=rng.randint(200, 400)),
            )
        )
    return SuggestionBox.objects.bulk_create(rows)


def _suggestions(org, rng, now, year_start, today, boxes, needs_of, mentions) -> int:
    rows: list[tuple[Suggestion, Need | None, str]] = []
    for box in boxes:
        secretary = org.secretary_of[box.community_id]
        for _ in range(rng.randint(2, 6)):
            channel = SuggestionChannel.QR if rng.random() < 0.55 else SuggestionChannel.PAPER
            suggestion = Suggestion(
                community_id=box.community_id,
                box=box,
                channel=channel,
                text=rng.choice(SUGGESTIONS),
                phone=_phone(rng) if rng.random() < 0.3 else "",
                entered_by=secretary if channel == SuggestionChannel.PAPER else None,
                submitted_at=_moment(rng, year_start, today),
            )
            rows.append((suggestion, *_handling(rng, suggestion, secretary, needs_of)))
    # A few online suggestions in 国奥社区 (no box).
    guoao_secretary = org.secretary_of[org.guoao.pk]
    for _ in range(6):
        suggestion = Suggestion(
            community_id=org.guoao.pk,
            channel=SuggestionChannel.ONLINE,
            text=rng.choice(SUGGESTIONS),
            submitted_at=_moment(rng, year_start, today),
        )
        rows.append((suggestion, *_handling(rng, suggestion, guoao_secretary, needs_of)))
    receipts = []
    for suggestion, need, reason in rows:
        if suggestion.channel != SuggestionChannel.PAPER:
            receipts.append(
                Receipt(
                    community_id=suggestion.community_id,
                    kind=ReceiptKind.SUGGESTION,
                    excerpt=_excerpt(suggestion.text),
                    code_hash=receipt_hash(_code(rng, RECEIPT_ALPHABET, RECEIPT_LENGTH)),
                    need=need,
                    declined_reason=reason,
                    created_at=suggestion.submitted_at,
                    handled_at=suggestion.handled_at,
                )
            )
    receipts = iter(Receipt.objects.bulk_create(receipts))
    for suggestion, _, _ in rows:
        if suggestion.channel != SuggestionChannel.PAPER:
            suggestion.receipt = next(receipts)
    made = Suggestion.objects.bulk_create([row[0] for row in rows], batch_size=1000)
    for suggestion in made:
        if suggestion.need_id:
            source = (
                NeedSource.ONLINE
                if suggestion.channel == SuggestionChannel.ONLINE
                else NeedSource.SUGGESTION_BOX
            )
            mentions.append(
                NeedMention(
                    need_id=suggestion.need_id,
                    source=source,
                    count=1,
                    noted_on=timezone.localdate(suggestion.handled_at),
                    origin=f"outreach.suggestion:{suggestion.pk}",
                    created_by=suggestion.handled_by,
                    created_at=suggestion.handled_at,
                )
            )
    return len(made)


def _handling(rng, suggestion: Suggestion, secretary, needs_of) -> tuple[Need | None, str]:
    """Mixed statuses: about half filed under a need of the community, some closed."""
    roll, candidates = rng.random(), needs_of.get(suggestion.community_id, [])
    handled = suggestion.submitted_at + timedelta(days=rng.randint(1, 10))
    if handled > timezone.now():
        return None, ""
    if roll < 0.5 and candidates:
        need = rng.choice(candidates)
        suggestion.status, suggestion.need = SuggestionStatus.FILED, need
        suggestion.handled_by, suggestion.handled_at = secretary, handled
        return need, ""
    if roll < 0.65:
        reason = rng.choice(CLOSE_REASONS)
        suggestion.status, suggestion.close_reason = SuggestionStatus.CLOSED, reason
        suggestion.handled_by, suggestion.handled_at = secretary, handled
        return None, reason
    return None, ""


def _visits(org, rng, now, year_start, today, scale, needs_of, mentions) -> int:
    guoao = [c.pk for c in org.compounds_of[org.guoao.pk]]
    others = [c.pk for c in org.compounds if c.community_id != org.guoao.pk]
    pool = {
        "guoao": list(
            Household.objects.filter(building__compound__in=guoao)
            .select_related("building__compound")
            .order_by("pk")
        ),
        "other": list(
            Household.objects.filter(building__compound__in=rng.sample(others, min(6, len(others))))
            .select_related("building__compound")
            .order_by("pk")
        ),
    }
    rows, links = [], []
    for _ in range(scaled(VISITS, scale)):
        household = rng.choice(pool["guoao"] if rng.random() < 0.85 else pool["other"])
        community_id = household.building.compound.community_id
        visited_on = _moment(rng, year_start, today).date()
        rows.append(
            HomeVisit(
                community_id=community_id,
                household=household,
                visited_on=visited_on,
                visitors=f"{person_name(rng)}、{person_name(rng)}",
                raised=rng.choice(RAISED),
                created_by=org.secretary_of[community_id],
                created_at=now - timedelta(days=(today - visited_on).days),
            )
        )
        candidates = needs_of.get(community_id, [])
        links.append(rng.choice(candidates) if candidates and rng.random() < 0.25 else None)
    visits = HomeVisit.objects.bulk_create(rows, batch_size=1000)
    through = HomeVisit.needs.through
    through.objects.bulk_create(
        [through(homevisit_id=v.pk, need_id=n.pk) for v, n in zip(visits, links, strict=True) if n]
    )
    for visit, need in zip(visits, links, strict=True):
        if need is not None:
            mentions.append(
                NeedMention(
                    need_id=need.pk,
                    source=NeedSource.HOME_VISIT,
                    count=1,
                    noted_on=visit.visited_on,
                    origin=f"outreach.homevisit:{visit.pk}",
                    created_by=visit.created_by,
                )
            )
    return len(visits)


def _meetings(org, rng, now, year_start, today, scale, needs_of, mentions) -> int:
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    rows, raised = [], []
    for index in range(scaled(MEETINGS, scale)):
        community = org.guoao if index % 3 == 0 else rng.choice(org.communities)
        compound = rng.choice(org.compounds_of[community.pk])
        kind = rng.choices(kinds, weights=weights)[0]
        title = rng.choice(MEETING_TITLES[kind]).format(
            year=today.year, building=f"{compound.name}{rng.randint(1, 3)}号楼"
        )
        held_on = _moment(rng, year_start, today).date()
        rows.append(
            ResidentMeeting(
                community=community,
                compound=compound if kind != MeetingKind.OTHER else None,
                kind=kind,
                title=title[:100],
                held_on=held_on,
                attendance=rng.randint(15, 60)
                if kind == MeetingKind.BUILDING
                else rng.randint(30, 220),
                summary="会议由小区党支部主持,居民代表、业委会和物业参加,逐项讨论了居民关心的问题。",
                created_by=org.secretary_of[community.pk],
                created_at=now - timedelta(days=(today - held_on).days),
            )
        )
        candidates = needs_of.get(community.pk, [])
        picked = (
            rng.sample(candidates, min(len(candidates), rng.choice((0, 1, 2))))
            if candidates
            else []
        )
        raised.append(picked)
    meetings = ResidentMeeting.objects.bulk_create(rows)
    through = ResidentMeeting.needs.through
    through.objects.bulk_create(
        [
            through(residentmeeting_id=m.pk, need_id=n.pk)
            for m, picked in zip(meetings, raised, strict=True)
            for n in picked
        ]
    )
    for meeting, picked in zip(meetings, raised, strict=True):
        for need in picked:
            mentions.append(
                NeedMention(
                    need_id=need.pk,
                    source=NeedSource.OWNERS_MEETING,
                    count=rng.randint(5, 40),
                    noted_on=meeting.held_on,
                    origin=f"outreach.residentmeeting:{meeting.pk}",
                    created_by=meeting.created_by,
                )
            )
    return len(meetings)
