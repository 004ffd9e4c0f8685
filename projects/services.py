"""Every state change of a project: permission, row lock, transition table, audit, notification."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core.audit import audit
from core.notifications import notify
from core.uploads import store_upload
from partners.models import Partner

from .models import Activity, Project, ProjectEvent, Status
from .transitions import TRANSITIONS


class TransitionError(ValidationError):
    """The project is not (or no longer) in a status that allows this action."""


PLAN_FIELDS = ("goal", "start_date", "end_date", "budget_total", "target_groups")
PROPOSAL_FIELDS = ("joint_meeting_date", "joint_meeting_attendees", "feasibility", "proposal")
BASIC_FIELDS = ("title", "summary", "module", "compound")


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _community_staff(project: Project):
    return User.objects.filter(
        is_active=True,
        role_assignments__role__in=[Role.SECRETARY, Role.WORKER],
        role_assignments__community_id=project.community_id,
    ).distinct()


def _street_reviewers(project: Project):
    return User.objects.filter(
        is_active=True,
        role_assignments__role__in=[Role.STREET_LEADER, Role.STREET_MEMBER, Role.EXPERT],
        role_assignments__street_id=project.community.street_id,
    ).distinct()


def _notify_all(users, event: str, project: Project, title: str, body: str = "") -> None:
    for user in users:
        notify(user, event, project, title=title, body=body)


def _check_ready(project: Project, action: str) -> None:
    if action == "submit":
        missing = []
        if not project.plan_complete:
            missing.append("计划(目标、起止日期、预算)")
        if not project.proposal_complete:
            missing.append("方案(联席会日期、参会方、实施方案)")
        if missing:
            raise ValidationError("提交前请先填写:" + "、".join(missing) + "。", code="incomplete")
    if action == "complete" and not project.activities.exists():
        raise ValidationError("请至少记录一次活动后再复盘。", code="no_activity")


@transaction.atomic
def project_transition(
    *, project: Project, action: str, by: User, note: str = "", **fields
) -> Project:
    """Move a project along the transitions table. Raises PermissionDenied or TransitionError."""
    transition = TRANSITIONS[action]
    if not by.has_perm(transition.permission, project):
        raise PermissionDenied
    locked = _lock(project)
    if locked.status not in transition.sources:
        # Somebody else acted first, or the page was stale.
        raise TransitionError(
            f"该项目当前状态为“{locked.get_status_display()}”,不能{transition.label}。请刷新页面查看最新情况。",
            code="stale",
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_ready(locked, action)
    source = locked.status
    locked.status = transition.target
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at", *fields.keys(), "updated_at"])
    ProjectEvent.objects.create(project=locked, kind=transition.event, actor=by, note=note)
    audit(
        actor=by,
        action=f"project.{action}",
        obj=locked,
        detail={"from": source, "to": locked.status},
    )
    _notify_after(locked, action, note)
    return locked


def _notify_after(project: Project, action: str, note: str) -> None:
    name = project.title
    if action == "submit":
        _notify_all(
            _street_reviewers(project),
            "project.submitted",
            project,
            f"待审核:{project.community.name}“{name}”",
            note,
        )
    elif action == "approve":
        _notify_all(
            _community_staff(project), "project.approved", project, f"项目已批准:“{name}”", note
        )
    elif action == "return":
        _notify_all(
            _community_staff(project), "project.returned", project, f"项目被退回修改:“{name}”", note
        )


def project_submit(*, project: Project, by: User) -> Project:
    """Send the plan and proposal to the street leading group (also used to resubmit)."""
    return project_transition(project=project, action="submit", by=by)


def project_approve(*, project: Project, by: User, comment: str = "") -> Project:
    """The street 组长 approves the proposal."""
    return project_transition(project=project, action="approve", by=by, note=comment)


def project_return(*, project: Project, by: User, comment: str) -> Project:
    """The street 组长 sends the proposal back with a comment."""
    if not comment.strip():
        raise ValidationError("退回时请写明修改意见。", code="comment_required")
    return project_transition(project=project, action="return", by=by, note=comment)


def project_announce(*, project: Project, by: User, announcement: str) -> Project:
    """Publish the announcement on the residents' front page."""
    if not announcement.strip():
        raise ValidationError("请填写预告内容。", code="announcement_required")
    return project_transition(
        project=project,
        action="announce",
        by=by,
        announcement=announcement,
        announced_at=timezone.now(),
    )


def project_complete(*, project: Project, by: User, review: str) -> Project:
    """The community's 复盘 closes implementation."""
    if not review.strip():
        raise ValidationError("请填写复盘总结。", code="review_required")
    return project_transition(
        project=project, action="complete", by=by, review=review, reviewed_at=timezone.now()
    )


@transaction.atomic
def project_create(
    *,
    by: User,
    community,
    title: str,
    summary: str = "",
    module: str = Project.Module.JOY,
    compound=None,
    needs=(),
) -> Project:
    """A community's staff open a new project in draft."""
    if not by.has_perm("projects.add_project") or community.pk not in by.scope.community_ids():
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
        module=module,
        created_by=by,
    )
    project.needs.set(needs)
    ProjectEvent.objects.create(project=project, kind=ProjectEvent.Kind.CREATED, actor=by)
    audit(actor=by, action="project.create", obj=project, detail={"needs": [n.pk for n in needs]})
    return project


