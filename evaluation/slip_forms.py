"""Forms of the household code slips: which households to print, why a batch is voided."""

from django import forms

from accounts.models import Building, Compound
from core.once import OnceForm

# Ids typed into a request are read only if they could be one (as accounts/households.py does):
# an oversized number never reaches the database.
ID_DIGITS = 9


def parse_id(value) -> int | None:
    """A positive id from request data, or None if it cannot be one."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= ID_DIGITS else None


class BuildingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.compound.name} {obj.number}"


class BatchForm(OnceForm):
    """A compound of the community, and optionally one of its buildings (else all of them)."""

    compound = forms.ModelChoiceField(
        label="小区", queryset=Compound.objects.none(), empty_label="请选择小区"
    )
    building = BuildingChoice(
        label="楼栋",
        queryset=Building.objects.none(),
        required=False,
        empty_label="全部楼栋",
        help_text="一个楼栋的住户多时,可以按楼栋分批打印。",
    )

    def __init__(self, data, community, *, compound_id=None):
        super().__init__(data)
        self.community = community
        self.fields["compound"].queryset = Compound.objects.filter(community=community).only(
            "id", "name", "community_id"
        )
        chosen = parse_id(compound_id if compound_id is not None else self.data.get("compound"))
        buildings = Building.objects.filter(compound__community=community).select_related(
            "compound"
        )
        if chosen is not None:
            # The buildings of the compound picked (all of the community's without scripts).
            narrowed = buildings.filter(compound_id=chosen)
            buildings = narrowed if data is None else buildings
            self.initial["compound"] = chosen
        self.fields["building"].queryset = buildings.order_by("compound__name", "number")

    def clean(self):
        cleaned = super().clean()
        compound, building = cleaned.get("compound"), cleaned.get("building")
        if compound and building and building.compound_id != compound.pk:
            self.add_error("building", "所选楼栋不属于这个小区。")
        return cleaned


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=200,
        help_text="例如:户码条丢失、被他人拿到。作废后这些住户的户码全部换新,已有的评价仍然有效。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写作废原因。")
        return reason
