from django import forms

from core.once import OnceForm
from core.phone import PhoneFormField


class SignUpForm(OnceForm):
    """A resident signs up: a name, and a phone number or the household code."""

    name = forms.CharField(label="姓名(或称呼)", max_length=20)
    phone = PhoneFormField(label="手机号码", required=False, help_text="用于活动变动时通知您")
    household_code = forms.CharField(
        label="户码(没有手机号码时填写)",
        max_length=12,
        required=False,
        help_text="社区发给每户的 8 位码",
    )
    consent = forms.BooleanField(
        label="我同意社区为组织本次活动使用我填写的姓名和电话,活动结束后不再使用",
        required=True,
        error_messages={"required": "请勾选同意后再报名。"},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name or any(ord(c) < 32 for c in name):
            raise forms.ValidationError("请填写姓名。")
        return name

    def clean_household_code(self):
        code = self.cleaned_data["household_code"].strip().upper()
        if code and not code.isalnum():
            raise forms.ValidationError("户码只含字母和数字。")
        return code

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("household_code") and not self.errors:
            raise forms.ValidationError("请填写手机号码或户码。")
        return data


class CancelForm(forms.Form):
    code = forms.CharField(label="取消码", max_length=32, help_text="报名成功时页面上显示的 8 位码")

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").upper()
        if not code.isalnum():
            raise forms.ValidationError("取消码只含字母和数字。")
        return code


class AttendanceForm(forms.Form):
    attended = forms.ChoiceField(
        choices=[("yes", "到场"), ("no", "未到"), ("clear", "未登记")], label="到场"
    )

    def clean_attended(self):
        return {"yes": True, "no": False, "clear": None}[self.cleaned_data["attended"]]
