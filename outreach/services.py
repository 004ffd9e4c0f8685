"""Every change to visits, meetings, boxes and suggestions: the permission on the community or the
locked row, links checked against the record's community, an audit row. Needs are created and
mentioned through needs.services only; a suggestion's handling (file under a need, file as a new
need, close) is one table performed by core.workflow's engine (SUGGESTION_WORKFLOW).

A record that raises needs does it in its own transaction: the visit, its new needs, the mentions
of the needs it ticked and its links commit together or not at all."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Community, Household, User
from core.audit import audit
from core.models import Upload
from core.phone import normalise_phone
from core.privacy import mask_personal
from core.uploads import store_upload
from core.workflow import Action, Conflict, Step, Workflow
from needs.models import Category, Need, ReceiptKind
from needs.services import (
    need_create,
    need_mention,
    receipt_decline,
    receipt_issue,
    receipt_link,
)

from .models import (
    BOX_ALPHABET,
    BOX_CODE_LENGTH,
    HomeVisit,
    MeetingKind,
    ResidentMeeting,
    Suggestion,
    SuggestionBox,
    SuggestionChannel,
    SuggestionStatus,
)

TEXT_MAX = 500
# New needs raised inline by one visit or one meeting.
NEW_NEEDS_MAX = 3
# Existing needs one visit or meeting may mention.
MENTIONS_MAX = 20
EARLIEST = datetime.date(2000, 1, 1)


def _require(by: User, permission: str, obj) -> None:
    if not by.has_perm(permission, obj):
        raise PermissionDenied


def _locked(model, obj, by: User, permission: str):
    try:
        locked = model.objects.alive().select_for_update().get(pk=obj.pk)
    except model.DoesNotExist:
        raise Conflict("这条记录已被删除。") from None
    _require(by, permission, locked)
    return locked


def _check_date(day, label: str) -> None:
    if day is None:
        raise ValidationError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天。")
    if day < EARLIEST:
        raise ValidationError(f"{label}不正确。")


def _origin(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


# --- raising needs (a visit, a meeting) -------------------------------------------------------
def _raise_needs(*, record, by, source: str, mentions, new_needs, compound) -> list[Need]:
    """Mention the needs ticked (each with its count) and create the new ones, all linked to
    `record`; needs it already links are not mentioned twice. Inside the caller's transaction."""
    community = record.community
    origin = _origin(record)
    mentions, new_needs = list(mentions or ()), list(new_needs or ())
    if len(mentions) > MENTIONS_MAX:
        raise ValidationError(f"一次最多选择 {MENTIONS_MAX} 条已有需求。")
    if len(new_needs) > NEW_NEEDS_MAX:
        raise ValidationError(f"一次最多新增 {NEW_NEEDS_MAX} 条需求。")
    linked = set(record.needs.values_list("pk", flat=True)) if record.pk else set()
    raised = []
    for need, count in mentions:
        if need.pk in linked:
            continue
        if need.community_id != community.pk:
            raise ValidationError("只能选择本社区的需求。")
        need_mention(need=need, by=by, source=source, count=count, origin=origin)
        linked.add(need.pk)
        raised.append(need)
    for item in new_needs:
        category = item.get("category")
        if not isinstance(category, Category):
            raise ValidationError("请为新需求选择类别。")
        title = str(item.get("title") or "").strip()
        if not title:
            raise ValidationError("请填写新需求的内容。")
        data = {
            "title": title[:100],
            "category": category,
            "source": source,
            "compound": compound,
            "mentions": int(item.get("count") or 1),
        }
        need = need_create(by=by, community=community, data=data, origin=origin)
        raised.append(need)
    if raised:
        record.needs.add(*raised)
    return raised


# --- 入户走访 --------------------------------------------------------------------------------
VISIT_FIELDS = ("household", "visited_on", "visitors", "raised")


