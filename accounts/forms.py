from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed

from core.audit import audit
from core.dates import validate_sane_date
from core.once import OnceForm

from .models import AccountChange, User
from .roles import STREET_DEPUTIES
from .selectors import people_holding, street_group_candidates


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


# --- the street's leading group (accounts/leading_group.py) ---------------------------------------
class DateInput(forms.DateInput):
    """A phone's date picker; its value must be ISO whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class WorkingGroupForm(forms.Form):
    name = forms.CharField(label="名称", max_length=40, help_text="例如:资源协调组")
    description = forms.CharField(
        label="职责",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="这个小组负责什么,一两句话即可",
    )
    members = forms.ModelMultipleChoiceField(
        label="成员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="只能从本街道领导小组的组长、成员和专家顾问中选择",
    )

    def __init__(self, *args, street, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = street_group_candidates(street)


class WorkingGroupCreateForm(OnceForm, WorkingGroupForm):
    """A new working group; posting the same page twice creates one."""


class DelegationForm(OnceForm):
    delegate = forms.ModelChoiceField(
        label="副组长(受委托人)",
        queryset=User.objects.none(),
        empty_label="- 请选择 -",
        help_text="本街道领导小组的成员",
    )
    starts_on = forms.DateField(
        label="开始日期", widget=DateInput(), validators=[validate_sane_date]
    )
    ends_on = forms.DateField(
        label="结束日期",
        widget=DateInput(),
        validators=[validate_sane_date],
        help_text="含当天;最长一年",
    )
    reason = forms.CharField(label="事由", max_length=200, help_text="例如:组长外出学习两周")

    def __init__(self, *args, street, by, **kwargs):
        super().__init__(*args, **kwargs)
        deputies = people_holding(STREET_DEPUTIES, street=street).exclude(pk=by.pk)
        self.fields["delegate"].queryset = deputies.order_by("display_name", "pk")


class PreferencesForm(forms.Form):
    email_notifications = forms.BooleanField(
        label="接收邮件通知",
        required=False,
        help_text="关闭后,通知只出现在站内“消息”中,不再发送到您的邮箱。",
    )
