"""The attendance report's "missed twice in a row" (training/selectors.py missed_twice): the
database pairs each attendance with the person's previous one, whatever kind of session."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from training import selectors
from training.models import Attendance, Cohort, SessionStatus

from . import factories as tf

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _history(org, people, *presence):
    """One secretary invited to len(presence) held sessions this year, a week apart, alternately a
    class and a quarterly session, recorded present (True) or absent (False)."""
    cohort, _ = Cohort.objects.get_or_create(
        district=org.district, number=1, defaults={"name": "第1组"}
    )
    who = tf.secretary(org.guoao)
    tf.trainee(cohort, who, org.guoao)
    first = datetime.datetime(YEAR, 1, 5, 9, tzinfo=timezone.get_current_timezone())
    for n, came in enumerate(presence):
        session = tf.session(
            org.district,
            by=people.district,
            cohort=cohort if n % 2 == 0 else None,
            starts_at=first + datetime.timedelta(days=7 * n),
            people=[who],
            status=SessionStatus.HELD,
        )
        Attendance.objects.filter(session=session).update(present=came)
    return who


def _misses(user):
    return selectors.attendance_report(user=user, year=YEAR)["misses"]


def test_two_misses_in_a_row_are_flagged_with_their_dates(org, people):
    who = _history(org, people, True, False, False, True)
    [miss] = _misses(people.district)
    assert miss.user == who
    assert miss.dates == [datetime.date(YEAR, 1, 12), datetime.date(YEAR, 1, 19)]
    assert (miss.community, miss.street) == (org.guoao.name, org.guoao.street.name)


def test_misses_with_a_session_attended_between_are_not(org, people):
    _history(org, people, False, True, False, True, False)
    assert _misses(people.district) == []


def test_three_in_a_row_give_three_dates_once(org, people):
    _history(org, people, False, False, False)
    [miss] = _misses(people.district)
    assert len(miss.dates) == 3


def test_a_street_sees_only_its_secretaries(org, people):
    _history(org, people, False, False)
    assert len(_misses(people.district)) == 1
    ours = org.guoao.street_id in people.street.scope.street_ids()
    assert len(_misses(people.street)) == (1 if ours else 0)


def test_the_report_reads_the_same_queries_with_more_history(org, people):
    _history(org, people, False, False, True)
    _misses(people.district)  # the person's roles, read once per request anyway
    with CaptureQueriesContext(connection) as small:
        _misses(people.district)
    for _ in range(3):
        _history(org, people, True, False, False, False, True)
    _misses(people.district)
    with CaptureQueriesContext(connection) as large:
        assert len(_misses(people.district)) == 4
    assert len(small.captured_queries) == len(large.captured_queries)