def _visit_fields(community: Community, data: dict) -> dict:
    fields = {name: data[name] for name in VISIT_FIELDS if name in data}
    household = fields.get("household")
    if not isinstance(household, Household):
        raise ValidationError("请选择走访的住户。")
    if household.building.compound.community_id != community.pk:
        raise ValidationError(f"请选择{community.name}的住户。")
    _check_date(fields.get("visited_on"), "走访日期")
    fields["visitors"] = str(fields.get("visitors") or "").strip()[:100]
    if not fields["visitors"]:
        raise ValidationError("请填写走访人员。")
    fields["raised"] = str(fields.get("raised") or "").strip()[:2000]
    return fields


@transaction.atomic
def visit_create(
    *, by: User, community: Community, data: dict, mentions=(), new_needs=()
) -> HomeVisit:
    """Record a home visit, with the needs the household raised: mentions of needs already on
    the list (count 1 each) and up to three new ones in the household's compound."""
    _require(by, "outreach.add_record", community)
    fields = _visit_fields(community, data)
    visit = HomeVisit.objects.create(community=community, created_by=by, **fields)
    raised = _raise_needs(
        record=visit,
        by=by,
        source=Need.Source.HOME_VISIT,
        mentions=[(need, 1) for need in mentions],
        new_needs=new_needs,
        compound=visit.household.building.compound,
    )
    audit(
        actor=by,
        action="homevisit.create",
        obj=visit,
        detail={"household": visit.household_id, "needs": [n.pk for n in raised]},
    )
    return visit


@transaction.atomic
def visit_update(*, visit: HomeVisit, by: User, data: dict, mentions=(), new_needs=()) -> HomeVisit:
    """Correct a visit; needs ticked or added now are raised too (those linked stay linked)."""
    locked = _locked(HomeVisit, visit, by, "outreach.change_record")
    fields = _visit_fields(locked.community, data)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    if changed:
        locked.save(update_fields=changed)
    raised = _raise_needs(
        record=locked,
        by=by,
        source=Need.Source.HOME_VISIT,
        mentions=[(need, 1) for need in mentions],
        new_needs=new_needs,
        compound=locked.household.building.compound,
    )
    audit(
        actor=by,
        action="homevisit.update",
        obj=locked,
        detail={"fields": changed, "needs": [n.pk for n in raised]},
    )
    return locked


@transaction.atomic
def visit_delete(*, visit: HomeVisit, by: User) -> HomeVisit:
    """Delete a visit softly; the needs it raised keep their mentions (residents did say so)."""
    locked = _locked(HomeVisit, visit, by, "outreach.change_record")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    audit(actor=by, action="homevisit.delete", obj=locked)
    return locked


# --- 居民会议 --------------------------------------------------------------------------------
MEETING_FIELDS = ("kind", "title", "held_on", "compound", "attendance", "summary")


def _meeting_fields(community: Community, data: dict) -> dict:
    fields = {name: data[name] for name in MEETING_FIELDS if name in data}
    if fields.get("kind") not in MeetingKind.values:
        raise ValidationError("请选择会议类型。")
    fields["title"] = str(fields.get("title") or "").strip()[:100]
    if not fields["title"]:
        raise ValidationError("请填写会议主题。")
    _check_date(fields.get("held_on"), "召开日期")
    compound = fields.get("compound")
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError(f"请选择{community.name}的小区。")
    attendance = fields.get("attendance")
    if not isinstance(attendance, int) or not 1 <= attendance <= 100_000:
        raise ValidationError("参会人数请填写 1 到 100000 之间的整数。")
    fields["summary"] = str(fields.get("summary") or "").strip()[:2000]
    return fields


MINUTES_TYPES = (
    "会议纪要只接受 PDF、Word(docx)文件或照片(JPG、PNG);旧版 Word(doc)请另存为 docx 或 PDF。"
)