@transaction.atomic
def project_update(*, project: Project, by: User, data: dict, needs=None) -> Project:
    """Edit the basics, the plan or the proposal while the project is a draft or returned."""
    allowed = set(BASIC_FIELDS + PLAN_FIELDS + PROPOSAL_FIELDS)
    if not set(data) <= allowed:
        raise ValueError(f"fields not editable: {set(data) - allowed}")
    locked = _lock(project)
    if not by.has_perm("projects.change_project", locked):
        if by.has_perm("projects.submit_project", locked):
            raise TransitionError(
                f"该项目当前状态为“{locked.get_status_display()}”,不能修改。", code="stale"
            )
        raise PermissionDenied
    compound = data.get("compound")
    if compound is not None and compound.community_id != locked.community_id:
        raise ValidationError("所选小区不属于本社区。")
    if needs is not None:
        needs = list(needs)
        if any(n.community_id != locked.community_id for n in needs):
            raise ValidationError("只能关联本社区的需求。")
    for name, value in data.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*data.keys(), "updated_at"])
    if needs is not None:
        locked.needs.set(needs)
    ProjectEvent.objects.create(
        project=locked,
        kind=ProjectEvent.Kind.UPDATED,
        actor=by,
        note="、".join(str(Project._meta.get_field(f).verbose_name) for f in data),
    )
    audit(actor=by, action="project.update", obj=locked, detail={"fields": sorted(data)})
    return locked


@transaction.atomic
def project_link_partner(*, project: Project, partner: Partner, by: User) -> None:
    """Link a partner of the same community to the project (step 2)."""
    locked = _lock(project)
    if not by.has_perm("projects.change_project", locked):
        raise PermissionDenied
    if partner.community_id != locked.community_id or partner.deleted_at is not None:
        raise ValidationError("只能链接本社区登记的合伙人。")
    locked.partners.add(partner)
    ProjectEvent.objects.create(
        project=locked, kind=ProjectEvent.Kind.PARTNER_LINKED, actor=by, note=partner.name
    )
    audit(actor=by, action="project.link_partner", obj=locked, detail={"partner": partner.pk})


@transaction.atomic
def project_unlink_partner(*, project: Project, partner: Partner, by: User) -> None:
    """Remove a partner from the project."""
    locked = _lock(project)
    if not by.has_perm("projects.change_project", locked):
        raise PermissionDenied
    locked.partners.remove(partner)
    ProjectEvent.objects.create(
        project=locked, kind=ProjectEvent.Kind.PARTNER_UNLINKED, actor=by, note=partner.name
    )
    audit(actor=by, action="project.unlink_partner", obj=locked, detail={"partner": partner.pk})


@transaction.atomic
def project_comment(*, project: Project, by: User, comment: str) -> None:
    """A member or expert of the street's leading group comments on a proposal in review."""
    if not comment.strip():
        raise ValidationError("请填写意见内容。")
    locked = _lock(project)
    if not by.has_perm("projects.comment_project", locked):
        raise PermissionDenied
    ProjectEvent.objects.create(
        project=locked, kind=ProjectEvent.Kind.COMMENTED, actor=by, note=comment
    )
    audit(actor=by, action="project.comment", obj=locked)
    _notify_all(
        _community_staff(locked), "project.commented", locked, f"审核意见:“{locked.title}”", comment
    )


@transaction.atomic
def activity_log(*, project: Project, by: User, data: dict, photo=None) -> Activity:
    """Record one activity session (step 6); the first one starts implementation."""
    locked = _lock(project)
    if not by.has_perm("projects.log_activity", locked):
        raise PermissionDenied
    if locked.status not in (Status.ANNOUNCED, Status.IN_PROGRESS):
        raise TransitionError(
            f"该项目当前状态为“{locked.get_status_display()}”,发布预告后才能记录活动。",
            code="stale",
        )
    upload = store_upload(uploaded_file=photo, kind="image", by=by, owner=locked) if photo else None
    activity = Activity.objects.create(project=locked, photo=upload, created_by=by, **data)
    if locked.status == Status.ANNOUNCED:
        project_transition(project=locked, action="start", by=by)
    ProjectEvent.objects.create(
        project=locked,
        kind=ProjectEvent.Kind.ACTIVITY,
        actor=by,
        note=f"{activity.date} {activity.place}",
    )
    audit(actor=by, action="activity.create", obj=activity, detail={"project": locked.pk})
    return activity


def project_delete(*, project: Project, by: User) -> None:
    """Soft-delete a draft."""
    from core.services import soft_delete

    soft_delete(obj=project, by=by, permission="projects.delete_project")


def project_restore(*, project: Project, by: User) -> None:
    """Bring a deleted draft back from the trash."""
    from core.services import soft_restore

    soft_restore(obj=project, by=by, permission="projects.restore_project")
