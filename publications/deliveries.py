"""Delivering a published publication: exactly once per recipient and channel, never skipped.

`deliveries_start(publication)` (on commit of the publication's publishing) writes one Delivery
row per (channel, recipient key) — the database refuses a second — and queues one send task per
row still pending. Sending one row (`delivery_send`):

    claim (conditional UPDATE: pending or failed, and nobody's claim younger than CLAIM_STALE;
    attempts + 1, committed at once) → send → mark sent.

Whoever wins the claim is the only sender: a second task for the same row, a second worker or
the daily pass finds the row claimed or sent and does nothing. The inbox entry is written in the
same transaction as the mark, so it is made exactly once. For the outside channels (e-mail,
WeCom, SMS) the only window for a second send is a crash between the gateway's answer and the
mark (one UPDATE); the claim then stays until CLAIM_STALE has passed, and the daily pass tries
the row again. A failure marks the row failed with attempts, a masked reason and
`next_attempt_at` (exponential backoff); the Celery task retries it after short waits, the daily
pass (`deliveries_retry_due`, called by publish_due) after longer ones — which is how the
embedded default, with tasks run in-process, retries. District staff retry one failed row now
(`delivery_retry`): a new attempt on the same row, never a second row.

Recipients (issue item 7): a street's preview and summary go to its leading group and its
communities' staff (inbox and e-mail), its WeCom robot and its residents' SMS subscriptions; the
红色专递 goes to every street's leading group and every community secretary (inbox and e-mail)
and to every street's robot.
"""

import re
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from accounts.models import RoleAssignment, User
from accounts.roles import COMMUNITY_STAFF, STREET_GROUP, Role
from core import memo
from core.audit import audit
from core.models import Notification
from core.preferences import EMAIL_EACH, email_mode, prime_email_modes
from core.scope import get_visible_or_404
from core.sms import register_template, send_sms
from core.workflow import Action, Step, Workflow

from . import wecom
from .compile import headline
from .models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Publication,
    PublicationStatus,
    StreetChannel,
    Subscription,
)

PENDING, SENT, FAILED = DeliveryStatus.PENDING, DeliveryStatus.SENT, DeliveryStatus.FAILED
EVENT = "publications.published"
# A claim older than this belongs to a worker that died: the row may be claimed again.
CLAIM_STALE = timedelta(minutes=15)
# Backoff after the n-th failed attempt: 5 min × 4^(n-1), at most a day; after MAX_ATTEMPTS
# failures only district staff retry it.
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(days=1)
MAX_ATTEMPTS = 8
BATCH = 500

UNSUBSCRIBE_PATH = "/p/publications/unsubscribe/"
_BASE = settings.PUBLIC_BASE_URL.rstrip("/")
# Each parameter ≤ 20 characters and none is free text; the 退订 link is the deployment's own
# address (fixed in the approved template) with the subscription's short token as `code`.
SMS_TEMPLATE = "PUBLICATION_PUBLISHED"
register_template(
    SMS_TEMPLATE,
    f"【百社百景】${{street}}${{month}}${{kind}}已发布,请打开 {_BASE}/p/publications/ 查看。"
    f"退订请点 {_BASE}{UNSUBSCRIBE_PATH}${{code}}/",
)


class DeliveryFailed(Exception):
    """One attempt failed (the row is already marked failed). `retry_at` is when it is due
    again, None when no automatic retry follows."""

    def __init__(self, message: str, retry_at=None):
        super().__init__(message)
        self.retry_at = retry_at


class Permanent(Exception):
    """A failure no automatic retry can mend (no e-mail address, robot removed, 退订)."""


# --- recipients -------------------------------------------------------------------------------
def recipients(publication: Publication) -> QuerySet:
    """The staff a publication goes to, active ones only, in one query whatever their number."""
    if publication.kind == Kind.DIGEST:
        district = publication.district_id
        roles = Q(role__in=STREET_GROUP.values, street__district_id=district) | Q(
            role=Role.SECRETARY, community__street__district_id=district
        )
    else:
        street = publication.street_id
        roles = Q(role__in=STREET_GROUP.values, street_id=street) | Q(
            role__in=COMMUNITY_STAFF.values, community__street_id=street
        )
    assigned = RoleAssignment.objects.filter(roles).values("user_id")
    return User.objects.filter(pk__in=assigned, is_active=True).order_by("pk")


