"""The meetings' services (roundtable/meetings.py): moving a meeting, closing it with minutes and
attendance, recording attendance, and the community's settings reaching its meetings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import sms
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from roundtable import meetings
from roundtable.models import (
    CONSENT_NOTICE_VERSION,
    Attendance,
    AttendanceCapacity,
    CommunitySettings,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantKind,
    ParticipantStatus,
    Post,
    PostStatus,
    Resolution,
    Topic,
    TopicStatus,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def today():
    return timezone.localdate()


def make_meeting(community, *, date=None, month=None, **fields) -> Meeting:
    date = date or today()
    return Meeting.objects.create(
        community=community, month=month or date.replace(day=1), date=date, **fields
    )


def follower(community, *, phone="13900000001", name="王秀英", **fields) -> Participant:
    fields.setdefault("status", ParticipantStatus.VERIFIED)
    return Participant.objects.create(
        community=community,
        user=f.UserFactory(phone=phone),
        name=name,
        consent_version=CONSENT_NOTICE_VERSION,
        consented_at=timezone.now(),
        **fields,
    )


def topic(meeting, author, *, title="楼道灯不亮", **fields) -> Topic:
    return Topic.objects.create(
        meeting=meeting,
        community=meeting.community,
        title=title,
        body="三单元楼道灯坏了一个月。",
        author=author,
        **fields,
    )


def resolution(topic, by, **fields) -> Resolution:
    fields.setdefault("due_on", today() + 14 * DAY)
    return Resolution.objects.create(
        topic=topic, action="更换灯具", responsible="物业公司", created_by=by, **fields
    )


# --- the calendar -----------------------------------------------------------------------------
def test_the_holiday_shift_says_that_weekends_move_the_meeting_too():
    from roundtable.meeting_forms import SettingsForm
    from roundtable.models import CommunitySettings

    said = str(CommunitySettings._meta.get_field("holiday_shift").help_text)
    assert "周末" in said and "法定节假日" in said and "调休上班" in said
    assert said in SettingsForm.base_fields["holiday_shift"].help_text


def test_the_meeting_is_on_the_17th_unless_the_community_shifts_holidays(db):
    from core.models import CalendarDay

    CalendarDay.objects.create(date=D(2027, 3, 17), kind="holiday", name="测试假日")
    march = D(2027, 3, 1)
    assert meetings.scheduled_date(march, holiday_shift=False) == (D(2027, 3, 17), "")
    assert meetings.scheduled_date(march, holiday_shift=True) == (D(2027, 3, 18), "holiday")
    # 17 April 2027 is a Saturday: the next working day is Monday the 19th.
    assert meetings.scheduled_date(D(2027, 4, 1), holiday_shift=True) == (
        D(2027, 4, 19),
        "holiday",
    )
    assert meetings.scheduled_date(D(2027, 4, 1), holiday_shift=False)[0] == D(2027, 4, 17)


def test_a_holiday_move_is_shown_in_words(org):
    meeting = make_meeting(org.guoao, moved_reason="holiday")
    assert meetings.moved_label(meeting) == "逢节假日顺延"
    meeting.moved_reason = "与重阳节活动冲突"
    assert meetings.moved_label(meeting) == "与重阳节活动冲突"


# --- reschedule -------------------------------------------------------------------------------
def next_month_meeting(org):
    month = meetings.add_months(today().replace(day=1), 1)
    return make_meeting(org.guoao, date=month.replace(day=17), month=month)


def test_secretary_moves_a_meeting_and_followers_are_told_once(
    org, people, django_capture_on_commit_callbacks
):
    meeting = next_month_meeting(org)
    meeting.reminded_at = timezone.now()
    meeting.save(update_fields=["reminded_at"])
    fan = follower(org.guoao)
    follower(org.guoao, phone="13900000002", follows=False)
    new = meeting.date + 3 * DAY

    with django_capture_on_commit_callbacks(execute=True):
        meetings.meeting_reschedule(
            meeting=meeting, by=people.secretary, date=new, reason="与社区重阳节活动冲突"
        )

    meeting.refresh_from_db()
    assert meeting.date == new and meeting.moved_reason == "与社区重阳节活动冲突"
    assert meeting.reminded_at is None  # a later date is reminded again the day before it
    assert [(m.phone, m.template) for m in sms.outbox] == [
        (fan.user.phone.full, "ROUNDTABLE_MOVED")
    ]
    assert sms.outbox[0].params["date"] == f"{new.month}月{new.day}日"
    assert Notification.objects.filter(recipient=fan.user, event="roundtable.meeting_moved").count()
    event = AuditEvent.objects.get(action="meeting.reschedule")
    assert event.detail["to_date"] == new.isoformat()
    # The task again (a retry) tells nobody twice.
    from roundtable import reminders

    assert reminders.meeting_moved_tell(meeting_id=meeting.pk, date=new) == 0


def test_moving_earlier_keeps_the_reminder_mark(org, people):
    meeting = next_month_meeting(org)
    stamp = timezone.now()
    meeting.reminded_at = stamp
    meeting.save(update_fields=["reminded_at"])
    meetings.meeting_reschedule(
        meeting=meeting, by=people.secretary, date=meeting.date - 2 * DAY, reason="提前召开"
    )
    meeting.refresh_from_db()
    assert meeting.reminded_at == stamp


@pytest.mark.parametrize(
    ("shift", "reason", "message"),
    [
        (-40, "原因", "不能早于今天"),
        (70, "原因", "下一个月内"),
        (0, "原因", "相同"),
        (3, "", "请写明改期原因"),
        (3, "长" * 201, "不能超过 200 字"),
        (3, "holiday", "中文"),
    ],
)
def test_reschedule_refuses_bad_dates_and_reasons(org, people, shift, reason, message):
    meeting = next_month_meeting(org)
    date = meeting.date + shift * DAY if shift > -40 else today() - DAY
    with pytest.raises(ValidationError) as refused:
        meetings.meeting_reschedule(meeting=meeting, by=people.secretary, date=date, reason=reason)
    assert message in " ".join(refused.value.messages)
    assert Meeting.objects.get(pk=meeting.pk).date == meeting.date


def test_reschedule_refuses_a_closed_meeting_and_other_people(org, people):
    closed = make_meeting(org.guoao, date=D(2025, 5, 17), status=MeetingStatus.CLOSED)
    with pytest.raises(Conflict):
        meetings.meeting_reschedule(
            meeting=closed, by=people.secretary, date=today() + DAY, reason="改期"
        )
    meeting = next_month_meeting(org)
    for outsider in (people.street, people.district, people.secretary_haiyun):
        with pytest.raises(PermissionDenied):
            meetings.meeting_reschedule(
                meeting=meeting, by=outsider, date=meeting.date + DAY, reason="改期"
            )


# --- close ------------------------------------------------------------------------------------
def test_close_is_refused_while_a_discussed_topic_has_no_resolution(org, people):
    meeting = make_meeting(org.guoao)
    waiting = topic(meeting, people.secretary, title="广场舞噪音")
    topic(meeting, people.secretary, title="待审核的", moderation=PostStatus.HELD)
    topic(meeting, people.secretary, title="重复的", status=TopicStatus.SET_ASIDE)

    with pytest.raises(ValidationError) as refused:
        meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="纪要")
    assert "《广场舞噪音》" in refused.value.messages[0]
    assert "待审核的" not in refused.value.messages[0]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED

    resolution(waiting, people.secretary)
    Topic.objects.filter(pk=waiting.pk).update(status=TopicStatus.RESOLVED)
    meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="讨论了广场舞噪音。")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert meeting.closed_by == people.secretary and meeting.closed_at is not None
    assert meeting.minutes == "讨论了广场舞噪音。"
    assert AuditEvent.objects.filter(action="meeting.close", object_id=str(meeting.pk)).exists()


def test_close_names_at_most_ten_topics(org, people):
    meeting = make_meeting(org.guoao)
    for n in range(12):
        topic(meeting, people.secretary, title=f"议题{n:02d}")
    with pytest.raises(ValidationError) as refused:
        meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="纪要")
    assert refused.value.messages[0].count("《") == 10 and " 等" in refused.value.messages[0]


def test_close_waits_for_the_meeting_day_and_needs_minutes(org, people):
    meeting = next_month_meeting(org)
    with pytest.raises(ValidationError) as refused:
        meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="")
    assert "会议当天起才能闭会" in refused.value.messages[0]
    assert "请填写会议纪要。" in refused.value.messages
    with pytest.raises(ValidationError):
        meetings.meeting_close(
            meeting=make_meeting(org.guoao), by=people.secretary, minutes="长" * 5001
        )


def test_close_twice_is_a_conflict_and_street_may_not_close(org, people):
    meeting = make_meeting(org.guoao)
    with pytest.raises(PermissionDenied):
        meetings.meeting_close(meeting=meeting, by=people.street, minutes="纪要")
    meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="纪要")
    with pytest.raises(Conflict):
        meetings.meeting_close(meeting=meeting, by=people.worker, minutes="纪要")


def test_close_records_who_posted_on_the_day_as_online_attendance(org, people):
    meeting = make_meeting(org.guoao)
    item = topic(meeting, people.secretary, status=TopicStatus.SET_ASIDE)
    talker = follower(org.guoao, name="李秀英")
    recorded = follower(org.guoao, phone="13900000002", name="张伟")
    earlier = follower(org.guoao, phone="13900000003", name="赵敏")
    company = follower(
        org.guoao, phone="13900000004", name="幸福物业", kind=ParticipantKind.PROPERTY
    )
    for who in (talker, talker, recorded, company):
        Post.objects.create(topic=item, participant=who, author=who.user, body="同意")
    Post.objects.create(
        topic=item,
        participant=earlier,
        author=earlier.user,
        body="会前说一句",
        created_at=timezone.now() - 3 * DAY,
    )
    Attendance.objects.create(meeting=meeting, participant=recorded, name="张伟", online=False)

    meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="纪要")

    rows = {a.participant_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert set(rows) == {talker.pk, recorded.pk, company.pk}
    assert rows[talker.pk].online and rows[talker.pk].name == "李秀英"
    assert rows[company.pk].capacity == AttendanceCapacity.PROPERTY
    assert not rows[recorded.pk].online  # recorded on site before: kept as it was


# --- attendance -------------------------------------------------------------------------------
def test_attendance_typed_from_the_sign_in_sheet(org, people):
    meeting = make_meeting(org.guoao)
    row = meetings.attendance_add(
        meeting=meeting, by=people.worker, name=" 王大爷 ", capacity="resident", online=False
    )
    assert (row.name, row.capacity, row.online) == ("王大爷", "resident", False)
    event = AuditEvent.objects.get(action="meeting.attendance_add")
    assert event.detail["attendance"] == row.pk and "王大爷" not in str(event.detail)
    meetings.attendance_remove(meeting=meeting, by=people.worker, attendance_id=row.pk)
    assert not Attendance.objects.filter(pk=row.pk).exists()
    with pytest.raises(ValidationError):
        meetings.attendance_remove(meeting=meeting, by=people.worker, attendance_id=row.pk)


def test_attendance_of_a_participant_once_and_of_this_community_only(org, people):
    meeting = make_meeting(org.guoao)
    talker = follower(org.guoao)
    meetings.attendance_add(meeting=meeting, by=people.secretary, participant=talker)
    with pytest.raises(ValidationError, match="已登记出席"):
        meetings.attendance_add(meeting=meeting, by=people.secretary, participant=talker)
    stranger = follower(org.haiyun, phone="13900000009")
    with pytest.raises(ValidationError, match="本社区"):
        meetings.attendance_add(meeting=meeting, by=people.secretary, participant=stranger)
    with pytest.raises(ValidationError, match="姓名"):
        meetings.attendance_add(meeting=meeting, by=people.secretary, name="", capacity="resident")
    with pytest.raises(ValidationError, match="身份"):
        meetings.attendance_add(meeting=meeting, by=people.secretary, name="王", capacity="boss")


def test_attendance_is_open_from_the_day_until_a_week_after_closing(org, people):
    future = next_month_meeting(org)
    with pytest.raises(Conflict, match="会议当天起"):
        meetings.attendance_add(meeting=future, by=people.secretary, name="王", capacity="other")
    meeting = make_meeting(org.guoao, date=today() - 10 * DAY)
    meetings.meeting_close(meeting=meeting, by=people.secretary, minutes="纪要")
    meetings.attendance_add(meeting=meeting, by=people.secretary, name="王", capacity="other")
    Meeting.objects.filter(pk=meeting.pk).update(closed_at=timezone.now() - 8 * DAY)
    meeting.refresh_from_db()
    assert not meetings.attendance_open(meeting)
    with pytest.raises(Conflict, match="7 天"):
        meetings.attendance_add(meeting=meeting, by=people.secretary, name="李", capacity="other")
    with pytest.raises(PermissionDenied):
        meetings.attendance_add(
            meeting=make_meeting(org.haiyun), by=people.secretary, name="王", capacity="other"
        )


# --- settings ---------------------------------------------------------------------------------
def test_settings_reach_the_scheduled_meetings_not_moved_by_hand(
    org, people, django_capture_on_commit_callbacks
):
    from core.models import CalendarDay

    month = meetings.add_months(today().replace(day=1), 1)
    seventeenth = month.replace(day=17)
    CalendarDay.objects.update_or_create(
        date=seventeenth, defaults={"kind": "holiday", "name": "测试假日"}
    )
    shifted = seventeenth + DAY
    while not meetings.is_working_day(shifted):
        shifted += DAY
    upcoming = make_meeting(org.guoao, date=seventeenth, month=month)
    by_hand = make_meeting(
        org.guoao,
        date=seventeenth + 5 * DAY,
        month=meetings.add_months(month, 1),
        moved_reason="与社区活动冲突",
    )
    under_way = make_meeting(org.guoao, date=today(), month=D(2025, 6, 1))
    closed = make_meeting(
        org.guoao, date=D(2025, 5, 17), month=D(2025, 5, 1), status=MeetingStatus.CLOSED
    )
    other = make_meeting(org.haiyun, date=seventeenth, month=month)
    fan = follower(org.guoao)
    unchanged = [Meeting.objects.get(pk=m.pk) for m in (by_hand, closed, other)]

    with django_capture_on_commit_callbacks(execute=True):
        saved = meetings.settings_update(
            community=org.guoao,
            by=people.secretary,
            holiday_shift=True,
            review_first=True,
            starts_at=datetime.time(18, 30),
            place="社区议事厅",
        )

    assert CommunitySettings.objects.get(community=org.guoao) == saved
    upcoming.refresh_from_db()
    assert (upcoming.date, upcoming.moved_reason) == (shifted, "holiday")
    assert (upcoming.starts_at, upcoming.place) == (datetime.time(18, 30), "社区议事厅")
    for before in unchanged:
        after = Meeting.objects.get(pk=before.pk)
        assert (after.date, after.starts_at, after.place) == (
            before.date,
            before.starts_at,
            before.place,
        )
    under_way.refresh_from_db()
    assert under_way.date == today() and under_way.place == "社区议事厅"
    assert [m.template for m in sms.outbox] == ["ROUNDTABLE_MOVED"]
    assert sms.outbox[0].phone == fan.user.phone.full
    event = AuditEvent.objects.get(action="communitysettings.update")
    assert event.detail["moved"] == [upcoming.pk]
    assert set(event.detail["changed"]) == {"holiday_shift", "review_first", "starts_at", "place"}

    # Switching the shift off brings it back to the 17th.
    meetings.settings_update(
        community=org.guoao,
        by=people.worker,
        holiday_shift=False,
        review_first=True,
        starts_at="18:30",
        place="社区议事厅",
    )
    upcoming.refresh_from_db()
    assert (upcoming.date, upcoming.moved_reason) == (seventeenth, "")


def test_only_the_communitys_staff_change_its_settings(org, people):
    for outsider in (people.street, people.district, people.secretary_haiyun, people.resident):
        with pytest.raises(PermissionDenied):
            meetings.settings_update(
                community=org.guoao,
                by=outsider,
                holiday_shift=True,
                review_first=False,
                starts_at="19:00",
                place="",
            )
    with pytest.raises(ValidationError):
        meetings.settings_update(
            community=org.guoao,
            by=people.secretary,
            holiday_shift=True,
            review_first=False,
            starts_at="19:00",
            place="长" * 101,
        )
    assert not CommunitySettings.objects.exists()
