"""Forms of the round table's follow-up (roundtable/followup_views.py): a resolution added,
corrected and done, a topic set aside or turned into a need, and the follow-up list's filters.

The forms check lengths and types with a message beside the field; the services
(roundtable/followup.py) check the rest again (a due date within a year, the meeting's day).
"""

import datetime

from django import forms
from django.utils import timezone

from core.dates import validate_sane_date
from core.once import OnceForm
from needs.models import Category

from .followup import LONGEST_DUE, STATES


class DateInput(forms.DateInput):
    """A phone's date picker reads only ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _due_on(value: datetime.date) -> datetime.date:
    today = timezone.localdate()
    if value < today:
        raise forms.ValidationError("完成时限不能早于今天。")
    if value > today + LONGEST_DUE:
        raise forms.ValidationError("完成时限不能超过一年。")
    return value


class ResolutionForm(OnceForm):
    """What the meeting decided on a topic: who does what by when."""

    responsible = forms.CharField(
        label="谁来做",
        max_length=60,
        help_text="例如:物业公司、社区网格员、业委会",
    )
    action = forms.CharField(
        label="做什么",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(
        label="完成时限",
        widget=DateInput(),
        validators=[validate_sane_date],
        help_text="今天起一年以内",
    )

    def clean_due_on(self):
        return _due_on(self.cleaned_data["due_on"])


class ResolutionEditForm(forms.Form):
    """Correcting an open resolution: its text or its due date, and why."""

    responsible = forms.CharField(label="谁来做", max_length=60)
    action = forms.CharField(
        label="做什么", max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label="完成时限", widget=DateInput(), validators=[validate_sane_date])
    reason = forms.CharField(
        label="修改理由",
        max_length=200,
        help_text="例如:材料到货推迟,经物业与居民代表商定延期",
    )


class ResolutionDoneForm(forms.Form):
    note = forms.CharField(
        label="办结情况",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="做了什么、结果如何,300 字以内",
    )


class SetAsideForm(forms.Form):
    reason = forms.CharField(
        label="暂不讨论的理由",
        max_length=200,
        help_text="例如:与“3号楼噪音”议题重复;属于物业合同纠纷,请走法律途径",
    )


class ToNeedForm(forms.Form):
    """转为需求: the category is optional (邻里关系 unless staff pick another)."""

    category = forms.ModelChoiceField(
        label="需求类别",
        queryset=Category.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="默认(邻里关系)",
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            categories if categories is not None else Category.objects.filter(active=True)
        )


class ResolutionFilterForm(forms.Form):
    """The follow-up list's filters: the state, and the street and community within scope."""

    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *STATES.items()])
    street = forms.TypedChoiceField(label="街道", required=False, coerce=int, empty_value=None)
    community = forms.TypedChoiceField(label="社区", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communities=(), **kwargs):
        """`communities`: those the user sees, with their street (one query, by the view)."""
        super().__init__(*args, **kwargs)
        streets = {c.street_id: c.street.name for c in communities}
        self.fields["street"].choices = [("", "全部街道"), *sorted(streets.items(), key=_name)]
        self.fields["community"].choices = [
            ("", "全部社区"),
            *(
                (c.pk, f"{c.street.name} · {c.name}" if len(streets) > 1 else c.name)
                for c in communities
            ),
        ]
        self.show_street = len(streets) > 1
        self.show_community = len(communities) > 1


def _name(item):
    return item[1]
