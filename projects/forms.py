from django import forms
from django.utils import timezone

from accounts.models import Compound
from core.dates import years_after
from core.once import OnceForm
from needs.models import Need
from partners.models import Partner

from .models import Activity, Project, Status
from .workflow import PLAN_HORIZON_YEARS


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectBasicForm(forms.ModelForm):
    needs = forms.ModelMultipleChoiceField(
        label="回应的需求",
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="从本社区的需求清单中选择",
    )

    class Meta:
        model = Project
        fields = ["title", "compound", "theme", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["needs"].queryset = Need.objects.alive().filter(community=community)
        if self.instance.pk:
            self.fields["needs"].initial = list(self.instance.needs.values_list("pk", flat=True))


class ProjectCreateForm(OnceForm, ProjectBasicForm):
    """The basics of a new project; posting the same page twice creates one project."""


class PlanForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["goal", "start_date", "end_date", "budget_total", "target_groups"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "budget_total": forms.NumberInput(
                attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}
            ),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "结束日期不能早于开始日期。")
        horizon = years_after(timezone.localdate(), PLAN_HORIZON_YEARS)
        if end and end > horizon:
            self.add_error(
                "end_date",
                f"计划结束日期不能晚于 {horizon:%Y-%m-%d}(最多安排 {PLAN_HORIZON_YEARS} 年)。",
            )
        budget = data.get("budget_total")
        if budget is not None and budget < 0:
            self.add_error("budget_total", "预算不能为负数。")
        return data


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["joint_meeting_date", "joint_meeting_attendees", "feasibility", "proposal"]
        widgets = {
            "joint_meeting_date": DateInput(),
            "feasibility": forms.Textarea(attrs={"rows": 3}),
            "proposal": forms.Textarea(attrs={"rows": 6}),
        }


class PartnerLinkForm(forms.Form):
    partner = forms.ModelChoiceField(label="合伙人", queryset=Partner.objects.none())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            Partner.objects.alive()
            .filter(community_id=project.community_id)
            .exclude(pk__in=project.partners.all())
        )


class PartnerUnlinkForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "该合伙人没有链接到这个项目。"},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = project.partners.all()


class DecisionForm(forms.Form):
    """The approve, return and comment forms share a page: each gets its own element ids."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="审核意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "return_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="修改意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时请写明修改意见。"},
    )


class CommentForm(OnceForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnnounceForm(forms.Form):
    announcement = forms.CharField(
        label="预告内容",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="居民在“百社百景”居民页面上看到的内容:时间、地点、怎么参加(如向谁报名)。",
    )


class ActivityForm(OnceForm, forms.ModelForm):
    photo = forms.ImageField(
        label="活动照片", required=False, help_text="JPG、PNG 或 WebP,不超过 10 MB"
    )

    class Meta:
        model = Activity
        fields = ["date", "place", "participants", "volunteers", "spending", "note"]
        widgets = {
            "date": DateInput(),
            "participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "volunteers": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "spending": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class RetrospectiveForm(forms.Form):
    retrospective = forms.CharField(
        label="复盘总结",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="做了什么、居民反响如何、有哪些经验和不足。",
    )


class ProjectFilterForm(forms.Form):
    # Rendered by hand in the list template: a page every role opens all day.
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Status.choices]
    )
    q = forms.CharField(label="名称", required=False, max_length=50)
