"""Forms of the participants area: the residents' phone-and-code sign-in and registration, their
reminder switch, and the staff's list filter, verification and rejection.

Lengths are checked here as well as in roundtable/participants.py, so a long or odd value is a
message beside its field rather than a refusal at the top.
"""

from django import forms

from accounts.households import HouseholdField
from accounts.models import Building, Community, Compound
from core.once import OnceForm
from core.phone import PhoneFormField

from .models import CONSENT_NOTICE_VERSION, ParticipantStatus
from .participants import NAME_MAX, NAME_MIN, PLACE_MAX, REASON_MAX, clean_name, clean_place


def _large(form):
    """Bootstrap classes for the residents' hand-drawn forms: large controls for the elderly."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-lg"
        else:
            widget.attrs["class"] = "form-control form-control-lg"
    return form


class PhoneCodeForm(forms.Form):
    """A phone, then the SMS code sent to it (the "send" button asks for the code)."""

    phone = PhoneFormField(label="手机号", error_messages={"required": "请输入您的手机号。"})
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,
        error_messages={"max_length": "验证码是短信里的 6 位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _large(self)

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if "*" in phone:
            raise forms.ValidationError("请输入完整的11位手机号码。")
        return phone

    def clean(self):
        data = super().clean()
        if "send" not in self.data and not (data.get("code") or "").strip():
            self.add_error("code", "请输入短信里的 6 位验证码。")
        return data


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegisterForm(OnceForm):
    """What a resident declares once their phone is verified: the real name and the home the
    community checks against its household tree. The community comes from the page's address
    (`?community=`), never from the form."""

    name = forms.CharField(
        label="真实姓名",
        min_length=NAME_MIN,
        max_length=NAME_MAX,
        help_text="社区据此核实您是本社区居民。公开页面只显示您的姓,例如“王**”。不需要身份证号。",
        error_messages={
            "required": "请填写您的真实姓名。",
            "min_length": f"姓名至少 {NAME_MIN} 个字。",
            "max_length": f"姓名最多 {NAME_MAX} 个字。",
        },
    )
    compound = forms.ModelChoiceField(
        label="小区",
        queryset=Compound.objects.none(),
        empty_label="请选择小区",
        error_messages={
            "required": "请选择您住的小区。",
            "invalid_choice": "请从列表中选择本社区的小区。",
        },
    )
    building = forms.ModelChoiceField(
        label="楼栋",
        queryset=Building.objects.none(),
        empty_label="请选择楼栋",
        error_messages={
            "required": "请选择您住的楼栋。",
            "invalid_choice": "请从列表中选择本社区的楼栋。",
        },
    )
    unit = forms.CharField(
        label="单元",
        max_length=PLACE_MAX,
        required=False,
        help_text="例如:2单元。没有单元的楼可以不填。",
        error_messages={"max_length": f"单元最多 {PLACE_MAX} 个字。"},
    )
    room = forms.CharField(
        label="房号",
        max_length=PLACE_MAX,
        help_text="例如:301",
        error_messages={
            "required": "请填写房号。",
            "max_length": f"房号最多 {PLACE_MAX} 个字。",
        },
    )
    follows = forms.BooleanField(
        label="关注本社区圆桌会,会前一天短信提醒我", required=False, initial=True
    )
    consent = forms.BooleanField(
        label=f"我已阅读并同意以上个人信息告知(版本 {CONSENT_NOTICE_VERSION})",
        error_messages={"required": "请阅读个人信息告知,勾选同意后再提交。"},
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["compound"].queryset = community.compounds.order_by("name", "id")
        self.fields["building"].queryset = (
            Building.objects.filter(compound__community_id=community.pk)
            .select_related("compound")
            .order_by("compound__name", "compound_id", "number", "id")
        )
        self.fields["room"].widget.attrs["inputmode"] = "numeric"
        _large(self)

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_unit(self):
        return clean_place(self.cleaned_data["unit"], label="单元", required=False)

    def clean_room(self):
        return clean_place(self.cleaned_data["room"], label="房号", required=True)

    def clean(self):
        data = super().clean()
        compound, building = data.get("compound"), data.get("building")
        if compound is not None and building is not None and building.compound_id != compound.pk:
            self.add_error("building", "所选楼栋不在这个小区,请重新选择。")
        return data

    def building_groups(self) -> list[tuple[Compound, list[Building]]]:
        """The community's buildings under their compound's name (one query): the select shows
        them grouped, and participants.js hides the other compounds' groups."""
        groups: dict[int, tuple[Compound, list[Building]]] = {}
        for building in self.fields["building"].queryset:
            groups.setdefault(building.compound_id, (building.compound, []))[1].append(building)
        return list(groups.values())


class FollowForm(forms.Form):
    """Reminders of the community's round table on ("1") or off ("0")."""

    follows = forms.TypedChoiceField(
        choices=[("1", "开启"), ("0", "关闭")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "请选择开启或关闭提醒。",
            "invalid_choice": "请选择开启或关闭提醒。",
        },
    )


class ParticipantFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ParticipantStatus.choices]
    )
    community = CommunityChoiceField(
        label="社区", required=False, queryset=Community.objects.none(), empty_label="全部"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.visible_to(user).order_by(
            "name", "id"
        )
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["community"].widget.attrs["class"] = "form-select"


class VerifyForm(forms.Form):
    """The household the resident lives in: one of the declared building's rooms, or any room
    of the community found with the household picker."""

    household = HouseholdField(label="核实的住户")

    def __init__(self, *args, user, back: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].set_user(user, back=back)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="未通过的原因",
        max_length=REASON_MAX,
        help_text="居民在“我的圆桌会”页面能看到这个原因,短信只请他联系社区。",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
        error_messages={
            "required": "请填写未通过的原因。",
            "max_length": f"原因最多 {REASON_MAX} 字。",
        },
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写未通过的原因。")
        return reason
