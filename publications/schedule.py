"""The daily job of the monthly rhythm: `publish_due(now=…)` decides from the date (Asia/Shanghai),
the working-day calendar and the database what to compile, refresh, remind, publish and retry.

Run by beat every hour (publications.tasks_schedule.publish_due) and safe to run any number of
times a day, on two workers at once, or after days of downtime:

- compile: a preview of the current month, and from the 25th the next month's; the summaries and
  the digest of each month that is over, looking back LOOKBACK_MONTHS months. So a job that did
  not run for days, or for a whole month, compiles what it missed on its next run. Further back
  is left to `manage.py publish_monthly` by hand: a summary of a month long gone, appearing on
  its own, would surprise more than it helps, and a preview of a month already over announces
  nothing (previews are never caught up past the current month). The database's unique
  constraints make a second compile of the same (kind, scope, month) a no-op.
- refresh: every draft still unsigned, of the months the job looks at, is compiled again from
  today's records once a day, by the first run from REFRESH_FROM_HOUR (before the day's
  reminders), through the workflow's recompile action (audited); its foreword stays. A summary
  compiled at 00:05 on the 1st thus shows the last evening's sessions marked held the next
  morning. Signing off recompiles once more (publications/services.py); a published one never
  changes again.
- remind: from its due day, every draft still unsigned reminds its signers once a day
  (`reminded_on`, claimed with a conditional UPDATE), from REMIND_FROM_HOUR.
- auto-publish: where the district's setting allows it, previews and summaries still unsigned
  are published by the system at the set hour of their due day or any run after (never the
  digest).
- retry: failed deliveries whose next attempt is due (the no-Redis path;
  publications.deliveries.deliveries_retry_due).

Each item is done in its own transaction; one that fails is logged and counted, the others go on.
"""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import District, Street
from core.audit import audit
from core.notifications import notify
from core.workflow import Conflict

from . import services
from .models import Kind, Publication, PublicationSettings, PublicationStatus

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# How many months that are over the job still compiles summaries and digests for.
LOOKBACK_MONTHS = 2
# Reminders are not sent in the night, whenever the job runs.
REMIND_FROM_HOUR = 7
# Unsigned drafts are compiled again by the first run from this hour each day (just before the
# reminders): what was recorded the evening and night before is in.
REFRESH_FROM_HOUR = REMIND_FROM_HOUR


@dataclass
class Report:
    """What one run did, per action."""

    day: datetime.date
    created: list = field(default_factory=list)
    existing: int = 0
    refreshed: list = field(default_factory=list)
    reminded: list = field(default_factory=list)
    published: list = field(default_factory=list)
    retried: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "existing": self.existing,
            "refreshed": len(self.refreshed),
            "reminded": len(self.reminded),
            "auto_published": len(self.published),
            "retried": self.retried,
            "errors": len(self.errors),
        }

    def __str__(self):
        counts = self.as_dict()
        return (
            f"{self.day:%Y-%m-%d} 月度晾晒:新汇编 {counts['created']} 期,已有 {counts['existing']} 期,"
            f"重新汇编 {counts['refreshed']} 期,提醒 {counts['reminded']} 期,"
            f"自动发布 {counts['auto_published']} 期,重试投递 {counts['retried']} 条,"
            f"出错 {counts['errors']} 项"
        )


def wanted(today: datetime.date) -> list[tuple[str, datetime.date]]:
    """(kind, month) of every publication that should exist as of `today` (see the module)."""
    this_month = services.month_start(today)
    items = [(Kind.PREVIEW, this_month)]
    next_month = services.add_months(this_month, 1)
    if today >= services.drafted_from(Kind.PREVIEW, next_month):
        items.append((Kind.PREVIEW, next_month))
    for back in range(1, LOOKBACK_MONTHS + 1):
        month = services.add_months(this_month, -back)
        items += [(Kind.SUMMARY, month), (Kind.DIGEST, month)]
    return items


def publish_due(*, now: datetime.datetime | None = None) -> Report:
    """The daily job (see the module): compile, refresh, remind, auto-publish, retry; returns what
    it did."""
    now = (now or timezone.now()).astimezone(SHANGHAI)
    today = now.date()
    report = Report(day=today)
    _compile_missing(today, report)
    _refresh(now, report)
    _remind(now, report)
    _auto_publish(now, report)
    report.retried = _retry(now, report)
    log.info("publish_due %s", report.as_dict())
    return report


def _compile_missing(today: datetime.date, report: Report) -> None:
    items = wanted(today)
    months = {month for _, month in items}
    have = set(
        Publication.objects.filter(month__in=months).values_list(
            "kind", "district_id", "street_id", "month"
        )
    )
    districts = list(District.objects.order_by("pk"))
    streets = list(Street.objects.select_related("district").order_by("district_id", "pk"))
    for kind, month in items:
        if kind == Kind.DIGEST:
            scopes = [(d, None) for d in districts]
        else:
            scopes = [(s.district, s) for s in streets]
        for district, street in scopes:
            key = (kind, district.pk, street.pk if street else None, month)
            if key in have:
                report.existing += 1
                continue
            try:
                publication, created = services.publication_compile(
                    kind=kind, district=district, street=street, month=month, today=today
                )
            except Exception as exc:  # one street's failure must not stop the others
                log.exception("compiling %s failed", key)
                report.errors.append(f"汇编 {kind} {month} {street or district}: {exc}")
                continue
            if created:
                report.created.append(publication)
            else:
                report.existing += 1


