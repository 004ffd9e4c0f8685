from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Compound
from core.once import OnceForm

from .models import Category, Need, NeedSource, NeedStatus
from .services import MAX_COUNT

# Django's own words for a NUL byte in text read "不允许是用空字符串" (wrong, and not Chinese).
NUL_MESSAGE = "含有无法识别的字符,请删除后重新输入。"


def plain_messages(form) -> None:
    """Clear Chinese for a NUL byte in any text field of `form`."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.error_messages["null_characters_not_allowed"] = NUL_MESSAGE


class DateInput(forms.DateInput):
    """A phone's date picker reads only ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NeedForm(OnceForm, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "category", "source", "compound", "mentions", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mentions": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["category"].queryset = Category.objects.filter(active=True)
        plain_messages(self)


class NeedEditForm(forms.ModelForm):
    """What a need's community may change; its sources and counts change only by mentions and
    merges, its status only by the workflow's buttons."""

    class Meta:
        model = Need
        fields = ["title", "category", "compound", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        need = self.instance
        self.fields["compound"].queryset = Compound.objects.filter(community_id=need.community_id)
        # Active categories, and the need's own even if the district has since stopped it.
        self.fields["category"].queryset = Category.objects.filter(
            Q(active=True) | Q(code=need.category_id)
        )
        plain_messages(self)


class MentionForm(OnceForm):
    """Residents raised the need again: a source added by hand on the need's page."""

    source = forms.ChoiceField(label="来源", choices=NeedSource.choices)
    count = forms.IntegerField(
        label="反映人次",
        min_value=1,
        max_value=MAX_COUNT,
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )
    noted_on = forms.DateField(label="日期", widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_messages(self)

    def clean_noted_on(self):
        day = self.cleaned_data["noted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。")
        if day.year < 2000:
            raise forms.ValidationError("日期不正确。")
        return day


class StatusForm(forms.Form):
    """A status button; solve and decline carry what residents will read."""

    action = forms.ChoiceField(
        choices=[
            ("study", "开始研究"),
            ("solve", "已解决"),
            ("decline", "暂不采纳"),
            ("reopen", "重新研究"),
        ]
    )
    note = forms.CharField(label="答复居民", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_messages(self)


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label="合并到", coerce=int, choices=())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(n.pk, n.title) for n in candidates]
        self.fields["into"].error_messages["invalid_choice"] = (
            "只能合并到本社区另一条未删除的需求。"
        )


class CategoryForm(forms.Form):
    """One change to the district's category list: add (a name), rename (a category, a name),
    move it up or down, deactivate, activate, delete."""

    op = forms.ChoiceField(
        choices=[
            ("add", "添加"),
            ("rename", "改名"),
            ("up", "上移"),
            ("down", "下移"),
            ("deactivate", "停用"),
            ("activate", "启用"),
            ("delete", "删除"),
        ],
        initial="add",
        widget=forms.HiddenInput,
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.HiddenInput
    )
    name = forms.CharField(label="类别名称", max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["op"].error_messages["invalid_choice"] = "没有这个操作。"
        self.fields["category"].error_messages["invalid_choice"] = "类别不存在,请刷新页面。"
        plain_messages(self)

    def clean(self):
        data = super().clean()
        if data.get("op") in ("add", "rename") and not (data.get("name") or "").strip():
            self.add_error("name", "请填写类别名称。")
        return data


PERIODS = [("", "不限"), ("month", "本月"), ("quarter", "本季度"), ("year", "本年")]


def period_start(period: str, today: date) -> date | None:
    if period == "month":
        return today.replace(day=1)
    if period == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return today.replace(month=1, day=1)
    return None


class NeedFilterForm(forms.Form):
    """The list's filters, read from GET by the list, its charts and its export. A bad value is
    dropped with a message (`filters()`), never an error page. Pickers list only the person's
    own scope."""

    # Rendered by hand in the list template.
    community = forms.TypedChoiceField(label="社区", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="类别", required=False)
    compound = forms.TypedChoiceField(label="小区", required=False, coerce=int, empty_value=None)
    source = forms.ChoiceField(
        label="来源", required=False, choices=[("", "全部来源"), *NeedSource.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *NeedStatus.choices]
    )
    period = forms.ChoiceField(label="时间", required=False, choices=PERIODS)
    since = forms.DateField(label="记录日期从", required=False, widget=DateInput())
    until = forms.DateField(label="记录日期到", required=False, widget=DateInput())
    q = forms.CharField(label="需求名称", required=False, max_length=50)
    group = forms.BooleanField(label="按类别分组", required=False)

    def __init__(self, *args, categories, communities, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", "全部类别"),
            *((c.code, c.name) for c in categories),
        ]
        if len(communities) > 1:
            self.fields["community"].choices = [
                ("", "全部社区"),
                *((c.pk, f"{c.street.name} · {c.name}") for c in communities),
            ]
        else:
            del self.fields["community"]
        self.fields["compound"].choices = [("", "全部小区"), *compounds]
        messages = {
            "community": "所选社区不在您能查看的范围内,已忽略。",
            "category": "没有这个类别,已忽略。",
            "compound": "所选小区不在所选社区,已忽略。",
            "source": "没有这个来源,已忽略。",
            "status": "没有这个状态,已忽略。",
            "period": "没有这个时间范围,已忽略。",
        }
        for name, message in messages.items():
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = message
        for name in ("since", "until"):
            self.fields[name].error_messages["invalid"] = "日期格式不正确,已忽略。"
        self.fields["q"].error_messages["null_characters_not_allowed"] = (
            "含有无法识别的字符,已忽略。"
        )

    def filters(self) -> dict:
        """The valid, non-empty values by the selector's names: a bad one is left out (and its
        message shown above the list), the others still apply. A quick period (本月/本季度/本年)
        fills the start date unless one was typed."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}
        period = data.pop("period", "")
        data.pop("group", None)
        start = period_start(period, timezone.localdate())
        if start and not data.get("since"):
            data["since"] = start
        return data

    @property
    def grouped(self) -> bool:
        if not self.is_bound:
            return False
        self.is_valid()
        return bool(self.cleaned_data.get("group"))

    def chosen(self) -> int:
        """How many filters are set (the phone's folded filter button says so)."""
        if not self.is_bound:
            return 0
        return sum(
            1
            for name in ("community", "category", "compound", "source", "status", "period", "q")
            if self.data.get(name)
        ) + bool(self.data.get("since") or self.data.get("until"))
