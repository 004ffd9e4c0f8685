from django import forms
from django.utils import timezone

from accounts.models import Compound
from core.once import OnceForm
from core.phone import PhoneFormField
from projects.forms import DateInput
from projects.models import Project

from .models import CareRecord, MicroProject, Scene, SceneKind

CONSENT_NOTICE = (
    "我同意社区为联系认领事宜保存我的姓名和手机号;手机号加密保存,页面上只显示前三后四位,"
    "认领解除后可申请删除。"
)


class SceneForm(forms.ModelForm):
    projects = forms.ModelMultipleChoiceField(
        label="关联项目",
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="建成或使用这个场景的本社区项目",
    )

    class Meta:
        model = Scene
        fields = [
            "compound",
            "kind",
            "public_space",
            "name",
            "location",
            "opening_hours",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["projects"].queryset = (
            Project.objects.alive().filter(community=community).only("id", "title")
        )
        if self.instance.pk:
            self.fields["projects"].initial = list(
                self.instance.projects.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != SceneKind.PUBLIC_SPACE:
            data["public_space"] = None
            self.instance.public_space = None
        elif data.get("kind") == SceneKind.PUBLIC_SPACE and not data.get("public_space"):
            self.add_error("public_space", "户外公共空间请选择空间类型。")
        return data


class SceneCreateForm(OnceForm, SceneForm):
    """A new scene; posting the same page twice records one."""


class ScenePhotoForm(OnceForm):
    photo = forms.ImageField(label="照片")
    caption = forms.CharField(label="说明", max_length=100, required=False)
    public = forms.BooleanField(
        label="我已确认照片中的人同意公开(公开后居民页面可见)", required=False
    )


class PhotoConsentForm(forms.Form):
    photo = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    public = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MicroProjectForm(forms.ModelForm):
    class Meta:
        model = MicroProject
        fields = ["compound", "kind", "title", "description", "location", "neglect_days"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        if self.instance.pk and self.instance.status == MicroProject.Status.CLAIMED:
            # The claimant claimed this kind of project in this compound (scenes/workflow.py).
            for name in ("compound", "kind"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "有人认领中,不能修改。"


class MicroProjectCreateForm(OnceForm, MicroProjectForm):
    """A new micro-project; posting the same page twice publishes one."""


class MicroFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *MicroProject.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部"), *MicroProject.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    neglected = forms.BooleanField(label="只看撂荒", required=False)


class SceneFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部"), *SceneKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class CompoundFinderForm(forms.Form):
    """A resident looks for their compound: by street, or by the compound's or community's name."""

    street = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    q = forms.CharField(
        label="小区或社区名称",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "例如:国奥"}),
    )


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="解除原因", max_length=200, required=False)


class GiveUpForm(OnceForm):
    """The claimant confirms giving up their claim; pressing twice gives it up once."""

    reason = forms.CharField(
        label="原因(可选)",
        max_length=100,
        required=False,
        help_text="例如:搬家了、身体不方便。社区工作人员会看到。",
    )


class PhoneForm(forms.Form):
    """A resident proves a phone: first the number (a code is sent), then the code."""

    phone = PhoneFormField(label="手机号", error_messages={"required": "请输入您的手机号。"})
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,
        error_messages={"max_length": "验证码是短信里的 6 位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean(self):
        data = super().clean()
        # "验证" with an empty box: say so, rather than spend one of the code's attempts.
        if "send" not in self.data and not (data.get("code") or "").strip():
            self.add_error("code", "请输入短信里的 6 位验证码。")
        return data


class ResidentClaimForm(OnceForm):
    name = forms.CharField(
        label="您的姓名",
        max_length=40,
        error_messages={"required": "请填写您的姓名。", "max_length": "姓名最多 40 个字。"},
    )
    # The notice is the checkbox's text (help_text); the short label names it in the list of
    # errors at the top of the page, which would otherwise repeat the whole notice.
    consent = forms.BooleanField(
        label="个人信息告知",
        help_text=CONSENT_NOTICE,
        required=True,
        error_messages={"required": "请勾选同意后再认领。"},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name or "\x00" in name:
            raise forms.ValidationError("请填写您的姓名。")
        return name


class PartnerClaimForm(OnceForm):
    """A logged-in partner claims with one press."""


class CareForm(OnceForm, forms.ModelForm):
    photo = forms.ImageField(label="照片(可选)", required=False)

    class Meta:
        model = CareRecord
        fields = ["date", "done"]
        widgets = {"date": DateInput()}
        error_messages = {
            "date": {"required": "请选择照料日期。", "invalid": "请选择照料日期。"},
            "done": {"required": "请写一下做了什么,例如:浇水、除草。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        for field in self.visible_fields():  # drawn by hand on the residents' page
            field.field.widget.attrs["class"] = "form-control form-control-lg"

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("照料日期不能晚于今天。")
        return day

    def clean_done(self):
        done = self.cleaned_data["done"].strip()
        if "\x00" in done:
            raise forms.ValidationError("内容里有无法识别的字符。")
        return done
