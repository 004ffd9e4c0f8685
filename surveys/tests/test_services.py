"""The questionnaire services: making, questions, publishing with copies, answering, triage."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from core.workflow import Conflict
from needs.models import Need, NeedMention, Receipt
from surveys import services
from surveys.models import Answer, Channel, Question, Response, Survey
from tests import factories as f

from . import factories as sf

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _data(**kw):
    return {
        "title": "停车问题调查",
        "intro": "",
        "starts_on": TODAY,
        "ends_on": TODAY + datetime.timedelta(days=20),
        "allow_repeat": False,
        **kw,
    }


def test_each_level_makes_its_own_survey(org, people):
    own = services.survey_create(by=people.secretary, place=org.guoao, data=_data())
    street = services.survey_create(by=people.street, place=org.street_a, data=_data())
    district = services.survey_create(by=people.district, place=org.district, data=_data())
    assert (own.level, own.community) == ("community", org.guoao)
    assert (street.level, street.street) == ("street", org.street_a)
    assert (district.level, district.district) == ("district", org.district)
    assert len({own.short_code, street.short_code, district.short_code}) == 3
    assert AuditEvent.objects.filter(action="survey.create").count() == 3


@pytest.mark.parametrize(
    ("who", "place"),
    [
        ("secretary", "yuehai"),
        ("secretary", "street_a"),
        ("expert", "street_a"),
        ("street", "district"),
        ("secretary2", "guoao"),
    ],
)
def test_nobody_makes_a_survey_at_a_level_or_place_not_theirs(org, people, who, place):
    with pytest.raises(PermissionDenied):
        services.survey_create(by=getattr(people, who), place=getattr(org, place), data=_data())


def test_dates_out_of_order_are_refused(org, people):
    with pytest.raises(ValidationError, match="截止日期不能早于开始日期"):
        services.survey_create(
            by=people.secretary,
            place=org.guoao,
            data=_data(ends_on=TODAY - datetime.timedelta(days=1)),
        )
    assert not Survey.objects.exists()


def _question(survey, by, **kw):
    data = {"kind": "single", "text": "您住几号楼?", "required": True, "options": "1号楼\n2号楼"}
    return services.question_add(survey=survey, by=by, data={"rating_max": 5, **data, **kw})


def test_questions_are_added_edited_moved_and_deleted_in_draft(org, people):
    survey = services.survey_create(by=people.secretary, place=org.guoao, data=_data())
    first = _question(survey, people.secretary)
    second = _question(survey, people.worker, kind="rating", text="打个分", options="")
    assert [q.order for q in Question.objects.filter(survey=survey)] == [1, 2]
    assert first.options == ["1号楼", "2号楼"] and second.options == []
    services.question_move(survey=survey, question=second, by=people.secretary, direction="up")
    assert list(Question.objects.filter(survey=survey).values_list("text", flat=True)) == [
        "打个分",
        "您住几号楼?",
    ]
    services.question_edit(
        survey=survey,
        question=first,
        by=people.secretary,
        data={
            "kind": "multiple",
            "text": "您常去哪里?",
            "required": False,
            "options": "广场\n凉亭",
            "rating_max": 5,
        },
    )
    first.refresh_from_db()
    assert (first.kind, first.required, first.options) == ("multiple", False, ["广场", "凉亭"])
    services.question_delete(survey=survey, question=second, by=people.secretary)
    assert list(Question.objects.filter(survey=survey).values_list("order", flat=True)) == [1]


def test_a_choice_question_needs_two_options(org, people):
    survey = services.survey_create(by=people.secretary, place=org.guoao, data=_data())
    with pytest.raises(ValidationError, match="至少需要两个选项"):
        _question(survey, people.secretary, options="只有一个")
    assert not Question.objects.exists()


def test_publishing_needs_a_question_and_then_locks_them(org, people):
    survey = services.survey_create(by=people.secretary, place=org.guoao, data=_data())
    with pytest.raises(ValidationError, match="至少添加一道题目"):
        services.survey_publish(survey=survey, by=people.secretary)
    _question(survey, people.secretary)
    services.survey_publish(survey=survey, by=people.secretary)
    survey.refresh_from_db()
    assert survey.status == "open" and survey.published_at
    with pytest.raises(Conflict):
        _question(survey, people.secretary)


def test_publishing_a_street_template_makes_one_copy_per_community_sharing_its_questions(
    org, people
):
    template = services.survey_create(by=people.street, place=org.street_a, data=_data())
    _question(template, people.member)
    services.survey_publish(survey=template, by=people.street)
    copies = Survey.objects.filter(template=template).order_by("community__name")
    assert {c.community for c in copies} == {org.guoao, org.haiyun}  # not 悦海 (street B)
    assert all(c.status == "open" and c.level == "community" for c in copies)
    assert all(c.question_source_id == template.pk for c in copies)
    event = AuditEvent.objects.get(action="survey.publish")
    assert event.detail["copies"] == 2
    # Idempotent: making copies again makes none.
    from surveys.workflow import ensure_copies

    assert ensure_copies(template) == 0
    assert copies.count() == 2


def test_a_district_template_reaches_every_community(org, people):
    template = sf.survey(district=org.district, created_by=people.district)
    assert Survey.objects.filter(template=template).count() == 3


def test_a_community_adjusts_its_copy_within_the_templates_dates_and_closes_it(org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    copy = Survey.objects.get(template=template, community=org.guoao)
    later = template.ends_on + datetime.timedelta(days=10)
    services.survey_adjust(
        survey=copy,
        by=people.worker,
        data={"starts_on": template.starts_on, "ends_on": later, "allow_repeat": True},
    )
    copy.refresh_from_db()
    assert copy.ends_on == later and copy.allow_repeat
    with pytest.raises(ValidationError, match="副本的开始日期"):
        services.survey_adjust(
            survey=copy,
            by=people.worker,
            data={"ends_on": template.ends_on + datetime.timedelta(days=90)},
        )
    with pytest.raises(PermissionDenied):
        services.survey_adjust(
            survey=copy, by=people.secretary_haiyun, data={"allow_repeat": False}
        )
    services.survey_close(survey=copy, by=people.secretary)
    copy.refresh_from_db()
    assert copy.status == "closed"
    other = Survey.objects.get(template=template, community=org.haiyun)
    assert other.status == "open"


def test_closing_a_template_closes_its_open_copies(org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    services.survey_close(survey=template, by=people.member)
    assert set(Survey.objects.filter(template=template).values_list("status", flat=True)) == {
        "closed"
    }


def _answers(survey, over=None):
    questions = list(Question.objects.filter(survey_id=survey.question_source_id))
    values = {
        questions[0].pk: 1,
        questions[1].pk: [0, 2],
        questions[2].pk: 4,
        questions[3].pk: "多组织活动",
    }
    values.update({questions[i].pk: v for i, v in (over or {}).items()})
    return values


def test_a_resident_answers_once_per_device_and_a_comment_gets_a_receipt(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    done = services.response_submit(
        survey=survey, answers=_answers(survey), comment="希望修路灯", device="phone-1"
    )
    assert done.receipt_code and len(done.receipt_code) == 14
    response = done.response
    assert response.channel == "online" and len(response.device_hash) == 64
    assert "phone-1" not in response.device_hash
    assert Answer.objects.filter(response=response).count() == 5
    assert Receipt.objects.get().kind == "survey"
    with pytest.raises(services.AlreadyAnswered):
        services.response_submit(survey=survey, answers=_answers(survey), device="phone-1")
    services.response_submit(survey=survey, answers=_answers(survey), device="phone-2")
    assert Response.objects.count() == 2
    event = AuditEvent.objects.filter(action="response.submit").first()
    assert event.actor_label == "居民" and event.actor is None


def test_a_copy_that_allows_repeats_keeps_no_device_hash(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, allow_repeat=True)
    for _ in range(2):
        services.response_submit(survey=survey, answers=_answers(survey), device="phone-1")
    assert list(Response.objects.values_list("device_hash", flat=True)) == ["", ""]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({0: 9}, 0),  # option out of range
        ({0: None}, 0),  # required
        ({1: [0, 7]}, 1),
        ({2: 6}, 2),  # rating past max
        ({2: 0}, 2),
        ({3: "长" * 1001}, 3),
    ],
)
def test_bad_answers_are_refused_per_question_and_nothing_is_saved(org, people, over, field):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    questions = list(Question.objects.filter(survey=survey))
    with pytest.raises(ValidationError) as caught:
        services.response_submit(
            survey=survey, answers=_answers(survey, over), comment="有意见", device="d"
        )
    assert f"q{questions[field].pk}" in caught.value.error_dict
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not Receipt.objects.exists()


@pytest.mark.parametrize(
    ("days", "status", "refusal"),
    [((2, 10), "open", "upcoming"), ((-10, -1), "open", "closed"), ((-2, 5), "closed", "closed")],
)
def test_answers_are_taken_only_while_open(org, people, days, status, refusal):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, days=days, status=status)
    with pytest.raises(Conflict) as caught:
        services.response_submit(survey=survey, answers=_answers(survey), device="d")
    assert caught.value.code == refusal


def test_a_template_is_answered_through_its_copies(org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    with pytest.raises(Conflict):
        services.response_submit(survey=template, answers=_answers(template), device="d")
    copy = Survey.objects.get(template=template, community=org.guoao)
    services.response_submit(survey=copy, answers=_answers(copy), device="d")
    assert Answer.objects.filter(question__survey=template).count() == 5


def test_paper_copies_are_typed_by_the_communitys_staff_even_after_closing(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, status="closed")
    done = services.response_submit(
        survey=survey,
        answers=_answers(survey),
        comment="写在纸上的意见",
        channel=Channel.PAPER,
        by=people.worker,
        paper_no="A-001",
    )
    assert done.receipt_code == "" and done.response.receipt is None
    assert (done.response.entered_by, done.response.paper_no) == (people.worker, "A-001")
    with pytest.raises(PermissionDenied):
        services.response_submit(
            survey=survey, answers=_answers(survey), channel=Channel.VISIT, by=people.secretary2
        )


def test_distribution_is_recorded_by_the_community_after_publishing(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    row = services.distribution_add(
        survey=survey, by=people.worker, data={"channel": "paper", "copies": 120}
    )
    assert row.copies == 120 and row.handed_out_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.distribution_add(
            survey=survey, by=people.worker, data={"channel": "x", "copies": 0}
        )
    with pytest.raises(PermissionDenied):
        services.distribution_add(
            survey=survey, by=people.street, data={"channel": "paper", "copies": 1}
        )
    draft = sf.survey(community=org.guoao, created_by=people.secretary, status="draft")
    with pytest.raises(Conflict):
        services.distribution_add(
            survey=draft, by=people.worker, data={"channel": "paper", "copies": 1}
        )


def _commented(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    return services.response_submit(
        survey=survey, answers=_answers(survey), comment="3号楼楼道灯不亮", device="d"
    ).response


def test_a_comment_filed_under_a_need_mentions_it_and_links_the_receipt(org, people):
    response = _commented(org, people)
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary, mentions=3)
    services.comment_file(response=response, need=need, by=people.worker)
    response.refresh_from_db()
    need.refresh_from_db()
    assert response.need == need and response.comment_handled_at
    assert need.mentions == 4
    mention = NeedMention.objects.get(origin=f"surveys.response:{response.pk}")
    assert mention.source == "questionnaire"
    assert Receipt.objects.get().need == need
    with pytest.raises(Conflict):
        services.comment_decline(response=response, reason="重复", by=people.worker)


def test_a_comment_becomes_a_new_need_or_is_declined_with_a_reason(org, people):
    from needs.models import Category

    response = _commented(org, people)
    category = Category.objects.get(code="environment")
    need = services.comment_new_need(
        response=response, by=people.secretary, data={"title": "修楼道灯", "category": category}
    )
    assert (need.community, need.source, need.title) == (org.guoao, "questionnaire", "修楼道灯")
    assert Receipt.objects.get().need == need
    other = _commented(org, people)
    services.comment_decline(response=other, reason="属物业维修范围,已转物业", by=people.worker)
    other.refresh_from_db()
    assert other.comment_decline_reason.startswith("属物业")
    assert Receipt.objects.get(pk=other.receipt_id).declined_reason.startswith("属物业")


def test_another_community_cannot_triage_nor_file_under_a_foreign_need(org, people):
    response = _commented(org, people)
    foreign = f.NeedFactory(community=org.yuehai, created_by=people.secretary2)
    with pytest.raises(PermissionDenied):
        services.comment_decline(response=response, reason="不归我们管", by=people.secretary2)
    with pytest.raises(ValidationError):
        services.comment_file(response=response, need=foreign, by=people.secretary)
    assert not Need.objects.filter(pk=foreign.pk, mentions__gt=1).exists()


def test_an_option_becomes_a_need_with_its_count(org, people):
    from needs.models import Category

    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    for _ in range(3):
        sf.answer(survey)  # option 0 of the first question
    question = Question.objects.get(survey=survey, order=1)
    need = services.option_to_need(
        survey=survey,
        question=question,
        option=0,
        by=people.secretary,
        data={"category": Category.objects.get(code="environment")},
    )
    assert (need.title, need.mentions) == ("环境卫生", 3)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("电话13812345678", "电话138****5678"),
        ("138 1234 5678 找我", "138****5678 找我"),
        ("+86-138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("身份证37060219800101123X号", "身份证370***************号"),
        ("编号 2026113012345678901", "编号 2026113012345678901"),
        ("3号楼2单元，共12户", "3号楼2单元，共12户"),
        ("邻居节😀", "邻居节😀"),
    ],
)
def test_free_text_keeps_no_phone_or_id_number(text, kept):
    assert services.mask_personal(text) == kept


def test_a_phone_number_on_a_paper_copy_is_typed_in_masked(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    questions = list(Question.objects.filter(survey=survey))
    answers = {questions[0].pk: 0, questions[1].pk: [1], questions[2].pk: 3}
    saved = services.response_submit(
        survey=survey,
        answers={**answers, questions[3].pk: "联系 13900001111"},
        comment="有事找我 13812345678",
        channel=Channel.PAPER,
        by=people.worker,
    ).response
    assert saved.comment == "有事找我 138****5678"
    assert saved.answers.get(question=questions[3]).text == "联系 139****1111"


# --- correcting a typed copy ------------------------------------------------------------------------
def _typed(survey, by, *, comment="", channel=Channel.PAPER, paper_no="A-1"):
    return services.response_submit(
        survey=survey,
        answers=_answers(survey),
        comment=comment,
        channel=channel,
        by=by,
        paper_no=paper_no,
    ).response


def _answers_of(response):
    return sorted(
        response.answers.values_list("question__order", "option", "rating", "text"),
        key=lambda row: tuple("" if v is None else str(v) for v in row),
    )


def test_a_typed_copy_is_corrected_its_answers_replaced_in_place(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    typed = _typed(survey, people.worker)
    other = _typed(survey, people.worker, paper_no="A-2")
    untouched = _answers_of(other)
    answers = _answers(survey, {0: 3, 1: [1, 3], 2: 2, 3: "电话 13900001111"})
    corrected = services.response_correct(
        response=typed,
        answers=answers,
        comment="",
        channel=Channel.VISIT,
        by=people.secretary,
        paper_no="A-11",
    )
    assert corrected.pk == typed.pk and Response.objects.count() == 2
    typed.refresh_from_db()
    assert (typed.channel, typed.paper_no, typed.entered_by) == ("visit", "A-11", people.worker)
    assert _answers_of(typed) == [
        (1, 3, None, ""),
        (2, 1, None, ""),
        (2, 3, None, ""),
        (3, None, 2, ""),
        (4, None, None, "电话 139****1111"),
    ]
    assert _answers_of(other) == untouched
    event = AuditEvent.objects.get(action="survey.response.correct")
    assert (event.actor, event.object_id) == (people.secretary, str(typed.pk))
    assert event.detail == {"survey": survey.pk, "answers": 5}


def test_an_online_answer_is_the_residents_and_is_never_corrected(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    online = services.response_submit(survey=survey, answers=_answers(survey), device="d").response
    before = _answers_of(online)
    with pytest.raises(Conflict, match="居民本人的答卷") as caught:
        services.response_correct(
            response=online, answers=_answers(survey, {0: 0}), by=people.secretary
        )
    assert caught.value.code == "online"
    online.refresh_from_db()
    assert _answers_of(online) == before and online.channel == "online"
    assert not AuditEvent.objects.filter(action="survey.response.correct").exists()


@pytest.mark.parametrize("who", ["secretary2", "secretary_haiyun", "street", "district"])
def test_only_the_communitys_staff_correct_a_typed_copy(org, people, who):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    typed = _typed(survey, people.worker)
    before = _answers_of(typed)
    with pytest.raises(PermissionDenied):
        services.response_correct(
            response=typed, answers=_answers(survey, {0: 0}), by=getattr(people, who)
        )
    assert _answers_of(typed) == before


@pytest.mark.parametrize("over", [{0: 9}, {0: None}, {1: [0, 7]}, {2: 6}, {3: "长" * 1001}])
def test_a_bad_correction_is_refused_like_a_new_copy_and_the_old_answers_stay(org, people, over):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    typed = _typed(survey, people.worker, paper_no="A-5")
    before = _answers_of(typed)
    questions = list(Question.objects.filter(survey=survey))
    with pytest.raises(ValidationError) as caught:
        services.response_correct(
            response=typed,
            answers=_answers(survey, over),
            channel=Channel.VISIT,
            by=people.worker,
            paper_no="B-9",
        )
    (index,) = over
    assert f"q{questions[index].pk}" in caught.value.error_dict
    typed.refresh_from_db()
    assert _answers_of(typed) == before and (typed.channel, typed.paper_no) == ("paper", "A-5")
    with pytest.raises(ValidationError, match="纸质问卷编号"):
        services.response_correct(
            response=typed, answers=_answers(survey), by=people.worker, paper_no="9" * 21
        )
    with pytest.raises(ValidationError):
        services.response_correct(
            response=typed, answers=_answers(survey), channel=Channel.ONLINE, by=people.worker
        )
    assert _answers_of(typed) == before


def test_a_corrected_comment_keeps_its_triage_and_a_handled_one_cannot_change(org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary)
    typed = _typed(survey, people.worker, comment="东门路灯不亮")
    services.response_correct(
        response=typed,
        answers=_answers(survey),
        comment="东门路灯不亮,电话 13812345678",
        by=people.worker,
    )
    typed.refresh_from_db()
    assert typed.comment == "东门路灯不亮,电话 138****5678" and typed.comment_handled_at is None
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    services.comment_file(response=typed, need=need, by=people.secretary)
    typed.refresh_from_db()
    handled_at = typed.comment_handled_at
    # The same comment with other answers: the triage stays as it was.
    services.response_correct(
        response=typed, answers=_answers(survey, {0: 2}), comment=typed.comment, by=people.worker
    )
    typed.refresh_from_db()
    assert (typed.need, typed.comment_handled_at) == (need, handled_at)
    assert typed.answers.get(question__order=1).option == 2
    with pytest.raises(Conflict, match="已经记入需求或答复过") as caught:
        services.response_correct(
            response=typed, answers=_answers(survey, {0: 0}), comment="改了", by=people.worker
        )
    assert caught.value.code == "handled"
    typed.refresh_from_db()
    assert (
        typed.comment.startswith("东门路灯不亮")
        and typed.answers.get(question__order=1).option == 2
    )
    declined = _typed(survey, people.worker, comment="想要健身器材")
    services.comment_decline(response=declined, reason="场地不够", by=people.secretary)
    with pytest.raises(Conflict, match="已经记入需求或答复过"):
        services.response_correct(
            response=declined, answers=_answers(survey), comment="", by=people.worker
        )
    declined.refresh_from_db()
    assert declined.comment == "想要健身器材"
