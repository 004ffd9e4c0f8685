"""Forms of the delivery area: the failures page's filter, a street's WeCom robot, and the
residents' SMS subscription."""

import datetime
import re

from django import forms

from accounts.models import Street
from core.phone import PhoneFormField

from .models import Channel, DeliveryStatus

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "未送达(失败和待发送)"), *DeliveryStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    channel = forms.ChoiceField(
        label="渠道",
        required=False,
        choices=[("", "全部渠道"), *Channel.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    month = forms.CharField(
        label="月份",
        required=False,
        max_length=7,
        widget=forms.TextInput(
            attrs={"type": "month", "placeholder": "2026-05", "class": "form-control"}
        ),
    )
    publication = forms.IntegerField(
        label="刊物", required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError("月份格式应为 2026-05。")
        return datetime.date(int(match[1]), int(match[2]), 1)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "channel": data["channel"],
            "month": data["month"],
            "publication_id": data["publication"],
        }


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="群机器人 Webhook 地址",
        max_length=500,
        help_text="在企业微信群 → 群机器人 → 复制 Webhook 地址,形如 "
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=……",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "inputmode": "url",
                "class": "form-control",
            }
        ),
    )


class SubscribeForm(forms.Form):
    street = forms.ModelChoiceField(
        label="您所在的街道",
        queryset=Street.objects.order_by("name", "id"),
        empty_label="请选择街道",
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
        error_messages={"required": "请选择街道。", "invalid_choice": "请从列表中选择街道。"},
    )
    phone = PhoneFormField(label="手机号码", error_messages={"required": "请填写手机号码。"})
    code = forms.CharField(label="短信验证码", required=False, max_length=6)
    consent = forms.BooleanField(label="我已阅读并同意《短信订阅告知书》", required=False)
