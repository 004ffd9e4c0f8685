from django import forms

from accounts.households import HouseholdField
from core.once import OnceForm

from .models import Verdict
from .services import normalise_code


def _verdict_field():
    return forms.ChoiceField(
        label="您的评价",
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意。"},
    )


def _comment_field():
    return forms.CharField(
        label="意见或建议(可不填)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CodeField(forms.CharField):
    """A household code as typed on a phone: spaces, dashes and case do not matter."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not normalise_code(value):
            raise forms.ValidationError("户码无效,请核对户码条上的 8 位户码。")
        return normalise_code(value)


class CodeForm(forms.Form):
    """线上投票评: the household code printed on the slip."""

    household_code = CodeField(
        label="户码",
        help_text="社区发放的户码条上的 8 位码",
        error_messages={"required": "请输入户码。"},
    )


class OnlineGradeForm(OnceForm):
    """One project's grade, online, by the household whose code opened the page."""

    verdict = _verdict_field()
    comment = _comment_field()


class OnsiteGradeForm(OnceForm):
    """邀请现场评: a grade from a session's poster; the household code is optional (without
    it the grade counts apart, as unverified)."""

    verdict = _verdict_field()
    comment = _comment_field()
    household_code = CodeField(
        label="户码(可不填)",
        required=False,
        help_text="填写户码,评价按户计入满意率;不填也可以评价,单独统计",
    )


class VisitGradeForm(OnceForm):
    """走访入户评: a worker enters the grade a household gave at its door, choosing the
    household with the picker (accounts/households.py)."""

    household = HouseholdField(label="住户")
    verdict = _verdict_field()
    comment = _comment_field()

    def __init__(self, *args, user, project, back: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["household"]
        # The picker marks the households that graded this project already ("已评价").
        field.set_user(user, back=back, marks={"project": project.pk})
        # The worker enters what the household said: the labels speak of the household.
        self.fields["verdict"].label = "该户的评价"
        self.fields["comment"].label = "该户的意见或建议(可不填)"
        # Only the project's community: a household of another community the worker also
        # serves is refused like one that does not exist.
        field.queryset = field.queryset.filter(building__compound__community=project.community_id)
        field.widget.queryset = field.queryset
