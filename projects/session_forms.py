"""Forms of step 6 as a programme (projects/sessions.py): a session, a series, the record of a
held session with its volunteer and spending rows, a cancellation and a photo's consent."""

from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from core.once import OnceForm
from partners.models import Partner

from .forms import DateInput
from .models import Activity, ActivityPhoto, ActivitySeries, BudgetLine, Milestone
from .sessions import MAX_PHOTOS

VOLUNTEER_ROWS = 4  # blank rows shown; a session with more adds them when corrected
SPENDING_ROWS = 3
PARTNER_CHOICES = 100  # the picker lists the project's partners first, then the community's


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SessionFields(forms.ModelForm):
    """Date, times, place, sign-up and the plan's milestone of one session."""

    class Meta:
        model = Activity
        fields = [
            "title",
            "date",
            "starts_at",
            "ends_at",
            "place",
            "signup_capacity",
            "signup_deadline",
            "milestone",
        ]
        widgets = {
            "date": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "signup_capacity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "signup_deadline": DateTimeInput(),
        }
        help_texts = {"milestone": "这场活动完成计划中的哪个节点(可不选)"}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["signup_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["milestone"].queryset = Milestone.objects.filter(project=project).order_by(
            "date", "id"
        )
        self.fields["milestone"].empty_label = "—"

    def _post_clean(self):
        # The service checks the session against its project (plan dates, horizon, milestone);
        # the model's own validation would ask for the project before it is set.
        pass


class SessionForm(OnceForm, SessionFields):
    """Schedule one session (a new record: one per posted form)."""


