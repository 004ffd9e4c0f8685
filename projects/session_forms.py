"""Forms of step 6 as a programme (projects/sessions.py): a session, a series, the record of a
held session with its volunteer, contribution and spending rows, a cancellation and a photo's
consent."""

import re
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import Truncator

from core.once import OnceForm
from partners.models import Partner, ResourceKind

from .forms import DateInput
from .models import (
    SESSION_CONTRIBUTION_KINDS,
    Activity,
    ActivityPhoto,
    ActivitySeries,
    BudgetLine,
    Milestone,
)
from .sessions import MAX_PHOTOS

VOLUNTEER_ROWS = 4  # blank rows shown; a session with more adds them when corrected
SPENDING_ROWS = 3
CONTRIBUTION_ROWS = 2
# The partner pickers list the project's own partners (up to LINKED_SHOWN), then SEARCH_SIZE
# others of the community (the first by name, or those a search finds): never the whole
# community, which may hold thousands. A partner the rows already name stays listed.
LINKED_SHOWN = 30
SEARCH_SIZE = 10
MAX_PICKED = 60
PICKED_NAME = re.compile(r"(c_)?partner_\d{1,3}")


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
        labels[p.pk] = f"{p.name}({p.category.name}{skills})"
    twice = {label for label, n in Counter(labels.values()).items() if n > 1}
    return [
        (p.pk, f"{labels[p.pk]} 编号 {p.pk}" if labels[p.pk] in twice else labels[p.pk])
        for p in partners
    ]


def pickable_partners(project, *, q: str = "", picked=()) -> list:
    """The partners a held session's pickers list, bounded whatever the community's size: the
    project's own active partners (up to LINKED_SHOWN, listed first), the active partners of the
    community whose name holds `q` (up to SEARCH_SIZE; without `q`, the first ones by name), and
    those `picked` (ids already chosen in the form) that are active partners of the community."""
    fields = ("id", "name", "skills", "category__name")
    active = Partner.objects.alive().active().select_related("category").only(*fields)
    linked = list(
        active.filter(pk__in=project.partners.values("pk")).order_by("name", "id")[:LINKED_SHOWN]
    )
    shown = {p.pk for p in linked}
    found = list(
        active.filter(community_id=project.community_id, name__icontains=q.strip())
        .exclude(pk__in=shown)
        .order_by("name", "id")[:SEARCH_SIZE]
    )
    shown |= {p.pk for p in found}
    wanted = [pk for pk in dict.fromkeys(picked) if pk not in shown][:MAX_PICKED]
    chosen = list(
        active.filter(community_id=project.community_id, pk__in=wanted).order_by("name", "id")
    )
    return [*linked, *chosen, *found]


def _picked_ids(values) -> list[int]:
    """The partner ids a form's rows name (partner_0, c_partner_1 …), from its data or query."""
    ids = []
    for name in values:
        if PICKED_NAME.fullmatch(str(name)):
            found = values.getlist(name) if hasattr(values, "getlist") else [values[name]]
            ids += [int(v) for v in found if str(v).isdigit() and len(str(v)) < 12]
    return ids