def _wanted(publication: Publication):
    """Every Delivery row the publication should have (unsaved)."""

    def row(channel, key, recipient=None):
        return Delivery(publication=publication, channel=channel, key=key, recipient=recipient)

    people = recipients(publication).only("pk", "email", "email_notifications")
    # Their e-mail choices a batch at a time: one query per batch, not one per person.
    for batch in batched(people.iterator(chunk_size=BATCH), BATCH):
        prime_email_modes(batch)
        for user in batch:
            key = f"user:{user.pk}"
            yield row(Channel.INBOX, key, user)
            wants_mail = user.email_notifications and email_mode(user, EVENT) == EMAIL_EACH
            if user.email and wants_mail:
                yield row(Channel.EMAIL, key, user)
    robots = StreetChannel.objects.exclude(webhook_encrypted="")
    if publication.kind == Kind.DIGEST:
        robots = robots.filter(street__district_id=publication.district_id)
    else:
        robots = robots.filter(street_id=publication.street_id)
    for street_id in robots.order_by("street_id").values_list("street_id", flat=True):
        yield row(Channel.WECOM, f"street:{street_id}")
    if publication.kind != Kind.DIGEST:
        subscriptions = Subscription.objects.active().filter(street_id=publication.street_id)
        for pk in subscriptions.order_by("pk").values_list("pk", flat=True).iterator(BATCH):
            yield row(Channel.SMS, f"sub:{pk}")


# --- starting ---------------------------------------------------------------------------------
def deliveries_start(publication: Publication) -> int:
    """Write the publication's missing delivery rows and queue a send for each row still
    pending; returns how many rows it wrote. Safe to call twice or on two workers at once: the
    publication's row lock makes the callers take turns, and the unique (publication, channel,
    key) refuses a second row whatever happens."""
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("street", "district")
            .filter(pk=publication.pk)
            .first()
        )
        if publication is None or publication.status != PublicationStatus.PUBLISHED:
            return 0
        existing = set(
            Delivery.objects.filter(publication=publication).values_list("channel", "key")
        )
        rows = [r for r in _wanted(publication) if (r.channel, r.key) not in existing]
        Delivery.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        if rows:
            counts: dict = {}
            for r in rows:
                counts[r.channel] = counts.get(r.channel, 0) + 1
            audit(
                actor=None,
                actor_label="system",
                action="publications.deliveries_started",
                obj=publication,
                detail={"created": counts},
            )
        pk = publication.pk
        transaction.on_commit(lambda: deliveries_queue(publication_id=pk))
    return len(rows)


def deliveries_queue(*, publication_id: int) -> int:
    """Queue one send task per pending, unclaimed row of the publication."""
    from .tasks_delivery import send_delivery  # the tasks import this module

    ids = Delivery.objects.filter(
        publication_id=publication_id, status=PENDING, claimed_at__isnull=True
    ).values_list("pk", flat=True)
    queued = 0
    for pk in ids.order_by("pk").iterator(BATCH):
        send_delivery.delay(pk)
        queued += 1
    return queued


# How far back the daily pass looks for publications published without their deliveries.
UNPLANNED_WITHIN = timedelta(days=3)


def deliveries_retry_due(*, now) -> int:
    """The daily pass: queue a new attempt for every failed row whose time has come, and for
    every pending row nobody sent (its task lost, or its worker died holding the claim).
    Returns how many it queued."""
    from .tasks_delivery import send_delivery

    # A publication signed off lately whose deliveries were never planned (the step after its
    # commit failed, or the process stopped there): plan them now.
    unplanned = Publication.objects.filter(
        status=PublicationStatus.PUBLISHED,
        signed_off_at__gte=now - UNPLANNED_WITHIN,
        deliveries__isnull=True,
    ).select_related("street", "district")
    for publication in unplanned.order_by("pk"):
        deliveries_start(publication)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE)
    due = Q(status=FAILED, next_attempt_at__lte=now) | Q(
        status=PENDING, created_at__lt=now - CLAIM_STALE
    )
    ids = Delivery.objects.filter(due & free).order_by("pk").values_list("pk", flat=True)
    queued = 0
    for pk in ids.iterator(BATCH):
        send_delivery.delay(pk)
        queued += 1
    if queued:
        audit(
            actor=None,
            actor_label="system",
            action="publications.deliveries_retried",
            detail={"queued": queued},
        )
    return queued


