"""Objects the public rows of the URL matrix open (see publications/tests/matrix_public.py), and
the published previews and summaries the residents' tests read: street A's preview and summary,
a draft preview of next month, and the district's 红色专递 (published, for staff only)."""

import datetime

from django.utils import timezone

from publications.compile import compile_content
from publications.models import Kind, Publication, PublicationStatus


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def make_publication(
    org,
    people,
    *,
    kind=Kind.PREVIEW,
    street=None,
    month=None,
    published=True,
    compiled=True,
    **fields,
) -> Publication:
    """A publication of street A (the digest: of the district), published and signed off by the
    street's 组长 (the district's staff for the digest) unless `published` is False. Its content
    is compiled from the records (publications/compile.py), or an empty snapshot if `compiled`
    is False (the matrix: its rows test access, not what a month holds)."""
    month = month or this_month()
    street = None if kind == Kind.DIGEST else (street or org.street_a)
    signer = people.district if kind == Kind.DIGEST else people.street
    values = {
        "content": (
            compile_content(kind, district=org.district, street=street, month=month)
            if compiled
            else {"version": 1, "kind": kind, "figures": {}, "sections": []}
        ),
        "due_on": month,
        "status": PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
    }
    if published:
        values.update(signed_off_by=signer, signed_off_at=timezone.now())
    values.update(fields)
    return Publication.objects.create(
        kind=kind, district=org.district, street=street, month=month, **values
    )


def objects(org, people) -> dict:
    month = this_month()
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    made = {
        "pub_preview": {"month": month, "foreword": "欢迎居民朋友参加。"},
        "pub_summary": {"kind": Kind.SUMMARY, "month": previous},
        "pub_draft": {"month": following, "published": False},
        "pub_digest": {"kind": Kind.DIGEST, "month": previous},
    }
    return {
        name: make_publication(org, people, compiled=False, **fields)
        for name, fields in made.items()
    }
