"""The reports page's two small forms: a month, and a half year, each with the place (a street
for district staff) it is about."""

import datetime

from django import forms
from django.utils import timezone

from reports.models import Half, Period

from .bill import FIRST_YEAR


def _months(today: datetime.date, count: int = 24) -> list[tuple[str, str]]:
    first, months = today.replace(day=1), []
    while len(months) < count and first.year >= FIRST_YEAR:
        months.append((f"{first:%Y-%m}", f"{first.year}年{first.month}月"))
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months


def _halves(today: datetime.date) -> list[tuple[str, str]]:
    period, halves = Period.of(today), []
    while period.year >= FIRST_YEAR:
        halves.append((period.key, period.label))
        period = (
            Period(period.year, Half.FIRST)
            if period.half == Half.SECOND
            else Period(period.year - 1, Half.SECOND)
        )
    return halves


class MonthForm(forms.Form):
    month = forms.ChoiceField(
        label="月份", widget=forms.Select(attrs={"class": "form-select mb-2"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = _months(timezone.localdate())
        self.fields["month"].choices = months
        # What a street is asked for at the start of a month: the month just ended.
        self.fields["month"].initial = months[1][0] if len(months) > 1 else months[0][0]

    def clean_month(self) -> datetime.date:
        year, month = self.cleaned_data["month"].split("-")
        return datetime.date(int(year), int(month), 1)


class HalfYearForm(forms.Form):
    period = forms.ChoiceField(
        label="半年", widget=forms.Select(attrs={"class": "form-select mb-2"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _halves(timezone.localdate())

    def clean_period(self) -> Period:
        year, half = self.cleaned_data["period"].split("-")
        return Period(int(year), int(half))
