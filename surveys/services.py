"""Every change to questionnaires. The lifecycle (edit, questions, publish, adjust, close, delete)
is the workflow table's (surveys/workflow.py); these functions name its actions. Writes outside
the table (a new survey, copies handed out, a returned copy, a comment's triage) check permission,
lock what they change and write the audit log here.

    survey_create(by=, place=, data=)                 a community's survey, or a street's or the
                                                      district's template
    response_submit(survey=, answers=, comment=, channel=, device=, by=, paper_no=)
                                                      one returned copy → Submitted(response, code)
    response_correct(response=, answers=, comment=, channel=, by=, paper_no=)
                                                      a typed copy's answers replaced
    distribution_add(survey=, by=, data=)             copies handed out through one channel
    comment_file / comment_new_need / comment_decline  a comment's triage (needs.services)
    option_to_need(survey=, question=, option=, by=, data=)  a chosen option becomes a need
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Community, District, Street
from core.audit import audit
from core.privacy import mask_personal
from core.workflow import Conflict
from needs import services as need_services
from needs.models import Need, NeedSource, ReceiptKind

from .models import Answer, Channel, Distribution, Question, QuestionKind, Response, Survey
from .models import SurveyLevel as Level
from .models import SurveyStatus as Status
from .workflow import SURVEY_WORKFLOW, answering_state, date_reasons, new_codes

TEXT_MAX = 1000
CREATE_FIELDS = ("title", "intro", "starts_on", "ends_on", "allow_repeat")
ALREADY_ANSWERED = "这台手机已经填写过这份问卷,感谢您的参与!"
NO_DEVICE = "页面已过期,请重新打开问卷链接后再填写(浏览器需要允许保存Cookie)。"
STATE_REFUSALS = {
    "draft": "这份问卷还没有发布。",
    "template": "请从您所在社区的问卷链接填写。",
    "upcoming": "这份问卷还没有开始,请到开始日期再来填写。",
    "closed": "这份问卷已经结束,感谢关注。",
}


class AlreadyAnswered(Conflict):
    """This device answered this copy already (409)."""


def origin_of(response) -> str:
    return f"surveys.response:{response.pk}"


def device_hash(survey: Survey, device: str) -> str:
    """A keyed hash of the device cookie's id for one survey: two surveys' rows cannot be
    linked to one phone, and the cookie itself is never stored."""
    return salted_hmac("surveys.device", f"{survey.pk}:{device}", algorithm="sha256").hexdigest()


# --- making a survey -------------------------------------------------------------------------------
def _place_fields(place) -> dict:
    if isinstance(place, Community):
        return {"level": Level.COMMUNITY, "community": place}
    if isinstance(place, Street):
        return {"level": Level.STREET, "street": place}
    if isinstance(place, District):
        return {"level": Level.DISTRICT, "district": place}
    raise ValidationError("请选择问卷的发起层级。")


@transaction.atomic
def survey_create(*, by, place, data: dict) -> Survey:
    """A questionnaire in draft at the user's own level: a community's own, or a street's or the
    district's template (whose copies the communities run once it is published)."""
    if not by.has_perm("surveys.add_survey", place):
        raise PermissionDenied
    if not set(data) <= set(CREATE_FIELDS):
        raise ValueError(f"fields not writable: {sorted(set(data) - set(CREATE_FIELDS))}")
    survey = Survey(
        **_place_fields(place),
        **{name: data.get(name) for name in CREATE_FIELDS if name in data},
        short_code=new_codes(1)[0],
        created_by=by,
    )
    survey.title = str(survey.title or "").strip()
    reasons = [] if survey.title else ["请填写问卷标题。"]
    if len(survey.intro or "") > TEXT_MAX:
        reasons.append("致居民的话不能超过1000字。")
    reasons += list(date_reasons(survey.starts_on, survey.ends_on))
    if reasons:
        raise ValidationError(reasons)
    survey.full_clean(exclude=["created_by", "short_code"])
    survey.save()
    SURVEY_WORKFLOW.created(survey, by=by, event=None, detail={"level": survey.level})
    return survey


