"""Needs with their sources, as needs.services would leave them (mentions == sum of the rows)."""

from django.utils import timezone

from needs.models import NeedMention
from needs.services import receipt_issue
from tests import factories as f


def need(community, *, mentions: int = 1, source: str = "questionnaire", **kwargs):
    """A need of `community` with one source row holding its count."""
    made = f.NeedFactory(community=community, mentions=mentions, source=source, **kwargs)
    NeedMention.objects.create(
        need=made,
        source=source,
        count=mentions,
        noted_on=timezone.localdate(made.created_at),
        created_by=made.created_by,
    )
    return made


def receipt(need_or_community, text="楼道灯坏了好几天"):
    """A receipt (and its code) filed under a need, or left unfiled in a community."""
    community = getattr(need_or_community, "community", need_or_community)
    row, code = receipt_issue(community=community, kind="suggestion", text=text)
    if community is not need_or_community:
        row.need = need_or_community
        row.save(update_fields=["need"])
    return row, code