# --- sending one row --------------------------------------------------------------------------
def _claim(pk: int, now) -> bool:
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE)
    rows = Delivery.objects.filter(Q(pk=pk), Q(status__in=[PENDING, FAILED]), free)
    return rows.update(claimed_at=now, attempts=F("attempts") + 1) == 1


def delivery_send(*, delivery_id: int, now=None) -> bool:
    """One attempt at one row, if this caller wins its claim: True when it was sent now, False
    when somebody else has it or it was sent already; raises DeliveryFailed after marking a
    failed attempt."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return False
    delivery = Delivery.objects.select_related(
        "publication__street", "publication__district", "recipient"
    ).get(pk=delivery_id)
    try:
        if delivery.channel == Channel.INBOX:
            with transaction.atomic():
                _send_inbox(delivery)
                _mark_sent(delivery)
            return True
        SENDERS[delivery.channel](delivery)
    except Exception as exc:  # noqa: BLE001 (any gateway error is a failed attempt, retried)
        retry_at = _mark_failed(delivery, exc, now)
        raise DeliveryFailed(delivery.last_error, retry_at) from None
    _mark_sent(delivery)
    return True


def _mark_sent(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=SENT, sent_at=timezone.now(), claimed_at=None, next_attempt_at=None, last_error=""
    )


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th failure."""
    return min(BACKOFF_BASE * 4 ** max(attempts - 1, 0), BACKOFF_MAX)


def _mark_failed(delivery: Delivery, exc: Exception, now):
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    permanent = isinstance(exc, Permanent) or attempts >= MAX_ATTEMPTS
    retry_at = None if permanent else now + backoff(attempts)
    delivery.last_error = mask_error(exc)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=FAILED,
        claimed_at=None,
        next_attempt_at=retry_at,
        last_error=delivery.last_error,
    )
    return retry_at


PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+\.)+[\w-]+")
SECRET_QUERY = re.compile(r"(key|token|secret|password)=[^&\s'\"]+", re.IGNORECASE)


def mask_error(exc: Exception) -> str:
    """A failure's reason without secrets, full phone numbers or e-mail addresses."""
    text = (
        str(exc)
        if isinstance(exc, Permanent | wecom.WeComError)
        else f"{type(exc).__name__}: {exc}"
    )
    text = SECRET_QUERY.sub(r"\1=****", text)
    text = PHONE.sub(r"\1****\2", text)
    text = EMAIL.sub(r"\1***@***", text)
    return " ".join(text.split())[:300]


# --- the channels -----------------------------------------------------------------------------
def _staff_link(publication: Publication) -> str:
    return f"{_BASE}{publication.get_absolute_url()}"


def inbox_body(publication: Publication) -> str:
    """The inbox entry's text: the headline, and for one nobody signed off that it published
    itself (the street's deciders hear it here, not in a second notice: services._tell_signers)."""
    body = headline(publication)
    if publication.auto_published:
        body = f"{body}(到应发布时间无人签发,已自动发布。)"
    return body


def _send_inbox(delivery: Delivery) -> None:
    publication, user = delivery.publication, delivery.recipient
    Notification.objects.create(
        recipient=user,
        event=EVENT,
        title=publication.title[:200],
        body=inbox_body(publication),
        url=publication.get_absolute_url()[:300],
    )
    memo.drop("unread", user.pk)
    transaction.on_commit(lambda: memo.drop("unread", user.pk))


def _content_html(publication: Publication) -> str:
    """The publication's content as the compile helper renders it, or '' before it exists."""
    context = {"publication": publication, "content": publication.content, "base": _BASE}
    try:
        return render_to_string("publications/_content.html", context)
    except TemplateDoesNotExist:
        return ""


