"""The needs list in depth: where each demo need came from (its sources with counts) and where it
stands (its status, with what residents read). Written in bulk after the projects are built, like
the rest of the demo (no audit rows): a need a project links is adopted (solved once the project
is retrospected); the others are spread over collected, studying, solved and declined."""

import random
from datetime import datetime, timedelta

from needs.models import Need, NeedEvent, NeedMention, NeedSource, NeedStatus
from projects.models import Project, Status

S = NeedStatus
# The rest of the list, by weight.
OTHER_STATUSES = {S.COLLECTED: 35, S.STUDYING: 25, S.SOLVED: 20, S.DECLINED: 20}
LABELS = {
    S.STUDYING: "开始研究",
    S.ADOPTED: "纳入项目",
    S.SOLVED: "标记为已解决",
    S.DECLINED: "暂不采纳",
}
DECLINE_REASONS = (
    "涉及小区共有部分改造,需业主大会表决通过后再研究,社区已转交业委会。",
    "属于城管部门职责,社区已向街道反映并转交相关部门办理。",
    "小区内暂无合适场地,待明年小区改造时统筹考虑。",
    "费用超出社区惠民资金使用范围,社区将继续争取共建单位支持。",
    "经入户征求意见,多数居民暂不同意,社区将继续做好沟通。",
)
SOLVED_NOTES = (
    "物业已于本月完成维修,社区网格员上门回访,居民表示满意。",
    "社区协调共建单位出资解决,已在小区公示栏公布结果。",
    "已纳入楼栋长日常巡查,问题已经整改到位。",
    "社区联系相关部门现场处置,已恢复正常使用。",
)
MENTION_NOTES = ("", "", "多名居民集中反映", "楼栋长代为反映", "网格员走访记录")


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` as `parts` positive counts."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def build(rng: random.Random, now: datetime, needs: list[Need]) -> dict:
    """Sources and statuses of the demo needs; returns figures for the summary."""
    links = Project.needs.through.objects.filter(need__in=needs).values_list(
        "need_id", "project__status", "project__title"
    )
    adopted: dict[int, tuple[bool, str]] = {}
    for need_id, status, title in links:
        done, _ = adopted.get(need_id, (False, title))
        adopted[need_id] = (done or status == Status.RETROSPECTED, title)
    mentions, events, others = [], [], 0
    for need in needs:
        sources = [need.source] + rng.sample([s for s in NeedSource.values if s != need.source], 2)
        counts = _split(rng, need.mentions, rng.choice((1, 2, 2, 3)))
        for index, count in enumerate(counts):
            at = need.created_at if index == 0 else _between(rng, need.created_at, now)
            mentions.append(
                NeedMention(
                    need=need,
                    source=sources[index],
                    count=count,
                    noted_on=at.date(),
                    note="" if index == 0 else rng.choice(MENTION_NOTES),
                    created_by=need.created_by,
                    created_at=at,
                )
            )
        if need.pk in adopted:
            solved, title = adopted[need.pk]
            need.status = S.SOLVED if solved else S.ADOPTED
            need.status_note = f"已通过社区领办项目“{title}”解决,项目已完成复盘。" if solved else ""
        else:
            # The first few take each status once, so that a small scale still shows them all.
            first = list(OTHER_STATUSES)
            need.status = (
                first[others]
                if others < len(first)
                else rng.choices(first, list(OTHER_STATUSES.values()))[0]
            )
            others += 1
            need.status_note = {
                S.SOLVED: rng.choice(SOLVED_NOTES),
                S.DECLINED: rng.choice(DECLINE_REASONS),
            }.get(need.status, "")
        need.status_changed_at = (
            need.created_at
            if need.status == S.COLLECTED
            else _between(rng, need.created_at, min(now, need.created_at + timedelta(days=60)))
        )
        if need.status != S.COLLECTED:
            events.append(
                NeedEvent(
                    need=need,
                    action={S.ADOPTED: "adopt", S.SOLVED: "solve", S.DECLINED: "decline"}.get(
                        need.status, "study"
                    ),
                    label=LABELS[need.status],
                    from_status=S.COLLECTED,
                    to_status=need.status,
                    note=need.status_note,
                    actor=need.created_by,
                    at=need.status_changed_at,
                )
            )
    NeedMention.objects.bulk_create(mentions, batch_size=2000)
    Need.objects.bulk_update(needs, ["status", "status_note", "status_changed_at"], batch_size=1000)
    NeedEvent.objects.bulk_create(events, batch_size=2000)
    return {"need_mentions": len(mentions), "needs_adopted": len(adopted)}