class HoldForm(forms.Form):
    """The record of a held session: participants, volunteers (partners of the community with
    their hours), what partners contributed besides their hours, spending against the plan's
    budget lines, photos and a note.

    The partner pickers list the project's own partners and a few others, never the whole
    community: `partner_q` (the page's 查找 box, by htmx or as a plain GET) adds the active
    partners whose name holds it, and whatever the rows name stays listed. `query` (the page's
    GET) also carries what was typed before a search, so nothing is lost."""

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

    def __init__(self, *args, session, query=None, **kwargs):
        super().__init__(*args, **kwargs)
        project = session.project
        query = query if query is not None else QueryDict()
        self.partner_q = str(query.get("partner_q", ""))[:50].strip()
        existing, given, spent = [], [], []
        if session.pk:
            existing = list(session.volunteer_rows.select_related("partner__category"))
            given = list(session.contribution_rows.select_related("partner__category"))
            spent = list(session.spending_rows.all())
        picked = _picked_ids(self.data if self.is_bound else query)
        listed = pickable_partners(project, q=self.partner_q, picked=picked)
        # A partner recorded before stays pickable, whatever its status now.
        self.partners = {p.pk: p for p in (*(r.partner for r in existing + given), *listed)}
        self.lines = {
            line.pk: line for line in BudgetLine.objects.filter(project=project).order_by("id")
        }
        partner_choices = [("", "—"), *partner_labels(self.partners.values())]
        line_choices = [
            ("", "—"),
            *(
                (pk, f"{line.item}({line.get_source_display()},预算 {line.amount} 元)")
                for pk, line in self.lines.items()
            ),
        ]
        kind_choices = [("", "—"), *((k.value, k.label) for k in SESSION_CONTRIBUTION_KINDS)]
        self.volunteer_rows, self.spending_rows, self.contribution_rows = [], [], []
        for i in range(len(existing) + VOLUNTEER_ROWS):
            row = existing[i] if i < len(existing) else None
            self.fields[f"partner_{i}"] = _partner_field(
                f"志愿者 {i + 1}", partner_choices, row.partner_id if row else None
            )
            self.fields[f"hours_{i}"] = forms.DecimalField(
                label=f"志愿者 {i + 1} 服务时长(小时)",
                min_value=0.5,
                max_value=24,
                decimal_places=1,
                required=False,
                initial=row.hours if row else None,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
            self.volunteer_rows.append((self[f"partner_{i}"], self[f"hours_{i}"]))
        for i in range(len(given) + CONTRIBUTION_ROWS):
            row = given[i] if i < len(given) else None
            self.fields[f"c_partner_{i}"] = _partner_field(
                f"贡献 {i + 1} 合伙人", partner_choices, row.partner_id if row else None
            )
            self.fields[f"c_kind_{i}"] = forms.ChoiceField(
                label=f"贡献 {i + 1} 类型",
                choices=kind_choices,
                required=False,
                initial=row.kind if row else None,
            )
            self.fields[f"c_quantity_{i}"] = forms.DecimalField(
                label=f"贡献 {i + 1} 数量",
                min_value=0,
                max_value=99_999_999,
                decimal_places=2,
                required=False,
                initial=row.quantity if row else None,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
            self.fields[f"c_unit_{i}"] = forms.CharField(
                label=f"贡献 {i + 1} 单位",
                max_length=10,
                required=False,
                initial=row.unit if row else "",
            )
            self.fields[f"c_note_{i}"] = forms.CharField(
                label=f"贡献 {i + 1} 内容",
                max_length=200,
                required=False,
                initial=row.note if row else "",
            )
            self.contribution_rows.append(
                tuple(
                    self[f"c_{name}_{i}"]
                    for name in ("partner", "kind", "quantity", "unit", "note")
                )
            )
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
        if not self.is_bound:  # what was typed before a search (a plain GET) stays typed
            for name in self.fields:
                if name in query and name != "photo":
                    self.initial[name] = query.get(name)

    def clean(self):
        data = super().clean()
        volunteers, spending, given = [], [], []
        for i in range(len(self.volunteer_rows)):
            pk, hours = data.get(f"partner_{i}"), data.get(f"hours_{i}")
            if pk is not None and hours is not None:
                volunteers.append((self.partners[pk], hours))
            elif pk is not None or hours is not None:
                self.add_error(f"hours_{i}", "请同时选择志愿者并填写服务时长。")
        for i in range(len(self.contribution_rows)):
            pk, kind = data.get(f"c_partner_{i}"), data.get(f"c_kind_{i}")
            quantity, note = data.get(f"c_quantity_{i}"), data.get(f"c_note_{i}") or ""
            if pk is None and not kind and quantity is None and not note:
                continue
            if pk is None or not kind:
                self.add_error(f"c_kind_{i}", "请同时选择提供贡献的合伙人和贡献类型。")
            elif kind == ResourceKind.MONEY and not quantity:
                self.add_error(f"c_quantity_{i}", "资金请填写金额(元)。")
            else:
                given.append(
                    {
                        "partner": self.partners[pk],
                        "kind": kind,
                        "quantity": quantity,
                        "unit": data.get(f"c_unit_{i}") or "",
                        "note": note,
                    }
                )
        for i in range(len(self.spending_rows)):
            pk, amount = data.get(f"line_{i}"), data.get(f"amount_{i}")
            if pk is not None and amount is not None:
                spending.append((self.lines[pk], amount))
            elif pk is not None or amount is not None:
                self.add_error(f"amount_{i}", "请同时选择预算明细并填写金额。")
        data["volunteer_rows"], data["spending_rows"] = volunteers, spending
        data["contribution_rows"] = given
        return data


def _partner_field(label, choices, initial):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        initial=initial,
        error_messages={"invalid_choice": "请选择本社区在册的合伙人(可先用“查找”找到他)。"},
    )


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