def _send_email(delivery: Delivery) -> None:
    publication, user = delivery.publication, delivery.recipient
    if user is None or not user.email or not user.is_active:
        raise Permanent("收件人没有可用的电子邮件地址")
    link, summary = _staff_link(publication), headline(publication)
    content = _content_html(publication)
    context = {
        "publication": publication,
        "headline": summary,
        "link": link,
        "content": mark_safe(content),  # noqa: S308 (rendered by a template, autoescaped)
    }
    html = render_to_string("publications/delivery_email.html", context)
    text = "\n\n".join(
        part
        for part in (
            publication.title,
            publication.foreword,
            summary,
            " ".join(strip_tags(content).split()),
            f"查看全文:{link}",
        )
        if part
    )
    message = EmailMultiAlternatives(
        subject=f"[百社百景] {publication.title}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


def wecom_markdown(publication: Publication) -> str:
    """The robot's message: title, headline, foreword's start and the link."""
    link = (
        f"{_BASE}{publication.get_public_url()}"
        if publication.kind != Kind.DIGEST
        else _staff_link(publication)
    )
    lines = [f"### {publication.title}"]
    if summary := headline(publication):
        lines.append(summary)
    if publication.foreword:
        lines.append(f"> {' '.join(publication.foreword.split())[:300]}")
    lines.append(f"[查看全文]({link})")
    return "\n".join(lines)


def _send_wecom(delivery: Delivery) -> None:
    street_id = int(delivery.key.split(":", 1)[1])
    url = wecom.street_webhook(street_id)
    if url is None:
        raise Permanent("街道已删除企业微信群机器人")
    wecom.send_markdown(url, wecom_markdown(delivery.publication))


def sms_params(publication: Publication, subscription: Subscription) -> dict:
    month = publication.month
    return {
        "street": publication.street.name[:20],
        "month": f"{month.year}年{month.month}月",
        "kind": publication.get_kind_display(),
        "code": subscription.token,
    }


def _send_sms(delivery: Delivery) -> None:
    pk = int(delivery.key.split(":", 1)[1])
    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription is None or subscription.unsubscribed_at is not None:
        raise Permanent("订阅已退订,不再发送")
    send_sms(subscription.phone.full, SMS_TEMPLATE, sms_params(delivery.publication, subscription))


SENDERS = {Channel.EMAIL: _send_email, Channel.WECOM: _send_wecom, Channel.SMS: _send_sms}


# --- district staff: the failures page and a retry --------------------------------------------
def _retry(step: Step) -> None:
    step.set(next_attempt_at=timezone.now())
    step.detail.update({"channel": step.obj.channel, "attempts": step.obj.attempts})
    pk = step.obj.pk
    from .tasks_delivery import send_delivery

    transaction.on_commit(lambda: send_delivery.delay(pk))


DELIVERY_WORKFLOW = Workflow(
    Delivery,
    [
        Action(
            "retry",
            "重新发送",
            "publications.retry_delivery",
            frozenset({FAILED}),
            apply=_retry,
        )
    ],
    initial=PENDING,
    noun="投递",
    changed_at_field=None,
)


def delivery_retry(*, delivery: Delivery, by) -> Delivery:
    """District staff try one failed delivery again now: a new attempt on the same row (its
    attempts + 1 when it runs), audited; 409 unless it failed."""
    return DELIVERY_WORKFLOW.perform(delivery, "retry", by=by).obj


def delivery_list(
    *, user, status: str = "", channel: str = "", publication_id=None, month=None
) -> QuerySet:
    """Deliveries for the district's failures page: not yet sent by default, failed first."""
    rows = Delivery.objects.visible_to(user).select_related(
        "publication__street", "publication__district", "recipient"
    )
    rows = rows.filter(status=status) if status else rows.exclude(status=SENT)
    if channel:
        rows = rows.filter(channel=channel)
    if publication_id:
        rows = rows.filter(publication_id=publication_id)
    if month:
        rows = rows.filter(publication__month=month)
    failed_first = models.Case(models.When(status=FAILED, then=0), default=1)
    return rows.order_by(failed_first, "-created_at", "-id")


def delivery_get(*, user, pk: int) -> Delivery:
    return get_visible_or_404(
        Delivery.objects.select_related("publication__street", "publication__district"),
        user,
        pk=pk,
    )
