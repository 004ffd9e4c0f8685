"""Recruitment (招募令): calls, public applications and their approval, the partners' SMS
sign-in, consent withdrawal and leaving. Every state change is here; the pages are
partners/recruit_views.py.

A call moves draft → open → closed (and may open again); an application pending → approved or
declined, or withdrawn by the applicant (who may withdraw consent for a declined one too).
Approving makes (or restores) the community's Partner for the phone and the person's account
with the `partner` role of that community; one phone is one partner per community, whatever the
number of applications, approvals or returns.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from accounts.models import Building, Compound, RoleAssignment, User
from accounts.roles import COMMUNITY_STAFF, STAFF, Role
from accounts.selectors import people_holding
from accounts.services import separation_conflict
from core import sms
from core.audit import audit
from core.notifications import notify
from core.phone import mask_phone, normalise_phone, phone_hash
from core.workflow import Action, Conflict, Step, Workflow, stamp

from .models import (
    CONSENT_NOTICE_VERSION,
    Alert,
    Application,
    ApplicationStatus,
    Availability,
    CallStatus,
    Category,
    Duty,
    Partner,
    PartnerCategory,
    PartnerKind,
    PartnerStatus,
    RecruitmentCall,
)
from .staff import phone_clash

PURPOSE_LOGIN = "partner_login"
PURPOSE_WITHDRAW = "partner_withdraw"
# Who applied, in the audit log's actor column (an applicant has no account).
APPLICANT = "申请人"
WITHDRAWN_NAME = "已撤回"
LEFT_NAME = "已退出的合伙人"
LEFT_REASON = "本人申请退出"

# The gateway's parameters are short: a community's name, cut to 20 characters.
sms.register_template(
    "PARTNER_APPROVED",
    "【百社百景】您已成为${community}幸福家园合伙人,可用本手机号登录查看任务。",
)
sms.register_template(
    "PARTNER_DECLINED",
    "【百社百景】您申请成为${community}幸福家园合伙人未获通过,如有疑问请联系社区。",
)

CALL = CallStatus
APP = ApplicationStatus


def _short(text: str) -> str:
    return str(text)[:20]


# --- calls (招募令) ------------------------------------------------------------------------
def _duties_checked(duties) -> list[Duty]:
    duties = list(duties or [])
    if not duties:
        raise ValidationError("请至少选择一项职责。")
    if any(not isinstance(d, Duty) or not d.active for d in duties):
        raise ValidationError("所选职责已停用,请重新选择。")
    return duties


def _categories_checked(categories) -> list[Category]:
    categories = list(categories or [])
    if any(not isinstance(c, Category) or not c.active for c in categories):
        raise ValidationError("所选类别已停用,请重新选择。")
    return categories


def _call_ready(step: Step):
    if not step.obj.duties.exists():
        yield "请至少选择一项职责,再发布招募令。"


def _call_opened(step: Step) -> None:
    step.set(opened_at=timezone.now(), closed_at=None)


def _call_edited(step: Step) -> None:
    data = step.data
    duties = _duties_checked(data.get("duties"))
    categories = _categories_checked(data.get("categories"))
    for name in ("title", "body", "looking_for"):
        value = str(data.get(name) or "").strip()
        if name != "looking_for" and not value:
            raise ValidationError("请填写标题和招募说明。")
        if getattr(step.obj, name) != value:
            step.set(**{name: value})
    step.obj.duties.set(duties)
    step.obj.categories.set(categories)
    step.detail.update(
        duties=sorted(d.pk for d in duties), categories=sorted(c.pk for c in categories)
    )


CALL_WORKFLOW = Workflow(
    RecruitmentCall,
    [
        Action("edit", "修改", "partners.change_call", frozenset(CALL.values), apply=_call_edited),
        Action(
            "open",
            "发布",
            "partners.change_call",
            frozenset({CALL.DRAFT, CALL.CLOSED}),
            CALL.OPEN,
            check=_call_ready,
            apply=_call_opened,
        ),
        Action(
            "close",
            "结束招募",
            "partners.change_call",
            frozenset({CALL.OPEN}),
            CALL.CLOSED,
            apply=stamp("closed_at"),
        ),
    ],
    initial=CALL.DRAFT,
    noun="招募令",
    changed_at_field=None,
)


@transaction.atomic
def call_create(*, by, community, data: dict) -> RecruitmentCall:
    """A community drafts a recruitment call: the duties for 平时 and 战时 and whom it wants."""
    if not by.has_perm("partners.add_call", community):
        raise PermissionDenied
    duties = _duties_checked(data.get("duties"))
    categories = _categories_checked(data.get("categories"))
    call = RecruitmentCall.objects.create(
        community=community,
        title=str(data["title"]).strip(),
        body=str(data["body"]).strip(),
        looking_for=str(data.get("looking_for") or "").strip(),
        created_by=by,
    )
    call.duties.set(duties)
    call.categories.set(categories)
    CALL_WORKFLOW.created(
        call, by=by, event=None, detail={"community": community.pk, "duties": len(duties)}
    )
    return call


def call_update(*, call: RecruitmentCall, by, data: dict) -> RecruitmentCall:
    """Change a call's text, duties and categories (in any status)."""
    return CALL_WORKFLOW.perform(call, "edit", by=by, data=data).obj


