"""Forms of practical tasks (实事) and excellent partners: explicit fields, never the community,
the status or the claim."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Community, Compound
from core.once import OnceForm

from .excellence import nomination_years
from .models import ExcellentStatus, Partner, PracticalTask, TaskKind, TaskStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TaskForm(forms.ModelForm):
    class Meta:
        model = PracticalTask
        fields = ["title", "kind", "date", "place", "compound", "description"]
        widgets = {
            "date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": "实事名称"}
        help_texts = {
            "title": "例如:法律援助进小区",
            "place": "例如:国奥花园3号楼前广场",
            "description": "需要做什么、需要几个人、带什么",
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["compound"].empty_label = "不限小区(全社区)"
        self.fields["title"].error_messages["required"] = "请填写实事名称。"
        self.fields["kind"].error_messages["required"] = "请选择实事类别。"
        self.fields["date"].error_messages.update(
            {"required": "请填写日期。", "invalid": "请按 年-月-日 填写日期。"}
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("请填写实事名称。")
        return title


class TaskCreateForm(OnceForm, TaskForm):
    """A new task; posting the same page twice publishes one."""


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *TaskStatus.choices]
    )
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *TaskKind.choices]
    )
    community = forms.ModelChoiceField(
        label="社区", required=False, queryset=Community.objects.none(), empty_label="全部社区"
    )
    month = forms.RegexField(
        label="月份",
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": "请按 年-月 选择月份。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = user.scope
        communities = Community.objects.select_related("street").order_by("street__name", "name")
        if not scope.is_district_business:
            communities = communities.filter(
                Q(pk__in=scope.community_ids()) | Q(street_id__in=scope.street_ids())
            )
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda c: c.name
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "month" else "form-select"

    def clean_month(self):
        raw = self.cleaned_data["month"]
        if not raw:
            return None
        year, month = (int(part) for part in raw.split("-"))
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("请按 年-月 选择月份。")
        return datetime.date(year, month, 1)


class ClaimForm(forms.Form):
    """Community staff claim on behalf of one of the community's partners or units, found by a
    search (partners:task_claimant_search): the page lists the matches, never all."""

    partner = forms.ModelChoiceField(
        label="认领的合伙人或单位",
        queryset=Partner.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "请先查找并选择认领的合伙人或单位。",
            "invalid_choice": "请在本社区在册的合伙人或单位中选择。",
        },
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            Partner.objects.alive().active().filter(community=community)
        )


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="取消原因",
        max_length=200,
        error_messages={"required": "请写明取消原因。", "max_length": "取消原因不超过200字。"},
    )


class DoneForm(forms.Form):
    result = forms.CharField(
        label="完成情况",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="做了什么、服务了多少人,一两句话即可",
        error_messages={"required": "请写明完成情况。", "max_length": "完成情况不超过1000字。"},
    )
    hours = forms.DecimalField(
        label="服务时长(小时)",
        required=False,
        max_digits=6,
        decimal_places=1,
        min_value=0.5,
        max_value=1000,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    photo = forms.ImageField(
        label="现场照片",
        required=False,
        help_text="建议上传一张,完成后会在居民页面的实事公示中展示",
    )
    photo_consent = forms.BooleanField(label="我已确认照片中的人同意在居民页面公开", required=False)

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_consent"):
            self.add_error("photo_consent", "上传照片前,请确认照片中的人同意公开。")
        return data


# --- excellent partners --------------------------------------------------------------------------
class NominateForm(OnceForm):
    partner = forms.ModelChoiceField(
        label="推荐的合伙人",
        queryset=Partner.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "请先查找并选择要推荐的合伙人。",
            "invalid_choice": "请在本社区在册的合伙人中选择。",
        },
    )
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    reason = forms.CharField(
        label="推荐理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="这一年做了哪些实事、帮了多少居民",
        error_messages={"required": "请填写推荐理由。", "max_length": "推荐理由不超过1000字。"},
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            Partner.objects.alive().active().filter(community=community).select_related("category")
        )
        self.fields["year"].choices = [(y, f"{y} 年度") for y in nomination_years()]
        self.fields["year"].initial = nomination_years()[0]


class NoteForm(forms.Form):
    note = forms.CharField(
        label="审核意见",
        max_length=200,
        required=False,
        error_messages={"max_length": "审核意见不超过200字。"},
    )


class PublishForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请选择年度。", "invalid": "请选择年度。"},
    )


class ExcellentFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *ExcellentStatus.choices]
    )

    def year_or_default(self) -> int:
        found = self.cleaned_data.get("year") if self.is_valid() else None
        return found or timezone.localdate().year
