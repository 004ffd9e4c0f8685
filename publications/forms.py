"""Forms of the staff pages of the monthly rhythm (publications/staff_views.py)."""

import datetime

from django import forms

from accounts.models import Street
from core.dates import EARLIEST, LATEST

from .models import Kind, PublicationStatus
from .services import FOREWORD_MAX


class ForewordForm(forms.Form):
    """The foreword, saved on its own or with the sign-off (optional, up to 2000 characters)."""

    foreword = forms.CharField(
        label="导语",
        required=False,
        max_length=FOREWORD_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"可选,{FOREWORD_MAX} 字以内,显示在刊物开头。签发后不能再修改。",
    )


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *Kind.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *PublicationStatus.choices]
    )
    late = forms.BooleanField(label="只看逾期未签发", required=False)


class SettingsForm(forms.Form):
    auto_publish = forms.BooleanField(
        label="到期未签发时自动发布月初预告和月末总结",
        required=False,
        help_text="默认关闭:等待街道签发,并每天提醒。红色专递始终由区级签发。",
    )
    auto_publish_hour = forms.TypedChoiceField(
        label="自动发布时刻(北京时间)",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        initial=10,
        help_text="在应发布日期当天这个时刻之后自动发布;错过则在之后的第一次运行时发布。",
    )


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an <input type=month>), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"})

    def clean(self, value):
        value = super().clean(value)
        try:
            month = datetime.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("请按“年-月”填写月份,如 2026-05。") from None
        if not EARLIEST <= month <= LATEST:
            raise forms.ValidationError(f"请填写 {EARLIEST.year} 年至 {LATEST.year} 年之间的月份。")
        return month


class CompileForm(forms.Form):
    """District staff compile a month's drafts by hand (all streets, or one)."""

    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    month = MonthField(label="月份", max_length=7)
    street = forms.ModelChoiceField(
        label="街道",
        queryset=Street.objects.none(),
        required=False,
        empty_label="全部街道",
        help_text="红色专递属于全区,不选街道。",
    )

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        streets = Street.objects.order_by("name")
        self.fields["street"].queryset = (
            streets.filter(district=district) if district else streets.none()
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.DIGEST and data.get("street"):
            self.add_error("street", "红色专递属于全区,不能选街道。")
        return data