class SeriesForm(OnceForm, forms.ModelForm):
    class Meta:
        model = ActivitySeries
        fields = [
            "title",
            "recurrence",
            "first_date",
            "until",
            "starts_at",
            "ends_at",
            "place",
            "signup_capacity",
        ]
        widgets = {
            "first_date": DateInput(),
            "until": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "signup_capacity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }
        help_texts = {
            "until": "不填则一直重复;系统最多提前 12 个月安排,且不超过项目计划的结束日期",
            "recurrence": "每月 31 日的活动在小月安排在月末;每年 2 月 29 日的活动在平年安排在 2 月 28 日",
        }

    def _post_clean(self):
        pass


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several photos in one field (a phone's album picks many); each checked as an image here,
    and again by the upload service (content, size, re-encoding)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"每场活动最多 {MAX_PHOTOS} 张照片。")
        return [super(MultipleImageField, self).clean(one, initial) for one in files]


def partner_labels(partners) -> list[tuple[int, str]]:
    """(pk, label) for a picker: a community has several 超市 or 志愿者 of one name, so the label
    adds the category and what the partner offers, and the partner's number where that is still
    not enough."""
    partners = list(partners)
    labels = {}
    for p in partners:
        skills = f" · {Truncator(p.skills).chars(16)}" if p.skills else ""
        labels[p.pk] = f"{p.name}({p.get_category_display()}{skills})"
    twice = {label for label, n in Counter(labels.values()).items() if n > 1}
    return [
        (p.pk, f"{labels[p.pk]} 编号 {p.pk}" if labels[p.pk] in twice else labels[p.pk])
        for p in partners
    ]


class HoldForm(forms.Form):
    """The record of a held session: participants, volunteers (partners of the community with
    their hours), spending against the plan's budget lines, photos and a note."""

    participants = forms.IntegerField(
        label="参与人数",
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    volunteers = forms.IntegerField(
        label="志愿者总人数",
        min_value=0,
        max_value=10_000,
        required=False,
        help_text="含未登记为合伙人的志愿者;不填则按下面登记的人数计",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="活动记录", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = MultipleImageField(
        label="活动照片",
        required=False,
        help_text=f"JPG、PNG 或 WebP,每张不超过 10 MB,最多 {MAX_PHOTOS} 张;上传后默认不公开",
    )
    caption = forms.CharField(label="照片说明", max_length=100, required=False)
    shows_children = forms.BooleanField(label="照片中有儿童", required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        project = session.project
        linked = list(project.partners.values_list("pk", flat=True))
        partners = list(
            Partner.objects.alive()
            .filter(community_id=project.community_id)
            .only("id", "name", "category", "skills")
            .order_by("name", "id")[:PARTNER_CHOICES]
        )
        partners.sort(key=lambda p: (p.pk not in linked, p.name))
        self.partners = {p.pk: p for p in partners}
        self.lines = {
            line.pk: line for line in BudgetLine.objects.filter(project=project).order_by("id")
        }
        existing = list(session.volunteer_rows.select_related("partner")) if session.pk else []
        spent = list(session.spending_rows.all()) if session.pk else []
        for row in existing:  # a partner listed before stays pickable
            self.partners.setdefault(row.partner_id, row.partner)
        partner_choices = [("", "—"), *partner_labels(self.partners.values())]
        line_choices = [
            ("", "—"),
            *(
                (pk, f"{line.item}({line.get_source_display()},预算 {line.amount} 元)")
                for pk, line in self.lines.items()
            ),
        ]
        self.volunteer_rows, self.spending_rows = [], []
        for i in range(len(existing) + VOLUNTEER_ROWS):
            self.fields[f"partner_{i}"] = forms.TypedChoiceField(
                label=f"志愿者 {i + 1}",
                choices=partner_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=existing[i].partner_id if i < len(existing) else None,
            )
            self.fields[f"hours_{i}"] = forms.DecimalField(
                label=f"志愿者 {i + 1} 服务时长(小时)",
                min_value=0.5,
                max_value=24,
                decimal_places=1,
                required=False,
                initial=existing[i].hours if i < len(existing) else None,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
            self.volunteer_rows.append((self[f"partner_{i}"], self[f"hours_{i}"]))
        for i in range(len(spent) + SPENDING_ROWS):
            self.fields[f"line_{i}"] = forms.TypedChoiceField(
                label=f"支出 {i + 1} 预算明细",
                choices=line_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=spent[i].budget_line_id if i < len(spent) else None,
            )
            self.fields[f"amount_{i}"] = forms.DecimalField(
                label=f"支出 {i + 1} 金额(元)",
                min_value=0,
                max_value=99_999_999,
                decimal_places=2,
                required=False,
                initial=spent[i].amount if i < len(spent) else None,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
            self.spending_rows.append((self[f"line_{i}"], self[f"amount_{i}"]))
        if session.status == Activity.Status.HELD:
            for name in ("participants", "volunteers", "note"):
                self.fields[name].initial = getattr(session, name)

    def clean(self):
        data = super().clean()
        volunteers, spending = [], []
        for i in range(len(self.volunteer_rows)):
            pk, hours = data.get(f"partner_{i}"), data.get(f"hours_{i}")
            if pk is not None and hours is not None:
                volunteers.append((self.partners[pk], hours))
            elif pk is not None or hours is not None:
                self.add_error(f"hours_{i}", "请同时选择志愿者并填写服务时长。")
        for i in range(len(self.spending_rows)):
            pk, amount = data.get(f"line_{i}"), data.get(f"amount_{i}")
            if pk is not None and amount is not None:
                spending.append((self.lines[pk], amount))
            elif pk is not None or amount is not None:
                self.add_error(f"amount_{i}", "请同时选择预算明细并填写金额。")
        data["volunteer_rows"], data["spending_rows"] = volunteers, spending
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="取消原因",
        max_length=200,
        help_text="居民在活动页面上会看到",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PhotoConsentForm(forms.Form):
    photo_id = forms.ModelChoiceField(label="照片", queryset=ActivityPhoto.objects.none())
    consent = forms.BooleanField(label="照片中的人已同意公开", required=False)
    guardian_consent = forms.BooleanField(label="已取得儿童监护人的同意", required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo_id"].queryset = ActivityPhoto.objects.filter(activity=session)
