"""Forms of the resources partners offer (partners/resources.py checks them again)."""

from django import forms
from django.core.validators import MinValueValidator

from core.once import OnceForm

from .models import Resource


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "description", "quantity", "unit"]
        widgets = {
            "quantity": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
        }
        help_texts = {
            "description": "如:社区服务中心会议室、活动用水果饮料、法律咨询",
            "quantity": "能计数时填写,如 60(平方米)、5000(元)、20(箱)",
            "unit": "元、小时、平方米、箱、次……资金一律按元计",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *Resource.Kind.choices]
        self.fields["quantity"].validators.append(MinValueValidator(0))

    def _post_clean(self):
        # The service builds and checks the row (the partner is not a field of the form).
        pass


class ResourceCreateForm(OnceForm, ResourceForm):
    """A new resource: one per posted form."""
