"""Forms of the meetings' staff pages (roundtable/meeting_views.py): the list's filters, moving a
meeting, closing it, attendance and the community's round-table settings. Each lists its
fields; the meeting and the community come from the URL, never from the form."""

import datetime

from django import forms

from accounts.models import Community, Street
from core.dates import EARLIEST, LATEST, validate_sane_date
from core.once import OnceForm

from .meetings import MINUTES_MAX, NAME_MAX, PLACE_MAX, REASON_MAX
from .models import AttendanceCapacity, Participant, ParticipantStatus, Phase


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an <input type=month>), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            month = datetime.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("请按“年-月”填写月份,如 2026-12。") from None
        if not EARLIEST <= month <= LATEST:
            raise forms.ValidationError(f"请填写 {EARLIEST.year} 年至 {LATEST.year} 年之间的月份。")
        return month


class MeetingFilterForm(forms.Form):
    street = forms.ModelChoiceField(
        label="街道", queryset=Street.objects.none(), required=False, empty_label="全部街道"
    )
    community = forms.ModelChoiceField(
        label="社区", queryset=Community.objects.none(), required=False, empty_label="全部社区"
    )
    month = MonthField(label="月份", required=False, max_length=7)
    phase = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部"), *Phase.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Community.objects.visible_to(user)
        self.fields["community"].queryset = communities.order_by("name", "pk")
        self.fields["street"].queryset = Street.objects.filter(
            pk__in=communities.values("street_id")
        ).order_by("name", "pk")


class RescheduleForm(forms.Form):
    date = forms.DateField(
        label="新的会议日期",
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="本月或下个月内、今天或以后的日期。改期后会短信告知关注本社区圆桌会的居民。",
    )
    reason = forms.CharField(
        label="改期原因",
        max_length=REASON_MAX,
        help_text="例如:与社区重阳节活动冲突。会显示在圆桌会页面上。",
    )


class CloseForm(forms.Form):
    minutes = forms.CharField(
        label="会议纪要",
        max_length=MINUTES_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"{MINUTES_MAX} 字以内:讨论了哪些议题、形成了哪些共识。闭会后议题讨论只读。",
    )


class AttendanceForm(OnceForm):
    """One attendee: a participant of the community, or a name from the sign-in sheet."""

    participant = forms.ModelChoiceField(
        label="参与人", queryset=Participant.objects.none(), required=False
    )
    name = forms.CharField(label="姓名或单位", max_length=NAME_MAX, required=False)
    capacity = forms.ChoiceField(
        label="身份",
        choices=AttendanceCapacity.choices,
        initial=AttendanceCapacity.RESIDENT,
        required=False,
    )
    online = forms.BooleanField(label="线上参加", required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(
            community_id=meeting.community_id
        ).exclude(status=ParticipantStatus.LEFT)

    def clean(self):
        data = super().clean()
        if data.get("participant") is None:
            if not data.get("name", "").strip() and "name" not in self.errors:
                self.add_error("name", "请填写出席人的姓名或单位。")
            if not data.get("capacity") and "capacity" not in self.errors:
                self.add_error("capacity", "请选择出席身份。")
        return data


class AttendanceRemoveForm(forms.Form):
    attendance = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class SettingsForm(forms.Form):
    holiday_shift = forms.BooleanField(
        label="17日逢节假日顺延",
        required=False,
        help_text=(
            "勾选后,17日不是工作日(周末或法定节假日;调休上班的周末照常开会)时,"
            "圆桌会顺延到下一个工作日。"
        ),
    )
    review_first = forms.BooleanField(
        label="先审后发",
        required=False,
        help_text="勾选后,居民发布的议题和发言须经社区审核后才公开。",
    )
    starts_at = forms.TimeField(
        label="开始时间",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="每月圆桌会开始的时间,例如 19:00。",
    )
    place = forms.CharField(
        label="线下地点",
        max_length=PLACE_MAX,
        required=False,
        help_text="可选:线上讨论之外同时在社区设线下会场时填写。",
    )
