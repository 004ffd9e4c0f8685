"""The rotation's services: three cohorts holding every secretary once, moving a secretary between
cohorts, planning a cohort's month in classes of at most twelve, the quarterly session for
everybody and moving one person between classes. District staff only; nothing saved on a refusal;
an audit row and a notice for every change."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEvent, Notification
from core.workdays import is_working_day
from core.workflow import Conflict
from tests import factories as f
from training import services
from training.models import MAX_CLASS, Attendance, Cohort, Kind, Session, SessionStatus, Trainee
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


# --- cohorts ------------------------------------------------------------------------------------
@pytest.fixture
def secretaries(org, people):
    """Eleven active secretaries (one of two communities), an inactive one and a worker."""
    extra = [tf.secretary(org.guoao) for _ in range(4)] + [
        tf.secretary(org.yuehai) for _ in range(3)
    ]
    both = tf.secretary(org.guoao, username="two_hats")
    f.add_role(both, Role.SECRETARY, org.haiyun)
    tf.secretary(org.haiyun, username="retired", is_active=False)
    return [people.secretary, people.secretary2, people.secretary_haiyun, both, *extra]


def test_district_creates_three_cohorts_holding_every_active_secretary_once(
    org, people, secretaries
):
    cohorts = services.cohorts_create(by=people.district, district=org.district)

    assert [(c.number, c.name) for c in cohorts] == [(1, "第一组"), (2, "第二组"), (3, "第三组")]
    enrolled = list(Trainee.objects.values_list("user_id", flat=True))
    assert sorted(enrolled) == sorted(u.pk for u in secretaries)
    sizes = Counter(Trainee.objects.values_list("cohort__number", flat=True))
    assert sorted(sizes.values()) == [3, 4, 4]
    for cohort in cohorts:  # each street's secretaries train in every month
        streets = set(cohort.trainees.values_list("community__street_id", flat=True))
        assert streets == {org.street_a.pk, org.street_b.pk}


def test_creating_the_cohorts_again_adds_nobody_and_a_newcomer_joins_the_smallest(
    org, people, secretaries
):
    services.cohorts_create(by=people.district, district=org.district)
    before = dict(Trainee.objects.values_list("user_id", "cohort_id"))

    services.cohorts_create(by=people.district, district=org.district)

    assert Cohort.objects.count() == 3
    assert dict(Trainee.objects.values_list("user_id", "cohort_id")) == before
    newcomer = tf.secretary(org.yuehai)
    services.cohorts_create(by=people.district, district=org.district)
    assert Trainee.objects.get(user=newcomer).cohort.number == 3  # the one with three


def test_cohorts_and_enrolments_are_audited(org, people, secretaries):
    cohorts = services.cohorts_create(by=people.district, district=org.district)
    services.cohorts_create(by=people.district, district=org.district)

    setups = AuditEvent.objects.filter(action="cohort.setup").order_by("pk")
    assert [e.detail["enrolled"] for e in setups] == [len(secretaries), 0]
    assert setups[0].detail["cohorts"] == [c.pk for c in cohorts]
    assert setups[0].actor == people.district
    enrolments = AuditEvent.objects.filter(action="trainee.enrol")
    assert [e.detail for e in enrolments] == [{"enrolled": len(secretaries)}]


@pytest.mark.parametrize("who", ["secretary", "street", "member", "auditor"])
def test_only_district_staff_create_the_cohorts(org, people, who):
    with pytest.raises(PermissionDenied):
        services.cohorts_create(by=getattr(people, who), district=org.district)
    assert not Cohort.objects.exists() and not Trainee.objects.exists()


# --- moving a secretary to another cohort -------------------------------------------------------
def test_a_moved_secretary_leaves_the_old_cohorts_classes_not_yet_held(org, people):
    one, two, _ = tf.cohorts(org.district)
    moving = tf.trainee(one, people.secretary)
    tf.trainee(one, people.secretary2)
    both = [people.secretary, people.secretary2]
    ahead = tf.session(org.district, by=people.district, cohort=one, people=both)
    held = tf.session(
        org.district,
        by=people.district,
        cohort=one,
        starts_at=tf.in_days(-30),
        status=SessionStatus.HELD,
        people=both,
    )
    quarterly = tf.session(org.district, by=people.district, people=both)

    moved = services.trainee_move(by=people.district, trainee=moving, cohort=two)

    assert moved.cohort == two and Trainee.objects.get(pk=moving.pk).cohort == two
    assert list(ahead.attendances.values_list("user_id", flat=True)) == [people.secretary2.pk]
    assert held.attendances.filter(user=people.secretary).exists()  # the record stays
    assert quarterly.attendances.filter(user=people.secretary).exists()
    event = AuditEvent.objects.get(action="trainee.move")
    assert event.detail == {"from": one.pk, "to": two.pk, "classes_left": 1}
    notice = Notification.objects.get(event="training.cohort_moved")
    assert notice.recipient == people.secretary and two.name in notice.title


def test_a_secretary_moves_only_between_cohorts_of_the_district(org, people):
    one = tf.cohorts(org.district)[0]
    elsewhere = tf.cohorts(f.DistrictFactory(name="西海岸新区"))[1]
    moving = tf.trainee(one, people.secretary)

    with pytest.raises(ValidationError, match="本区"):
        services.trainee_move(by=people.district, trainee=moving, cohort=elsewhere)
    assert Trainee.objects.get(pk=moving.pk).cohort == one
    with pytest.raises(PermissionDenied):
        services.trainee_move(by=people.street, trainee=moving, cohort=elsewhere)


# --- planning a cohort's month ------------------------------------------------------------------
def _plan(people, cohort, day, **changes):
    data = tf.session_data(tf.at(day, 14), **changes)
    return services.month_plan(by=people.district, cohort=cohort, data=data)


def test_a_month_that_is_not_the_cohorts_is_refused_and_nothing_saved(org, people):
    one, _, _ = tf.cohorts(org.district)
    tf.enrol(one, org.guoao, 3)
    wrong = tf.working_days(tf.month_of_cohort(2), 1)[0]

    with pytest.raises(ValidationError, match="不是它的轮训月"):
        _plan(people, one, wrong)
    assert not Session.objects.exists() and not Attendance.objects.exists()
    assert not Notification.objects.filter(event="training.invited").exists()


def test_a_month_is_split_in_classes_of_at_most_twelve_on_consecutive_working_days(org, people):
    one, two, _ = tf.cohorts(org.district)
    month = tf.month_of_cohort(1)
    friday = tf.friday_before_a_weekend(month)
    trainees = tf.enrol(one, org.guoao, 13) + tf.enrol(one, org.yuehai, 12)
    tf.enrol(two, org.guoao, 2)
    gone = tf.enrol(one, org.haiyun, 1)[0].user
    gone.is_active = False
    gone.save()

    classes = _plan(people, one, friday)

    assert [c.attendances.count() for c in classes] == [9, 9, 7]  # ceil(25 / 12) = 3 classes
    invited = list(Attendance.objects.values_list("user_id", flat=True))
    assert sorted(invited) == sorted(t.user_id for t in trainees)
    days = [timezone.localtime(c.starts_at).date() for c in classes]
    assert days == tf.working_days(friday, 3) and all(is_working_day(d) for d in days)
    assert days[1] > friday + datetime.timedelta(days=1)  # the weekend is skipped
    for number, session in enumerate(classes, start=1):
        assert (session.kind, session.cohort, session.month) == (Kind.CLASS, one, month)
        assert session.title == f"物业管理实务({number}班)"
        assert timezone.localtime(session.starts_at).time() == datetime.time(14, 0)
        assert session.ends_at - session.starts_at == datetime.timedelta(hours=2, minutes=30)
    first = classes[0].attendances.values_list("community__street_id", flat=True)
    assert len(set(first)) == 1  # neighbours learn together
    audit = AuditEvent.objects.get(action="session.plan_month")
    assert audit.detail == {"month": f"{month:%Y-%m}", "classes": [c.pk for c in classes]}


def test_every_attendee_of_a_planned_month_hears_of_their_class(org, people):
    one = tf.cohorts(org.district)[0]
    trainees = tf.enrol(one, org.guoao, 14)

    classes = _plan(people, one, tf.working_days(tf.month_of_cohort(1), 1)[0])

    notices = Notification.objects.filter(event="training.invited")
    assert sorted(notices.values_list("recipient_id", flat=True)) == sorted(
        t.user_id for t in trainees
    )
    class_of = dict(Attendance.objects.values_list("user_id", "session_id"))
    for notice in notices:
        assert notice.url == Session(pk=class_of[notice.recipient_id]).get_absolute_url()
    assert [len(c.attendances.all()) for c in classes] == [7, 7]


def test_a_second_plan_with_everybody_placed_is_a_conflict_and_a_newcomer_gets_a_class(org, people):
    one = tf.cohorts(org.district)[0]
    tf.enrol(one, org.guoao, MAX_CLASS)
    day = tf.working_days(tf.month_of_cohort(1), 1)[0]
    [first] = _plan(people, one, day)
    assert first.attendances.count() == MAX_CLASS and first.title == "物业管理实务"

    with pytest.raises(Conflict, match="都已编入"):
        _plan(people, one, day)
    assert Session.objects.count() == 1

    newcomer = tf.enrol(one, org.yuehai, 1)[0]
    [extra] = _plan(people, one, day)
    assert list(extra.attendances.values_list("user_id", flat=True)) == [newcomer.user_id]


def test_a_class_needs_a_place_or_an_online_link(org, people):
    one = tf.cohorts(org.district)[0]
    tf.enrol(one, org.guoao, 2)
    day = tf.working_days(tf.month_of_cohort(1), 1)[0]

    with pytest.raises(ValidationError, match="请填写培训地点或线上参加链接"):
        _plan(people, one, day, place="", online_url="")
    assert not Session.objects.exists()

    [online] = _plan(people, one, day, place="", online_url="https://meeting.example.org/123")
    assert online.online_url.endswith("/123")


@pytest.mark.parametrize("who", ["secretary", "street"])
def test_only_district_staff_plan_a_month(org, people, who):
    one = tf.cohorts(org.district)[0]
    tf.enrol(one, org.guoao, 2)
    with pytest.raises(PermissionDenied):
        services.month_plan(
            by=getattr(people, who),
            cohort=one,
            data=tf.session_data(tf.at(tf.working_days(tf.month_of_cohort(1), 1)[0])),
        )
    assert not Session.objects.exists()


# --- the quarterly session ----------------------------------------------------------------------
def test_everybody_in_the_rotation_is_invited_to_the_quarterly_session(org, people):
    one, two, three = tf.cohorts(org.district)
    rotation = [
        tf.trainee(one, people.secretary),
        tf.trainee(two, people.secretary2),
        tf.trainee(three, people.secretary_haiyun),
    ]
    tf.secretary(org.guoao, username="not_enrolled")

    session = services.quarterly_create(
        by=people.district, district=org.district, data=tf.session_data(tf.in_days(20))
    )

    assert (session.kind, session.cohort, session.status) == (Kind.QUARTERLY, None, "planned")
    invited = session.attendances.values_list("user_id", flat=True)
    assert sorted(invited) == sorted(t.user_id for t in rotation)
    told = Notification.objects.filter(event="training.invited")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(invited)
    assert AuditEvent.objects.get(action="session.create").detail == {"invited": 3}
    with pytest.raises(PermissionDenied):
        services.quarterly_create(
            by=people.secretary, district=org.district, data=tf.session_data(tf.in_days(20))
        )


# --- moving one person between classes ----------------------------------------------------------
@pytest.fixture
def month_classes(org, people):
    """Cohort one's month: a class of eleven, a class with the secretary, and a full class."""
    one = tf.cohorts(org.district)[0]
    days = tf.working_days(tf.month_of_cohort(1), 3)
    eleven = tf.session(
        org.district,
        by=people.district,
        cohort=one,
        starts_at=tf.at(days[0]),
        people=[tf.secretary(org.yuehai) for _ in range(11)],
    )
    mine = tf.session(
        org.district,
        by=people.district,
        cohort=one,
        starts_at=tf.at(days[1]),
        people=[people.secretary],
    )
    full = tf.session(
        org.district,
        by=people.district,
        cohort=one,
        starts_at=tf.at(days[2]),
        people=[tf.secretary(org.haiyun) for _ in range(MAX_CLASS)],
    )
    return one, eleven, mine, full


