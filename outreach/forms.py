from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone

from accounts.households import HouseholdField
from accounts.models import Compound, Household
from core.once import OnceForm
from core.phone import PhoneFormField
from needs.models import Category, Need

from .models import MeetingKind, SuggestionChannel, SuggestionStatus
from .services import MENTIONS_MAX, NEW_NEEDS_MAX, TEXT_MAX
from .widgets import NeedPicker, posted_count


class DateInput(forms.DateInput):
    """A phone's date picker; its value is always YYYY-MM-DD, whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def search_text(value, limit: int = 50) -> str:
    """What a search box sent, fit for a LIKE query: no NUL bytes (PostgreSQL refuses them),
    trimmed and bounded."""
    return str(value or "").replace("\x00", "").strip()[:limit]


class NeedChoices(forms.ModelMultipleChoiceField):
    """The needs ticked: ids only, and at most MENTIONS_MAX of them, judged before any query (a
    forged id longer than the database's integers would otherwise fail inside the query)."""

    def _check_values(self, value):
        for pk in value:
            pk = str(pk)
            if not (pk.isascii() and pk.isdigit() and len(pk) < 12):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if len(set(value)) > MENTIONS_MAX:
            raise ValidationError(f"一次最多选择 {MENTIONS_MAX} 条已有需求。", code="too_many")
        return super()._check_values(value)


def live_needs(community):
    """The needs of a community a record may raise again: live (not deleted, not merged)."""
    return (
        Need.objects.alive()
        .filter(community=community)
        .select_related("category")
        .only("id", "title", "mentions", "community_id", "category__name", "category__code")
    )


class NeedsPartForm(forms.Form):
    """The needs part of a visit or a meeting: needs of the list ticked (with a count each at a
    meeting), and up to NEW_NEEDS_MAX new ones typed in."""

    counts = False  # a meeting: how many residents raised each need

    def add_needs_fields(self, community, data) -> None:
        picker = NeedPicker(counts=self.counts)
        picker.data = data
        self.fields["mentions"] = NeedChoices(
            label="已有需求(再次反映)",
            queryset=live_needs(community),
            required=False,
            widget=picker,
            error_messages={"invalid_choice": "只能选择本社区需求清单里的需求。"},
        )
        categories = Category.objects.filter(active=True)
        for i in range(1, NEW_NEEDS_MAX + 1):
            self.fields[f"new_title_{i}"] = forms.CharField(
                label=f"新需求{i}", max_length=100, required=False
            )
            self.fields[f"new_category_{i}"] = forms.ModelChoiceField(
                label=f"新需求{i}的类别",
                queryset=categories,
                to_field_name="code",
                required=False,
                empty_label="请选择类别",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            if self.counts:
                self.fields[f"new_count_{i}"] = forms.IntegerField(
                    label=f"新需求{i}的人次", min_value=1, max_value=100_000, required=False
                )
        self.needs_data = data

    def set_search_url(self, url: str) -> None:
        widget = self.fields["mentions"].widget
        widget.search_url, widget.label = url, "已有需求"

    def new_rows(self):
        """(title, category, count) bound fields of each new-need row, for the template."""
        return [
            (
                self[f"new_title_{i}"],
                self[f"new_category_{i}"],
                self[f"new_count_{i}"] if self.counts else None,
            )
            for i in range(1, NEW_NEEDS_MAX + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        for i in range(1, NEW_NEEDS_MAX + 1):
            title, category = cleaned.get(f"new_title_{i}"), cleaned.get(f"new_category_{i}")
            if title and not category and f"new_category_{i}" not in self.errors:
                self.add_error(f"new_category_{i}", "请为这条新需求选择类别。")
            if category and not title:
                self.add_error(f"new_title_{i}", "请填写新需求的内容,或把类别改回“请选择类别”。")
        return cleaned

    def needs_input(self) -> tuple[list, list]:
        """(mentions as [(need, count)], new needs as [{title, category, count}])."""
        data = self.cleaned_data
        mentions = [
            (need, posted_count(self.needs_data, need.pk) if self.counts else 1)
            for need in data.get("mentions") or ()
        ]
        new = [
            {
                "title": data[f"new_title_{i}"],
                "category": data[f"new_category_{i}"],
                "count": (data.get(f"new_count_{i}") or 1) if self.counts else 1,
            }
            for i in range(1, NEW_NEEDS_MAX + 1)
            if data.get(f"new_title_{i}")
        ]
        return mentions, new

    def record_data(self) -> dict:
        names = set(self.fields) - {"once", "mentions"}
        return {
            k: v for k, v in self.cleaned_data.items() if k in names and not k.startswith("new_")
        }


class VisitForm(NeedsPartForm):
    household = HouseholdField(label="走访住户")
    visited_on = forms.DateField(label="走访日期", widget=DateInput())
    visitors = forms.CharField(label="走访人员", max_length=100, help_text="例如:王书记、李网格员")
    raised = forms.CharField(
        label="居民反映的情况",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data=None, *, community, user, back: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        field = self.fields["household"]
        field.set_user(user, back=back)
        # Only this community's households: another community the worker serves is refused.
        field.queryset = field.queryset.filter(building__compound__community=community)
        field.widget.queryset = field.queryset
        self.add_needs_fields(community, data)


class VisitCreateForm(OnceForm, VisitForm):
    pass


class MeetingForm(NeedsPartForm):
    counts = True

    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议主题", max_length=100)
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    compound = forms.ModelChoiceField(
        label="小区", queryset=Compound.objects.none(), required=False, empty_label="全社区"
    )
    attendance = forms.IntegerField(
        label="参会人数",
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    minutes = forms.FileField(
        label="会议纪要",
        required=False,
    )
    summary = forms.CharField(
        label="会议情况",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data=None, files=None, *, community, **kwargs):
        super().__init__(data, files, **kwargs)
        mb = 1024 * 1024
        self.fields["minutes"].help_text = (
            f"PDF 或 Word(docx)文件不超过 {settings.UPLOAD_DOCUMENT_MAX_BYTES // mb} MB,"
            f"照片不超过 {settings.UPLOAD_IMAGE_MAX_BYTES // mb} MB;修改时不选则保留原文件"
        )
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.add_needs_fields(community, data)


class MeetingCreateForm(OnceForm, MeetingForm):
    pass


class BoxForm(OnceForm):
    """A stairwell of the community: a building and one of its households' units. Each option's
    value is the first household of the stairwell (an id, checked against the community)."""

    stairwell = forms.ChoiceField(
        label="楼道(楼栋、单元)", error_messages={"invalid_choice": "请从列表中选择楼道。"}
    )
    location = forms.CharField(
        label="位置说明", max_length=100, required=False, help_text="例如:一楼信报箱旁"
    )

    def __init__(self, data=None, *, community, taken=(), **kwargs):
        super().__init__(data, **kwargs)
        self.community = community
        rows = (
            Household.objects.filter(building__compound__community=community)
            .values("building_id", "building__compound__name", "building__number", "unit")
            .annotate(first=Min("id"))
            .order_by("building__compound__name", "building__number", "unit")[:2000]
        )
        taken = set(taken)
        groups: dict[str, list] = {}
        for row in rows:
            if (row["building_id"], row["unit"]) in taken:
                continue
            unit = row["unit"] if row["unit"].endswith("单元") else f"{row['unit']}单元"
            groups.setdefault(row["building__compound__name"], []).append(
                (str(row["first"]), f"{row['building__number']} {unit}")
            )
        self.fields["stairwell"].choices = [("", "请选择楼道"), *groups.items()]

    def clean_stairwell(self):
        household = (
            Household.objects.select_related("building__compound")
            .filter(
                pk=self.cleaned_data["stairwell"],
                building__compound__community=self.community,
            )
            .first()
        )
        if household is None:
            raise ValidationError("请从列表中选择楼道。")
        return household.building, household.unit

    def box_data(self) -> dict:
        building, unit = self.cleaned_data["stairwell"]
        return {"building": building, "unit": unit, "location": self.cleaned_data["location"]}


class BoxEditForm(forms.Form):
    """Where the box hangs; its stairwell and code are fixed (the printed label names them)."""

    location = forms.CharField(
        label="位置说明", max_length=100, required=False, help_text="例如:一楼信报箱旁"
    )


TEXT_MESSAGES = {
    "required": "请写下您的意见或建议。",
    "max_length": f"意见建议不能超过 {TEXT_MAX} 字(现在 %(show_value)d 字),请删短一些。",
}


class SuggestionForm(OnceForm):
    """The residents' form: what they want to say, and a phone only if they want a reply."""

    text = forms.CharField(
        label="您的意见或建议",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        error_messages=TEXT_MESSAGES,
        help_text=f"最多 {TEXT_MAX} 字。不用写姓名、门牌号。",
    )
    phone = PhoneFormField(
        label="联系电话(可不填)",
        required=False,
        help_text="只用于社区工作人员回复您,不会公开。",
    )
    consent = forms.BooleanField(
        label="我同意社区用这个电话联系我(只在留了电话时需要勾选)", required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("phone") and not cleaned.get("consent"):
            self.add_error("consent", "留了电话,请勾选同意;不想留电话可以把电话删掉。")
        return cleaned


class SlipForm(OnceForm):
    """A paper slip typed in: the text, and the phone written on it if any."""

    text = forms.CharField(
        label="纸条内容",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX, "data-enter-submits": ""}),
        error_messages=TEXT_MESSAGES,
    )
    phone = PhoneFormField(label="纸条上的电话(可不填)", required=False)


class FileForm(forms.Form):
    need = forms.ModelChoiceField(
        label="记入需求",
        queryset=Need.objects.none(),
        error_messages={
            "required": "请选择要记入的需求。",
            "invalid_choice": "只能记入本社区现有的需求。",
        },
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = live_needs(community)


class FileNewForm(forms.Form):
    title = forms.CharField(label="需求", max_length=100)
    category = forms.ModelChoiceField(
        label="类别",
        queryset=Category.objects.filter(active=True),
        to_field_name="code",
        empty_label="请选择类别",
    )
    description = forms.CharField(
        label="详细说明",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="不予采纳的理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留了回执码的居民能看到这段话,请写得平实、具体。",
        error_messages={"required": "请写明不予采纳的理由。"},
    )


SELECT = {"class": "form-select"}
# Ids in a query string: anything longer than the database's integers is refused by the field.
ID_MAX = 2**63 - 1


class MonthField(forms.DateField):
    """A month (YYYY-MM) of the years records can have: the filter's range is computed from it."""

    widget = forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "请选择月份。"}

    def validate(self, value):
        super().validate(value)
        if value and not 2000 <= value.year <= 2100:
            raise ValidationError("请选择 2000 年到 2100 年之间的月份。", code="out_of_range")


class CompoundField(forms.ModelChoiceField):
    """The compounds of the user's communities, named with their community (a street's or the
    district's list holds several compounds of the same name)."""

    def __init__(self, **kwargs):
        super().__init__(
            label="小区",
            queryset=Compound.objects.none(),
            required=False,
            empty_label="全部小区",
            widget=forms.Select(attrs=SELECT),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.community.name} · {obj.name}"


class FilterForm(forms.Form):
    """A list's filters: a field sent wrong is left out, the others still filter."""

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds

    def filters(self) -> dict:
        self.is_valid()
        return self.cleaned_data


class SuggestionFilterForm(FilterForm):
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部状态"), *SuggestionStatus.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    channel = forms.ChoiceField(
        label="渠道",
        choices=[("", "全部渠道"), *SuggestionChannel.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    compound = CompoundField()
    box = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=ID_MAX
    )
    month = MonthField(label="月份", required=False)


class VisitFilterForm(FilterForm):
    compound = CompoundField()
    building = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=ID_MAX
    )
    month = MonthField(label="月份", required=False)


class MeetingFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label="会议类型",
        choices=[("", "全部类型"), *MeetingKind.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    compound = CompoundField()
    month = MonthField(label="月份", required=False)
