from django import forms

from accounts.models import Compound
from accounts.roles import STREET_GROUP
from accounts.selectors import people_holding
from core.once import OnceForm
from needs.models import Need
from projects.models import Project, ProjectClass

from .models import Assessment, FieldVisit, Verdict
from .widgets import SearchPicker


class DateInput(forms.DateInput):
    """A phone's date picker; its value is always YYYY-MM-DD, whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def community_projects(community):
    """The projects a record of this community may link to: its own, not deleted."""
    return Project.objects.alive().filter(community=community).only("id", "title", "status")


def project_status(project) -> str:
    return project.get_status_display()


class PickerMixin:
    """For a form with search pickers: they ask `search_url` (the page itself) for matches."""

    def set_search_url(self, url: str) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, SearchPicker):
                field.widget.search_url = url
                field.widget.label = str(field.label)

    def picker(self, name: str):
        """The search picker field named `name`, or None."""
        field = self.fields.get(name)
        return field if field is not None and isinstance(field.widget, SearchPicker) else None


class AssessmentForm(PickerMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "title",
            "source",
            "project_class",
            "compound",
            "compound_kind",
            "verdict",
            "reason",
            "need",
            "project",
            "assessed_on",
        ]
        widgets = {
            "verdict": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 4}),
            "assessed_on": DateInput(),
            "need": SearchPicker(empty_label="不关联需求"),
            "project": SearchPicker(empty_label="尚未形成项目", detail=project_status),
        }
        help_texts = {
            "compound_kind": "选了小区可不填;不针对某个小区时按项目主要服务的小区类型选择"
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["project_class"].queryset = ProjectClass.objects.only("id", "name")
        self.fields["project_class"].empty_label = "请选择类别"
        self.fields["compound"].queryset = Compound.objects.filter(community=community).only(
            "id", "name", "kind"
        )
        self.fields["compound"].empty_label = "不针对某个小区"
        self.fields["compound_kind"].required = False
        self.fields["compound_kind"].choices = [("", "按所选小区"), *Compound.Kind.choices]
        self.fields["verdict"].choices = Verdict.choices
        self.fields["assessed_on"].show_hidden_initial = False  # its default is "today"
        self.fields["need"].queryset = (
            Need.objects.alive().filter(community=community).only("id", "title")
        )
        self.fields["project"].queryset = community_projects(community)

    def clean(self):
        data = super().clean()
        compound = data.get("compound")
        if compound is not None:
            data["compound_kind"] = compound.kind
        elif not data.get("compound_kind") and "compound_kind" not in self.errors:
            self.add_error("compound_kind", "请选择小区类型,或者选择一个小区。")
        return data


class AssessmentCreateForm(OnceForm, AssessmentForm):
    """A new 研判; posting the same page twice records one."""


class FieldVisitForm(PickerMixin, forms.ModelForm):
    class Meta:
        model = FieldVisit
        fields = ["date", "members", "others", "findings", "follow_ups", "projects"]
        widgets = {
            "date": DateInput(),
            "members": forms.CheckboxSelectMultiple,
            "findings": forms.Textarea(attrs={"rows": 4}),
            "follow_ups": forms.Textarea(attrs={"rows": 3}),
            "projects": SearchPicker(multiple=True, detail=project_status),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        # Checkboxes of the street's leading group only: a dozen people, never every account.
        self.fields["members"].queryset = (
            people_holding(STREET_GROUP, street=community.street)
            .only("id", "display_name", "username")
            .order_by("display_name", "pk")
        )
        self.fields["members"].error_messages["required"] = "请至少选择一位参加调研的领导小组成员。"
        self.fields["projects"].queryset = community_projects(community)


class FieldVisitCreateForm(OnceForm, FieldVisitForm):
    """A new field visit; posting the same page twice records one."""


# --- list filters (rendered by hand: choices from one query each) -----------------------------
class PlaceFilterForm(forms.Form):
    street = forms.TypedChoiceField(label="街道", required=False, coerce=int, empty_value=None)
    community = forms.TypedChoiceField(label="社区", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communities, **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )
        streets = {c.street_id: c.street.name for c in communities}
        self.fields["street"].choices = [("", "全部街道"), *streets.items()]
        grouped: dict[str, list] = {}
        for c in communities:
            grouped.setdefault(c.street.name, []).append((c.pk, c.name))
        self.fields["community"].choices = [("", "全部社区"), *grouped.items()]
        # Only someone seeing more than one street chooses a street.
        self.show_street = len(streets) > 1

    @property
    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored, the others still apply)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class AssessmentFilterForm(PlaceFilterForm):
    project_class = forms.TypedChoiceField(
        label="类别", required=False, coerce=int, empty_value=None
    )
    verdict = forms.ChoiceField(
        label="结论", required=False, choices=[("", "全部结论"), *Verdict.choices]
    )
    compound_kind = forms.ChoiceField(
        label="小区类型", required=False, choices=[("", "全部类型"), *Compound.Kind.choices]
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_class"].choices = [("", "全部类别")] + [
            (c.pk, c.name) for c in classes
        ]


class VisitFilterForm(PlaceFilterForm):
    month = forms.RegexField(
        label="月份",
        required=False,
        regex=r"^20\d\d-(0[1-9]|1[0-2])$",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )
