from django import forms

from core.once import OnceForm

from .models import Partner


class PartnerForm(OnceForm, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "category", "skills", "phone"]


class PartnerFilterForm(forms.Form):
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *Partner.Category.choices]
    )
