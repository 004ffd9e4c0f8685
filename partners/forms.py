"""Forms of partners kept by staff: register and edit a partner, deactivate one, the list's
filters, the district's categories and the Excel import. Explicit fields only: community, status,
created_by and consent are never read from a post."""

from django import forms
from django.db.models import Q

from accounts.models import Building, Compound
from core.once import OnceForm

from .models import Availability, Category, Duty, Partner, PartnerKind, PartnerStatus

# Django's own words for a NUL byte in text read "不允许是用空字符串" (wrong, and not Chinese).
NUL_MESSAGE = "含有无法识别的字符,请删除后重新输入。"


def plain_messages(form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.error_messages["null_characters_not_allowed"] = NUL_MESSAGE


class DutyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, duty):
        return f"{duty.get_mode_display()}:{duty.name}"


class PartnerFieldsForm(forms.ModelForm):
    """What staff record of a partner. The pickers hold the district's active categories and
    duties (plus what the partner already has) and the compounds and buildings of the partner's
    community."""

    kind = forms.ChoiceField(
        label="个人或单位",
        choices=PartnerKind.choices,
        required=False,
        initial=PartnerKind.PERSON,
        widget=forms.RadioSelect,
    )
    duties = DutyChoiceField(
        label="职责",
        queryset=Duty.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="平时三项、战时三项,可多选。",
    )
    availability = forms.MultipleChoiceField(
        label="可服务时间",
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "category",
            "phone",
            "duties",
            "availability",
            "skills",
            "compound",
            "party_org",
            "employer",
            "home_building",
        ]
        help_texts = {
            "party_org": "双报到单位填写",
            "employer": "在职党员填写",
            "home_building": "在职党员包楼栋时填写",
        }

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        partner = self.instance
        community = community or (partner.community if partner.pk else None)
        self.community = community
        has = partner.pk is not None
        category_q = Q(active=True) | (Q(code=partner.category_id) if has else Q(pk__in=[]))
        self.fields["category"].queryset = Category.objects.filter(category_q)
        self.fields["category"].empty_label = "请选择类别"
        duty_q = Q(active=True) | (Q(pk__in=partner.duties.all()) if has else Q(pk__in=[]))
        self.fields["duties"].queryset = Duty.objects.filter(duty_q)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["compound"].empty_label = "不限小区"
        self.fields["home_building"].queryset = Building.objects.filter(
            compound__community=community
        ).select_related("compound")
        self.fields["home_building"].empty_label = "未填写"
        self.fields["category"].error_messages["invalid_choice"] = "这个类别不存在或已停用。"
        self.fields["duties"].error_messages["invalid_choice"] = "职责“%(value)s”不存在或已停用。"
        self.fields["duties"].error_messages["invalid_pk_value"] = "职责不正确。"
        self.fields["availability"].error_messages["invalid_choice"] = "没有这个可服务时间。"
        self.fields["compound"].error_messages["invalid_choice"] = "所选小区不属于本社区。"
        self.fields["home_building"].error_messages["invalid_choice"] = "所选楼栋不属于本社区。"
        self.fields["kind"].error_messages["invalid_choice"] = "请选择个人或单位。"
        if has:
            self.initial.setdefault("availability", list(partner.availability or []))
        plain_messages(self)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or PartnerKind.PERSON

    def _post_clean(self):
        # The services save: the form never writes to the instance it was given (an invalid
        # edit would otherwise leave a half-changed object behind for the page to show).
        pass


class PartnerForm(OnceForm, PartnerFieldsForm):
    """Register a partner with a community (a one-time token against double submission)."""