def refreshed_since(now: datetime.datetime) -> datetime.datetime:
    """A draft compiled before this is stale: the latest REFRESH_FROM_HOUR o'clock up to `now`."""
    day = now.date() if now.hour >= REFRESH_FROM_HOUR else now.date() - datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(REFRESH_FROM_HOUR), tzinfo=SHANGHAI)


def _refresh(now: datetime.datetime, report: Report) -> None:
    since = refreshed_since(now)
    # The months the job compiles (wanted()), and the previews of the months between: a
    # bounded number of drafts per street, whatever lies further back unsigned (that one is
    # recompiled when it is signed off, or by hand).
    first = services.add_months(services.month_start(now.date()), -LOOKBACK_MONTHS)
    stale = (
        Publication.objects.filter(
            status=PublicationStatus.DRAFT, month__gte=first, compiled_at__lt=since
        )
        .select_related("street", "district")
        .order_by("due_on", "pk")
    )
    for publication in stale:
        try:
            if _refresh_one(publication, since):
                report.refreshed.append(publication)
        except Exception as exc:
            log.exception("recompiling %s failed", publication.pk)
            report.errors.append(f"重新汇编 {publication}: {exc}")


@transaction.atomic
def _refresh_one(publication: Publication, since: datetime.datetime) -> bool:
    """Once a day, whoever runs the job: the row is locked and read again, so a second worker
    (or a sign-off meanwhile) finds it fresh (or published) and leaves it."""
    locked = (
        Publication.objects.select_for_update()
        .filter(pk=publication.pk, status=PublicationStatus.DRAFT, compiled_at__lt=since)
        .order_by("pk")  # no join to the street for the default ordering: FOR UPDATE refuses it
        .first()
    )
    if locked is None:
        return False
    services.publication_recompile(publication=locked, by=services.SYSTEM)
    return True


def _remind(now: datetime.datetime, report: Report) -> None:
    if now.hour < REMIND_FROM_HOUR:
        return
    today = now.date()
    due = (
        Publication.objects.filter(status=PublicationStatus.DRAFT, due_on__lte=today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .select_related("street", "district")
        .order_by("due_on", "pk")
    )
    for publication in due:
        try:
            if _remind_one(publication, today):
                report.reminded.append(publication)
        except Exception as exc:
            log.exception("reminding %s failed", publication.pk)
            report.errors.append(f"提醒 {publication}: {exc}")


@transaction.atomic
def _remind_one(publication: Publication, today: datetime.date) -> bool:
    """One reminder a day, whoever runs the job: claim the day with a conditional UPDATE."""
    claimed = (
        Publication.objects.filter(pk=publication.pk, status=PublicationStatus.DRAFT)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .update(reminded_on=today)
    )
    if claimed != 1:
        return False
    late = (today - publication.due_on).days
    when = "今天应发布" if late == 0 else f"已逾期 {late} 天"
    for person in services.signers(publication):
        notify(
            person,
            "publications.sign_off_reminder",
            publication,
            title=f"请签发:{publication.title}({when})",
            body=f"应发布日期 {publication.due_on:%Y-%m-%d}。请审阅内容,可添加导语,然后签发。",
        )
    audit(
        actor=None,
        actor_label=services.SYSTEM_LABEL,
        action="publication.remind",
        obj=publication,
        detail={"due_on": str(publication.due_on), "late_days": late},
    )
    return True


def _auto_publish(now: datetime.datetime, report: Report) -> None:
    today = now.date()
    allowed = {
        s.district_id: s.auto_publish_hour
        for s in PublicationSettings.objects.filter(auto_publish=True)
    }
    if not allowed:
        return
    drafts = (
        Publication.objects.filter(
            status=PublicationStatus.DRAFT,
            kind__in=[Kind.PREVIEW, Kind.SUMMARY],
            district_id__in=allowed,
            due_on__lte=today,
        )
        .select_related("street", "district")
        .order_by("due_on", "pk")
    )
    for publication in drafts:
        if publication.due_on == today and now.hour < allowed[publication.district_id]:
            continue  # its hour has not come yet today
        try:
            services.publication_auto_publish(publication=publication)
        except Conflict:
            continue  # signed off meanwhile
        except Exception as exc:
            log.exception("auto-publishing %s failed", publication.pk)
            report.errors.append(f"自动发布 {publication}: {exc}")
            continue
        report.published.append(publication)


def _retry(now: datetime.datetime, report: Report) -> int:
    from .deliveries import deliveries_retry_due

    try:
        return deliveries_retry_due(now=now)
    except Exception as exc:
        log.exception("retrying deliveries failed")
        report.errors.append(f"重试投递: {exc}")
        return 0
