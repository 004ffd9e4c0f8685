"""Household code slips (户码条) in the demo: 国奥社区 has printed its compounds' slips, one of
them building by building, with one batch voided and reissued; 悦海社区 one compound.

Making a PDF takes a second or two of WeasyPrint per batch, too slow for the seed: the batches
are written ready without their file. The first download finds it missing and sends the batch
back to 生成中 (evaluation/slips.py, the `remake` action): the background task makes the PDF from
the current codes and the list, which polls, shows it 可下载. That is sound because only voiding
changes a household's code, and a voided batch is never downloaded; the same path remakes a file
lost from the disk. Written in bulk like the rest of the demo, with the statuses the workflow
table would have given."""

from datetime import datetime, timedelta

from django.db.models import Count

from accounts.models import Building, Household
from evaluation.models import CodeBatch

from .org import Org

Status = CodeBatch.Status


def build(org: Org, now: datetime) -> dict:
    """The batches; returns their count for the summary."""
    guoao = sorted(org.compounds_of[org.guoao.pk], key=lambda c: c.name)
    yuehai = sorted(org.compounds_of[org.yuehai.pk], key=lambda c: c.name)
    counts = _households_by_building(guoao + yuehai[:1])
    rows = []

    def add(compound, building=None, *, days, status=Status.READY, **extra):
        buildings = [building] if building else list(compound.buildings.all())
        rows.append(
            CodeBatch(
                community_id=compound.community_id,
                compound=compound,
                building=building,
                status=status,
                households=sum(counts.get(b.pk, 0) for b in buildings),
                created_by=org.secretary_of[compound.community_id],
                created_at=now - timedelta(days=days),
                status_changed_at=now - timedelta(days=days),
                **extra,
            )
        )
        return rows[-1]

    # Two compounds at once, the third building by building.
    for compound in guoao[:2]:
        add(compound, days=40)
    split = guoao[2]
    first, second = list(Building.objects.filter(compound=split).order_by("number"))[:2]
    add(split, first, days=30)
    lost = add(
        split,
        second,
        days=30,
        status=Status.VOIDED,
        voided_by=org.secretary_of[split.community_id],
        voided_at=now - timedelta(days=12),
        void_reason="楼道里的户码条被雨淋湿,字看不清了",
    )
    for compound in yuehai[:1]:
        add(compound, days=20)
    CodeBatch.objects.bulk_create(rows)
    # The voided batch's replacement, printed the day it was voided.
    CodeBatch.objects.create(
        community_id=split.community_id,
        compound=split,
        building=second,
        status=Status.READY,
        households=counts.get(second.pk, 0),
        replaces=lost,
        created_by=org.secretary_of[split.community_id],
        created_at=now - timedelta(days=12),
        status_changed_at=now - timedelta(days=12),
    )
    return {"code_batches": len(rows) + 1}


def _households_by_building(compounds) -> dict[int, int]:
    return dict(
        Household.objects.filter(building__compound__in=compounds)
        .values("building_id")
        .annotate(n=Count("id"))
        .values_list("building_id", "n")
    )
