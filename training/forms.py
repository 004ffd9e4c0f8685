"""The training programme's forms. They parse and check the input; the services decide."""

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.dates import validate_sane_date
from core.once import OnceForm
from projects.session_forms import DateTimeInput

from .models import (
    MAX_CLASS,
    CoachingNote,
    Cohort,
    Kind,
    Mentor,
    MentorKind,
    Session,
    SessionStatus,
    Topic,
)
from .services import STAFF_ROLES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _sane_datetime(value) -> None:
    """A time as typed (in the current time zone) on a date between 2000 and 2099: a slip like
    year 0001 would not even fit the database once moved to UTC."""
    validate_sane_date(value.date())


def _active_mentors():
    return Mentor.objects.active().select_related("user").order_by("kind", "pk")


class SessionFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *Kind.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *SessionStatus.choices]
    )
    cohort = forms.ModelChoiceField(
        label="轮训分组", required=False, queryset=Cohort.objects.none(), empty_label="全部"
    )
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    mine = forms.BooleanField(label="只看我参加的", required=False)

    def __init__(self, *args, cohorts=(), **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(pk__in=[c.pk for c in cohorts])
        for name, field in self.fields.items():
            if name != "mine":
                field.widget.attrs["class"] = (
                    "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )
        self.fields["mine"].widget.attrs["class"] = "form-check-input"

    @property
    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored, the others still apply)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class SessionForm(forms.ModelForm):
    """Time, place and trainer of a class or a quarterly session."""

    class Meta:
        model = Session
        fields = [
            "title",
            "topic",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "trainer",
            "mentor",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _active_mentors()
        self.fields["mentor"].empty_label = "(授课人不是导师团成员)"
        for name in ("starts_at", "ends_at"):
            self.fields[name].validators.append(_sane_datetime)
        self.fields["topic"].initial = Topic.MASS_WORK

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "结束时间须晚于开始时间。")
        if not (data.get("place") or data.get("online_url")):
            self.add_error("place", "请填写培训地点或线上参加链接。")
        return data


class QuarterlyForm(OnceForm, SessionForm):
    pass


class MonthPlanForm(OnceForm, SessionForm):
    """The first class of the cohort's month; the others follow on working days."""

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["starts_at"].label = "第一个班的开始时间"
        self.fields["starts_at"].help_text = (
            f"学员按街道顺序每{MAX_CLASS}人以内编为一个班,各班依次安排在之后的工作日,"
            "时间和地点可以逐班调整。"
        )
        self.fields["ends_at"].label = "第一个班的结束时间"

    def clean(self):
        data = super().clean()
        starts = data.get("starts_at")
        if starts and not self.cohort.trains_in(timezone.localtime(starts).date()):
            self.add_error(
                "starts_at",
                f"{self.cohort.name}在{self.cohort.months_label}轮训,请选择其中的月份。",
            )
        return data


class LeaveForm(forms.Form):
    leave_reason = forms.CharField(
        label="请假事由", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评分",
        coerce=int,
        choices=[
            (5, "5分 非常满意"),
            (4, "4分 满意"),
            (3, "3分 一般"),
            (2, "2分 不满意"),
            (1, "1分 很不满意"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="意见建议", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecordForm(forms.Form):
    """Tick who came; the others are recorded absent."""

    present = forms.MultipleChoiceField(
        label="出席的学员", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attendances=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.choices = [(str(a.pk), f"{a.user} · {a.community.name}") for a in attendances]
        if not self.is_bound:
            field.initial = [str(a.pk) for a in attendances if a.present is not False]


class MaterialForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=80, required=False)
    file = forms.FileField(label="文件", help_text="PDF、Word 或 Excel 文件")


class MoveForm(forms.Form):
    to = forms.ModelChoiceField(label="调到", queryset=Session.objects.none(), empty_label=None)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = Session.objects.filter(pk__in=[t.pk for t in targets])
        self.fields["to"].label_from_instance = lambda s: (
            f"{s.title} {timezone.localtime(s.starts_at):%m-%d %H:%M}"
        )


class CohortMoveForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label="调整到", queryset=Cohort.objects.none(), empty_label=None
    )

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(district=district).order_by("number")


# --- mentors ------------------------------------------------------------------------------------
class MentorFields(forms.ModelForm):
    class Meta:
        model = Mentor
        fields = ["kind", "organisation", "expertise", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}


class MentorCreateForm(OnceForm, MentorFields):
    user = forms.ModelChoiceField(
        label="账号",
        queryset=User.objects.none(),
        help_text="导师团成员须有本系统的工作人员账号(专家顾问、社区书记或区级工作人员)",
    )

    field_order = ["once", "user", "kind", "organisation", "expertise", "bio"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__role__in=[str(r) for r in STAFF_ROLES],
                mentor__isnull=True,
            )
            .distinct()
            .order_by("display_name", "username")
        )
        self.fields["kind"].initial = MentorKind.SCHOLAR


class MentorForm(MentorFields):
    class Meta(MentorFields.Meta):
        fields = [*MentorFields.Meta.fields, "active"]


class PairingForm(forms.Form):
    mentee = forms.ModelChoiceField(label="社区书记", queryset=User.objects.none())

    def __init__(self, *args, mentor: Mentor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__role=Role.SECRETARY,
                role_assignments__community__street__district_id=mentor.district_id,
            )
            .exclude(pairings__mentor=mentor, pairings__ended_on__isnull=True)
            .exclude(pk=mentor.user_id)
            .distinct()
            .order_by("display_name", "username")
        )
        self.fields["mentee"].label_from_instance = lambda u: str(u)


# --- consultations ------------------------------------------------------------------------------
class ConsultationForm(OnceForm):
    mentor = forms.ModelChoiceField(
        label="咨询导师", queryset=Mentor.objects.none(), empty_label=None
    )
    subject = forms.CharField(label="咨询事项", max_length=80)
    text = forms.CharField(
        label="具体问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Mentor.objects.filter(
            pk__in=[m.pk for m in mentors]
        ).select_related("user")
        self.fields["mentor"].label_from_instance = lambda m: (
            f"{m}({m.organisation} · {m.expertise})"
        )


class MessageForm(OnceForm):
    text = forms.CharField(label="留言", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


# --- 一项目一方案 ---------------------------------------------------------------------------------
class CoachingForm(OnceForm):
    mentor = forms.ModelChoiceField(label="指导导师", queryset=Mentor.objects.none())
    topic = forms.ChoiceField(label="指导方向", choices=Topic.choices)
    problem = forms.CharField(
        label="需要帮助的问题",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="项目遇到的难点,如物业管理、居民自治、矛盾纠纷",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _active_mentors()
        self.fields["mentor"].label_from_instance = lambda m: (
            f"{m}({m.get_kind_display()} · {m.expertise})"
        )


class CoachingNoteForm(OnceForm):
    date = forms.DateField(label="指导日期", widget=DateInput())
    mode = forms.ChoiceField(label="方式", choices=CoachingNote.Mode.choices)
    text = forms.CharField(
        label="指导记录", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["date"] = timezone.localdate()

    def clean_date(self):
        date = self.cleaned_data["date"]
        validate_sane_date(date)
        if date > timezone.localdate():
            raise forms.ValidationError("指导日期不能晚于今天。")
        return date


class CoachingPlanForm(forms.Form):
    plan = forms.CharField(
        label="指导方案(一项目一方案)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="问题分析、工作步骤、责任分工和时间安排",
    )
    file = forms.FileField(label="方案附件", required=False, help_text="可选:PDF 或 Word 文件")
