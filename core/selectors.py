from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent, Notification


def audit_event_list(*, q: str = "", result: str = "", since=None, until=None):
    """Audit events matching a search, newest first."""
    events = AuditEvent.objects.all()
    if q:
        events = events.filter(
            Q(actor_label__icontains=q) | Q(action__icontains=q) | Q(object_id=q)
        )
    if result:
        events = events.filter(result=result)
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        events = events.filter(
            at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
        )
    return events


def notification_list(*, user):
    return Notification.objects.visible_to(user)
