"""The monthly rhythm of the demo district: for each kind, the three latest months that are due —
every street's 月初预告 and 月末总结 and the district's 红色专递, published (signed off by the
street's 组长 or the district's login on their due day) — and, after them, the drafts that today's
daily job would have compiled and that are not due yet (next month's previews from the 25th on,
this month's until its first working day; last month's summaries and digest in the first days of
a month).

Published ones are written as rows, without their deliveries: the demo does not e-mail the whole
district about months gone by. Their PDFs are not made here: building the 48 of them through the
task (tasks_pdf.build_publication_pdf, in-process in the embedded default) took 24 s at
`--scale 0.1` and 27 s at scale 1 on a busy 2-core machine, about half the seed itself. Each is
made on its first download instead, by the public view through the task's own locked
pdf.pdf_build: once, however many residents ask at the same moment
(publications/tests/test_concurrency_rhythm.py)."""

import datetime

from django.utils import timezone

from publications.compile import compile_content
from publications.models import Kind, Publication, PublicationStatus
from publications.services import add_months, drafted_from, due_on

# How many months of each kind are published.
MONTHS = 3
# On its due day a publication counts as signed off from this hour (at 09:30).
SIGNED_BY_HOUR = 10


def wanted(now: datetime.datetime) -> list[tuple[str, datetime.date, bool]]:
    """(kind, month, published) of every publication the demo holds at `now`, newest first."""
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    newest = {
        Kind.PREVIEW: add_months(this_month, 1),
        Kind.SUMMARY: add_months(this_month, -1),
        Kind.DIGEST: add_months(this_month, -1),
    }
    items = []
    for kind, month in newest.items():
        published = 0
        while published < MONTHS:
            if drafted_from(kind, month) <= today:
                due = due_on(kind, month)
                done = due < today or (
                    due == today and timezone.localtime(now).hour >= SIGNED_BY_HOUR
                )
                items.append((kind, month, done))
                published += done
            month = add_months(month, -1)
    return items


def build(tree, now) -> dict:
    """Publications of the last MONTHS months and today's drafts; their counts."""
    district_signer = tree.logins["district"]
    rows = []
    for kind, month, published in wanted(now):
        due = due_on(kind, month)
        # Signing off compiles the draft once more (publications/services.py); a draft is as
        # fresh as the daily job's last run.
        signed_at = _at(due, 9, 30)
        for street in tree.streets if kind != Kind.DIGEST else [None]:
            content = compile_content(kind, district=tree.district, street=street, month=month)
            signer = tree.leader_of[street.pk] if street else district_signer
            rows.append(
                Publication(
                    kind=kind,
                    district=tree.district,
                    street=street,
                    month=month,
                    content=content,
                    compiled_at=signed_at if published else now,
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
