"""What each role must do next. Every list is a real query, scoped through visible_to(user)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from core.models import AuditEvent, Notification
from partners.models import Partner
from projects.models import Project, Status
from projects.selectors import overdue_projects, status_counts

LIMIT = 10


def secretary_todo(user) -> dict:
    projects = Project.objects.visible_to(user).select_related("community")
    return {
        "returned": projects.filter(status=Status.RETURNED).order_by("status_changed_at")[:LIMIT],
        "drafts": projects.filter(status=Status.DRAFT).order_by("-updated_at")[:LIMIT],
        "to_announce": projects.filter(status=Status.APPROVED).order_by("status_changed_at")[
            :LIMIT
        ],
        "running": projects.filter(status__in=[Status.ANNOUNCED, Status.IN_PROGRESS]).order_by(
            "end_date"
        )[:LIMIT],
        "unread": Notification.objects.for_user(user).unread()[:LIMIT],
    }


def street_todo(user) -> dict:
    return {
        "waiting": Project.objects.visible_to(user)
        .filter(status=Status.SUBMITTED)
        .select_related("community")
        .order_by("status_changed_at", "id")[:LIMIT],
        "counts": status_counts(user=user),
    }


def district_todo(user) -> dict:
    return {"overdue": overdue_projects(user=user)[:LIMIT], "counts": status_counts(user=user)}


def auditor_todo(user) -> dict:
    return {
        "denied": AuditEvent.objects.filter(result=AuditEvent.Result.DENIED)
        .exclude(action="auth.lockout")
        .order_by("-at")[:LIMIT],
        "lockouts": AuditEvent.objects.filter(action="auth.lockout").order_by("-at")[:LIMIT],
    }


def secadmin_todo(user) -> dict:
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    return {
        "locked": AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
        ).order_by("-attempt_time")[:LIMIT],
    }


def partner_todo(user) -> dict:
    return {
        "profiles": Partner.objects.visible_to(user).filter(user=user).select_related("community"),
        "unread": Notification.objects.for_user(user).unread()[:LIMIT],
    }


def resident_todo(user) -> dict:
    community_ids = user.scope.community_ids({Role.RESIDENT})
    return {
        "announcements": Project.objects.published()
        .filter(community_id__in=community_ids)
        .select_related("community")
        .order_by("-announced_at")[:LIMIT],
    }