def call_open(*, call: RecruitmentCall, by) -> RecruitmentCall:
    """Publish the call: its public page and form open."""
    return CALL_WORKFLOW.perform(call, "open", by=by).obj


def call_close(*, call: RecruitmentCall, by) -> RecruitmentCall:
    """End the call: its public page goes; pending applications stay to be decided."""
    return CALL_WORKFLOW.perform(call, "close", by=by).obj


# --- applying (public) ---------------------------------------------------------------------
def _application_values(call: RecruitmentCall, data: dict) -> tuple[dict, list[Duty]]:
    """What the form gave, checked against the call (its duties, categories and community);
    fields that do not apply to this kind or category are left empty (collect only what the
    purpose needs)."""
    errors = []
    kind = data.get("kind") or PartnerKind.PERSON
    if kind not in PartnerKind.values:
        errors.append("请选择个人或单位。")
    category = data.get("category")
    allowed_categories = {c.pk for c in call.categories.all()}
    if not isinstance(category, Category) or not category.active:
        errors.append("请选择类别。")
    elif allowed_categories and category.pk not in allowed_categories:
        errors.append("这份招募令不招募这个类别。")
    duties = list(data.get("duties") or [])
    call_duties = {d.pk for d in call.duties.all() if d.active}
    if not duties:
        errors.append("请至少选择一项愿意承担的职责。")
    elif any(not isinstance(d, Duty) or d.pk not in call_duties for d in duties):
        errors.append("所选职责不在这份招募令里,请重新选择。")
    availability = [str(a) for a in (data.get("availability") or [])]
    if not availability or any(a not in Availability.values for a in availability):
        errors.append("请选择可服务时间。")
    compound = data.get("compound")
    if compound is not None and (
        not isinstance(compound, Compound) or compound.community_id != call.community_id
    ):
        errors.append("所选小区不属于这个社区。")
    building = data.get("home_building")
    if building is not None and (
        not isinstance(building, Building) or building.compound.community_id != call.community_id
    ):
        errors.append("所选楼栋不属于这个社区。")
    name = str(data.get("name") or "").strip()
    if not name:
        errors.append("请填写姓名或单位名称。")
    if errors:
        raise ValidationError(errors)
    unit = kind == PartnerKind.ORGANISATION
    party_member = category.code == PartnerCategory.PARTY_MEMBER
    values = {
        "kind": kind,
        "name": name[:80],
        "category": category,
        "availability": availability,
        "skills": str(data.get("skills") or "").strip()[:200],
        "compound": compound,
        "party_org": str(data.get("party_org") or "").strip()[:100] if unit else "",
        "employer": str(data.get("employer") or "").strip()[:100] if party_member else "",
        "home_building": building if party_member else None,
    }
    return values, duties


def _tell_staff_of_new(application: Application) -> None:
    """The community's staff hear of a new application (never of a repeat)."""
    for person in people_holding(COMMUNITY_STAFF, community=application.community):
        notify(
            person,
            "partners.application_new",
            application,
            title=f"收到一份合伙人申请({application.category.name})",
            body="请在合伙人申请中审核。",
        )


