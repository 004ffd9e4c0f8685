"""Working days (工作日): the base service every date rule reads (公示 periods, the monthly
publications, the round table on the 17th).

A working day is Monday–Friday, minus the district's statutory holidays (法定节假日), plus its
调休 working Saturdays and Sundays; both kinds of exception are `CalendarDay` rows the district
keeps in the admin site. Each year's exceptions are read once and kept in the cache; saving or
deleting a `CalendarDay` forgets its year at once and again on commit. Like core/memo.py, a
value read inside a transaction is not stored (it might include rows that are then rolled back),
so tests, which run inside one, always read the database.

`SEED` holds the State Council's schedule for 2026 (国办发明电〔2025〕号, published 4 November
2025) and an estimate for 2027 (not yet published when this was written; see docs/glossary.md):
migration core/0006 writes it, and `ensure_calendar()` puts it back in a flushed database.
"""

import datetime
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction

TIMEOUT = 24 * 3600  # a change made behind the portal's back (raw SQL) shows within a day
MAX_SPAN_DAYS = 3 * 366  # a count further than this is a typing slip, not a date rule

HOLIDAY, WORKDAY = "holiday", "workday"


def _days(first: str, last: str | None = None):
    start = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last) if last else start
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# (first day, last day or None, kind, name)
_SCHEDULE = [
    # 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
    ("2026-01-01", "2026-01-03", HOLIDAY, "元旦"),
    ("2026-01-04", None, WORKDAY, "元旦调休上班"),
    ("2026-02-14", None, WORKDAY, "春节调休上班"),
    ("2026-02-15", "2026-02-23", HOLIDAY, "春节"),
    ("2026-02-28", None, WORKDAY, "春节调休上班"),
    ("2026-04-04", "2026-04-06", HOLIDAY, "清明节"),
    ("2026-05-01", "2026-05-05", HOLIDAY, "劳动节"),
    ("2026-05-09", None, WORKDAY, "劳动节调休上班"),
    ("2026-06-19", "2026-06-21", HOLIDAY, "端午节"),
    ("2026-09-20", None, WORKDAY, "国庆节调休上班"),
    ("2026-09-25", "2026-09-27", HOLIDAY, "中秋节"),
    ("2026-10-01", "2026-10-07", HOLIDAY, "国庆节"),
    ("2026-10-10", None, WORKDAY, "国庆节调休上班"),
    # 2027: an estimate from the lunar dates (春节 6 Feb, 清明 5 Apr, 端午 9 Jun, 中秋 15 Sep)
    # and the 2026 pattern; replace it in the admin site when the State Council publishes.
    ("2027-01-01", "2027-01-03", HOLIDAY, "元旦"),
    ("2027-01-31", None, WORKDAY, "春节调休上班"),
    ("2027-02-05", "2027-02-13", HOLIDAY, "春节"),
    ("2027-02-20", None, WORKDAY, "春节调休上班"),
    ("2027-04-03", "2027-04-05", HOLIDAY, "清明节"),
    ("2027-05-01", "2027-05-05", HOLIDAY, "劳动节"),
    ("2027-05-08", None, WORKDAY, "劳动节调休上班"),
    ("2027-06-09", None, HOLIDAY, "端午节"),
    ("2027-09-15", None, HOLIDAY, "中秋节"),
    ("2027-09-26", None, WORKDAY, "国庆节调休上班"),
    ("2027-10-01", "2027-10-07", HOLIDAY, "国庆节"),
    ("2027-10-09", None, WORKDAY, "国庆节调休上班"),
]
SEED = [(day, kind, name) for first, last, kind, name in _SCHEDULE for day in _days(first, last)]


def seed_calendar(model) -> int:
    """Write the seeded days that are missing (the model may be a migration's historical one);
    days the district has already entered stay as they are. Returns how many were added."""
    have = set(
        model.objects.filter(date__in=[d for d, _, _ in SEED]).values_list("date", flat=True)
    )
    missing = [model(date=d, kind=k, name=n) for d, k, n in SEED if d not in have]
    model.objects.bulk_create(missing)
    return len(missing)


def ensure_calendar() -> int:
    """Put the seeded holidays back (a flushed test database has lost the migration's rows)."""
    from .models import CalendarDay

    added = seed_calendar(CalendarDay)
    if added:
        forget_all()
    return added


# --- the year's exceptions, cached ------------------------------------------------------------
def _key(year: int) -> str:
    return f"workdays:{year}"


def _exceptions(year: int) -> dict[datetime.date, str]:
    """date → holiday/workday for one year."""
    name = _key(year)
    value = cache.get(name)
    if value is None:
        from .models import CalendarDay

        rows = CalendarDay.objects.filter(
            date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        ).values_list("date", "kind")
        value = dict(rows)
        if not connection.in_atomic_block:
            cache.set(name, value, TIMEOUT)
    return value


def forget(year: int) -> None:
    """Forget a year's exceptions now and again when the transaction commits."""
    cache.delete(_key(year))
    transaction.on_commit(lambda: cache.delete(_key(year)))


def forget_all() -> None:
    years = {d.year for d, _, _ in SEED}
    for year in years:
        forget(year)


def calendar_day_loaded(sender, instance, **kwargs) -> None:
    """post_init receiver: remember the year a row had, in case the admin moves it."""
    instance._loaded_year = instance.date.year if instance.date else None


def calendar_day_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver of CalendarDay (connected in core/apps.py): forget the
    year it is in now and the year it was in."""
    for year in {instance.date.year, getattr(instance, "_loaded_year", None)} - {None}:
        forget(year)


# --- the arithmetic -------------------------------------------------------------------------
def is_working_day(day: datetime.date) -> bool:
    """Monday–Friday unless a holiday; Saturday or Sunday only as a 调休 working day."""
    kind = _exceptions(day.year).get(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKDAY:
        return True
    return day.weekday() < 5


def working_day_on_or_after(day: datetime.date) -> datetime.date:
    """The day itself if it is a working day, else the next one."""
    for offset in range(MAX_SPAN_DAYS):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    raise ValueError(f"no working day within {MAX_SPAN_DAYS} days of {day}")


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (n ≥ 0; n = 0 is `day` itself)."""
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    for _ in range(n):
        current = working_day_on_or_after(current + timedelta(days=1))
        if (current - day).days > MAX_SPAN_DAYS:
            raise ValueError(f"{n} working days reach too far")
    return current


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """How many working days lie in first..last, both included (0 if last < first)."""
    if last < first:
        return 0
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValueError(f"span longer than {MAX_SPAN_DAYS} days")
    return sum(is_working_day(first + timedelta(days=i)) for i in range((last - first).days + 1))


def period_end(first: datetime.date, n: int) -> datetime.date:
    """The last day of a period of n working days that starts on `first` (a working day)."""
    return add_working_days(working_day_on_or_after(first), max(n, 1) - 1)
