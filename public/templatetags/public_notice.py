"""The 公示 period and objections on a project's public page (public/templates/public/_notice.html)."""

from django import template

from projects.notice import notice_is_open, notice_period, public_objections

from ..notice_views import ObjectionForm

register = template.Library()


@register.inclusion_tag("public/_notice_body.html", takes_context=True)
def public_notice(context, project):
    """Residents: the period, the form while it runs, and every objection shown with its answer
    and the street's decision."""
    if not project.notice_round:
        return {"project": project, "has_notice": False}
    return {
        "project": project,
        "has_notice": True,
        "period": notice_period(project),
        "open": notice_is_open(project),
        "form": context.get("objection_form") or ObjectionForm(),
        "objections": public_objections(project),
        "request": context.get("request"),
    }
