import datetime

import pytest
from django.core.cache import cache

from core import workdays
from core.models import CalendarDay
from core.workdays import (
    add_working_days,
    ensure_calendar,
    is_working_day,
    period_end,
    working_day_on_or_after,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def calendar():
    ensure_calendar()


def test_weekdays_work_and_weekends_rest():
    assert is_working_day(D(2026, 3, 2))  # Monday
    assert not is_working_day(D(2026, 3, 7))  # Saturday
    assert not is_working_day(D(2026, 3, 8))  # Sunday


def test_spring_festival_weekdays_are_holidays_and_the_saturdays_around_it_are_worked():
    assert not is_working_day(D(2026, 2, 16))  # Monday, 春节
    assert not is_working_day(D(2026, 2, 23))  # Monday, 正月初七
    assert is_working_day(D(2026, 2, 14))  # Saturday, 调休上班
    assert is_working_day(D(2026, 2, 28))  # Saturday, 调休上班
    assert is_working_day(D(2026, 1, 4))  # Sunday after 元旦


def test_adding_working_days_across_the_spring_festival():
    # Friday 13 Feb → Saturday 14 Feb (worked) → the holiday → Tuesday 24 Feb.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 13), 0) == D(2026, 2, 13)


def test_counting_working_days_includes_both_ends():
    # 9–13 Feb: 5; Saturday 14 Feb: 1; the holiday: 0; 24–27 Feb: 4; Saturday 28 Feb: 1.
    assert working_days_between(D(2026, 2, 9), D(2026, 2, 28)) == 11
    assert working_days_between(D(2026, 2, 24), D(2026, 2, 28)) == 5
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 1)) == 0


def test_the_first_working_day_on_or_after_a_holiday():
    assert working_day_on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)
    assert working_day_on_or_after(D(2026, 10, 8)) == D(2026, 10, 8)
    assert working_day_on_or_after(D(2026, 10, 10)) == D(2026, 10, 10)  # a worked Saturday


def test_a_period_of_five_working_days_from_before_national_day():
    # 28 Sep (Mon) 29, 30, then 8 Oct, 9 Oct.
    assert period_end(D(2026, 9, 28), 5) == D(2026, 10, 9)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)


def test_the_district_changing_the_calendar_is_seen_at_once(settings):
    day = D(2026, 3, 9)  # a Monday
    assert is_working_day(day)
    row = CalendarDay.objects.create(date=day, kind="holiday", name="临时休息")
    assert not is_working_day(day)
    row.kind = "workday"
    row.save()
    assert is_working_day(day)
    row.delete()
    assert is_working_day(day)


def test_a_cached_year_is_forgotten_when_a_day_changes(django_assert_num_queries):
    # Outside a transaction the year would be cached; fill the cache by hand as a request would.
    cache.set(workdays._key(2026), {}, 60)
    with django_assert_num_queries(0):
        assert is_working_day(D(2026, 2, 16))  # stale: the cached year knows no holidays
    CalendarDay.objects.filter(date=D(2026, 2, 16)).get().save()
    assert not is_working_day(D(2026, 2, 16))


def test_ensure_calendar_is_idempotent_and_keeps_the_districts_own_days():
    CalendarDay.objects.filter(date=D(2026, 10, 10)).update(name="区里改过的名字")
    assert ensure_calendar() == 0
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).name == "区里改过的名字"
    CalendarDay.objects.filter(date__year=2027).delete()
    assert ensure_calendar() > 0
    assert not is_working_day(D(2027, 2, 8))


def test_the_seed_covers_this_year_and_the_next():
    years = {d.year for d in CalendarDay.objects.dates("date", "year")}
    assert {2026, 2027} <= years
