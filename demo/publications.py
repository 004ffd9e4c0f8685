"""The monthly rhythm of the demo district: the last three months of every street's 月初预告 and
月末总结 and of the district's 红色专递, published (signed off by the street's 组长 or the district's
login on their due day), and the drafts that today's daily job would have compiled (next month's
previews from the 25th on; last month's summaries and digest in the first days of a month).

Published ones are written as rows, without their deliveries: the demo does not e-mail the whole
district about months gone by. Their PDFs are made on the first download."""

import datetime

from django.utils import timezone

from publications.compile import compile_content
from publications.models import Kind, Publication, PublicationStatus
from publications.services import add_months, drafted_from, due_on

# How many months back each kind goes.
MONTHS = 3


def build(tree, now) -> dict:
    """Publications of the last MONTHS months and today's drafts; their counts."""
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    district_signer = tree.logins["district"]
    wanted = []
    # Previews: this month and the two before, and next month's once its drafting began.
    for n in range(-MONTHS + 1, 2):
        wanted.append((Kind.PREVIEW, add_months(this_month, n)))
    # Summaries and the digest: the last three months over (last month's a draft until due).
    for n in range(-MONTHS, 0):
        wanted.append((Kind.SUMMARY, add_months(this_month, n)))
        wanted.append((Kind.DIGEST, add_months(this_month, n)))
    rows = []
    for kind, month in wanted:
        if drafted_from(kind, month) > today:
            continue
        due = due_on(kind, month)
        published = due < today or (due == today and timezone.localtime(now).hour >= 10)
        for street in tree.streets if kind != Kind.DIGEST else [None]:
            content = compile_content(kind, district=tree.district, street=street, month=month)
            signer = tree.leader_of[street.pk] if street else district_signer
            signed_at = _at(due, 9, 30)
            rows.append(
                Publication(
                    kind=kind,
                    district=tree.district,
                    street=street,
                    month=month,
                    content=content,
                    compiled_at=_at(drafted_from(kind, month), 7, 5),
                    due_on=due,
                    status=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
                    foreword=_foreword(kind, month, street) if published else "",
                    signed_off_by=signer if published else None,
                    signed_off_at=signed_at if published else None,
                )
            )
    Publication.objects.bulk_create(rows, batch_size=200)
    published = [p for p in rows if p.status == PublicationStatus.PUBLISHED]
    return {
        "publications": len(rows),
        "publications_published": len(published),
        "publications_drafts": len(rows) - len(published),
    }


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _foreword(kind: str, month: datetime.date, street) -> str:
    if kind == Kind.PREVIEW:
        return (
            f"{month.month}月的项目活动都在这里,按美、学、乐、健分类。欢迎居民朋友们就近参加,"
            "需要报名的活动请点“报名”。"
        )
    if kind == Kind.SUMMARY:
        return f"感谢参与{month.month}月活动的居民和志愿者。各社区可以互相看看,取长补短。"
    return f"{month.month}月全区项目进展如下,请各街道关注卡点项目和逾期事项。"
