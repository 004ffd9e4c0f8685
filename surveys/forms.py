"""Forms of the questionnaire pages. The services check everything again; these give each field
its own message. Residents' answers come in two shapes: the public form (radios, boxes and text,
one question per screen with the page's script) and the paper entry form (one small text input
per question: an option's number, digits for several, a score, a text)."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import validate_sane_date
from core.once import OnceForm
from needs.models import Category

from .models import Channel, Question, QuestionKind
from .services import TEXT_MAX


def show_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: per question where it names one, else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = getattr(form, "error_fields", {}).get(name, name)
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if error.messages else str(error))
    else:
        form.add_error(None, ValidationError(exc.messages))


class DateInput(forms.DateInput):
    """A phone's date picker reads only ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), validators=[validate_sane_date])


class SurveyEditForm(forms.Form):
    title = forms.CharField(label="问卷标题", max_length=100)
    intro = forms.CharField(
        label="致居民的话",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="说明调查的目的、大约需要几分钟,以及不收集姓名电话。",
    )
    starts_on = _date("开始日期")
    ends_on = _date("截止日期")
    allow_repeat = forms.BooleanField(
        label="允许同一手机多次填写", required=False, help_text="如一户多人分别填写"
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "截止日期不能早于开始日期。")
        return data


class SurveyCreateForm(OnceForm, SurveyEditForm):
    pass


class AdjustForm(forms.Form):
    starts_on = _date("开始日期")
    ends_on = _date("截止日期")
    allow_repeat = forms.BooleanField(
        label="允许同一手机多次填写", required=False, help_text="如一户多人分别填写"
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    text = forms.CharField(label="题目", max_length=200)
    required = forms.BooleanField(label="必答", required=False, initial=True)
    options = forms.CharField(
        label="选项(每行一个)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="单选题和多选题填写,每行一个选项。",
    )
    rating_max = forms.IntegerField(
        label="最高分",
        min_value=2,
        max_value=10,
        initial=5,
        required=False,
        help_text="打分题填写,2到10分。",
    )

    def clean_rating_max(self):
        return self.cleaned_data.get("rating_max") or 5

    @classmethod
    def of(cls, question: Question, data=None):
        initial = {
            "kind": question.kind,
            "text": question.text,
            "required": question.required,
            "options": "\n".join(question.options),
            "rating_max": question.rating_max,
        }
        return cls(data, initial=initial)


class QuestionAddForm(OnceForm, QuestionForm):
    pass


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "上移"), ("down", "下移")])


class DistributionForm(OnceForm):
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices)
    copies = forms.IntegerField(label="发放份数", min_value=1, max_value=100_000)
    handed_out_on = forms.DateField(
        label="发放日期",
        widget=DateInput(),
        validators=[validate_sane_date],
        initial=timezone.localdate,
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


# --- residents' answers --------------------------------------------------------------------------
def field_name(number: int) -> str:
    """Answer fields are named by the question's place (q1, q2 …): questions do not change once
    a survey is open, and the names say nothing of the database."""
    return f"q{number}"


class QuestionFields:
    """What the answer and entry forms share: a field per question, and the service's errors
    (keyed "q<question id>") put on them."""

    def _name(self, question) -> str:
        return self.names[question.pk]

    def _setup(self, questions) -> None:
        self.questions = questions
        self.names = {q.pk: field_name(n) for n, q in enumerate(questions, start=1)}
        self.error_fields = {f"q{q.pk}": self.names[q.pk] for q in questions}

    def question_fields(self):
        return [self[self._name(q)] for q in self.questions]


class AnswerForm(QuestionFields, OnceForm):
    """The public form: one field per question, then the optional comment."""

    comment = forms.CharField(
        label="您还有什么意见建议?(选填)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
        help_text="留下意见建议的,提交后会得到一个回执码,凭它可以查询社区的处理情况。"
        "请不要填写姓名、电话等个人信息。",
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(questions)
        # The page's button says 提交问卷, not 保存 (OnceField's words).
        expired = "页面停留太久,请再点一次“提交问卷”。"
        self.fields["once"].error_messages.update({"required": expired, "invalid": expired})
        fields = {}
        for number, question in enumerate(questions, start=1):
            label = f"{number}. {question.text}"
            required = question.required
            if question.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=list(enumerate(question.options)),
                    coerce=int,
                    required=required,
                    widget=forms.RadioSelect,
                )
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    label=label,
                    choices=list(enumerate(question.options)),
                    coerce=int,
                    required=required,
                    widget=forms.CheckboxSelectMultiple,
                    help_text="可以多选",
                )
            elif question.kind == QuestionKind.RATING:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(r, f"{r}分") for r in range(1, question.rating_max + 1)],
                    coerce=int,
                    required=required,
                    widget=forms.RadioSelect,
                    help_text=f"1分最低,{question.rating_max}分最高",
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=required,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
                )
            field.error_messages["required"] = "这道题必须回答。"
            field.error_messages["invalid_choice"] = "请从选项中选择。"
            field.question = question
            fields[self._name(question)] = field
        # The questions first, the comment last.
        comment = self.fields.pop("comment")
        self.fields.update(fields)
        self.fields["comment"] = comment

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(self._name(q)) for q in self.questions}


