from django import forms

from accounts.models import Street
from core.once import OnceForm

from .models import (
    REQUIRED_SECTIONS,
    SECTION_MAX,
    AssessmentGrade,
    HalfYearReport,
    Period,
    YearlyAssessment,
)


class ReportStartForm(forms.Form):
    """Open (or draft) the street's report for a half year."""

    street = forms.ModelChoiceField(
        label="街道",
        queryset=Street.objects.none(),
        error_messages={"invalid_choice": "只能为本街道起草述职。"},
    )
    period = forms.CharField(label="述职期间", max_length=10)

    def __init__(self, *args, streets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets if streets is not None else Street.objects.none()

    def clean_period(self):
        period = Period.parse(self.cleaned_data["period"])
        if period is None:
            raise forms.ValidationError("请选择已经开始的半年(例如 2026 年上半年)。")
        return period


class ReportForm(forms.ModelForm):
    """The text sections the street writes."""

    class Meta:
        model = HalfYearReport
        fields = ["practices", "achievements", "problems", "next_steps"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6, "maxlength": SECTION_MAX}) for name in fields
        }
        help_texts = {
            "practices": "本半年怎样组织社区领办项目、链接资源、发动居民",
            "achievements": "取得了哪些成效;可引用上方的数据",
            "problems": "工作中遇到的困难和不足",
            "next_steps": "下半年的工作安排",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A half-written draft may be saved; the report goes up only with the required sections
        # written (reports.workflow._submit_check). The form says which ones they are.
        for name in REQUIRED_SECTIONS:
            field = self.fields[name]
            field.label = f"{field.label}(必填)"
            field.widget.attrs.update({"required": True, "aria-required": "true"})
            field.help_text = f"{field.help_text}。提交前必须填写"


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明需要街道补充或修改的内容",
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label="意见(可选)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = YearlyAssessment
        fields = ["grade", "score", "comment"]
        widgets = {
            "grade": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no "please choose" entry: nothing ticked is the same.
        self.fields["grade"].choices = AssessmentGrade.choices


class AssessmentCreateForm(OnceForm, AssessmentForm):
    class Meta(AssessmentForm.Meta):
        pass


class PeriodFilterForm(forms.Form):
    period = forms.CharField(required=False, max_length=10)

    def clean_period(self):
        return Period.parse(self.cleaned_data.get("period"))


class YearFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2020, max_value=2100)
