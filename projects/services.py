"""Every state change of a project. Each is one row of the workflow table (projects/workflow.py)
performed by core.workflow, which locks the row, checks the permission (403), the status (409)
and readiness (422), saves, writes the timeline and the audit row and notifies. These functions
only name the action and pass its input."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Community, User
from partners.models import Partner

from .models import Activity, Project, ProjectEvent
from .workflow import BASIC_FIELDS, PLAN_FIELDS, PROJECT_WORKFLOW, PROPOSAL_FIELDS

EDITABLE_FIELDS = frozenset(BASIC_FIELDS + PLAN_FIELDS + PROPOSAL_FIELDS)


@transaction.atomic
def project_create(
    *,
    by: User,
    community: Community,
    title: str,
    summary: str = "",
    theme: str = Project.Theme.JOY,
    compound=None,
    needs=(),
) -> Project:
    """A community's staff open a new project in draft."""
    if not by.has_perm("projects.add_project", community):
        raise PermissionDenied
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError("所选小区不属于本社区。")
    needs = list(needs)
    if any(n.community_id != community.pk for n in needs):
        raise ValidationError("只能关联本社区的需求。")
    project = Project.objects.create(
        community=community,
        compound=compound,
        title=title,
        summary=summary,
        theme=theme,
        created_by=by,
        status=PROJECT_WORKFLOW.initial,
    )
    project.needs.set(needs)
    PROJECT_WORKFLOW.created(
        project,
        by=by,
        event=ProjectEvent.Kind.CREATED,
        note=("回应需求:" + "、".join(n.title for n in needs)) if needs else "",
        detail={"needs": [n.pk for n in needs]},
    )
    return project


def project_update(*, project: Project, by: User, data: dict, needs=None) -> Project:
    """Edit the basics, the plan or the proposal (a draft or a returned project)."""
    if not set(data) <= EDITABLE_FIELDS:
        raise ValueError(f"fields not editable: {set(data) - EDITABLE_FIELDS}")
    payload = {**data, **({"needs": list(needs)} if needs is not None else {})}
    return PROJECT_WORKFLOW.perform(project, "edit", by=by, data=payload).obj


def project_link_partner(*, project: Project, partner: Partner, by: User) -> Project:
    """Link a partner of the same community to the project (step 2)."""
    return PROJECT_WORKFLOW.perform(project, "link_partner", by=by, data={"partner": partner}).obj


def project_unlink_partner(*, project: Project, partner: Partner, by: User) -> Project:
    """Remove a partner from the project."""
    return PROJECT_WORKFLOW.perform(project, "unlink_partner", by=by, data={"partner": partner}).obj


def project_submit(*, project: Project, by: User) -> Project:
    """Send the plan and proposal to the street leading group (also used to resubmit)."""
    return PROJECT_WORKFLOW.perform(project, "submit", by=by).obj


def project_comment(*, project: Project, by: User, comment: str) -> Project:
    """A member or expert of the street's leading group comments on a proposal in review."""
    return PROJECT_WORKFLOW.perform(project, "comment", by=by, data={"note": comment}).obj


def project_approve(*, project: Project, by: User, comment: str = "") -> Project:
    """The street 组长 approves the proposal."""
    return PROJECT_WORKFLOW.perform(project, "approve", by=by, data={"note": comment}).obj


def project_return(*, project: Project, by: User, comment: str) -> Project:
    """The street 组长 sends the proposal back with a comment."""
    return PROJECT_WORKFLOW.perform(project, "return", by=by, data={"note": comment}).obj


def project_announce(*, project: Project, by: User, announcement: str) -> Project:
    """Publish the announcement on the residents' pages."""
    return PROJECT_WORKFLOW.perform(
        project, "announce", by=by, data={"announcement": announcement}
    ).obj


def activity_log(*, project: Project, by: User, data: dict, photo=None) -> Activity:
    """Record one activity session (step 6); the first one starts implementation."""
    step = PROJECT_WORKFLOW.perform(project, "log_activity", by=by, data={**data, "photo": photo})
    return step.result


def project_retrospect(*, project: Project, by: User, retrospective: str) -> Project:
    """The community's 复盘 closes implementation."""
    return PROJECT_WORKFLOW.perform(
        project, "retrospect", by=by, data={"retrospective": retrospective}
    ).obj


def project_delete(*, project: Project, by: User) -> Project:
    """Soft-delete a draft; it waits in the community's trash."""
    return PROJECT_WORKFLOW.perform(project, "delete", by=by).obj


def project_restore(*, project: Project, by: User) -> Project:
    """Bring a deleted draft back from the trash."""
    return PROJECT_WORKFLOW.perform(project, "restore", by=by).obj
