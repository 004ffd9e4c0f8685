"""notify(recipient, event, obj): an inbox entry now, an e-mail through a task after commit (each
time, or in the day's digest, as the recipient chose: core/preferences.py)."""

import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import memo
from .models import EmailDigest, Notification, NotificationPreference
from .preferences import CHOOSABLE, EMAIL_EACH, KIND_BY_KEY, email_mode, kind_filter, kind_of
from .services import notification_send_email

logger = logging.getLogger(__name__)


def notify(
    recipient, event: str, obj=None, *, title: str, body: str = "", url: str = ""
) -> Notification:
    """Put a notification in the recipient's inbox and queue its e-mail once the transaction commits."""
    if not url and obj is not None and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    memo.drop("unread", recipient.pk)
    notification = Notification.objects.create(
        recipient=recipient,
        event=event,
        title=" ".join(title.split())[:200],
        body=body,
        url=url[:300],
    )
    from .tasks import send_notification_email  # tasks import services; keep the import local

    def committed():
        memo.drop("unread", recipient.pk)  # a count read meanwhile did not include it
        send_notification_email.delay(notification.pk)

    transaction.on_commit(committed)
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    qs = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    memo.forget("unread", user.pk)
    return qs.update(read_at=timezone.now())


def notification_email_now(*, notification_id: int) -> bool:
    """E-mail a notification now if its recipient wants this kind each time (core/preferences.py);
    a kind gathered into the daily digest, or kept to the inbox, is not e-mailed now."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or email_mode(notification.recipient, notification.event) != EMAIL_EACH:
        return False
    return notification_send_email(notification_id=notification_id)


# --- the daily digest ---------------------------------------------------------------------------
# How a day's digest is sent exactly once:
# 1. Claim. For every person with a kind on "daily", the unread notifications of those kinds that
#    arrived since the choice and were never e-mailed are listed in an EmailDigest row, unique per
#    (user, day), and marked e-mailed (emailed_at) in the same transaction. A second run, or a
#    second worker at the same moment, finds the row and claims nothing; tomorrow's run does not
#    list them again.
# 2. Send. The run e-mails the rows it claimed, one by one, and marks each sent at once.
# 3. A send that fails (the mail server refused, a network error) leaves the row pending for the
#    next run, which sends the same list; after DIGEST_MAX_ATTEMPTS it is marked failed. A run that
#    died after claiming leaves its rows claimed: the next run takes them over once DIGEST_LEASE
#    has passed. Only a crash in the instant between the mail server's acceptance and the row's
#    update can send one digest twice; nothing is ever lost silently.
DIGEST_CHUNK = 200  # people per round of queries
DIGEST_LISTED = 50  # notifications written out in one e-mail; the rest are counted
DIGEST_LEASE = timedelta(hours=1)  # longer than any run sending its rows
DIGEST_MAX_ATTEMPTS = 5
_ID_BATCH = 5000  # ids per `IN (…)`: far below SQLite's and PostgreSQL's parameter limits


def email_digests_send(*, now=None) -> int:
    """Send each person who chose a daily digest for some kinds one e-mail listing what arrived
    since, at most once per (Shanghai) day; returns how many e-mails went out."""
    now = now or timezone.now()
    run = uuid.uuid4().hex
    # Rows a failed or dead run left: this run sends them too.
    EmailDigest.objects.filter(status=EmailDigest.Status.PENDING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - DIGEST_LEASE)
    ).update(claim=run, claimed_at=now)
    _digests_claim(run=run, now=now)
    return _digests_send(run=run, now=now)


def _daily_choices():
    return (
        NotificationPreference.objects.filter(
            mode=NotificationPreference.Mode.DAILY,
            kind__in=[kind.key for kind in CHOOSABLE],
            user__is_active=True,
            user__email_notifications=True,
        )
        .exclude(user__email="")
        .order_by()
    )


def _digests_claim(*, run: str, now) -> None:
    day = timezone.localdate(now)
    people = (
        _daily_choices()
        .exclude(user__email_digests__day=day)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )
    last = 0
    while chunk := list(people.filter(user_id__gt=last)[:DIGEST_CHUNK]):
        last = chunk[-1]
        _digests_claim_chunk(chunk, day=day, run=run, now=now)


def _digests_claim_chunk(user_ids: list[int], *, day, run: str, now) -> None:
    since: dict[int, dict[str, object]] = defaultdict(dict)  # user → kind → chosen_at
    for user_id, kind, chosen_at in (
        _daily_choices().filter(user_id__in=user_ids).values_list("user_id", "kind", "chosen_at")
    ):
        since[user_id][kind] = chosen_at
    if not since:  # the choices changed meanwhile
        return
    by_kind = defaultdict(list)
    for user_id, kinds in since.items():
        for kind in kinds:
            by_kind[kind].append(user_id)
    condition = Q()
    for key, users in by_kind.items():
        condition |= Q(recipient_id__in=users) & kind_filter(KIND_BY_KEY[key])
    candidates = (
        Notification.objects.filter(condition)
        .filter(
            read_at__isnull=True,
            emailed_at__isnull=True,
            created_at__lte=now,
            created_at__gte=min(t for kinds in since.values() for t in kinds.values()),
        )
        .order_by("recipient_id", "created_at", "id")
        .values_list("id", "recipient_id", "event", "created_at")
    )
    gathered = defaultdict(list)
    for pk, user_id, event, created_at in candidates:
        chosen_at = since[user_id].get(kind_of(event).key)
        if chosen_at is not None and created_at >= chosen_at:
            gathered[user_id].append(pk)
    if not gathered:
        return
    with transaction.atomic():
        EmailDigest.objects.bulk_create(
            [
                EmailDigest(user_id=u, day=day, notification_ids=ids, claim=run, claimed_at=now)
                for u, ids in gathered.items()
            ],
            ignore_conflicts=True,  # another run's row for the day: that run sends it
        )
        ours = EmailDigest.objects.filter(day=day, claim=run, user_id__in=list(gathered))
        listed = [pk for ids in ours.values_list("notification_ids", flat=True) for pk in ids]
        for start in range(0, len(listed), _ID_BATCH):
            Notification.objects.filter(pk__in=listed[start : start + _ID_BATCH]).update(
                emailed_at=now
            )


def _digests_send(*, run: str, now) -> int:
    sent, last = 0, 0
    claimed = EmailDigest.objects.filter(claim=run, status=EmailDigest.Status.PENDING)
    while chunk := list(
        claimed.filter(pk__gt=last).select_related("user").order_by("pk")[:DIGEST_CHUNK]
    ):
        last = chunk[-1].pk
        wanted = [pk for digest in chunk for pk in digest.notification_ids[:DIGEST_LISTED]]
        found = {}
        for start in range(0, len(wanted), _ID_BATCH):
            found.update(
                Notification.objects.filter(pk__in=wanted[start : start + _ID_BATCH])
                .only("id", "title", "url", "created_at")
                .in_bulk()
            )
        for digest in chunk:
            sent += _digest_send_one(digest, found, run=run, now=now)
    return sent


def _digest_send_one(digest: EmailDigest, found: dict, *, run: str, now) -> int:
    items = [found[pk] for pk in digest.notification_ids[:DIGEST_LISTED] if pk in found]
    mine = EmailDigest.objects.filter(pk=digest.pk, claim=run, status=EmailDigest.Status.PENDING)
    # Renew the claim just before sending: a row another run took over meanwhile (this run
    # outlived DIGEST_LEASE on a slow mail server) is that run's to send, not this one's too.
    # (`now` is the run's clock, given to replay a run; the wall clock once it has moved on.)
    if not mine.update(claimed_at=max(now, timezone.now())):
        return 0
    attempts = digest.attempts + 1
    try:
        if items:
            subject, body = digest_message(digest, items)
            send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[digest.user.email],
            )
    # Any failure is this row's alone (smtplib's OSErrors, a malformed address's ValueError): it
    # is counted on the row and the run goes on with the others. The text may name the address.
    except Exception as exc:  # noqa: BLE001
        logger.warning("digest %s not sent: %s", digest.pk, type(exc).__name__)
        failed = attempts >= DIGEST_MAX_ATTEMPTS
        mine.update(
            attempts=attempts,
            last_error=f"{type(exc).__name__} {getattr(exc, 'smtp_code', '')}".strip(),
            claim="",
            claimed_at=None,
            status=EmailDigest.Status.FAILED if failed else EmailDigest.Status.PENDING,
        )
        return 0
    mine.update(
        status=EmailDigest.Status.SENT, sent_at=timezone.now(), attempts=attempts, last_error=""
    )
    return 1 if items else 0


def digest_message(digest: EmailDigest, items: list) -> tuple[str, str]:
    """The digest's subject and plain-text body: title, time and an absolute link per
    notification."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    total = len(digest.notification_ids)
    lines = [f"您好!以下是您选择每日汇总的 {total} 条新通知:", ""]
    for item in items:
        url = item.url if item.url.startswith("/") and not item.url.startswith("//") else ""
        lines.append(f"· {' '.join(item.title.split())}")
        when = timezone.localtime(item.created_at)
        lines.append(f"  {when:%Y-%m-%d %H:%M}  {base}{url or reverse('core:inbox')}")
    if total > len(items):
        lines.append(f"另有 {total - len(items)} 条,请到消息中心查看:{base}{reverse('core:inbox')}")
    lines += [
        "",
        f"调整通知方式:{base}{reverse('core:notification_preferences')}",
    ]
    subject = f"[百社百景] 每日通知汇总:{total} 条新通知({digest.day:%Y-%m-%d})"
    return subject, "\n".join(lines)