def _minutes(meeting: ResidentMeeting, upload_file, by: User) -> Upload:
    """The minutes as an upload owned by the meeting: PDF, Word or a photo of the paper. What is
    neither is refused with the types the field takes, not as "an unreadable photo"."""
    head = upload_file.read(8)
    upload_file.seek(0)
    document = head.startswith((b"%PDF-", b"PK\x03\x04"))
    kind = Upload.Kind.DOCUMENT if document else Upload.Kind.IMAGE
    try:
        return store_upload(uploaded_file=upload_file, kind=kind, by=by, owner=meeting)
    except ValidationError as exc:
        if exc.code in ("image_invalid", "image_type", "document_type"):
            raise ValidationError(MINUTES_TYPES, code="minutes_type") from None
        raise


@transaction.atomic
def meeting_create(
    *, by: User, community: Community, data: dict, mentions=(), new_needs=()
) -> ResidentMeeting:
    """Record a residents' meeting with its minutes and the needs it raised (each with the
    number of residents who raised it)."""
    _require(by, "outreach.add_record", community)
    data = dict(data)
    minutes = data.pop("minutes", None)
    fields = _meeting_fields(community, data)
    meeting = ResidentMeeting.objects.create(community=community, created_by=by, **fields)
    if minutes:
        meeting.minutes = _minutes(meeting, minutes, by)
        meeting.save(update_fields=["minutes"])
    raised = _raise_needs(
        record=meeting,
        by=by,
        source=Need.Source.OWNERS_MEETING,
        mentions=mentions,
        new_needs=new_needs,
        compound=meeting.compound,
    )
    audit(
        actor=by,
        action="residentmeeting.create",
        obj=meeting,
        detail={"kind": meeting.kind, "needs": [n.pk for n in raised]},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: ResidentMeeting, by: User, data: dict, mentions=(), new_needs=()
) -> ResidentMeeting:
    """Correct a meeting, replace its minutes, raise more needs."""
    locked = _locked(ResidentMeeting, meeting, by, "outreach.change_record")
    data = dict(data)
    minutes = data.pop("minutes", None)
    fields = _meeting_fields(locked.community, data)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    if minutes:
        locked.minutes = _minutes(locked, minutes, by)
        changed.append("minutes")
    if changed:
        locked.save(update_fields=changed)
    raised = _raise_needs(
        record=locked,
        by=by,
        source=Need.Source.OWNERS_MEETING,
        mentions=mentions,
        new_needs=new_needs,
        compound=locked.compound,
    )
    audit(
        actor=by,
        action="residentmeeting.update",
        obj=locked,
        detail={"fields": changed, "needs": [n.pk for n in raised]},
    )
    return locked


@transaction.atomic
def meeting_delete(*, meeting: ResidentMeeting, by: User) -> ResidentMeeting:
    locked = _locked(ResidentMeeting, meeting, by, "outreach.change_record")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    audit(actor=by, action="residentmeeting.delete", obj=locked)
    return locked


# --- 楼道意见箱 ------------------------------------------------------------------------------
def new_box_code() -> str:
    return "".join(secrets.choice(BOX_ALPHABET) for _ in range(BOX_CODE_LENGTH))


def box_units(building) -> list[str]:
    """The units of a building, as its households record them."""
    return list(
        Household.objects.filter(building=building)
        .order_by("unit")
        .values_list("unit", flat=True)
        .distinct()[:100]
    )


@transaction.atomic
def box_create(*, by: User, community: Community, data: dict) -> SuggestionBox:
    """Register the box of one stairwell (a building's unit); one live box per stairwell."""
    _require(by, "outreach.add_record", community)
    building, unit = data.get("building"), str(data.get("unit") or "").strip()
    if building is None or building.compound.community_id != community.pk:
        raise ValidationError(f"请选择{community.name}的楼栋。")
    if unit not in box_units(building):
        raise ValidationError(f"{building.number}没有“{unit}”这个单元,请从列表中选择。")
    if SuggestionBox.objects.alive().filter(building=building, unit=unit).exists():
        raise ValidationError("这个单元已经登记了意见箱。")
    try:
        with transaction.atomic():
            box = SuggestionBox.objects.create(
                community=community,
                building=building,
                unit=unit,
                location=str(data.get("location") or "").strip()[:100],
                code=new_box_code(),
                created_by=by,
            )
    except IntegrityError:  # registered a moment ago by somebody else
        raise ValidationError("这个单元已经登记了意见箱。") from None
    audit(actor=by, action="suggestionbox.create", obj=box, detail={"building": building.pk})
    return box


