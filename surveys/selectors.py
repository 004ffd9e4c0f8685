"""Reads for the questionnaire pages. Every page starts from `Survey.objects.visible_to(user)`.

The results are aggregates in the database, a fixed number of queries whatever the number of
answers: the copies handed out and returned per channel, each question's counts per option or
rating, the text answers newest first (a page of them), and for a template one row per community.
An answer points at the template's question, so a template's figures are the answers to its
questions, and a copy's are those of its own responses.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from needs.models import Category, Need

from .models import Answer, Channel, Distribution, Question, QuestionKind, Response, Survey
from .models import SurveyLevel as Level

TEXTS_SHOWN = 20
COMMENTS_PER_PAGE = 10
NEEDS_OFFERED = 100  # the newest needs of the community offered to file a comment under


def _count(queryset, path: str, *, total: str = "id", how=Count):
    """A correlated subquery: the count (or sum) of `queryset`'s rows whose `path` is the row."""
    rows = queryset.filter(**{path: OuterRef("pk")}).order_by().values(path)
    return Coalesce(
        Subquery(rows.annotate(n=how(total)).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def survey_list(user, *, copies: bool):
    """The surveys the user sees, with the copies handed out and returned (a template's over its
    copies). Without `copies`, the communities' copies of templates the user sees are left out
    (a street or the district reads them on the template's page); a copy of a template the user
    does not see (the district's, for a street) is listed on its own, or the street would never
    learn of the district's survey in its communities."""
    surveys = Survey.objects.visible_to(user).select_related(
        "community__street", "street", "district", "template"
    )
    if not copies:
        surveys = surveys.exclude(template__in=Survey.objects.visible_to(user).values("pk"))
    return surveys.annotate(
        returned=_count(Response.objects.all(), "survey"),
        handed=_count(Distribution.objects.all(), "survey", total="copies", how=Sum),
        copies_returned=_count(Response.objects.all(), "survey__template"),
        copies_handed=_count(
            Distribution.objects.all(), "survey__template", total="copies", how=Sum
        ),
    )


def survey_get(user, pk) -> Survey:
    from core.scope import get_visible_or_404

    return get_visible_or_404(
        Survey.objects.select_related("community__street", "street", "district", "template"),
        user,
        pk=pk,
    )


def questions_of(survey: Survey) -> list[Question]:
    return list(Question.objects.filter(survey_id=survey.question_source_id))


def responses_of(survey: Survey):
    """The returned copies a survey's figures count: a template's over all its copies."""
    if survey.level != Level.COMMUNITY:
        return Response.objects.filter(survey__template_id=survey.pk)
    return Response.objects.filter(survey_id=survey.pk)


def distributions_of(survey: Survey):
    if survey.level != Level.COMMUNITY:
        return Distribution.objects.filter(survey__template_id=survey.pk)
    return Distribution.objects.filter(survey_id=survey.pk)


def answers_of(survey: Survey, question_ids):
    answers = Answer.objects.filter(question_id__in=list(question_ids))
    if survey.level == Level.COMMUNITY:
        answers = answers.filter(response__survey_id=survey.pk)
    return answers


def copies_of(template: Survey) -> list[Survey]:
    """A template's copies, one per community, in the communities' order."""
    return list(
        Survey.objects.alive()
        .filter(template=template)
        .select_related("community__street")
        .order_by("community__street__name", "community__name", "pk")
    )


# --- paper entry ------------------------------------------------------------------------------------
TYPED_TODAY_SHOWN = 20


def _number(survey_id):
    """A returned copy's place in its survey (第 N 份): the copies returned before it, and it."""
    before = (
        Response.objects.filter(survey_id=survey_id, pk__lte=OuterRef("pk"))
        .order_by()
        .values("survey_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(before, output_field=IntegerField()), Value(0))


def copy_number(response: Response) -> int:
    return Response.objects.filter(survey_id=response.survey_id, pk__lte=response.pk).count()


def typed_today(survey: Survey, user) -> list[Response]:
    """The copies `user` typed into `survey` today (paper or home visit), newest first, each with
    its number in the survey (one query, at most TYPED_TODAY_SHOWN rows)."""
    today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return list(
        Response.objects.filter(
            survey_id=survey.pk,
            entered_by=user,
            channel__in=(Channel.PAPER, Channel.VISIT),
            submitted_at__gte=today,
        )
        .only("id", "survey_id", "channel", "paper_no", "submitted_at")
        .annotate(number=_number(survey.pk))
        .order_by("-submitted_at", "-id")[:TYPED_TODAY_SHOWN]
    )


# --- figures ----------------------------------------------------------------------------------------
@dataclass
class ChannelRow:
    label: str
    handed: int
    returned: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.returned / self.handed, 1) if self.handed else None


def _channel_rows(handed: dict, returned: dict) -> list[ChannelRow]:
    rows = [ChannelRow(c.label, handed.get(c.value, 0), returned.get(c.value, 0)) for c in Channel]
    rows.append(ChannelRow("合计", sum(handed.values()), sum(returned.values())))
    return rows


def channel_figures(survey: Survey) -> list[ChannelRow]:
    """Handed out against returned, per channel and in all (two queries)."""
    handed = dict(
        distributions_of(survey).order_by().values_list("channel").annotate(n=Sum("copies"))
    )
    returned = dict(responses_of(survey).order_by().values_list("channel").annotate(n=Count("id")))
    return _channel_rows(handed, returned)


@dataclass
class CommunityRow:
    copy: Survey
    figures: ChannelRow


def community_rows(template: Survey) -> list[CommunityRow]:
    """A template's copies with each community's handed out and returned: one query, one row per
    copy (the figures are correlated subqueries, as on the survey list)."""
    copies = (
        Survey.objects.alive()
        .filter(template=template)
        .select_related("community__street")
        .annotate(
            handed=_count(Distribution.objects.all(), "survey", total="copies", how=Sum),
            returned=_count(Response.objects.all(), "survey"),
        )
        .order_by("community__street__name", "community__name", "pk")
    )
    return [CommunityRow(c, ChannelRow(c.community.name, c.handed, c.returned)) for c in copies]


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    bars: list = field(default_factory=list)
    average: float | None = None
    texts: list = field(default_factory=list)

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.question.pk}"

    @property
    def chart(self) -> dict:
        """What the page's script draws (static/js/surveys-charts.js)."""
        return {
            "kind": self.question.kind,
            "labels": [bar.label for bar in self.bars],
            "counts": [bar.count for bar in self.bars],
        }


def question_results(survey: Survey, questions: list[Question]) -> list[QuestionResult]:
    """Each question's counts per option or rating and its respondents (two queries), and the
    newest text answers of each text question (one query each: the questions, not the answers,
    set their number)."""
    results = {q.pk: QuestionResult(q) for q in questions}
    answers = answers_of(survey, results)
    respondents = dict(
        answers.order_by()
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
    )
    counts: dict[int, dict] = {}
    grouped = (
        answers.filter(Q(option__isnull=False) | Q(rating__isnull=False))
        .order_by()
        .values_list("question_id", "option", "rating")
        .annotate(n=Count("id"))
    )
    for question_id, option, rating, n in grouped:
        key = option if option is not None else rating
        counts.setdefault(question_id, {})[key] = n
    for question in questions:
        result = results[question.pk]
        result.respondents = respondents.get(question.pk, 0)
        got = counts.get(question.pk, {})
        if question.kind == QuestionKind.RATING:
            keys = [(r, f"{r}分") for r in range(1, question.rating_max + 1)]
            total = sum(got.values())
            if total:
                result.average = round(sum(r * n for r, n in got.items()) / total, 2)
        elif question.kind == QuestionKind.TEXT:
            keys = []
            result.texts = list(
                answers.filter(question=question)
                .exclude(text="")
                .order_by("-response__submitted_at", "-id")
                .values_list("text", flat=True)[:TEXTS_SHOWN]
            )
        else:
            keys = list(enumerate(question.options))
        base = result.respondents or 1
        result.bars = [
            Bar(label, got.get(key, 0), round(100 * got.get(key, 0) / base, 1))
            for key, label in keys
        ]
    return [results[q.pk] for q in questions]


def text_answers(survey: Survey, question: Question):
    """One text question's answers, newest first (paged by the view)."""
    return (
        answers_of(survey, [question.pk])
        .exclude(text="")
        .select_related("response__survey__community")
        .order_by("-response__submitted_at", "-id")
    )


# --- comments -----------------------------------------------------------------------------------
def comments_of(survey: Survey, *, pending_only: bool = False):
    """The returned copies with a comment, newest first, with their receipt and need."""
    rows = (
        responses_of(survey)
        .exclude(comment="")
        .select_related("survey__community__street", "receipt", "need")
        .order_by("-submitted_at", "-id")
    )
    return rows.filter(comment_handled_at__isnull=True) if pending_only else rows


def needs_offered(community_id) -> list[Need]:
    """The community's newest needs, to file a comment or an option under."""
    return list(
        Need.objects.alive()
        .filter(community_id=community_id)
        .only("id", "title", "community_id")
        .order_by("-created_at", "-id")[:NEEDS_OFFERED]
    )


def categories() -> list[Category]:
    return list(Category.objects.filter(active=True))


# --- export ------------------------------------------------------------------------------------
def export_rows(survey: Survey):
    """(responses, answers) to stream side by side: both ordered by the response's id."""
    responses = (
        responses_of(survey)
        .select_related("survey__community")
        .only(
            "id",
            "channel",
            "paper_no",
            "comment",
            "submitted_at",
            "survey__id",
            "survey__community__id",
            "survey__community__name",
        )
        .order_by("id")
    )
    question_ids = Question.objects.filter(survey_id=survey.question_source_id).values("id")
    answers = Answer.objects.filter(question_id__in=question_ids)
    if survey.level == Level.COMMUNITY:
        answers = answers.filter(response__survey_id=survey.pk)
    answers = answers.order_by("response_id", "question_id", "option", "id").values_list(
        "response_id", "question_id", "option", "rating", "text"
    )
    return responses, answers


# --- the residents' front page ------------------------------------------------------------
FRONT_PAGE_SURVEYS = 8


def open_surveys(*, street=None, community=None) -> list[Survey]:
    """Questionnaires residents can answer today, for /p/: a community's open surveys and
    copies; without a community, the open templates (whose link lists the copies) and the
    communities' own surveys of the street or district. At most FRONT_PAGE_SURVEYS."""
    today = timezone.localdate()
    surveys = Survey.objects.alive().filter(status="open", starts_on__lte=today, ends_on__gte=today)
    if community is not None:
        surveys = surveys.filter(community=community)
    else:
        surveys = surveys.filter(template__isnull=True)
        if street is not None:
            surveys = surveys.filter(
                Q(community__street=street) | Q(street=street) | Q(level=Level.DISTRICT)
            )
    return list(
        surveys.select_related("community", "street").order_by("ends_on", "pk")[:FRONT_PAGE_SURVEYS]
    )
