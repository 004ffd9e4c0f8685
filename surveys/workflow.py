"""The lifecycle of a questionnaire, as one table performed by core.workflow's engine.

    draft ──publish──▶ open ──close──▶ closed
      │ edit, questions (add / edit / delete / move), delete
      open: adjust (the community's dates and repeat setting of its copy or its own survey)

Publishing a street's or the district's template makes a copy for every community below it
(`ensure_copies`: bulk, idempotent, on the locked template row); closing a template closes its
copies that are still open. The state a resident meets is computed from the dates as well: an
open survey takes answers only from its first day to its last (`answering_state`).
"""

import datetime
import secrets

from django.db.models import Max
from django.utils import timezone

from accounts.models import Community
from core.workflow import Action, Conflict, Step, Workflow, mark_deleted

from .models import Question, QuestionKind, Survey, SurveyLevel, SurveyStatus

DRAFT, OPEN, CLOSED = SurveyStatus.DRAFT, SurveyStatus.OPEN, SurveyStatus.CLOSED

CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read off a poster
CODE_LENGTH = 8
MAX_QUESTIONS = 40
MAX_OPTIONS = 20
MAX_SPAN_DAYS = 366
# A community may run its copy a little past the template's last day (late paper copies).
COPY_GRACE_DAYS = 30
QUESTION_FIELDS = ("kind", "text", "required", "options", "rating_max")


def new_codes(n: int) -> list[str]:
    """n short codes no survey holds yet."""
    codes: set[str] = set()
    while len(codes) < n:
        wanted = n - len(codes)
        batch = {
            "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            for _ in range(wanted)
        }
        taken = set(
            Survey.objects.filter(short_code__in=batch).values_list("short_code", flat=True)
        )
        codes |= batch - taken
    return list(codes)[:n]


# --- readiness ----------------------------------------------------------------------------------
def date_reasons(starts_on, ends_on, *, template=None):
    """Why these dates cannot be the survey's (a copy's must lie around its template's)."""
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        yield "请填写开始日期和截止日期。"
        return
    if ends_on < starts_on:
        yield "截止日期不能早于开始日期。"
    elif (ends_on - starts_on).days > MAX_SPAN_DAYS:
        yield "问卷开放时间不能超过一年。"
    if template is not None:
        latest = template.ends_on + datetime.timedelta(days=COPY_GRACE_DAYS)
        if starts_on < template.starts_on or ends_on > latest:
            yield (
                f"本社区副本的开始日期不能早于上级问卷的开始日期({template.starts_on:%Y-%m-%d}),"
                f"截止日期不能晚于{latest:%Y-%m-%d}(上级问卷截止后 {COPY_GRACE_DAYS} 天)。"
            )


def clean_options(raw) -> list[str]:
    """The options of a choice question: one per line (or a list), blanks dropped."""
    if isinstance(raw, str):
        raw = raw.splitlines()
    return [str(o).strip()[:100] for o in (raw or []) if str(o).strip()]


def question_reasons(data: dict):
    """Why a question cannot be saved as given."""
    kind = data.get("kind")
    if kind not in QuestionKind.values:
        yield "请选择题型。"
        return
    text = str(data.get("text") or "").strip()
    if not text:
        yield "请填写题目。"
    elif len(text) > 200:
        yield "题目不能超过200字。"
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = clean_options(data.get("options"))
        if len(options) < 2:
            yield "选择题至少需要两个选项,每行一个。"
        elif len(options) > MAX_OPTIONS:
            yield f"选项不能超过{MAX_OPTIONS}个。"
        elif len(set(options)) < len(options):
            yield "选项不能重复。"
    if kind == QuestionKind.RATING:
        rating_max = data.get("rating_max")
        if not isinstance(rating_max, int) or not 2 <= rating_max <= 10:
            yield "最高分须在2到10之间。"


def _publish_reasons(step: Step):
    survey = step.obj
    if survey.template_id:
        yield "副本随上级问卷发布。"
        return
    questions = list(Question.objects.filter(survey=survey))
    if not questions:
        yield "请至少添加一道题目。"
    for question in questions:
        for reason in question_reasons(
            {
                "kind": question.kind,
                "text": question.text,
                "options": question.options,
                "rating_max": question.rating_max,
            }
        ):
            yield f"第{question.order}题:{reason}"
    yield from date_reasons(survey.starts_on, survey.ends_on)
    if survey.ends_on < timezone.localdate():
        yield "截止日期已过,请先修改日期。"
    if survey.level != SurveyLevel.COMMUNITY and not _communities_below(survey).exists():
        yield "下辖没有社区,无法发放副本。"


def _edit_check(step: Step):
    survey = step.obj
    if len(survey.intro or "") > 1000:
        yield "致居民的话不能超过1000字。"
    yield from date_reasons(survey.starts_on, survey.ends_on)


def _adjust_check(step: Step):
    survey = step.obj
    template = survey.template if survey.template_id else None
    yield from date_reasons(survey.starts_on, survey.ends_on, template=template)


# --- work ------------------------------------------------------------------------------------------
def _communities_below(survey: Survey):
    if survey.level == SurveyLevel.STREET:
        return Community.objects.filter(street_id=survey.street_id)
    return Community.objects.filter(street__district_id=survey.district_id)


