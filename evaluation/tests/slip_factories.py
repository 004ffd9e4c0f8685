"""Objects for the household code slip and poster tests, and their rows' objects in the URL
matrix (evaluation/tests/slip_matrix.py)."""

from django.utils import timezone

from accounts.models import Building, Household
from evaluation.models import CodeBatch
from tests import factories as f


def building_with_households(
    compound, number="5号楼", units=("1单元", "2单元"), rooms=("101", "102")
):
    """A building of `compound` with one household per unit and room."""
    building = Building.objects.create(compound=compound, number=number)
    Household.objects.bulk_create(
        [Household(building=building, unit=u, room=r) for u in units for r in rooms]
    )
    return building


def batch(people, compound, building=None, *, status=CodeBatch.Status.READY, **extra):
    """A batch written directly (no service, no task): `status` as given, no PDF yet."""
    households = Household.objects.filter(building__compound=compound)
    if building is not None:
        households = households.filter(building=building)
    now = timezone.now()
    return CodeBatch.objects.create(
        community=compound.community,
        compound=compound,
        building=building,
        status=status,
        households=households.count(),
        created_by=extra.pop("created_by", people.secretary),
        created_at=now,
        status_changed_at=now,
        **extra,
    )


def matrix_objects(org, people) -> dict:
    """The matrix's batches, in a compound of 国奥社区 of their own (so that printing
    国奥花园, the matrix's compound, is allowed): a ready batch of its 1号楼 whose PDF the task
    makes after the first download (which answers 生成中), and a failed batch of its 2号楼 to
    make again."""
    compound = f.CompoundFactory(community=org.guoao, name="国奥小区", kind="old")
    first = building_with_households(compound, "1号楼", units=("1单元",), rooms=("101",))
    second = building_with_households(compound, "2号楼", units=("1单元",), rooms=("101",))
    return {
        "slip_batch": batch(people, compound, first),
        "slip_batch_failed": batch(
            people, compound, second, status=CodeBatch.Status.FAILED, error="生成 PDF 时出错"
        ),
    }
