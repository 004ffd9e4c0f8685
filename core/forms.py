import datetime

from django import forms

from .models import AuditEvent

MIN_DAY, MAX_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


class AuditSearchForm(forms.Form):
    q = forms.CharField(label="账号或操作", required=False, max_length=100)
    result = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditEvent.Result.choices]
    )
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day and not (MIN_DAY <= day <= MAX_DAY):
                self.add_error(name, f"请输入 {MIN_DAY.year} 年至 {MAX_DAY.year} 年之间的日期。")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data
