from django import forms

from accounts.models import Compound
from core.once import OnceForm

from .models import Category, Need


class NeedForm(OnceForm, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "category", "source", "compound", "mentions", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mentions": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["category"].queryset = Category.objects.filter(active=True)


class NeedFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label="类别",
        required=False,
        queryset=Category.objects.all(),
        to_field_name="code",
        empty_label="全部类别",
    )