# --- paper entry -------------------------------------------------------------------------------------
SPLIT = re.compile(r"[\s,,、;;/]+")
DIGITS = re.compile(r"[0-9]{1,12}")


def typed_number(raw: str) -> str:
    """What a worker typed for a number, as plain ASCII: a Chinese input method's full-width
    "１３５" or "１，３" reads as "135" or "1,3" (NFKC)."""
    return unicodedata.normalize("NFKC", raw).strip()


def as_number(raw: str) -> int | None:
    """ASCII digits only: str.isdigit() also says yes to "²" or "①", which int() refuses."""
    return int(raw) if DIGITS.fullmatch(raw) else None


def parse_options(raw: str, options: int = 9) -> list[int] | None:
    """ "135", "1,3,5", "1 3 5", "1、3" → [0, 2, 4] (option numbers from 1); None if not digits.
    With up to nine options the digits may run together; beyond, they must be separated."""
    raw = typed_number(raw)
    if not raw:
        return []
    parts = [p for p in SPLIT.split(raw) if p]
    if len(parts) == 1 and as_number(parts[0]) is not None and len(parts[0]) > 1 and options <= 9:
        parts = list(parts[0])
    numbers = [as_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    return [n - 1 for n in numbers]


class EntryForm(QuestionFields, OnceForm):
    """纸质录入: the keyboard form. One small text input per question."""

    channel = forms.ChoiceField(
        label="渠道",
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.VISIT, Channel.VISIT.label)],
        initial=Channel.PAPER,
    )
    paper_no = forms.CharField(label="纸质问卷编号(选填)", required=False, max_length=20)
    comment = forms.CharField(label="其他意见建议(选填)", required=False, max_length=TEXT_MAX)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(questions)
        fields = {}
        for number, question in enumerate(questions, start=1):
            kind = question.kind
            if kind == QuestionKind.SINGLE:
                hint = f"填选项编号 1–{len(question.options)}"
            elif kind == QuestionKind.MULTIPLE:
                hint = f"填选项编号,如 135 或 1,3,5(1–{len(question.options)})"
            elif kind == QuestionKind.RATING:
                hint = f"填分数 1–{question.rating_max}"
            else:
                hint = "照抄居民写的文字"
            numeric = kind in (QuestionKind.SINGLE, QuestionKind.RATING)
            attrs = {"autocomplete": "off", "data-entry": "1"}
            if numeric:
                attrs["inputmode"] = "numeric"
            field = forms.CharField(
                label=f"{number}. {question.text}",
                required=False,
                max_length=TEXT_MAX,
                help_text=hint,
                widget=forms.TextInput(attrs=attrs),
            )
            field.question = question
            fields[self._name(question)] = field
        tail = {name: self.fields.pop(name) for name in ("comment", "paper_no", "channel")}
        self.fields.update(fields)
        self.fields.update(tail)
        for name in ("comment", "paper_no"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "data-entry": "1"})

    def answers(self) -> dict:
        """What was typed, as the service takes it: option indexes, a score, a text; a value
        that is not a number where one is wanted is left for the service to refuse."""
        found = {}
        for question in self.questions:
            raw = str(self.cleaned_data.get(self._name(question)) or "").strip()
            if not raw:
                found[question.pk] = None
            elif question.kind == QuestionKind.SINGLE:
                number = as_number(typed_number(raw))
                found[question.pk] = number - 1 if number is not None else raw
            elif question.kind == QuestionKind.MULTIPLE:
                parsed = parse_options(raw, len(question.options))
                found[question.pk] = parsed if parsed is not None else [raw]
            elif question.kind == QuestionKind.RATING:
                number = as_number(typed_number(raw))
                found[question.pk] = number if number is not None else raw
            else:
                found[question.pk] = raw
        return found


# --- the comments' triage ----------------------------------------------------------------------------
class FileForm(forms.Form):
    need = forms.TypedChoiceField(label="记入需求", coerce=int, choices=())

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", "请选择需求"), *((n.pk, n.title) for n in needs)]


class NewNeedForm(OnceForm):
    title = forms.CharField(label="需求标题", max_length=100)
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.filter(active=True), to_field_name="code"
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不予采纳的理由",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="居民凭回执码可以看到。",
    )


class OptionNeedForm(OnceForm):
    question = forms.IntegerField(widget=forms.HiddenInput)
    option = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=100)
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.filter(active=True), to_field_name="code"
    )
