"""Builders for surveys' tests and its rows of the URL × persona matrix."""

import datetime
import itertools

from django.utils import timezone

from surveys.models import Answer, Channel, Distribution, Question, Response, Survey
from surveys.workflow import ensure_copies

_codes = itertools.count(1)

QUESTIONS = (
    ("single", "您最关心小区的哪方面问题?", ["环境卫生", "停车难", "加装电梯", "绿化"]),
    ("multiple", "您愿意参加哪些活动?", ["邻居节", "百家宴", "读书会", "义诊"]),
    ("rating", "您对社区服务的满意度?", []),
    ("text", "您还希望社区做些什么?", []),
)


def code() -> str:
    return f"t{next(_codes):07d}"


def survey(
    *,
    created_by,
    community=None,
    street=None,
    district=None,
    status="open",
    questions=True,
    days=(-5, 25),
    **kwargs,
) -> Survey:
    """A survey of a community (or a street's or district's template) with the four kinds of
    question, open from five days ago for a month unless told otherwise."""
    today = timezone.localdate()
    level = "community" if community else ("street" if street else "district")
    made = Survey.objects.create(
        title=kwargs.pop("title", "2026年居民需求调查"),
        intro=kwargs.pop("intro", "请花两分钟告诉我们您的想法。"),
        level=level,
        community=community,
        street=street,
        district=district,
        status=status,
        starts_on=today + datetime.timedelta(days=days[0]),
        ends_on=today + datetime.timedelta(days=days[1]),
        short_code=kwargs.pop("short_code", None) or code(),
        created_by=created_by,
        published_at=timezone.now() if status != "draft" else None,
        **kwargs,
    )
    if questions:
        for order, (kind, text, options) in enumerate(QUESTIONS, start=1):
            Question.objects.create(
                survey=made,
                order=order,
                kind=kind,
                text=text,
                options=options,
                required=kind != "text",
                rating_max=5,
            )
    if level != "community" and status != "draft":
        ensure_copies(made)
    return made


def answer(
    survey: Survey,
    *,
    channel=Channel.ONLINE,
    comment="",
    choices=(0, (0, 1), 4, "希望多办活动"),
    by=None,
):
    """One returned copy with an answer to each of the four questions."""
    questions = list(Question.objects.filter(survey_id=survey.question_source_id))
    response = Response.objects.create(
        survey=survey,
        channel=channel,
        comment=comment,
        entered_by=by if channel != Channel.ONLINE else None,
    )
    rows = []
    for question, value in zip(questions, choices, strict=False):
        if question.kind == "single":
            rows.append(Answer(response=response, question=question, option=value))
        elif question.kind == "multiple":
            rows += [Answer(response=response, question=question, option=v) for v in value]
        elif question.kind == "rating":
            rows.append(Answer(response=response, question=question, rating=value))
        elif value:
            rows.append(Answer(response=response, question=question, text=value))
    Answer.objects.bulk_create(rows)
    return response


def handed_out(survey: Survey, copies: int, channel=Channel.PAPER, *, by) -> Distribution:
    return Distribution.objects.create(survey=survey, channel=channel, copies=copies, created_by=by)


def matrix_objects(org, people) -> dict:
    """国奥社区's surveys for the URL × persona matrix: an open survey answered once by paper
    with a comment and once online, a draft, an open copy of street A's template (which allows repeats), the
    template itself, a closed survey."""
    open_survey = survey(community=org.guoao, created_by=people.secretary, short_code="matrixq1")
    draft = survey(
        community=org.guoao, created_by=people.secretary, status="draft", short_code="matrixq2"
    )
    template = survey(
        street=org.street_a, created_by=people.street, short_code="matrixq3", allow_repeat=True
    )
    copy = Survey.objects.get(template=template, community=org.guoao)
    closed = survey(
        community=org.guoao, created_by=people.secretary, status="closed", short_code="matrixq4"
    )
    response = answer(open_survey, channel=Channel.PAPER, comment="楼道灯坏了", by=people.worker)
    online = answer(open_survey)
    return {
        "survey": open_survey,
        "survey_draft": draft,
        "survey_template": template,
        "survey_copy": copy,
        "survey_closed": closed,
        "survey_question": Question.objects.filter(survey=draft).order_by("order").first(),
        "survey_open_question": Question.objects.filter(survey=open_survey, kind="text").first(),
        "survey_choice_question": Question.objects.get(survey=open_survey, order=1),
        "survey_response": response,
        # A resident's own answer: never corrected by staff (409).
        "survey_online_response": online,
    }