def application_submit(
    *, call: RecruitmentCall, data: dict, now=None
) -> tuple[Application | None, bool]:
    """Someone applies to an open call from the public form. A repeat while their application
    waits (same phone, same community) updates it and counts it (`times`), never a second row;
    for a phone that is already an active partner of the community nothing is kept (None). The
    public page answers the three alike, so that it tells nobody whose number is a partner or
    has applied (the phone is not proven at this point). Returns the application and whether
    it was a repeat."""
    now = now or timezone.now()
    if data.get("consent") is not True:
        raise ValidationError("请阅读个人信息告知,勾选同意后再提交。")
    number = normalise_phone(data.get("phone"))
    number_hash = phone_hash(number)
    with transaction.atomic():
        call = RecruitmentCall.objects.select_related("community").get(pk=call.pk)
        if call.status != CALL.OPEN:
            raise ValidationError("这份招募令已经结束报名,请看看其他正在招募的社区。")
        values, duties = _application_values(call, data)
        community = call.community
        already = (
            Partner.objects.alive()
            .active()
            .filter(community_id=community.pk, phone_hash=number_hash)
        )
        if already.exists():
            audit(
                actor=None,
                actor_label=APPLICANT,
                action="application.already_partner",
                obj=call,
                detail={"call": call.pk, "phone": mask_phone(number)},
            )
            return None, False
        consent = {"consent_version": CONSENT_NOTICE_VERSION, "consented_at": now}
        waiting = Application.objects.select_for_update().filter(
            community_id=community.pk, phone_hash=number_hash, status=APP.PENDING
        )
        pending = waiting.first()
        if pending is None:
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        community=community,
                        call=call,
                        phone=number,
                        created_at=now,
                        updated_at=now,
                        **consent,
                        **values,
                    )
                    application.duties.set(duties)
            except IntegrityError:
                # Another post of the same phone made the pending row meanwhile (the partial
                # unique constraint application_one_pending): this one is its repeat.
                pending = waiting.get()
            else:
                audit(
                    actor=None,
                    actor_label=APPLICANT,
                    action="application.submit",
                    obj=application,
                    detail={"call": call.pk, "phone": mask_phone(number)},
                )
                _tell_staff_of_new(application)
                return application, False
        for name, value in {**values, **consent}.items():
            setattr(pending, name, value)
        pending.call = call
        pending.phone = number
        pending.times = min(pending.times + 1, 32767)
        pending.updated_at = now
        pending.save()
        pending.duties.set(duties)
        audit(
            actor=None,
            actor_label=APPLICANT,
            action="application.repeat",
            obj=pending,
            detail={"call": call.pk, "times": pending.times, "phone": mask_phone(number)},
        )
        return pending, True


# The applications whose consent the applicant withdraws with an SMS code: a waiting one is
# withdrawn, a declined one keeps its decision. An approved one made a partner, whose consent
# goes when the partner leaves (partner_leave, which forgets its applications too).
WITHDRAWABLE = frozenset({APP.PENDING, APP.DECLINED})


def application_withdraw(*, phone: str, now=None) -> int:
    """The applicant, proven by an SMS code, withdraws consent: each waiting application of the
    number becomes withdrawn, each declined one stays declined, and both lose the name, the
    number and what the person wrote, in place (the rows stay for the counts) and record when
    consent was withdrawn. Returns how many."""
    now = now or timezone.now()
    number_hash = phone_hash(phone)
    with transaction.atomic():
        rows = list(
            Application.objects.select_for_update().filter(
                phone_hash=number_hash, status__in=WITHDRAWABLE
            )
        )
        for application in rows:
            decision = application.status
            if decision == APP.PENDING:
                application.status = APP.WITHDRAWN
            application.consent_withdrawn_at = now
            application.name = WITHDRAWN_NAME
            application.phone = ""
            application.phone_hash = ""
            application.employer = ""
            application.skills = ""
            application.home_building = None
            application.updated_at = now
            application.save(
                update_fields=[
                    "status",
                    "consent_withdrawn_at",
                    "name",
                    "phone",
                    "phone_hash",
                    "employer",
                    "skills",
                    "home_building",
                    "updated_at",
                ]
            )
            audit(
                actor=None,
                actor_label=APPLICANT,
                action="application.withdraw",
                obj=application,
                detail={"community": application.community_id, "status": decision},
            )
    return len(rows)


def withdraw_code_send(*, phone: str) -> None:
    """A withdrawal code, delivered only to a number with a waiting or declined application;
    every other number gets the same answer and the same limits."""
    number = normalise_phone(phone)
    mine = Application.objects.filter(phone_hash=phone_hash(number), status__in=WITHDRAWABLE)
    sms.send_code(number, PURPOSE_WITHDRAW, deliver=mine.exists())


def withdraw_with_code(*, phone: str, code: str) -> int:
    """Check the code, then withdraw consent for the number's waiting and declined
    applications."""
    number = normalise_phone(phone)
    sms.check_code(number, PURPOSE_WITHDRAW, code)
    return application_withdraw(phone=number)


