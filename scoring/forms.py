"""Forms of scoring: each lists its fields; status, totals, judges and creators are never client
writable (the services set them)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core.once import OnceForm

from .models import FULL_MARKS, MAX_CRITERIA, Round, Rubric, TieBreak
from .workflow import judge_candidates


class RubricForm(forms.Form):
    """A rubric and up to MAX_CRITERIA criteria, one row each (name, full marks, description);
    empty rows are skipped; the full marks add up to 100."""

    name = forms.CharField(label="名称", max_length=60)
    description = forms.CharField(
        label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rubric: Rubric | None = None, **kwargs):
        if rubric is not None and not kwargs.get("initial"):
            initial = {"name": rubric.name, "description": rubric.description}
            for index, criterion in enumerate(rubric.criteria.all(), 1):
                initial[f"c{index}_name"] = criterion.name
                initial[f"c{index}_points"] = criterion.points
                initial[f"c{index}_description"] = criterion.description
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_CRITERIA + 1):
            self.fields[f"c{index}_name"] = forms.CharField(
                label=f"第{index}项 名称", max_length=30, required=False
            )
            self.fields[f"c{index}_points"] = forms.IntegerField(
                label=f"第{index}项 满分", min_value=1, max_value=FULL_MARKS, required=False
            )
            self.fields[f"c{index}_description"] = forms.CharField(
                label=f"第{index}项 评分说明", max_length=300, required=False
            )

    def rows(self):
        """The bound fields of each criterion row, for the template."""
        return [
            (self[f"c{i}_name"], self[f"c{i}_points"], self[f"c{i}_description"])
            for i in range(1, MAX_CRITERIA + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        criteria, names = [], set()
        for index in range(1, MAX_CRITERIA + 1):
            name = (cleaned.get(f"c{index}_name") or "").strip()
            points = cleaned.get(f"c{index}_points")
            description = (cleaned.get(f"c{index}_description") or "").strip()
            if not name and points is None and not description:
                continue
            if not name or points is None:
                raise ValidationError(f"第{index}项:请同时填写名称和满分。")
            if name in names:
                raise ValidationError(f"评分项“{name}”重复了。")
            names.add(name)
            criteria.append({"name": name, "points": points, "description": description})
        if not criteria:
            raise ValidationError("请至少填写一个评分项。")
        total = sum(c["points"] for c in criteria)
        if total != FULL_MARKS:
            raise ValidationError(f"各评分项满分之和为 {total} 分,应为 {FULL_MARKS} 分。")
        cleaned["criteria"] = criteria
        return cleaned


class RubricCreateForm(OnceForm, RubricForm):
    pass


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["name", "year", "rubric", "opens_on", "closes_on", "tie_break", "description"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "tie_break": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.order_by("-created_at", "-id")
        self.fields["tie_break"].choices = TieBreak.choices

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "截止评分日期不能早于开始评分日期。")
        return cleaned


class RoundCreateForm(OnceForm, RoundForm):
    class Meta(RoundForm.Meta):
        pass


class ProjectSearchForm(forms.Form):
    q = forms.CharField(label="项目名称或社区", max_length=30, required=False)


class EntryAddForm(forms.Form):
    project = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class EntryRemoveForm(forms.Form):
    entry = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class JudgeAssignForm(forms.Form):
    user = forms.ModelChoiceField(label="评委", queryset=None, empty_label="请选择")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = judge_candidates()
        self.fields["user"].label_from_instance = lambda u: u.display_name or u.username


class JudgeSearchForm(forms.Form):
    q = forms.CharField(label="姓名或用户名", min_length=1, max_length=30, required=False)


class JudgeRemoveForm(forms.Form):
    judge = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class EntrantForm(forms.Form):
    community = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    project = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200)


class SheetForm(forms.Form):
    """One number per criterion of the round's rubric (bounded by its full marks), a comment."""

    comment = forms.CharField(
        label="评语", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, scores=None, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submit = submit
        scores = scores or {}
        # Fields by position (c1, c2 …), the rubric's order: the same names in every round.
        for index, criterion in enumerate(self.criteria, 1):
            self.fields[f"c{index}"] = forms.DecimalField(
                label=f"{criterion.name}(满分 {criterion.points} 分)",
                help_text=criterion.description,
                min_value=Decimal("0"),
                max_value=Decimal(criterion.points),
                max_digits=4,
                decimal_places=1,
                required=False,
                initial=scores.get(criterion.pk),
            )

    def clean(self):
        """Submitting needs every criterion scored: each empty one is marked beside its field,
        in the same pass as the out-of-range ones (a draft may leave any empty)."""
        cleaned = super().clean()
        if self.submit:
            for index in range(1, len(self.criteria) + 1):
                name = f"c{index}"
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(name, "提交前请为这一项打分。")
        return cleaned

    def points(self) -> dict:
        """criterion id → points or None (not scored yet)."""
        return {
            c.pk: self.cleaned_data.get(f"c{index}") for index, c in enumerate(self.criteria, 1)
        }

    def score_fields(self):
        return [self[f"c{index}"] for index in range(1, len(self.criteria) + 1)]
