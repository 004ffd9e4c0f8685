"""Forms of recruitment: the call (staff), the application (public), the decline, and the
phone-and-code forms of the partners' sign-in and of withdrawing an application."""

from django import forms

from accounts.models import Building, Compound
from core.once import OnceForm
from core.phone import PhoneFormField

from .models import (
    CONSENT_NOTICE_VERSION,
    ApplicationStatus,
    Availability,
    CallStatus,
    Category,
    Duty,
    PartnerCategory,
    PartnerKind,
    RecruitmentCall,
)

# The privacy notice an applicant agrees to (its version is CONSENT_NOTICE_VERSION: a new text
# needs a new version in partners/models.py, and each consent keeps the version it agreed to).
CONSENT_NOTICE = (
    "社区党组织收集您填写的姓名或单位名称、手机号、所在小区、可服务时间和特长(在职党员另有工作"
    "单位和居住楼栋),只用于幸福家园合伙人的招募审核、联系和服务记录,不提供给其他单位或个人。"
    "手机号加密保存,页面上只显示前三后四位。审核前可以在“撤回申请”页面撤回,撤回后姓名和手机号"
    "即被删除;成为合伙人后可以在自己的合伙人页面退出,退出后联系方式同样删除,服务记录匿名保留。"
)


def styled(form, *, large: bool = False):
    """Bootstrap classes on every widget of a hand-drawn form (the public pages draw their own
    markup: large controls for the elderly, checkboxes and radios as 44 px rows)."""
    size = " form-control-lg" if large else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + (" form-select-lg" if large else "")
        else:
            css = "form-control" + size
        widget.attrs["class"] = css
    return form


class DutyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def duty_groups(bound_field) -> list[tuple[str, list]]:
    """A duties field's checkboxes grouped 平时 / 战时 (each with its Duty), as the 招募令 prints
    them."""
    modes = dict(Duty.Mode.choices)
    groups = {mode: [] for mode in modes}
    for box in bound_field:
        duty = box.data["value"].instance
        groups.setdefault(duty.mode, []).append((box, duty))
    return [(modes.get(mode, mode), rows) for mode, rows in groups.items() if rows]


class CallForm(forms.ModelForm):
    """A call's text, its duties (平时 and 战时) and the categories it looks for."""

    duties = DutyChoiceField(
        label="职责",
        queryset=Duty.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项职责。"},
    )
    categories = forms.ModelMultipleChoiceField(
        label="招募类别",
        queryset=Category.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="不选表示九类合伙人都招募。",
    )

    class Meta:
        model = RecruitmentCall
        fields = ["title", "body", "looking_for", "duties", "categories"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "looking_for": "例如:会修水电的热心居民、周边商户、能提供活动场地的单位。",
        }
        error_messages = {
            "title": {"required": "请填写标题。"},
            "body": {"required": "请填写招募说明。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duties"].queryset = Duty.objects.filter(active=True).order_by("order", "id")
        self.fields["duties"].widget.attrs["class"] = "form-check-input"

    def duty_groups(self):
        return duty_groups(self["duties"])


class CallCreateForm(OnceForm, CallForm):
    pass


class CallFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *CallStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部(待审核在前)"), *ApplicationStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="未通过的原因",
        max_length=200,
        help_text="社区内部留存;申请人会收到短信,请其联系社区了解情况。",
        error_messages={
            "required": "请填写未通过的原因。",
            "max_length": "原因最多 200 字。",
        },
    )


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.compound.name}{obj.number}"


class ApplicationForm(OnceForm):
    """The public application to a call: who, which duties, when, what they can offer."""

    kind = forms.ChoiceField(
        label="以什么身份申请",
        choices=[(PartnerKind.PERSON, "个人"), (PartnerKind.ORGANISATION, "单位或组织")],
        initial=PartnerKind.PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择个人或单位。", "invalid_choice": "请选择个人或单位。"},
    )
    name = forms.CharField(
        label="姓名或单位名称",
        max_length=80,
        error_messages={"required": "请填写姓名或单位名称。", "max_length": "最多 80 个字。"},
    )
    phone = PhoneFormField(
        label="手机号",
        help_text="社区审核后用短信通知您;通过后用这个手机号登录。",
        error_messages={"required": "请填写手机号。"},
    )
    category = forms.ModelChoiceField(
        label="合伙人类别",
        queryset=Category.objects.filter(active=True),
        to_field_name="code",
        empty_label="请选择",
        error_messages={"required": "请选择类别。", "invalid_choice": "请选择类别。"},
    )
    duties = DutyChoiceField(
        label="愿意承担的职责",
        queryset=Duty.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一项愿意承担的职责。",
            "invalid_choice": "所选职责不在这份招募令里,请重新选择。",
            "invalid_pk_value": "所选职责不在这份招募令里,请重新选择。",
        },
    )
    availability = forms.MultipleChoiceField(
        label="可服务时间",
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择可服务时间。", "invalid_choice": "请选择可服务时间。"},
    )
    skills = forms.CharField(
        label="特长或能提供的资源",
        max_length=200,
        required=False,
        help_text="例如:水电维修、法律咨询、活动场地、理发。",
        error_messages={"max_length": "最多 200 字。"},
    )
    compound = forms.ModelChoiceField(
        label="所在小区",
        queryset=Compound.objects.none(),
        required=False,
        empty_label="不在本社区的小区",
        error_messages={"invalid_choice": "所选小区不属于这个社区。"},
    )
    party_org = forms.CharField(
        label="单位党组织",
        max_length=100,
        required=False,
        help_text="单位或组织填写,例如:××公司党支部。",
        error_messages={"max_length": "最多 100 个字。"},
    )
    employer = forms.CharField(
        label="工作单位",
        max_length=100,
        required=False,
        help_text="在职党员填写。",
        error_messages={"max_length": "最多 100 个字。"},
    )
    home_building = BuildingChoiceField(
        label="居住楼栋",
        queryset=Building.objects.none(),
        required=False,
        empty_label="不在本社区居住",
        help_text="在职党员填写。",
        error_messages={"invalid_choice": "所选楼栋不属于这个社区。"},
    )
    consent = forms.BooleanField(
        label="个人信息告知",
        help_text=f"我已阅读并同意以上个人信息告知(版本 {CONSENT_NOTICE_VERSION})。",
        error_messages={"required": "请阅读个人信息告知,勾选同意后再提交。"},
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["duties"].queryset = call.duties.filter(active=True).order_by("order", "id")
        categories = Category.objects.filter(active=True)
        wanted = call.categories.filter(active=True)
        if wanted.exists():
            categories = wanted
        self.fields["category"].queryset = categories.order_by("order", "id")
        self.fields["compound"].queryset = call.community.compounds.order_by("name")
        self.fields["home_building"].queryset = (
            Building.objects.filter(compound__community_id=call.community_id)
            .select_related("compound")
            .order_by("compound__name", "number")
        )
        styled(self, large=True)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("请填写姓名或单位名称。")
        return name

    def clean(self):
        data = super().clean()
        category = data.get("category")
        party_member = category is not None and category.code == PartnerCategory.PARTY_MEMBER
        if party_member and not (data.get("employer") or "").strip():
            self.add_error("employer", "在职党员请填写工作单位。")
        return data

    def duty_groups(self):
        return duty_groups(self["duties"])


class PhoneCodeForm(forms.Form):
    """A phone, then the SMS code sent to it ("send" asks for the code)."""

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
        styled(self, large=True)

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