def survey_edit(*, survey, by, data) -> Survey:
    """Title, words to residents, dates and the repeat setting of a draft."""
    return SURVEY_WORKFLOW.perform(survey, "edit", by=by, data=data).obj


def survey_publish(*, survey, by) -> Survey:
    """Open a draft; a template makes its communities' copies."""
    return SURVEY_WORKFLOW.perform(survey, "publish", by=by).obj


def survey_adjust(*, survey, by, data) -> Survey:
    """The community's dates and repeat setting of an open survey or copy."""
    return SURVEY_WORKFLOW.perform(survey, "adjust", by=by, data=data).obj


def survey_close(*, survey, by) -> Survey:
    """End an open survey (a template with its copies; a copy early, on its own)."""
    return SURVEY_WORKFLOW.perform(survey, "close", by=by).obj


def survey_delete(*, survey, by) -> Survey:
    """Move a draft to the trash."""
    return SURVEY_WORKFLOW.perform(survey, "delete", by=by).obj


def question_add(*, survey, by, data) -> Question:
    return SURVEY_WORKFLOW.perform(survey, "add_question", by=by, data=data).result


def question_edit(*, survey, question, by, data) -> Question:
    data = {**data, "question": question}
    return SURVEY_WORKFLOW.perform(survey, "edit_question", by=by, data=data).result


def question_delete(*, survey, question, by) -> None:
    SURVEY_WORKFLOW.perform(survey, "delete_question", by=by, data={"question": question})


def question_move(*, survey, question, by, direction: str) -> None:
    data = {"question": question, "direction": direction}
    SURVEY_WORKFLOW.perform(survey, "move_question", by=by, data=data)


