from django import forms

from core.once import OnceForm
from projects.forms import DateInput
from projects.models import ActivityPhoto, OutdoorCategory, PublicSpaceKind

from .models import ActivityItem, Guidance, LibraryEntry, NominationStatus


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.activity_class.name} · {obj.name}"


def item_field(**kwargs) -> ItemChoiceField:
    return ItemChoiceField(
        label="活动项目",
        queryset=ActivityItem.objects.select_related("activity_class").order_by("order", "id"),
        empty_label="请选择",
        **kwargs,
    )


class StartForm(OnceForm):
    """按此项目开展 / 借鉴此项目: the new draft's title (the community is picked before)."""

    title = forms.CharField(label="新项目名称", max_length=100)


class CloneForm(StartForm):
    """借鉴此项目: the new draft's title and, optionally, the community's compound it is for
    (its name replaces the source's compound names in the copied texts)."""

    compound = forms.ModelChoiceField(
        label="用于本社区的小区",
        queryset=None,
        required=False,
        empty_label="暂不选(文中写作“本小区”)",
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = community.compounds.only(
            "id", "name", "community_id"
        ).order_by("name", "id")


class NominationForm(OnceForm):
    """A street recommends one of its completed projects."""

    project = forms.ModelChoiceField(
        label="已完成复盘的项目", queryset=None, empty_label="请选择本街道的项目"
    )
    item = item_field()
    reason = forms.CharField(
        label="推荐理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明项目解决了居民什么问题、群众参与和成效如何,值得其他社区借鉴的做法",
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.community.name} · {p.title}"


class WriteUpForm(forms.ModelForm):
    """The district's write-up: on selecting a nomination and when editing a library project."""

    item = item_field()
    photo = forms.ModelChoiceField(
        label="案例照片",
        queryset=ActivityPhoto.objects.none(),
        required=False,
        empty_label="不用照片",
    )

    class Meta:
        model = LibraryEntry
        fields = ["item", "reason", "case_study", "photo"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "case_study": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].queryset = (
            ActivityPhoto.objects.filter(activity__project=project, public=True)
            .select_related("upload")
            .order_by("id")
        )
        self.fields["photo"].label_from_instance = lambda p: p.caption or f"照片 {p.pk}"


class SelectForm(WriteUpForm):
    """Selecting (入库): the item and reason come from the nomination as a start."""

    class Meta(WriteUpForm.Meta):
        pass


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="未入选理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NominationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部"), *NominationStatus.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class GuidanceForm(forms.ModelForm):
    public_spaces = forms.ModelMultipleChoiceField(
        label="涉及的户外公共空间",
        queryset=PublicSpaceKind.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outdoor_categories = forms.ModelMultipleChoiceField(
        label="涉及的户外项目类别",
        queryset=OutdoorCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Guidance
        fields = ["kind", "title", "issued_on", "body", "order"]
        widgets = {"issued_on": DateInput(), "body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["public_spaces"].initial = list(
                self.instance.public_spaces.values_list("pk", flat=True)
            )
            self.fields["outdoor_categories"].initial = list(
                self.instance.outdoor_categories.values_list("pk", flat=True)
            )


class GuidanceCreateForm(OnceForm, GuidanceForm):
    pass


class AttachmentForm(OnceForm):
    title = forms.CharField(label="附件名称", max_length=100, required=False)
    file = forms.FileField(label="文件(PDF、Word 或 Excel)")


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2099, required=False)