@transaction.atomic
def box_update(*, box: SuggestionBox, by: User, data: dict) -> SuggestionBox:
    """Correct where a box hangs (its location note); the stairwell and the label's code stay,
    so the printed label keeps working."""
    locked = _locked(SuggestionBox, box, by, "outreach.change_record")
    location = str(data.get("location") or "").replace("\x00", "").strip()[:100]
    changed = ["location"] if location != locked.location else []
    if changed:
        locked.location = location
        locked.save(update_fields=changed)
    audit(actor=by, action="suggestionbox.update", obj=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def box_deactivate(*, box: SuggestionBox, by: User) -> SuggestionBox:
    """Take a box down (softly): its link answers 404, its suggestions stay."""
    locked = _locked(SuggestionBox, box, by, "outreach.change_record")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    audit(actor=by, action="suggestionbox.deactivate", obj=locked)
    return locked


# --- suggestions --------------------------------------------------------------------------------
def _clean_text(text) -> str:
    text = str(text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError("请写下您的意见或建议。")
    if len(text) > TEXT_MAX:
        raise ValidationError(f"意见建议不能超过 {TEXT_MAX} 字(现在 {len(text)} 字)。")
    # A number typed into the text is masked: the phone field (encrypted) is where one belongs.
    return mask_personal(text)


def _clean_phone(phone) -> str:
    phone = str(phone or "").strip()
    return normalise_phone(phone) if phone else ""


def device_hash(device: str | None) -> str:
    return salted_hmac("outreach.device", device, algorithm="sha256").hexdigest() if device else ""


@transaction.atomic
def suggestion_submit(
    *, text, phone="", consent=False, box=None, community=None, device=None
) -> tuple[Suggestion, str]:
    """A resident's suggestion, from a box's QR code (`box`) or the online form (`community`),
    with its receipt. Returns the suggestion and the receipt code, shown once."""
    text, phone = _clean_text(text), _clean_phone(phone)
    if phone and not consent:
        raise ValidationError("留了电话,请勾选同意社区用这个电话联系您。")
    if box is not None:
        box = SuggestionBox.objects.alive().select_related("community").filter(pk=box.pk).first()
        if box is None:
            raise ValidationError("这个意见箱已经撤下,不能再留言。")
        community = box.community
    if community is None:
        raise ValidationError("请选择您所在的社区。")
    receipt, code = receipt_issue(community=community, kind=ReceiptKind.SUGGESTION, text=text)
    suggestion = Suggestion.objects.create(
        community=community,
        box=box,
        channel=SuggestionChannel.QR if box is not None else SuggestionChannel.ONLINE,
        text=text,
        phone=phone,
        receipt=receipt,
        device_hash=device_hash(device),
    )
    audit(
        actor=None,
        actor_label="居民",
        action="suggestion.submit",
        obj=suggestion,
        detail={"channel": suggestion.channel, "box": box.pk if box else None},
    )
    return suggestion, code


@transaction.atomic
def slip_enter(*, box: SuggestionBox, by: User, text, phone="") -> Suggestion:
    """A paper slip from a box, typed in by the community's staff (no receipt: nobody to give it
    to)."""
    _require(by, "outreach.add_record", box.community)
    text, phone = _clean_text(text), _clean_phone(phone)
    if not SuggestionBox.objects.alive().filter(pk=box.pk).exists():
        raise ValidationError("这个意见箱已经撤下。")
    suggestion = Suggestion.objects.create(
        community=box.community,
        box=box,
        channel=SuggestionChannel.PAPER,
        text=text,
        phone=phone,
        entered_by=by,
    )
    audit(actor=by, action="suggestion.enter", obj=suggestion, detail={"box": box.pk})
    return suggestion


def suggestion_source(suggestion: Suggestion) -> str:
    """The need source a suggestion counts under: its box (scanned or paper), or online."""
    if suggestion.channel == SuggestionChannel.ONLINE:
        return Need.Source.ONLINE
    return Need.Source.SUGGESTION_BOX


def _file_check(step: Step):
    need = step.data.get("need")
    if not isinstance(need, Need):
        yield "请选择要记入的需求。"
    elif need.community_id != step.obj.community_id or need.deleted_at is not None:
        yield "只能记入本社区现有的需求。"


def _file(step: Step) -> None:
    suggestion, by, need = step.obj, step.by, step.data["need"]
    need_mention(need=need, by=by, source=suggestion_source(suggestion), origin=_origin(suggestion))
    _filed(step, need)


def _filed(step: Step, need: Need) -> None:
    if step.obj.receipt_id:
        receipt_link(receipt=step.obj.receipt, need=need, by=step.by)
    step.set(need=need, handled_by=step.by, close_reason="")
    step.detail["need"] = need.pk
    step.result = need


def _file_new_check(step: Step):
    if not str(step.data.get("title") or "").strip():
        yield "请填写需求内容。"
    if not isinstance(step.data.get("category"), Category):
        yield "请选择需求类别。"


def _file_new(step: Step) -> None:
    suggestion = step.obj
    compound = suggestion.box.building.compound if suggestion.box_id else None
    data = {
        "title": str(step.data["title"]).strip()[:100],
        "category": step.data["category"],
        "description": str(step.data.get("description") or "").strip()[:2000],
        "source": suggestion_source(suggestion),
        "compound": compound,
    }
    need = need_create(
        by=step.by, community=suggestion.community, data=data, origin=_origin(suggestion)
    )
    _filed(step, need)


def _close_check(step: Step):
    if not str(step.data.get("reason") or "").strip():
        yield "请写明不予采纳的理由(留了回执码的居民能看到)。"


def _close(step: Step) -> None:
    reason = str(step.data["reason"]).strip()[:1000]
    if step.obj.receipt_id:
        receipt_decline(receipt=step.obj.receipt, reason=reason, by=step.by)
    step.set(close_reason=reason, handled_by=step.by, need=None)


NEW, FILED, CLOSED = SuggestionStatus.NEW, SuggestionStatus.FILED, SuggestionStatus.CLOSED
SUGGESTION_WORKFLOW = Workflow(
    Suggestion,
    [
        Action(
            "file",
            "记入需求",
            "outreach.handle_suggestion",
            frozenset({NEW}),
            target=FILED,
            check=_file_check,
            apply=_file,
        ),
        Action(
            "file_new",
            "新建需求",
            "outreach.handle_suggestion",
            frozenset({NEW}),
            target=FILED,
            check=_file_new_check,
            apply=_file_new,
        ),
        Action(
            "close",
            "不予采纳",
            "outreach.handle_suggestion",
            frozenset({NEW}),
            target=CLOSED,
            check=_close_check,
            apply=_close,
        ),
    ],
    initial=NEW,
    noun="意见",
    changed_at_field="handled_at",
)


def suggestion_file(*, suggestion: Suggestion, need: Need, by: User) -> Need:
    """File a suggestion under an existing need: one more mention of it; its receipt follows."""
    return SUGGESTION_WORKFLOW.perform(suggestion, "file", by=by, data={"need": need}).result


def suggestion_file_new(*, suggestion: Suggestion, by: User, data: dict) -> Need:
    """File a suggestion as a new need of its community (its box's compound)."""
    return SUGGESTION_WORKFLOW.perform(suggestion, "file_new", by=by, data=data).result


def suggestion_close(*, suggestion: Suggestion, by: User, reason: str) -> Suggestion:
    """Close a suggestion without a need, with the reason its receipt shows."""
    return SUGGESTION_WORKFLOW.perform(suggestion, "close", by=by, data={"reason": reason}).obj