# --- copies handed out -------------------------------------------------------------------------
@transaction.atomic
def distribution_add(*, survey, by, data: dict) -> Distribution:
    """发放登记: copies handed out through one channel, by the community running the survey."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if not by.has_perm("surveys.run_survey", locked):
        raise PermissionDenied
    if locked.deleted_at is not None or locked.status == Status.DRAFT:
        raise Conflict("问卷发布后才能登记发放份数。", code="status")
    channel, copies = data.get("channel"), data.get("copies")
    day = data.get("handed_out_on") or timezone.localdate()
    reasons = []
    if channel not in Channel.values:
        reasons.append("请选择发放渠道。")
    if not isinstance(copies, int) or not 1 <= copies <= 100_000:
        reasons.append("发放份数须在1到100000之间。")
    if not isinstance(day, datetime.date) or day > timezone.localdate():
        reasons.append("发放日期不能晚于今天。")
    elif day < locked.starts_on - datetime.timedelta(days=60):
        reasons.append("发放日期离问卷开始太远,请核对。")
    if reasons:
        raise ValidationError(reasons)
    row = Distribution.objects.create(
        survey=locked,
        channel=channel,
        copies=copies,
        handed_out_on=day,
        note=str(data.get("note") or "").strip()[:200],
        created_by=by,
    )
    audit(
        actor=by,
        action="distribution.create",
        obj=locked,
        detail={"distribution": row.pk, "channel": channel, "copies": copies},
    )
    return row


# --- a returned copy ----------------------------------------------------------------------------
@dataclass
class Submitted:
    response: Response
    receipt_code: str  # shown once on the thank-you page; "" without a comment or on paper


def questions_of(survey: Survey) -> list[Question]:
    return list(Question.objects.filter(survey_id=survey.question_source_id))


def _as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def answer_rows(questions, answers: dict) -> list[Answer]:
    """The Answer rows for `answers` ({question id: option index, [indexes], rating or text}),
    or ValidationError with a message per question ("q<id>")."""
    rows, errors = [], {}
    for question in questions:
        value = answers.get(question.pk)
        field = f"q{question.pk}"
        empty = value in (None, "", [], ())
        if empty:
            if question.required:
                errors[field] = "这道题必须回答。"
            continue
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            index = _as_int(value)
            if index is None or not 0 <= index < len(question.options):
                errors[field] = f"请选择一个选项(1到{len(question.options)})。"
            else:
                rows.append(Answer(question=question, option=index))
        elif kind == QuestionKind.MULTIPLE:
            values = value if isinstance(value, list | tuple | set) else [value]
            indexes = sorted({_as_int(v) for v in values}, key=lambda i: (i is None, i or 0))
            if not indexes or any(i is None or not 0 <= i < len(question.options) for i in indexes):
                errors[field] = f"选项编号须在1到{len(question.options)}之间。"
            else:
                rows += [Answer(question=question, option=i) for i in indexes]
        elif kind == QuestionKind.RATING:
            rating = _as_int(value)
            if rating is None or not 1 <= rating <= question.rating_max:
                errors[field] = f"请打1到{question.rating_max}分。"
            else:
                rows.append(Answer(question=question, rating=rating))
        else:
            text = str(value).strip()
            if len(text) > TEXT_MAX:
                errors[field] = f"回答不能超过{TEXT_MAX}字。"
            elif "\x00" in text:
                errors[field] = "回答里有无法保存的字符。"
            elif text:
                rows.append(Answer(question=question, text=mask_personal(text)))
            elif question.required:
                errors[field] = "这道题必须回答。"
    if errors:
        raise ValidationError(errors)
    return rows


def _check_channel(survey: Survey, channel: str, by, device) -> str:
    """The device hash to store ("" when none); raises the refusal of this channel."""
    if channel not in Channel.values:
        raise ValidationError("渠道不正确。")
    if channel == Channel.ONLINE:
        state = answering_state(survey)
        if state != "open":
            raise Conflict(STATE_REFUSALS[state], code=state)
        if survey.allow_repeat:
            return ""
        if not device:
            raise ValidationError(NO_DEVICE, code="device")
        hashed = device_hash(survey, device)
        if Response.objects.filter(survey_id=survey.pk, device_hash=hashed).exists():
            raise AlreadyAnswered(ALREADY_ANSWERED, code="answered")
        return hashed
    if by is None or not by.has_perm("surveys.run_survey", survey):
        raise PermissionDenied
    if survey.deleted_at is not None or survey.status == Status.DRAFT:
        raise Conflict("问卷发布后才能录入纸质问卷。", code="status")
    return ""


def _typed_copy(survey: Survey, answers: dict, comment, paper_no) -> tuple[list, str, str]:
    """A returned copy's Answer rows, its comment (masked) and paper number, checked alike for a
    new copy and a corrected one; ValidationError per question ("q<id>"), "comment", "paper_no"."""
    rows = answer_rows(questions_of(survey), answers)
    comment = str(comment or "").strip()
    if len(comment) > TEXT_MAX or "\x00" in comment:
        raise ValidationError({"comment": f"意见建议不能超过{TEXT_MAX}字。"})
    comment = mask_personal(comment)
    if not rows and not comment:
        raise ValidationError("请至少回答一道题。")
    paper_no = str(paper_no or "").strip()
    if len(paper_no) > 20 or "\x00" in paper_no:
        raise ValidationError({"paper_no": "纸质问卷编号不能超过20个字符。"})
    return rows, comment, paper_no


def response_submit(
    *,
    survey: Survey,
    answers: dict,
    comment: str = "",
    channel: str = Channel.ONLINE,
    device: str | None = None,
    by=None,
    paper_no: str = "",
) -> Submitted:
    """One returned copy: answered online by a resident (once per device unless the copy allows
    more; a comment gets a receipt), or typed in from paper or a home visit by the community's
    staff. All or nothing. Refusals: PermissionDenied, Conflict (409: not open, or this device
    answered), ValidationError (422: per question "q<id>", or "comment")."""
    survey = Survey.objects.select_related("community").get(pk=survey.pk)
    if survey.level != Level.COMMUNITY:
        raise Conflict(STATE_REFUSALS["template"], code="template")
    hashed = _check_channel(survey, channel, by, device)
    rows, comment, paper_no = _typed_copy(survey, answers, comment, paper_no)
    staff = channel != Channel.ONLINE
    code = ""
    try:
        with transaction.atomic():
            receipt = None
            if comment and not staff:
                receipt, code = need_services.receipt_issue(
                    community=survey.community, kind=ReceiptKind.SURVEY, text=comment
                )
            response = Response.objects.create(
                survey=survey,
                channel=channel,
                device_hash=hashed,
                paper_no=paper_no if staff else "",
                entered_by=by if staff else None,
                comment=comment,
                receipt=receipt,
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
    except IntegrityError:
        # The same phone at the same moment: the constraint keeps one.
        raise AlreadyAnswered(ALREADY_ANSWERED, code="answered") from None
    audit(
        actor=by if staff else None,
        actor_label=None if staff else "居民",
        action="response.submit",
        obj=response,
        detail={"survey": survey.pk, "channel": channel, "answers": len(rows)},
    )
    return Submitted(response, code)


# --- correcting a typed copy ---------------------------------------------------------------------
ONLINE_IS_RESIDENTS = "这份是居民在线上填写的问卷,是居民本人的答卷,不能修改。"
COMMENT_HANDLED = (
    "这份问卷的意见建议已经记入需求或答复过了,不能再修改;请保持意见建议不变,只修改各题的回答。"
)
STAFF_CHANNELS = (Channel.PAPER, Channel.VISIT)


@transaction.atomic
def response_correct(
    *,
    response: Response,
    answers: dict,
    comment: str = "",
    channel: str = Channel.PAPER,
    by,
    paper_no: str = "",
) -> Response:
    """Correct a copy typed in from paper or a home visit: its answers are typed again, checked
    as a new copy, and replace the old ones. The comment's triage stays as it was; a comment
    already filed under a need or declined cannot be changed. An online answer is the
    resident's own and is never changed. Refusals: PermissionDenied, Conflict (409: online, the
    survey's status, a handled comment), ValidationError (422, as response_submit)."""
    locked = (
        Response.objects.select_for_update(of=("self", "survey"))
        .select_related("survey")
        .get(pk=response.pk)
    )
    survey = locked.survey
    if by is None or not by.has_perm("surveys.run_survey", survey):
        raise PermissionDenied
    if survey.level != Level.COMMUNITY:
        raise PermissionDenied
    if locked.channel not in STAFF_CHANNELS:
        raise Conflict(ONLINE_IS_RESIDENTS, code="online")
    if survey.deleted_at is not None or survey.status == Status.DRAFT:
        raise Conflict("问卷发布后才能录入纸质问卷。", code="status")
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": "请选择纸质问卷或入户代填。"})
    rows, comment, paper_no = _typed_copy(survey, answers, comment, paper_no)
    fields = ["channel", "paper_no"]
    if comment != locked.comment:
        if locked.comment_handled_at is not None:
            raise Conflict(COMMENT_HANDLED, code="handled")
        locked.comment = comment
        fields.append("comment")
    locked.channel, locked.paper_no = channel, paper_no
    locked.save(update_fields=fields)
    Answer.objects.filter(response=locked).delete()
    for row in rows:
        row.response = locked
    Answer.objects.bulk_create(rows)
    audit(
        actor=by,
        action="survey.response.correct",
        obj=locked,
        detail={"survey": survey.pk, "answers": len(rows)},
    )
    return locked


