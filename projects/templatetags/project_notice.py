"""The 公示 period on the staff project page and on the residents' page, with their reads."""

from django import template
from django.db.models import Count

from .. import notice
from ..models import NoticePolicy, Objection, Status
from ..notice import needs_notice, notice_period

register = template.Library()


@register.inclusion_tag("projects/_notice_section_body.html", takes_context=True)
def notice_section(context, project):
    """Staff: the period, the objections by status, and whether one is due at the announcement."""
    counts = {}
    if project.notice_round:
        counts = dict(
            Objection.objects.filter(project=project)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
    policy = NoticePolicy.current() if project.status == Status.APPROVED else None
    return {
        "project": project,
        "period": notice_period(project),
        "running": project.notice_ends_on is not None and notice.today() <= project.notice_ends_on,
        "due": needs_notice(project, policy) if policy else None,
        "policy": policy,
        "undecided": counts.get(Objection.Status.OPEN, 0)
        + counts.get(Objection.Status.ANSWERED, 0),
        "total": sum(counts.values()),
        "counts": counts,
        "user": context.get("user"),
    }
