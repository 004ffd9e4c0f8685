from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed

from core.audit import audit

from .models import AccountChange, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错5次,该账号在本设备上将被锁定30分钟。",
        "inactive": "该账号已停用,请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class PortalPasswordChangeForm(PasswordChangeForm):
    """A wrong old password counts as a failed login (towards the lockout, django-axes) and is
    audited: the form must not let someone at an unlocked screen guess the password forever."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.user.get_username()},
                request=self.request,
            )
            audit(actor=self.user, action="auth.password_change_failed", result="failed")
            raise


class UnlockForm(forms.Form):
    attempt = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令或恢复码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text="打开手机上的身份验证器(如腾讯身份验证器),输入“百社百景”当前显示的6位数字。",
    )


class AccountChangeForm(forms.Form):
    """What the system admin proposes; the security admin decides (accounts/changes.py)."""

    kind = forms.ChoiceField(
        label="变更", choices=[("", "- 请选择 -"), *AccountChange.Kind.choices]
    )
    target = forms.CharField(
        label="账号(用户名)", required=False, max_length=150, help_text="停用、恢复、重置密码时填写"
    )
    username = forms.CharField(label="新账号的用户名", required=False, max_length=150)
    display_name = forms.CharField(label="新账号的姓名", required=False, max_length=60)
    email = forms.EmailField(label="新账号的邮箱", required=False)
    reason = forms.CharField(label="理由", max_length=200, help_text="例如:新任社区工作者;本人申请")

    def clean_target(self):
        name = self.cleaned_data["target"].strip()
        if not name:
            return None
        user = User.objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError("没有这个账号。")
        return user


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label="审批意见", required=False, max_length=200, help_text="驳回时必填;批准时可写核实情况"
    )
