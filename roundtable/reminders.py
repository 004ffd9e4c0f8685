"""Reminders of the round table, each sent exactly once whatever the workers and retries.

Every reminder to one person is first a `Reminder` row, unique per (kind, key, user): the row is
inserted in its own transaction and the inbox entry with it; the text message goes out only once
that transaction has committed (`on_commit`). A second worker running at the same moment waits on
the unique index and then finds the row; a retry after a crash finds the rows of the people
already told and tells only the others. So a person never gets a reminder twice; a gateway that
fails after the commit loses that one text (logged), which is the right side to err on for a
reminder.

- The day before a meeting (the 16th normally): each participant of the community who follows its
  round table (verified, consent kept, an active account with a phone) gets a text message
  (`ROUNDTABLE_TOMORROW`) and an inbox entry; the community's staff get an inbox entry with the
  number of topics waiting. Key `meeting:<id>:<date>`: a meeting moved to a later date is
  announced again for its new date, never twice for one date. A job that did not run on the 16th
  still reminds on the meeting day itself before the meeting starts; never after.
- A meeting moved (by hand, or by the community's holiday setting): the followers are told its
  new date (`ROUNDTABLE_MOVED`, key `moved:<id>:<date>`).
- A resolution falling due: the community's staff get an inbox entry (key `resolution:<id>`),
  once per resolution and person; a job that missed the due day catches up for DUE_CATCH_UP_DAYS,
  and an overdue resolution is never reminded again day after day.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import COMMUNITY_STAFF
from accounts.selectors import people_holding
from core import sms
from core.audit import audit
from core.notifications import notify

from .models import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantStatus,
    PostStatus,
    Reminder,
    ReminderKind,
    Resolution,
    ResolutionStatus,
    Topic,
    TopicStatus,
)

log = logging.getLogger(__name__)

# Gateways cap each parameter at 20-odd characters: a community's name, a date, a time.
sms.register_template(
    "ROUNDTABLE_TOMORROW",
    '【百社百景】${community}幸福家园圆桌会${date}${time}召开,欢迎到"17e"线上议事。',
)
sms.register_template(
    "ROUNDTABLE_MOVED",
    "【百社百景】${community}圆桌会改到${date}${time}召开。",
)

EVENT_TOMORROW = "roundtable.meeting_tomorrow"
EVENT_MOVED = "roundtable.meeting_moved"
EVENT_DUE = "roundtable.resolution_due"
# Who acts in the audit log when the daily job reminds.
SYSTEM_LABEL = "system"
# A resolution whose due day the job missed (downtime) is still reminded this many days after.
DUE_CATCH_UP_DAYS = 2


def meeting_key(meeting: Meeting) -> str:
    return f"meeting:{meeting.pk}:{meeting.date:%Y%m%d}"


def moved_key(meeting: Meeting) -> str:
    return f"moved:{meeting.pk}:{meeting.date:%Y%m%d}"


def resolution_key(resolution: Resolution) -> str:
    return f"resolution:{resolution.pk}"


def short_date(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def short_time(value) -> str:
    if isinstance(value, str):
        value = datetime.time.fromisoformat(value)
    return f"{value:%H:%M}"


def followers(community_id: int):
    """Participants who asked to be reminded and can be: verified, consent kept, an active
    account with a phone number."""
    return (
        Participant.objects.filter(
            community_id=community_id,
            follows=True,
            status=ParticipantStatus.VERIFIED,
            consent_withdrawn_at__isnull=True,
            user__is_active=True,
        )
        .exclude(user__phone_hash="")
        .select_related("user")
        .order_by("pk")
    )


def claim(kind: str, key: str, user_id: int) -> bool:
    """Insert the reminder's row; False when it exists (sent before, or by another worker that
    is inserting it now: the database makes this one wait, then refuses it)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, key=key, user_id=user_id)
    except IntegrityError:
        return False
    return True


def remind_once(kind: str, key: str, user, send) -> bool:
    """`send()` (inbox entries now, text messages on commit) only if this run claimed the row."""
    with transaction.atomic():
        if not claim(kind, key, user.pk):
            return False
        send()
    return True


def _text_on_commit(phone: str, template: str, params: dict) -> None:
    def send():
        try:
            sms.send_sms(phone, template, params)
        except Exception:  # the row stands: never sent twice; the failure is logged
            log.exception("roundtable SMS %s failed", template)

    transaction.on_commit(send)


def _sms_params(meeting: Meeting) -> dict:
    return {
        "community": meeting.community.name[:20],
        "date": short_date(meeting.date),
        "time": short_time(meeting.starts_at),
    }


def _tell_followers(meeting: Meeting, *, key: str, template: str, event: str, title: str) -> int:
    params = _sms_params(meeting)
    url = meeting.get_public_url()
    told = 0
    for participant in followers(meeting.community_id):
        user = participant.user
        phone = user.phone.full if user.phone else ""
        if not phone:
            continue

        def send(user=user, phone=phone):
            notify(user, event, meeting, title=title, url=url)
            _text_on_commit(phone, template, params)

        told += remind_once(ReminderKind.MEETING, key, user, send)
    return told