def test_a_moved_attendee_starts_over_in_the_new_class_and_hears_of_it(people, month_classes):
    _, eleven, mine, _ = month_classes
    attendance = mine.attendances.get()
    Attendance.objects.filter(pk=attendance.pk).update(
        reply=Attendance.Reply.CONFIRMED, replied_at=timezone.now(), reminded_at=timezone.now()
    )

    services.attendee_move(by=people.district, attendance=attendance, to=eleven)

    attendance.refresh_from_db()
    assert attendance.session == eleven and eleven.attendances.count() == MAX_CLASS
    assert (attendance.reply, attendance.replied_at, attendance.reminded_at) == (
        Attendance.Reply.PENDING,
        None,
        None,
    )
    assert AuditEvent.objects.get(action="attendance.move").detail == {
        "from": mine.pk,
        "to": eleven.pk,
    }
    notice = Notification.objects.get(recipient=people.secretary, event="training.invited")
    assert eleven.title in notice.title


def test_a_full_class_takes_nobody_more(people, month_classes):
    _, _, mine, full = month_classes
    attendance = mine.attendances.get()

    with pytest.raises(ValidationError, match=f"已满{MAX_CLASS}人"):
        services.attendee_move(by=people.district, attendance=attendance, to=full)
    assert Attendance.objects.get(pk=attendance.pk).session == mine
    assert full.attendances.count() == MAX_CLASS


