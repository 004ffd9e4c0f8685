"""Sane bounds for every date a person types: a year like 0001 or 9999 is a typing slip, and a
plan ending in 9999 would hide a project from the overdue list for ever."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
BOUNDS_MESSAGE = f"请输入 {EARLIEST.year} 年至 {LATEST.year} 年之间的日期。"


def validate_sane_date(value) -> None:
    """Model and form validator: EARLIEST ≤ value ≤ LATEST."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(BOUNDS_MESSAGE, code="date_bounds")


def sane_date_q(field: str, *, nullable: bool = True) -> Q:
    """The same bound as a database check constraint."""
    q = Q(**{f"{field}__gte": EARLIEST, f"{field}__lte": LATEST})
    return Q(**{f"{field}__isnull": True}) | q if nullable else q


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
