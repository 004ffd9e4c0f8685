"""Training records for the tests, written straight to the database (the services are what the
tests exercise): cohorts and trainees, sessions with the people invited, mentors and pairings,
and the dates a cohort's month and its working days fall on."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from core.workdays import is_working_day
from tests import factories as f
from training.models import (
    COHORTS,
    Attendance,
    Cohort,
    Kind,
    Mentor,
    MentorKind,
    Pairing,
    Session,
    SessionStatus,
    Topic,
    Trainee,
    cohort_number_for,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A Shanghai time on a day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    return at(timezone.localdate() + datetime.timedelta(days=days), hour)


def month_of_cohort(number: int) -> datetime.date:
    """The first month after this one in which cohort `number` trains (always ahead of today)."""
    month = timezone.localdate().replace(day=1)
    for _ in range(COHORTS + 1):
        month = (month + datetime.timedelta(days=32)).replace(day=1)
        if cohort_number_for(month) == number:
            return month
    raise AssertionError("unreachable")


def working_days(first: datetime.date, count: int) -> list[datetime.date]:
    """`count` working days from `first` on."""
    days, day = [], first
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def friday_before_a_weekend(month: datetime.date) -> datetime.date:
    """A working Friday of the month followed by a day off: a second class must skip it."""
    day = month
    while not (
        day.weekday() == 4
        and is_working_day(day)
        and not is_working_day(day + datetime.timedelta(days=1))
    ):
        day += datetime.timedelta(days=1)
    return day


def cohorts(district) -> list[Cohort]:
    return [
        Cohort.objects.create(district=district, number=n, name=f"第{n}组")
        for n in range(1, COHORTS + 1)
    ]


def secretary(community, **kwargs):
    return f.make_user(Role.SECRETARY, community, **kwargs)


def trainee(cohort: Cohort, user, community=None) -> Trainee:
    community_id = community.pk if community else min(user.scope.community_ids())
    return Trainee.objects.create(cohort=cohort, user=user, community_id=community_id)


def enrol(cohort: Cohort, community, count: int) -> list[Trainee]:
    """`count` new secretaries of the community in the cohort."""
    return [trainee(cohort, secretary(community), community) for _ in range(count)]


def session(
    district,
    *,
    by,
    cohort=None,
    starts_at=None,
    people=(),
    status=SessionStatus.PLANNED,
    mentor=None,
    **fields,
) -> Session:
    """A class of the cohort (a quarterly session without one) with these people invited."""
    starts_at = starts_at or in_days(7)
    row = Session.objects.create(
        district=district,
        kind=Kind.CLASS if cohort else Kind.QUARTERLY,
        cohort=cohort,
        month=timezone.localtime(starts_at).date().replace(day=1),
        title=fields.pop("title", "群众工作方法"),
        topic=Topic.MASS_WORK,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place=fields.pop("place", "区党群服务中心301"),
        trainer="王老师",
        mentor=mentor,
        status=status,
        created_by=by,
        **fields,
    )
    invite(row, *people)
    return row


def invite(session: Session, *users) -> list[Attendance]:
    return [
        Attendance.objects.create(
            session=session, user=user, community_id=min(user.scope.community_ids())
        )
        for user in users
    ]


def mentor(user, district, *, by, active: bool = True) -> Mentor:
    return Mentor.objects.create(
        district=district,
        user=user,
        kind=MentorKind.SCHOLAR,
        organisation="青岛大学",
        expertise="物业管理",
        active=active,
        added_by=by,
    )


def pairing(mentor: Mentor, secretary, *, by, ended_on=None) -> Pairing:
    return Pairing.objects.create(
        mentor=mentor,
        mentee=secretary,
        community_id=min(secretary.scope.community_ids()),
        created_by=by,
        ended_on=ended_on,
    )


def session_data(starts_at: datetime.datetime, **changes) -> dict:
    """What the planning form hands month_plan and quarterly_create."""
    return {
        "title": "物业管理实务",
        "topic": Topic.PROPERTY,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2, minutes=30),
        "place": "区党群服务中心301",
        "online_url": "",
        "trainer": "李老师",
        "description": "",
        **changes,
    }


def next_request(user):
    """The same person as the next request loads them (facts kept on the user object go)."""
    from accounts.models import User

    return User.objects.get(pk=user.pk)