# --- the comments' triage ------------------------------------------------------------------------
def _locked_response(response, by) -> Response:
    locked = (
        Response.objects.select_for_update(of=("self",))
        .select_related("survey__community", "receipt")
        .get(pk=response.pk)
    )
    if not by.has_perm("surveys.triage_comment", locked):
        raise PermissionDenied
    if not locked.comment:
        raise ValidationError("这份问卷没有留言。")
    if locked.comment_handled_at is not None:
        raise Conflict("这条留言已经处理过了,请刷新页面。", code="handled")
    return locked


def _filed(locked: Response, need: Need, by) -> None:
    locked.need = need
    locked.comment_handled_at = timezone.now()
    locked.save(update_fields=["need", "comment_handled_at"])
    if locked.receipt is not None:
        need_services.receipt_link(receipt=locked.receipt, need=need, by=by)


@transaction.atomic
def comment_file(*, response, need, by) -> Response:
    """File a comment under an existing need of the community: one more mention of it from the
    questionnaire, and the resident's receipt follows the need."""
    locked = _locked_response(response, by)
    if need is None or need.community_id != locked.survey.community_id or need.deleted_at:
        raise ValidationError("请选择本社区需求清单中的一条需求。")
    need_services.need_mention(
        need=need,
        by=by,
        source=NeedSource.QUESTIONNAIRE,
        note=locked.comment[:200],
        origin=origin_of(locked),
    )
    _filed(locked, need, by)
    audit(actor=by, action="response.comment_file", obj=locked, detail={"need": need.pk})
    return locked