def ensure_copies(template: Survey) -> int:
    """A copy of the (locked) template for every community below it that has none: bulk, and
    idempotent (one copy per community is also a database constraint). The number made."""
    have = set(Survey.objects.filter(template=template).values_list("community_id", flat=True))
    communities = [c for c in _communities_below(template).order_by("pk") if c.pk not in have]
    codes = new_codes(len(communities))
    Survey.objects.bulk_create(
        [
            Survey(
                title=template.title,
                intro=template.intro,
                level=SurveyLevel.COMMUNITY,
                community=community,
                template=template,
                status=OPEN,
                starts_on=template.starts_on,
                ends_on=template.ends_on,
                allow_repeat=template.allow_repeat,
                short_code=code,
                created_by=template.created_by,
                published_at=timezone.now(),
            )
            for community, code in zip(communities, codes, strict=True)
        ]
    )
    return len(communities)


def _publish(step: Step) -> None:
    step.set(published_at=timezone.now())
    if step.obj.level != SurveyLevel.COMMUNITY:
        step.detail["copies"] = ensure_copies(step.obj)


def _close(step: Step) -> None:
    survey = step.obj
    if survey.level != SurveyLevel.COMMUNITY:
        step.detail["copies_closed"] = Survey.objects.filter(template=survey, status=OPEN).update(
            status=CLOSED
        )


def _no_copy(step: Step):
    if step.obj.template_id:
        yield "副本的题目由上级问卷统一设置。"


def _question_data(step: Step) -> dict:
    data = {name: step.data[name] for name in QUESTION_FIELDS if name in step.data}
    data["text"] = str(data.get("text") or "").strip()
    data["options"] = clean_options(data.get("options"))
    if data.get("kind") not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        data["options"] = []
    data["required"] = bool(data.get("required"))
    data.setdefault("rating_max", 5)
    return data


def _question_check(step: Step):
    yield from _no_copy(step)
    yield from question_reasons(_question_data(step))
    adding = step.action.name == "add_question"
    if adding and Question.objects.filter(survey=step.obj).count() >= MAX_QUESTIONS:
        yield f"一份问卷最多{MAX_QUESTIONS}道题。"


def _own_question(step: Step) -> Question:
    question = step.data.get("question")
    if not isinstance(question, Question) or question.survey_id != step.obj.pk:
        raise Conflict("这道题不属于这份问卷,请刷新页面。", code="status")
    return question


def _add_question(step: Step) -> None:
    last = Question.objects.filter(survey=step.obj).aggregate(m=Max("order"))["m"] or 0
    step.result = Question.objects.create(survey=step.obj, order=last + 1, **_question_data(step))
    step.detail["question"] = step.result.pk


def _edit_question(step: Step) -> None:
    question = _own_question(step)
    for name, value in _question_data(step).items():
        setattr(question, name, value)
    question.save()
    step.result = question
    step.detail["question"] = question.pk


def _delete_question(step: Step) -> None:
    question = _own_question(step)
    step.detail["question"] = question.pk
    question.delete()
    _renumber(step.obj)


def _move_question(step: Step) -> None:
    question = _own_question(step)
    questions = list(Question.objects.filter(survey=step.obj))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index + (-1 if step.data.get("direction") == "up" else 1)
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    _renumber(step.obj, questions)
    step.detail["question"] = question.pk


def _renumber(survey: Survey, questions=None) -> None:
    questions = questions if questions is not None else list(Question.objects.filter(survey=survey))
    for number, question in enumerate(questions, start=1):
        question.order = number
    Question.objects.bulk_update(questions, ["order"])


EDIT_FIELDS = ("title", "intro", "starts_on", "ends_on", "allow_repeat")
ADJUST_FIELDS = ("starts_on", "ends_on", "allow_repeat")


def _question_action(name, label, apply, check=_no_copy):
    return Action(
        name, label, "surveys.manage_survey", frozenset({DRAFT}), check=check, apply=apply
    )


SURVEY_WORKFLOW = Workflow(
    Survey,
    [
        Action(
            "edit",
            "修改",
            "surveys.manage_survey",
            frozenset({DRAFT}),
            fields=EDIT_FIELDS,
            check=_edit_check,
        ),
        _question_action("add_question", "添加题目", _add_question, _question_check),
        _question_action("edit_question", "修改题目", _edit_question, _question_check),
        _question_action("delete_question", "删除题目", _delete_question),
        _question_action("move_question", "调整题目顺序", _move_question),
        Action(
            "publish",
            "发布",
            "surveys.manage_survey",
            frozenset({DRAFT}),
            OPEN,
            check=_publish_reasons,
            apply=_publish,
        ),
        Action(
            "adjust",
            "调整",
            "surveys.run_survey",
            frozenset({OPEN}),
            fields=ADJUST_FIELDS,
            check=_adjust_check,
        ),
        Action("close", "结束", "surveys.manage_survey", frozenset({OPEN}), CLOSED, apply=_close),
        Action("delete", "删除", "surveys.manage_survey", frozenset({DRAFT}), apply=mark_deleted),
    ],
    initial=DRAFT,
    noun="问卷",
    changed_at_field=None,
)


# --- what a resident meets ---------------------------------------------------------------------
def answering_state(survey: Survey, today=None) -> str:
    """ "open" (answers taken), "draft" (never published), "upcoming" (before its first day),
    "closed" (closed, or past its last day), "template" (answered through the copies)."""
    today = today or timezone.localdate()
    if survey.deleted_at is not None or survey.status == DRAFT:
        return "draft"
    if survey.status == CLOSED or today > survey.ends_on:
        return "closed"
    if survey.level != SurveyLevel.COMMUNITY:
        return "template"
    if today < survey.starts_on:
        return "upcoming"
    return "open"
