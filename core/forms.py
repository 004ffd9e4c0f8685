from django import forms

from .dates import BOUNDS_MESSAGE, EARLIEST, LATEST
from .models import AuditEvent
from .preferences import CHOOSABLE, MODE_CHOICES


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
            if day and not (EARLIEST <= day <= LATEST):
                self.add_error(name, BOUNDS_MESSAGE)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


class NotificationPreferencesForm(forms.Form):
    """One choice per kind a person may choose for (core/preferences.py); locked kinds have none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.examples,
                choices=MODE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "请为每一类通知选择一种方式。",
                    "invalid_choice": "请在三种方式中选择一种。",
                },
            )