def test_an_attendee_moves_only_within_the_cohort_and_month(org, people, month_classes):
    one, _, mine, _ = month_classes
    two = Cohort.objects.get(district=org.district, number=2)
    attendance = mine.attendances.get()
    later = tf.month_of_cohort(1).replace(year=tf.month_of_cohort(1).year + 1)
    elsewhere = [
        tf.session(org.district, by=people.district, cohort=two, starts_at=mine.starts_at),
        tf.session(org.district, by=people.district, cohort=one, starts_at=tf.at(later)),
        tf.session(org.district, by=people.district, starts_at=mine.starts_at),  # quarterly
    ]
    for target in elsewhere:
        with pytest.raises(ValidationError, match="同一轮训分组同月"):
            services.attendee_move(by=people.district, attendance=attendance, to=target)
    assert Attendance.objects.get(pk=attendance.pk).session == mine


def test_no_attendee_moves_into_a_cancelled_class_nor_by_a_secretary(people, month_classes):
    _, eleven, mine, _ = month_classes
    attendance = mine.attendances.get()
    with pytest.raises(PermissionDenied):
        services.attendee_move(by=people.secretary, attendance=attendance, to=eleven)

    Session.objects.filter(pk=eleven.pk).update(status=SessionStatus.CANCELLED)
    with pytest.raises(Conflict):
        services.attendee_move(by=people.district, attendance=attendance, to=eleven)
    assert Attendance.objects.get(pk=attendance.pk).session == mine
