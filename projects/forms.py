from django import forms
from django.utils import timezone

from accounts.models import Compound
from core.dates import years_after
from core.once import OnceForm
from needs.models import Need
from partners.models import Partner, Resource, ResourceKind

from . import listing
from .models import (
    GRANTED_SOURCES,
    Activity,
    BudgetLine,
    Contribution,
    JointMeeting,
    Milestone,
    Party,
    Project,
    Recommendation,
    Status,
)
from .workflow import MAX_ATTENDEES, MAX_CONDITIONS, PLAN_HORIZON_YEARS


class DateInput(forms.DateInput):
    """A phone's date picker reads only ISO dates: never the locale's 2026/12/01."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProjectBasicForm(forms.ModelForm):
    needs = forms.ModelMultipleChoiceField(
        label="回应的需求",
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="从本社区的需求清单中选择",
    )

    class Meta:
        model = Project
        fields = ["title", "compound", "theme", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["needs"].queryset = Need.objects.alive().filter(community=community)
        if self.instance.pk:
            self.fields["needs"].initial = list(self.instance.needs.values_list("pk", flat=True))


class ProjectCreateForm(OnceForm, ProjectBasicForm):
    """The basics of a new project; posting the same page twice creates one project."""


class PlanForm(forms.ModelForm):
    compounds = forms.ModelMultipleChoiceField(
        label="服务的小区",
        queryset=Compound.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="可选一个或多个本社区的小区",
    )

    class Meta:
        model = Project
        fields = [
            "goal",
            "target_groups",
            "start_date",
            "end_date",
            "project_class",
            "public_space",
            "outdoor_category",
            "micro_kind",
            "changes_shared_property",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = Compound.objects.filter(community=community).only(
            "id", "name", "kind", "community"
        )
        self.fields["micro_kind"].choices = [
            ("", "不是微项目"),
            *self.fields["micro_kind"].choices[1:],
        ]
        self.fields["public_space"].empty_label = "室内(不在户外)"
        self.fields["outdoor_category"].empty_label = "不在户外,或不属于十二类"
        self.fields["project_class"].empty_label = "请选择"
        if self.instance.pk:
            self.fields["compounds"].initial = list(
                self.instance.compounds.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "结束日期不能早于开始日期。")
        horizon = years_after(timezone.localdate(), PLAN_HORIZON_YEARS)
        if end and end > horizon:
            self.add_error(
                "end_date",
                f"计划结束日期不能晚于 {horizon:%Y-%m-%d}(最多安排 {PLAN_HORIZON_YEARS} 年)。",
            )
        return data


class MilestoneForm(OnceForm, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["date", "title", "responsible"]
        widgets = {"date": DateInput()}
        help_texts = {"title": "如:招募志愿者、第一次活动、复盘会"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "milestone_%s")
        super().__init__(*args, **kwargs)


class BudgetLineForm(OnceForm, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["item", "amount", "source"]
        widgets = {
            "amount": forms.NumberInput(attrs={"min": 0.01, "step": "0.01", "inputmode": "decimal"})
        }
        help_texts = {"item": "如:活动物料、场地布置、志愿者餐补"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "budget_%s")
        super().__init__(*args, **kwargs)


class RowChoiceForm(forms.Form):
    """A hidden id of one row of the project (a milestone, a budget line) to act on."""

    def __init__(self, *args, queryset, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[name] = forms.ModelChoiceField(
            queryset=queryset,
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": "该记录不属于这个项目或已被删除。"},
        )


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["proposal", "no_partner_reason"]
        widgets = {
            "proposal": forms.Textarea(attrs={"rows": 8}),
            "no_partner_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "proposal": "联席会议定后的实施方案:做什么、分几次、谁来做、怎么保障安全。",
        }


ATTENDEE_ROWS = 8


class MeetingForm(forms.ModelForm):
    """The joint meeting, with up to ATTENDEE_ROWS attendees (party and name) on one page."""

    minutes_file = forms.FileField(
        label="会议纪要",
        required=False,
        help_text="PDF、Word(docx)或 Excel(xlsx),不超过 20 MB;已上传的纪要不选文件则保留",
    )

    class Meta:
        model = JointMeeting
        fields = [
            "date",
            "place",
            "feasibility",
            "agreed_goal",
            "agreed_budget",
            "volunteers_needed",
            "venues_needed",
            "skills_needed",
            "decisions",
        ]
        widgets = {
            "date": DateInput(),
            "feasibility": forms.Textarea(attrs={"rows": 3}),
            "agreed_goal": forms.Textarea(attrs={"rows": 2}),
            "agreed_budget": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "volunteers_needed": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(self.instance.attendances.all()) if self.instance.pk else []
        rows = max(ATTENDEE_ROWS, len(existing) + 2)
        for i in range(min(rows, MAX_ATTENDEES)):
            party = forms.ChoiceField(
                label=f"第 {i + 1} 位代表", choices=[("", "—"), *Party.choices], required=False
            )
            name = forms.CharField(label=f"第 {i + 1} 位姓名", max_length=60, required=False)
            if i < len(existing):
                party.initial, name.initial = existing[i].party, existing[i].name
            self.fields[f"party_{i}"], self.fields[f"name_{i}"] = party, name
        self.rows = [
            (self[f"party_{i}"], self[f"name_{i}"]) for i in range(min(rows, MAX_ATTENDEES))
        ]

    def clean(self):
        data = super().clean()
        attendances = []
        for i in range(len(self.rows)):
            party, name = data.get(f"party_{i}"), (data.get(f"name_{i}") or "").strip()
            if party and name:
                attendances.append((party, name))
            elif party or name:
                self.add_error(f"name_{i}", "请同时填写参会人和其代表的一方。")
        if not attendances:
            raise forms.ValidationError("请至少填写一位参会人及其代表的一方。")
        data["attendances"] = attendances
        return data


class PartnerLinkForm(forms.Form):
    partner = forms.ModelChoiceField(label="合伙人", queryset=Partner.objects.none())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            Partner.objects.alive()
            .active()
            .filter(community_id=project.community_id)
            .exclude(pk__in=project.partners.all())
        )


class PartnerUnlinkForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "该合伙人没有链接到这个项目。"},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = project.partners.all()


class ContributionForm(forms.Form):
    """What one linked partner contributes (step 2): one of its resources, or described here.
    The project page shows one of these under each linked partner."""

    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "请先链接该合伙人,再登记它的贡献。"},
    )
    resource = forms.ModelChoiceField(
        label="选用登记过的资源",
        queryset=Resource.objects.none(),
        required=False,
        error_messages={"invalid_choice": "只能选用该合伙人正在提供的资源。"},
    )
    kind = forms.ChoiceField(
        label="贡献类型", choices=[("", "按所选资源"), *ResourceKind.choices], required=False
    )
    description = forms.CharField(label="贡献内容", max_length=200, required=False)
    quantity = forms.DecimalField(
        label="数量",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    unit = forms.CharField(label="单位", max_length=10, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = project.partners.all()
        self.fields["resource"].queryset = Resource.objects.filter(
            partner__in=project.partners.all(), active=True
        )

    def clean(self):
        data = super().clean()
        partner, resource = data.get("partner"), data.get("resource")
        if partner is None:
            return data
        if resource is not None and resource.partner_id != partner.pk:
            self.add_error("resource", "只能选用该合伙人正在提供的资源。")
            return data
        if resource is not None:
            data["kind"] = data.get("kind") or resource.kind
            data["description"] = data.get("description") or resource.description
            data["unit"] = data.get("unit") or resource.unit
        if not data.get("kind"):
            self.add_error("kind", "请选择贡献类型,或选用一项登记过的资源。")
        if not str(data.get("description") or "").strip():
            self.add_error("description", "请写明贡献的内容,如“提供会议室两次”。")
        return data


class ContributionRemoveForm(forms.Form):
    contribution = forms.ModelChoiceField(
        queryset=Contribution.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "该贡献不属于这个项目。"},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contribution"].queryset = Contribution.objects.filter(
            project=project
        ).select_related("partner")


class DecisionForm(forms.Form):
    """The approve, return and comment forms share a page: each gets its own element ids."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="审核意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = forms.CharField(
        label="批准条件(可选)",
        required=False,
        max_length=MAX_CONDITIONS * 310,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"附条件批准时每行写一项条件,最多 {MAX_CONDITIONS} 项;社区逐项确认落实后才能发布预告。",
    )

    def clean_conditions(self):
        lines = [line.strip() for line in self.cleaned_data["conditions"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_CONDITIONS:
            raise forms.ValidationError(f"批准条件最多 {MAX_CONDITIONS} 项。")
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError("每项条件不能超过 300 字。")
        return lines


class ReturnForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "return_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="修改意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时请写明修改意见。"},
    )


class CommentForm(OnceForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendation = forms.ChoiceField(
        label="建议",
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="领导小组成员可以建议批准或退回;专家顾问只提意见。由组长决定。",
    )


class GrantForm(forms.Form):
    source = forms.ChoiceField(
        label="经费来源", choices=[(s.value, s.label) for s in GRANTED_SOURCES]
    )
    amount = forms.DecimalField(
        label="核定金额(元)",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "grant_%s")
        super().__init__(*args, **kwargs)


class ConditionConfirmForm(forms.Form):
    evidence = forms.CharField(
        label="落实情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明条件是如何落实的,例如:已与物业签订场地使用协议。",
    )
    evidence_file = forms.FileField(
        label="证明材料(可选)",
        required=False,
        help_text="PDF、Word(docx)或 Excel(xlsx),不超过 20 MB",
    )


class SuperviseForm(OnceForm):
    question = forms.CharField(
        label="督办事项",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="需要社区说明或推进的问题。",
    )
    due_date = forms.DateField(label="回复期限", widget=DateInput())


class SupervisionReplyForm(forms.Form):
    reply = forms.CharField(label="回复", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class AnnounceForm(forms.Form):
    announcement = forms.CharField(
        label="预告内容",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="居民在“百社百景”居民页面上看到的内容:时间、地点、怎么参加(如向谁报名)。",
    )


class ActivityForm(OnceForm, forms.ModelForm):
    photo = forms.ImageField(
        label="活动照片", required=False, help_text="JPG、PNG 或 WebP,不超过 10 MB"
    )

    class Meta:
        model = Activity
        fields = [
            "date",
            "place",
            "participants",
            "volunteers",
            "spending",
            "funding_source",
            "note",
        ]
        widgets = {
            "date": DateInput(),
            "participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "volunteers": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "spending": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class RetrospectiveForm(forms.Form):
    """The structured 复盘: three written parts. Money spent against the budget, participation
    and residents' grades are shown beside them from the sessions and the grades."""

    retro_worked = forms.CharField(
        label="做得好的",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="哪些做法有效、居民反响好,值得保留。",
        error_messages={"required": "请填写做得好的地方。"},
    )
    retro_missed = forms.CharField(
        label="不足之处",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="哪些没做到、没做好,原因是什么。",
    )
    retro_changes = forms.CharField(
        label="下次要改进的",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="下次怎么做、要调整什么。",
        error_messages={"required": "请填写下次要改进的地方。"},
    )


class ProjectFilterForm(forms.Form):
    """The project list's filters and order, read from GET by the list and its export. A bad value
    is dropped with a message (`filters()`), never an error page. Pickers list only the user's own
    scope; district staff pick a street first, then one of its communities."""

    # Rendered by hand in the list template: a page every role opens all day.
    street = forms.TypedChoiceField(label="街道", required=False, coerce=int, empty_value=None)
    community = forms.TypedChoiceField(label="社区", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Status.choices]
    )
    step = forms.ChoiceField(
        label="当前步骤",
        required=False,
        choices=[("", "全部步骤"), *((s.key, s.label) for s in listing.STEPS)],
    )
    theme = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *Project.Theme.choices]
    )
    kind = forms.ChoiceField(
        label="小区类型", required=False, choices=[("", "全部小区类型"), *Compound.Kind.choices]
    )
    project_class = forms.TypedChoiceField(
        label="项目类别", required=False, coerce=int, empty_value=None
    )
    q = forms.CharField(label="名称", required=False, max_length=50)
    sort = forms.ChoiceField(label="排序", required=False, choices=listing.SORT_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        streets = listing.street_choices(user)
        if streets:
            self.fields["street"].choices = [("", "全部街道"), *streets]
        else:  # one street at most: no picker, and a street in the address is ignored
            del self.fields["street"]
        street = self.data.get("street", "")
        chosen = next((pk for pk, _ in streets if str(pk) == street), None)
        self.fields["community"].choices = [
            ("", "全部社区"),
            *listing.community_choices(user, chosen),
        ]
        self.fields["project_class"].choices = [("", "全部类别"), *listing.class_choices()]
        if streets:
            self.fields["street"].error_messages["invalid_choice"] = "没有这个街道,已忽略。"
        if chosen is not None:
            community_refused = "所选社区不属于所选街道,已忽略。"
        elif user.scope.is_district_business:
            community_refused = "请先选择街道,再选择社区。"
        else:
            community_refused = "所选社区不在您能查看的范围内,已忽略。"
        self.fields["community"].error_messages["invalid_choice"] = community_refused
        self.fields["project_class"].error_messages["invalid_choice"] = "没有这个项目类别,已忽略。"

    def filters(self) -> dict:
        """The valid, non-empty values by the selector's names: a bad one is left out (and its
        message shown above the list), the others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
