from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


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
    pass


class UnlockForm(forms.Form):
    attempt = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