class PartnerEditForm(PartnerFieldsForm):
    """Change a partner's record. The phone field shows the stored number masked; posted back
    unchanged, it keeps the number (core.phone.PhoneFormField)."""


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="停用原因",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "例如:已搬离本社区"}),
        error_messages={
            "required": "请填写停用原因。",
            "max_length": "停用原因最多 200 字。",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_messages(self)

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("请填写停用原因。")
        return reason


# The list's status filter: 在册 unless asked otherwise; "all" shows every status.
STATUS_ALL = "all"
STATUS_CHOICES = [*PartnerStatus.choices, (STATUS_ALL, "全部状态")]


class PartnerFilterForm(forms.Form):
    """The list's filters, read from GET by the list and its export. A bad value is dropped
    with a message (`filters()`), never an error page; the pickers hold the person's scope."""

    q = forms.CharField(label="名称", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    category = forms.ChoiceField(label="类别", required=False)
    duty = forms.ChoiceField(label="职责", required=False)
    kind = forms.ChoiceField(
        label="个人或单位", required=False, choices=[("", "个人和单位"), *PartnerKind.choices]
    )
    community = forms.TypedChoiceField(label="社区", required=False, coerce=int, empty_value=None)
    compound = forms.TypedChoiceField(label="小区", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, categories, duties, communities, compounds, phone_search, **kw):
        super().__init__(*args, **kw)
        self.fields["category"].choices = [
            ("", "全部类别"),
            *((c.code, c.name) for c in categories),
        ]
        self.fields["duty"].choices = [
            ("", "全部职责"),
            *((d.code, f"{d.get_mode_display()}:{d.name}") for d in duties),
        ]
        if len(communities) > 1:
            self.fields["community"].choices = [
                ("", "全部社区"),
                *((c.pk, f"{c.street.name} · {c.name}") for c in communities),
            ]
        else:
            del self.fields["community"]
        if compounds:
            self.fields["compound"].choices = [("", "全部小区"), *compounds]
        else:
            del self.fields["compound"]
        if phone_search:
            self.fields["q"].label = "名称或手机号"
        messages = {
            "status": "没有这个状态,已忽略。",
            "category": "没有这个类别,已忽略。",
            "duty": "没有这个职责,已忽略。",
            "kind": "没有这个选项,已忽略。",
            "community": "所选社区不在您能查看的范围内,已忽略。",
            "compound": "所选小区不在您能查看的范围内,已忽略。",
        }
        for name, message in messages.items():
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = message
        self.fields["q"].error_messages["null_characters_not_allowed"] = (
            "含有无法识别的字符,已忽略。"
        )
        self.fields["q"].error_messages["max_length"] = "最多 50 个字,已忽略。"

    def filters(self) -> dict:
        """The valid, non-empty values; the status is 在册 unless another (or all) is chosen."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        status = data.pop("status", PartnerStatus.ACTIVE)
        if status != STATUS_ALL:
            data["status"] = status
        if q := " ".join(str(data.pop("q", "")).split()):
            data["q"] = q
        return data

    def chosen(self) -> int:
        """How many filters are set (the phone's folded filter button says so)."""
        if not self.is_bound:
            return 0
        names = ("q", "category", "duty", "kind", "community", "compound")
        moved = self.data.get("status") not in (None, "", PartnerStatus.ACTIVE)
        return sum(1 for name in names if name in self.fields and self.data.get(name)) + moved


class CategoryForm(forms.ModelForm):
    """A category of the district's list: its name, its place in the list and whether new
    partners may still choose it (retired ones stay on the partners who have them)."""

    class Meta:
        model = Category
        fields = ["name", "order", "active"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "max": 999, "inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "请填写类别名称。"
        self.fields["name"].error_messages["max_length"] = "类别名称最多 20 个字。"
        if "order" in self.fields:
            order = self.fields["order"]
            order.required = False
            order.help_text = "数字小的排在前面"
            order.validators = []
            order.error_messages["invalid"] = "排序请填 0 到 999 的整数。"
            self.fields["active"].label = "启用(新登记的合伙人可以选择)"
        plain_messages(self)

    def clean_order(self):
        order = self.cleaned_data.get("order")
        if order is not None and not 0 <= order <= 999:
            raise forms.ValidationError("排序请填 0 到 999 的整数。")
        return order

    def validate_unique(self):
        # A name taken is the service's message (it also catches one taken meanwhile).
        pass

    def _post_clean(self):
        pass


class CategoryCreateForm(OnceForm, CategoryForm):
    class Meta(CategoryForm.Meta):
        fields = ["name"]


class ImportForm(OnceForm):
    file = forms.FileField(
        label="Excel 文件(.xlsx)",
        help_text="请用“下载模板”得到的表格填写,每行一位合伙人。",
        error_messages={
            "required": "请选择要导入的 Excel 文件。",
            "empty": "文件是空的。",
            "invalid": "请选择要导入的 Excel 文件。",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
