"""Objects the staff rows of the URL matrix open (see publications/tests/matrix_staff.py): street
A's draft preview, its published summary, the district's draft digest and a published one. Their
months lie in 2025 so that they never meet the other areas' publications (one per kind, scope and
month)."""

import datetime

from django.utils import timezone

from publications.compile import compile_content
from publications.models import Kind, Publication, PublicationStatus


def _publication(org, kind, month, *, street=None, published_by=None):
    content = compile_content(kind, district=org.district, street=street, month=month)
    published = published_by is not None
    return Publication.objects.create(
        kind=kind,
        district=org.district,
        street=street,
        month=month,
        content=content,
        due_on=month + datetime.timedelta(days=31),
        status=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
        foreword="本月各社区活动丰富。" if published else "",
        signed_off_by=published_by,
        signed_off_at=timezone.now() if published else None,
    )


def objects(org, people) -> dict:
    day = datetime.date
    return {
        "staff_preview_draft": _publication(
            org, Kind.PREVIEW, day(2025, 5, 1), street=org.street_a
        ),
        "staff_summary_published": _publication(
            org, Kind.SUMMARY, day(2025, 4, 1), street=org.street_a, published_by=people.street
        ),
        "staff_digest_draft": _publication(org, Kind.DIGEST, day(2025, 4, 1)),
        "staff_digest_published": _publication(
            org, Kind.DIGEST, day(2025, 3, 1), published_by=people.district
        ),
    }