# --- the day before the meeting ---------------------------------------------------------------
def meetings_to_remind(today: datetime.date, clock: datetime.time):
    """Scheduled meetings tomorrow, and today's that have not started yet, not yet reminded."""
    candidates = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        reminded_at__isnull=True,
        date__gte=today,
        date__lte=today + datetime.timedelta(days=1),
    ).select_related("community")
    return [
        m
        for m in candidates.order_by("date", "pk")
        if m.date > today or clock < _as_time(m.starts_at)
    ]


def _as_time(value) -> datetime.time:
    return datetime.time.fromisoformat(value) if isinstance(value, str) else value


def meeting_remind(meeting: Meeting) -> dict:
    """Remind the followers and the staff of one meeting (each person once for its date), then
    mark the meeting reminded. Returns how many residents and staff were told by this run."""
    when = f"{short_date(meeting.date)}{short_time(meeting.starts_at)}"
    name = meeting.community.name
    residents = _tell_followers(
        meeting,
        key=meeting_key(meeting),
        template="ROUNDTABLE_TOMORROW",
        event=EVENT_TOMORROW,
        title=f"{name}幸福家园圆桌会将于{when}召开,欢迎到“17e”线上议事",
    )
    topics = Topic.objects.filter(meeting=meeting)
    waiting = topics.filter(moderation=PostStatus.PUBLISHED, status=TopicStatus.OPEN).count()
    held = topics.filter(moderation=PostStatus.HELD).count()
    body = f"已征集议题 {waiting} 个" + (f",另有 {held} 个待审核" if held else "") + "。"
    staff = 0
    for person in people_holding(COMMUNITY_STAFF, community=meeting.community):

        def send(person=person):
            notify(
                person,
                EVENT_TOMORROW,
                meeting,
                title=f"{name}圆桌会将于{when}召开(待讨论议题 {waiting} 个)",
                body=body,
            )

        staff += remind_once(ReminderKind.MEETING, meeting_key(meeting), person, send)
    marked = Meeting.objects.filter(pk=meeting.pk, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    )
    if marked or residents or staff:
        audit(
            actor=None,
            actor_label=SYSTEM_LABEL,
            action="meeting.remind",
            obj=meeting,
            detail={"date": meeting.date.isoformat(), "residents": residents, "staff": staff},
        )
    return {"residents": residents, "staff": staff}


# --- a meeting moved ----------------------------------------------------------------------------
def meeting_moved_tell(*, meeting_id: int, date: datetime.date) -> int:
    """Tell the followers a meeting's new date (once per date and person). A meeting moved again
    meanwhile, or closed, is left to the later call."""
    meeting = Meeting.objects.select_related("community").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != MeetingStatus.SCHEDULED or meeting.date != date:
        return 0
    when = f"{short_date(meeting.date)}{short_time(meeting.starts_at)}"
    told = _tell_followers(
        meeting,
        key=moved_key(meeting),
        template="ROUNDTABLE_MOVED",
        event=EVENT_MOVED,
        title=f"{meeting.community.name}圆桌会改到{when}召开",
    )
    if told:
        audit(
            actor=None,
            actor_label=SYSTEM_LABEL,
            action="meeting.moved_told",
            obj=meeting,
            detail={"date": meeting.date.isoformat(), "residents": told},
        )
    return told


# --- resolutions falling due ------------------------------------------------------------------
def resolutions_due(today: datetime.date):
    return (
        Resolution.objects.filter(
            status=ResolutionStatus.OPEN,
            due_on__lte=today,
            due_on__gte=today - datetime.timedelta(days=DUE_CATCH_UP_DAYS),
        )
        .select_related("topic__community")
        .order_by("due_on", "pk")
    )


def resolution_remind(resolution: Resolution, today: datetime.date, staff_of) -> int:
    """Tell the community's staff that a resolution falls due (each person once)."""
    topic = resolution.topic
    when = "今天到期" if resolution.due_on == today else f"已于{short_date(resolution.due_on)}到期"
    title = f"圆桌会决议{when}:{resolution.responsible} {resolution.action}"
    body = f"议题《{topic.title}》,完成时限 {resolution.due_on:%Y-%m-%d}。办结后请登记办结情况。"
    told = 0
    for person in staff_of(topic.community):

        def send(person=person):
            notify(person, EVENT_DUE, resolution, title=title, body=body)

        told += remind_once(ReminderKind.DUE, resolution_key(resolution), person, send)
    return told


def staff_reader():
    """people_holding(COMMUNITY_STAFF) of a community, read once per community within a run."""
    known: dict[int, list] = {}

    def staff_of(community) -> list:
        if community.pk not in known:
            known[community.pk] = list(people_holding(COMMUNITY_STAFF, community=community))
        return known[community.pk]

    return staff_of