# --- deciding ------------------------------------------------------------------------------
def _returning_partner(application: Application) -> Partner | None:
    """The community's partner with this phone, if any (active first, then one deactivated or
    in the trash): approving restores and updates it rather than making a second one."""
    rows = list(
        Partner.objects.select_for_update().filter(
            community_id=application.community_id, phone_hash=application.phone_hash
        )
    )
    rows.sort(key=lambda p: (p.deleted_at is not None, p.status != PartnerStatus.ACTIVE, -p.pk))
    return rows[0] if rows else None


def _new_username() -> str:
    while True:
        username = f"p{secrets.token_hex(4)}"
        if not User.objects.filter(username=username).exists():
            return username


def _account_for(application: Application) -> tuple[User, bool]:
    """The account that signs in with the applicant's phone: the one holding the number, or a
    new one without a password (partners sign in with an SMS code)."""
    user = User.objects.select_for_update().filter(phone_hash=application.phone_hash).first()
    if user is None:
        user = User(
            username=_new_username(),
            display_name=application.name[:60],
            phone=application.phone.full,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
            return user, True
        except IntegrityError:  # another approval made the account for this phone meanwhile
            user = User.objects.select_for_update().get(phone_hash=application.phone_hash)
    if not user.is_active:
        raise ValidationError("这个手机号属于一个已停用的账号,请联系系统管理员处理后再审核通过。")
    if separation_conflict(user, Role.PARTNER):
        raise ValidationError(
            "这个手机号属于系统管理专用账号(三员分立),不能同时作为合伙人账号,"
            "请申请人换一个手机号重新申请。"
        )
    return user, False


def _partner_role(user: User, community_id: int, by) -> None:
    assignment, made = RoleAssignment.objects.get_or_create(
        user=user, role=Role.PARTNER, community_id=community_id
    )
    if made:
        user.__dict__.pop("scope", None)
        audit(
            actor=by,
            action="role.assign",
            obj=assignment,
            detail={"user": user.pk, "role": Role.PARTNER.value, "via": "application"},
        )


def _approve(step: Step) -> None:
    application, now = step.obj, timezone.now()
    duties = list(application.duties.all())
    values = {
        "kind": application.kind,
        "name": application.name,
        "category_id": application.category_id,
        "availability": list(application.availability),
        "skills": application.skills,
        "compound_id": application.compound_id,
        "party_org": application.party_org,
        "employer": application.employer,
        "home_building_id": application.home_building_id,
        "phone": application.phone,
        "consent_version": application.consent_version,
        "consented_at": application.consented_at,
        "consent_withdrawn_at": None,
    }
    user, new_user = _account_for(application)
    partner = _returning_partner(application)
    restored = partner is not None
    if partner is None:
        partner = Partner(community_id=application.community_id, created_by=step.by, created_at=now)
    elif partner.status != PartnerStatus.ACTIVE or partner.deleted_at is not None:
        partner.status_changed_at = now
        partner.status_reason = ""
    for name, value in values.items():
        setattr(partner, name, value)
    partner.status = PartnerStatus.ACTIVE
    partner.deleted_at = None
    partner.user = user
    if application.party_org or application.category_id == PartnerCategory.PARTY_MEMBER:
        partner.reported_at = partner.reported_at or now  # 双报到
    try:
        with transaction.atomic():  # registered by staff a moment ago (PARTNER_ONE_PHONE)
            partner.save()
    except IntegrityError as exc:
        raise phone_clash(exc) from exc
    partner.duties.set(duties)
    _partner_role(user, application.community_id, step.by)
    audit(
        actor=step.by,
        action="partner.restore" if restored else "partner.create",
        obj=partner,
        detail={"application": application.pk, "phone": application.phone.masked},
    )
    step.set(partner=partner, decided_by=step.by, decided_at=now, updated_at=now)
    step.detail.update(
        partner=partner.pk, user=user.pk, new_user=new_user, restored=restored,
        phone=application.phone.masked,
    )  # fmt: skip
    step.result = partner


def _text_message(template: str):
    def send(step: Step) -> None:
        number = step.obj.phone.full
        community = _short(step.obj.community.name)
        transaction.on_commit(lambda: sms.send_sms(number, template, {"community": community}))

    return send


def _reason_given(step: Step):
    reason = str(step.data.get("reason") or "").strip()
    if not reason:
        yield "请填写未通过的原因。"
    elif len(reason) > 200:
        yield "原因最多 200 字。"


def _decline(step: Step) -> None:
    now = timezone.now()
    step.set(
        decline_reason=str(step.data["reason"]).strip(),
        decided_by=step.by,
        decided_at=now,
        updated_at=now,
    )


APPLICATION_WORKFLOW = Workflow(
    Application,
    [
        Action(
            "approve",
            "审核通过",
            "partners.decide_application",
            frozenset({APP.PENDING}),
            APP.APPROVED,
            apply=_approve,
            notify=_text_message("PARTNER_APPROVED"),
        ),
        Action(
            "decline",
            "审核不通过",
            "partners.decide_application",
            frozenset({APP.PENDING}),
            APP.DECLINED,
            check=_reason_given,
            apply=_decline,
            notify=_text_message("PARTNER_DECLINED"),
        ),
    ],
    initial=APP.PENDING,
    noun="合伙人申请",
    changed_at_field=None,
)


def application_approve(*, application: Application, by) -> Partner:
    """The community approves: the Partner (new, or the returning one restored), the person's
    account with the community's partner role, and a text message to the applicant."""
    return APPLICATION_WORKFLOW.perform(application, "approve", by=by).result


def application_decline(*, application: Application, by, reason: str) -> Application:
    """The community declines, with its reason (kept for the staff; the applicant is told by a
    text message to ask the community)."""
    return APPLICATION_WORKFLOW.perform(application, "decline", by=by, data={"reason": reason}).obj


# --- the partners' sign-in ---------------------------------------------------------------------
def sms_login_user(number: str) -> User | None:
    """The account that may sign in with an SMS code to this number: active, with an active
    partner record, and no staff role (staff sign in with a password and, where required, TOTP)."""
    user = User.objects.filter(phone_hash=phone_hash(number), is_active=True).first()
    if user is None or user.scope.has(*STAFF):
        return None
    if not Partner.objects.alive().active().filter(user_id=user.pk).exists():
        return None
    return user


def login_code_send(*, phone: str) -> None:
    """A sign-in code, delivered only to a number that may sign in; any other number gets the
    same answer and the same limits, so the page tells nobody who is a partner."""
    number = normalise_phone(phone)
    sms.send_code(number, PURPOSE_LOGIN, deliver=sms_login_user(number) is not None)


def login_with_code(*, phone: str, code: str) -> User:
    """The account a correct, fresh code signs in (the caller logs it in)."""
    number = normalise_phone(phone)
    sms.check_code(number, PURPOSE_LOGIN, code)
    user = sms_login_user(number)
    if user is None:  # a code never delivered, or the partner left meanwhile
        raise ValidationError("验证码已失效,请重新获取。", code="sms_expired")
    return user


# --- leaving ------------------------------------------------------------------------------
def partner_leave(*, partner: Partner, by, now=None) -> bool:
    """A partner leaves a community: the record is deactivated (已退出) and its contact details
    anonymised in place (and so are its applications to the community and the notes of its
    战时 answers), consent withdrawn, the person's partner role of that community taken away;
    the record and its history stay for the counts. An account left with no role and no
    partner record is closed (its number cleared). Returns whether the person still has an
    active partner record (if not, the caller signs them out)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if not by.has_perm("partners.leave_partner", locked):
            raise PermissionDenied
        if locked.deleted_at is not None or locked.status == PartnerStatus.LEFT:
            raise Conflict("您已经退出了这个社区的幸福家园合伙人。", code="status")
        community_id, old_hash = locked.community_id, locked.phone_hash
        locked.status = PartnerStatus.LEFT
        locked.status_changed_at = now
        locked.status_reason = LEFT_REASON
        locked.consent_withdrawn_at = now
        locked.anonymised_at = now
        locked.phone = ""
        locked.phone_hash = ""
        locked.user = None
        if not locked.is_unit:  # an organisation's name is no personal data
            locked.name = f"{LEFT_NAME}{locked.pk}"
            locked.employer = ""
            locked.skills = ""
            locked.party_org = ""  # a person's party branch is theirs to take away
            locked.home_building = None
        locked.save()
        forgotten = _forget_applications(locked, old_hash, now)
        # What the person wrote when answering 战时 call-outs (where they are, why not).
        notes = Alert.objects.filter(partner=locked).exclude(note="").update(note="")
        audit(
            actor=by,
            action="partner.leave",
            obj=locked,
            detail={"community": community_id, "applications": forgotten, "alert_notes": notes},
        )
        mine = Partner.objects.alive().active().filter(user_id=by.pk)
        if not mine.filter(community_id=community_id).exists():
            for assignment in RoleAssignment.objects.filter(
                user_id=by.pk, role=Role.PARTNER, community_id=community_id
            ):
                audit(
                    actor=by,
                    action="role.revoke",
                    obj=assignment,
                    detail={"user": by.pk, "role": assignment.role, "via": "leave"},
                )
                assignment.delete()
        remaining = mine.exists()
        if not remaining and not RoleAssignment.objects.filter(user_id=by.pk).exists():
            account = User.objects.select_for_update().get(pk=by.pk)
            account.phone = ""
            account.display_name = ""
            account.email = ""
            account.is_active = False  # accounts/signals.py ends its sessions
            account.save()
            audit(actor=by, action="account.closed", obj=account, detail={"via": "leave"})
        for person in people_holding(COMMUNITY_STAFF, community=locked.community):
            notify(
                person,
                "partners.partner_left",
                locked,
                title="一位合伙人已退出",
                body="其联系方式已按本人要求删除,服务记录保留。",
            )
    return remaining


def _forget_applications(partner: Partner, number_hash: str, now) -> int:
    """The applications that made or would have made this partner (its own, and every one of its
    phone to its community) lose what identifies the person, as the partner record did: the
    rows stay for the counts. A waiting one is withdrawn. Returns how many."""
    mine = Q(partner_id=partner.pk)
    if number_hash:
        mine |= Q(community_id=partner.community_id, phone_hash=number_hash)
    rows = list(Application.objects.select_for_update().filter(mine).order_by("pk"))
    for application in rows:
        application.phone = ""
        application.phone_hash = ""
        application.consent_withdrawn_at = application.consent_withdrawn_at or now
        application.updated_at = now
        if application.status == APP.PENDING:
            application.status = APP.WITHDRAWN
        if application.kind != PartnerKind.ORGANISATION:
            application.name = LEFT_NAME
            application.skills = ""
            application.employer = ""
            application.party_org = ""
            application.home_building = None
        application.save()
    return len(rows)


# --- reads ---------------------------------------------------------------------------------
def call_list(*, user, status: str = ""):
    """Calls the user sees, each with its count of waiting applications."""
    calls = (
        RecruitmentCall.objects.visible_to(user)
        .select_related("community")
        .annotate(pending=Count("applications", filter=Q(applications__status=APP.PENDING)))
        .order_by("-created_at", "-id")
    )
    return calls.filter(status=status) if status else calls


def open_calls(*, street=None, community=None):
    """The district's open calls for the public page, newest first."""
    calls = RecruitmentCall.objects.filter(status=CALL.OPEN).select_related("community__street")
    if community is not None:
        calls = calls.filter(community=community)
    elif street is not None:
        calls = calls.filter(community__street=street)
    return calls.order_by("-opened_at", "-id")


def application_queue(*, user, status: str = ""):
    """The applications the user sees: waiting ones first, then the latest."""
    rows = (
        Application.objects.visible_to(user)
        .select_related("community", "category", "compound")
        .prefetch_related("duties")
    )
    if status:
        return rows.filter(status=status).order_by("-updated_at", "-id")
    waiting_first = Case(
        When(status=APP.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return rows.order_by(waiting_first, "-updated_at", "-id")


def application_history(application: Application) -> dict:
    """What the decider should know: the same phone's earlier applications to this community and
    the partner record approval would restore."""
    if not application.phone_hash:
        return {"earlier": [], "returning": None}
    earlier = (
        Application.objects.filter(
            community_id=application.community_id, phone_hash=application.phone_hash
        )
        .exclude(pk=application.pk)
        .order_by("-created_at")[:10]
    )
    returning = None
    if application.status == APP.PENDING:
        returning = (
            Partner.objects.filter(
                community_id=application.community_id, phone_hash=application.phone_hash
            )
            .order_by("deleted_at", "-id")
            .first()
        )
    return {"earlier": list(earlier), "returning": returning}


def availability_labels(codes) -> list[str]:
    """工作日白天, 周末 … for the stored codes (an unknown code as it is)."""
    labels = dict(Availability.choices)
    return [str(labels.get(code, code)) for code in codes or []]


def duties_by_mode(duties) -> list[tuple[str, list[Duty]]]:
    """[("平时", [...]), ("战时", [...])]: the call's duties grouped as the 招募令 prints them."""
    groups = {mode: [] for mode in Duty.Mode.values}
    for duty in duties:
        groups.setdefault(duty.mode, []).append(duty)
    labels = dict(Duty.Mode.choices)
    return [(str(labels[mode]), rows) for mode, rows in groups.items() if rows]
