"""Forms of 双报到, 双包 and 战时 call-outs. Explicit fields only; the community (and with it the
compounds and buildings a form offers) comes from the page, never from the post."""

from django import forms

from accounts.models import Building, Compound
from core.once import OnceForm
from core.phone import PhoneFormField

from .models import AlertAnswer, Duty
from .units import MEMBER, UNIT, natural_key


class BuildingChoiceField(forms.ChoiceField):
    """A building of one community, grouped by compound (one query when the form is made)."""

    def __init__(self, *, community, **kwargs):
        buildings = sorted(
            Building.objects.filter(compound__community=community).select_related("compound"),
            key=lambda b: (b.compound.name, natural_key(b.number)),
        )
        self.buildings = {str(b.pk): b for b in buildings}
        groups: dict[str, list] = {}
        for building in buildings:
            groups.setdefault(building.compound.name, []).append(
                (str(building.pk), building.number)
            )
        choices = [("", "请选择楼栋"), *groups.items()]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.buildings.get(value) if value else None


def duties_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="承担的职责",
        queryset=Duty.objects.filter(active=True).order_by("order", "id"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="承担“战时”职责的,社区发起战时响应时会收到通知。",
    )


class DualReportUnitForm(OnceForm):
    """A co-building unit (共建单位) reports to the community."""

    name = forms.CharField(label="单位名称", max_length=80)
    party_org = forms.CharField(
        label="单位党组织", max_length=100, required=False, help_text="例如:区税务局第二党支部"
    )
    phone = PhoneFormField(label="联系电话", help_text="单位联系人的手机号,同一号码不会重复登记")
    skills = forms.CharField(
        label="能提供的资源或服务",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例如:法律咨询、场地、志愿者、经费",
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duties"] = duties_field()


class DualReportMemberForm(OnceForm):
    """A serving party member (在职党员) reports to the community where they live."""

    name = forms.CharField(label="姓名", max_length=80)
    phone = PhoneFormField(label="手机号", help_text="同一号码不会重复登记")
    employer = forms.CharField(label="工作单位", max_length=100)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_building"] = BuildingChoiceField(
            community=community, label="居住楼栋", help_text=f"{community.name}的楼栋"
        )
        self.fields["duties"] = duties_field()


REPORT_FORMS = {UNIT: DualReportUnitForm, MEMBER: DualReportMemberForm}


class DualReportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部"), (UNIT, "共建单位"), (MEMBER, "在职党员")],
    )


class AdoptCompoundForm(OnceForm):
    """单位包小区: which of the community's compounds the unit adopts."""

    note = forms.CharField(
        label="包联内容", max_length=200, required=False, help_text="例如:环境整治、为老服务"
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"] = forms.ModelChoiceField(
            label="包联小区",
            queryset=Compound.objects.filter(community=community).order_by("name"),
            empty_label="请选择小区",
        )
        self.order_fields(["once", "compound", "note"])


class AdoptBuildingForm(OnceForm):
    """党员包楼栋: which of the community's buildings the party member covers."""

    note = forms.CharField(
        label="包联内容",
        max_length=200,
        required=False,
        help_text="例如:联系楼内居民,收集意见,帮办代办",
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"] = BuildingChoiceField(community=community, label="包联楼栋")
        self.order_fields(["once", "building", "note"])


class EmergencyForm(OnceForm):
    title = forms.CharField(label="事件", max_length=80, help_text="例如:暴雨红色预警值守")
    description = forms.CharField(
        label="情况和需要",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="发生了什么、需要合伙人做什么、到哪里集合",
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"] = forms.ModelMultipleChoiceField(
            label="涉及小区",
            queryset=Compound.objects.filter(community=community).order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            help_text="将通知在这些小区居住、登记或包联的,承担“战时”职责的在册合伙人。",
            error_messages={"required": "请至少选择一个涉及的小区。"},
        )


class EmergencyCloseForm(forms.Form):
    report = forms.CharField(
        label="处置情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="简要说明到岗人员和处置结果",
        error_messages={"required": "请填写处置情况。"},
    )


class AlertAnswerForm(forms.Form):
    """The called partner's answer: which of the two big buttons they pressed, and a note."""

    answer = forms.ChoiceField(
        label="能否到岗",
        choices=[(AlertAnswer.AVAILABLE, "可以到岗"), (AlertAnswer.UNAVAILABLE, "无法到岗")],
        error_messages={"required": "请选择“可以到岗”或“无法到岗”。"},
    )
    note = forms.CharField(
        label="补充说明(可不填)",
        max_length=200,
        required=False,
        help_text="例如:20 分钟后到,或者无法到岗的原因",
    )


class AlertFilterForm(forms.Form):
    answer = forms.ChoiceField(
        label="回复",
        required=False,
        choices=[
            ("", "全部"),
            (AlertAnswer.AVAILABLE, "可以到岗"),
            (AlertAnswer.UNAVAILABLE, "无法到岗"),
            ("none", "未回复"),
        ],
    )