@transaction.atomic
def comment_new_need(*, response, by, data: dict) -> Need:
    """A comment becomes a new need of the community (source: the questionnaire)."""
    locked = _locked_response(response, by)
    data = {
        "title": str(data.get("title") or "").strip()[:100],
        "category": data.get("category"),
        "compound": data.get("compound"),
        "source": NeedSource.QUESTIONNAIRE,
        "description": locked.comment[:2000],
    }
    reasons = [] if data["title"] else ["请填写需求的标题。"]
    if data["category"] is None:
        reasons.append("请选择需求类别。")
    if reasons:
        raise ValidationError(reasons)
    need = need_services.need_create(
        by=by, community=locked.survey.community, data=data, origin=origin_of(locked)
    )
    _filed(locked, need, by)
    audit(actor=by, action="response.comment_need", obj=locked, detail={"need": need.pk})
    return need


@transaction.atomic
def comment_decline(*, response, reason: str, by) -> Response:
    """Close a comment without a need, with the reason the resident reads by the receipt."""
    locked = _locked_response(response, by)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError("请写明不予采纳的理由,居民凭回执码可以看到。")
    if len(reason) > TEXT_MAX:
        raise ValidationError(f"理由不能超过{TEXT_MAX}字。")
    if locked.receipt is not None:
        need_services.receipt_decline(receipt=locked.receipt, reason=reason, by=by)
    locked.comment_decline_reason = reason
    locked.comment_handled_at = timezone.now()
    locked.save(update_fields=["comment_decline_reason", "comment_handled_at"])
    audit(actor=by, action="response.comment_decline", obj=locked)
    return locked


@transaction.atomic
def option_to_need(*, survey, question, option: int, by, data: dict) -> Need:
    """A chosen option becomes a need of the community, counted as often as it was chosen on the
    community's survey or copy (the residents who raised it)."""
    survey = (
        Survey.objects.select_for_update(of=("self",)).select_related("community").get(pk=survey.pk)
    )
    if not by.has_perm("surveys.run_survey", survey):
        raise PermissionDenied
    if question.survey_id != survey.question_source_id or question.kind not in (
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
    ):
        raise ValidationError("只有本问卷的选择题选项可以转为需求。")
    if not isinstance(option, int) or not 0 <= option < len(question.options):
        raise ValidationError("选项不正确。")
    count = Answer.objects.filter(
        response__survey=survey, question=question, option=option
    ).aggregate(n=Count("id"))["n"]
    if not count:
        raise ValidationError("还没有居民选择这个选项。")
    title = str(data.get("title") or "").strip()[:100] or question.options[option][:100]
    if data.get("category") is None:
        raise ValidationError("请选择需求类别。")
    need = need_services.need_create(
        by=by,
        community=survey.community,
        data={
            "title": title,
            "category": data["category"],
            "source": NeedSource.QUESTIONNAIRE,
            "mentions": count,
            "description": f"问卷“{survey.title}”第{question.order}题“{question.text}”"
            f"中有 {count} 位居民选择了“{question.options[option]}”。",
        },
        origin=f"surveys.survey:{survey.pk}",
    )
    audit(
        actor=by,
        action="survey.option_need",
        obj=survey,
        detail={"need": need.pk, "question": question.pk, "option": option, "count": count},
    )
    return need
