"""Who takes part in a community's round table, and how residents sign in (issue 15, item 2).

Residents sign in with their phone number and an SMS code (real name by phone; no ID-card
number), register once per community with their home (compound, building, unit, room) and their
consent to a versioned notice, and wait for the community to verify them against the household
tree; only then may they post (roundtable/access.py). The property company and the owners'
committee take part through their partner accounts (access.poster_for), not here.

A participant moves pending → verified or rejected (rejected → verified on a second look); the
person may leave at any time (left is final): their name and address are deleted in place, their
posts stay as 已退出的居民, and an account with nothing else to do is closed. Every state change
is here; the pages are roundtable/account_views.py (residents) and participant_views.py (staff),
and their reads roundtable/selectors_participants.py.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Community, Household, RoleAssignment, User
from accounts.roles import COMMUNITY_STAFF, STAFF, Role
from accounts.selectors import people_holding
from accounts.services import separation_conflict
from core import sms
from core.audit import audit
from core.models import AuditEvent
from core.notifications import notify
from core.phone import (
    decrypt_phone,
    encrypt_phone,
    mask_phone,
    normalise_phone,
    phone_hash,
    reveal_phone,
)
from core.workflow import Action, Conflict, Step, Workflow
from partners.models import Partner

from .models import (
    CONSENT_NOTICE_VERSION,
    Attendance,
    Participant,
    ParticipantKind,
    ParticipantStatus,
)

PURPOSE_LOGIN = "roundtable_login"
# A verified number waits this long in the session for the registration form.
VERIFIED_FOR = timedelta(minutes=15)
VERIFIED_KEY = "roundtable_phone"
VERIFIED_SALT = "roundtable.participants.verified_phone"
# What a participant who left shows where their name was (Participant.public_name says so too).
LEFT_LABEL = "已退出的居民"
LEFT_REASON = "本人撤回同意并退出"
NAME_MIN, NAME_MAX = 2, 20
PLACE_MAX = 10
REASON_MAX = 200

# The round table's privacy notice (its version is models.CONSENT_NOTICE_VERSION: a new text needs
# a new version there, and each consent keeps the version it agreed to).
CONSENT_NOTICE = (
    (
        "收集什么",
        "您的真实姓名、手机号和住址(小区、楼栋、单元、房号),以及您在圆桌会上提出的议题、"
        "附议和发言。不收集身份证号。",
    ),
    (
        "为什么",
        "社区工作人员对照社区的住户信息核实您是本社区居民,核实通过后您才能提议题、附议和发言;"
        "您选择关注的,圆桌会前一天用短信提醒您。手机号只用于登录、核实和提醒。",
    ),
    (
        "谁能看到",
        "本社区的工作人员能看到您的姓名和住址,手机号只显示前三后四位,需要打电话核实时才查看完整"
        "号码(每次查看都有记录);街道和区里的工作人员只能查看,不能修改。公开页面上只显示您的姓和"
        "楼栋,例如“王** · 3号楼”,不显示手机号和房号。手机号加密保存。",
    ),
    (
        "怎样撤回",
        "随时可以在“我的圆桌会”页面撤回同意并退出。退出后您的姓名和住址即被删除,发过的议题和发言"
        "保留,显示为“已退出的居民”;账号没有其他用途的,同时注销并删除手机号。",
    ),
)

# The gateway's parameters are short: a community's name, cut to 20 characters.
sms.register_template(
    "ROUNDTABLE_VERIFIED",
    "【百社百景】您已通过${community}圆桌会实名核实,可以发布议题和参与讨论。",
)
sms.register_template(
    "ROUNDTABLE_REJECTED",
    "【百社百景】您在${community}圆桌会的实名登记暂未通过核实,请联系社区工作人员。",
)

ST = ParticipantStatus


def _short(text) -> str:
    return str(text)[:20]


# --- what a resident types ----------------------------------------------------------------------
_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z·• .]+$")
_PLACE = re.compile(r"^[0-9A-Za-z\-\u4e00-\u9fff]+$")


def clean_name(value) -> str:
    """A real name: 2–20 characters, Chinese or Latin letters (and the · of names like
    阿依古丽·买买提); digits are refused so that no phone or ID-card number ends up here."""
    name = " ".join(str(value or "").split())
    if not NAME_MIN <= len(name) <= NAME_MAX or not _NAME.match(name):
        raise ValidationError(
            f"请填写真实姓名({NAME_MIN}–{NAME_MAX} 个字,不含数字和符号)。", code="name"
        )
    return name


def clean_place(value, *, label: str, required: bool) -> str:
    """A unit or room as typed on the door: digits, letters, dashes or 单元/室 (≤ 10)."""
    text = "".join(str(value or "").split())
    if not text:
        if required:
            raise ValidationError(f"请填写{label}。", code="place")
        return ""
    if len(text) > PLACE_MAX or not _PLACE.match(text):
        raise ValidationError(
            f"{label}请填写门牌上的数字或字母,最多 {PLACE_MAX} 个字,例如 301。", code="place"
        )
    return text


# --- the verified number, kept in the session ----------------------------------------------------
def remember_verified(session, number: str) -> None:
    """Keep a number proven by an SMS code in the (server-side) session for VERIFIED_FOR: signed
    with its time and encrypted, so not even the session store holds it in plain text."""
    session[VERIFIED_KEY] = signing.dumps(encrypt_phone(number), salt=VERIFIED_SALT)


def verified_number(session) -> str:
    """The number verified in this session in the last VERIFIED_FOR, or ""."""
    token = session.get(VERIFIED_KEY)
    if not token:
        return ""
    try:
        return decrypt_phone(
            signing.loads(str(token), salt=VERIFIED_SALT, max_age=VERIFIED_FOR.total_seconds())
        )
    except (signing.BadSignature, ValueError, TypeError):
        return ""


# --- signing in ---------------------------------------------------------------------------------
def _account_of(number: str) -> User | None:
    return User.objects.filter(phone_hash=phone_hash(number)).first()


def _holds_staff_role(user: User) -> bool:
    """Asked of the assignments themselves: a deactivated account has an empty scope."""
    return RoleAssignment.objects.filter(user_id=user.pk, role__in=STAFF.values).exists()


def login_code_send(*, phone: str) -> None:
    """A sign-in code for the number. A number whose account holds a staff role gets none (staff
    sign in with a password and, where required, TOTP), yet the same answer and the same limits,
    so that the page tells nobody who is staff."""
    number = normalise_phone(phone)
    account = _account_of(number)
    deliver = account is None or not _holds_staff_role(account)
    sms.send_code(number, PURPOSE_LOGIN, deliver=deliver)


def login_with_code(*, phone: str, code: str) -> User | None:
    """Check the code; the account a resident signs in to, or None when no account holds the
    number yet (the caller keeps the verified number for the registration)."""
    number = normalise_phone(phone)
    try:
        sms.check_code(number, PURPOSE_LOGIN, code)
        account = _account_of(number)
        if account is None:
            return None
        if _holds_staff_role(account):  # never delivered: the code cannot be right
            raise ValidationError("验证码已失效,请重新获取。", code="sms_expired")
        if not account.is_active:
            raise ValidationError("这个手机号的账号已停用,请联系社区工作人员。", code="inactive")
    except ValidationError:
        audit(
            actor=None,
            actor_label=mask_phone(number),
            action="auth.login_failed",
            result=AuditEvent.Result.FAILED,
            detail={"via": "roundtable_sms"},
        )
        raise
    return account


def takes_part(user, community_id: int) -> bool:
    """The user already has a place at this community's round table: a participation (any
    status but left), or a 物业 / 业委会 partner account."""
    from .access import may_post, participant_of

    return participant_of(user, community_id) is not None or may_post(user, community_id)


# --- registering --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Registered:
    participant: Participant
    user: User
    new: bool  # False: the person was registered in this community already (nothing changed)


def _new_username() -> str:
    while True:
        username = f"rt_{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def _account_for(number: str, name: str) -> tuple[User, bool]:
    """The account that signs in with this number: the one holding it, or a new one without a
    password (residents sign in with an SMS code)."""
    number_hash = phone_hash(number)
    user = User.objects.select_for_update().filter(phone_hash=number_hash).first()
    if user is None:
        user = User(username=_new_username(), display_name=name, phone=number)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
            return user, True
        except IntegrityError:  # another registration made the account for this number meanwhile
            user = User.objects.select_for_update().get(phone_hash=number_hash)
    if _holds_staff_role(user):
        raise ValidationError(
            "这个手机号不能在这里登记。社区工作人员请用工作台账号参加圆桌会。", code="staff"
        )
    if not user.is_active:
        raise ValidationError("这个手机号的账号已停用,请联系社区工作人员。", code="inactive")
    if not user.display_name:
        user.display_name = name
        user.save(update_fields=["display_name"])
    return user, False


def _place_checked(community: Community, data: dict) -> dict:
    """The declared home, checked against the community (the form checks it too; a service never
    trusts its caller)."""
    compound, building = data.get("compound"), data.get("building")
    errors = []
    if compound is None or getattr(compound, "community_id", None) != community.pk:
        errors.append("请选择本社区的小区。")
    elif building is None or getattr(building, "compound_id", None) != compound.pk:
        errors.append("请选择所选小区的楼栋。")
    if errors:
        raise ValidationError(errors)
    return {
        "compound": compound,
        "building": building,
        "unit": clean_place(data.get("unit"), label="单元", required=False),
        "room": clean_place(data.get("room"), label="房号", required=True),
    }


def _tell_staff_of_new(participant: Participant) -> None:
    url = reverse("roundtable:participant", args=[participant.pk])
    for person in people_holding(COMMUNITY_STAFF, community=participant.community):
        notify(
            person,
            "roundtable.participant_registered",
            participant,
            title="有居民登记参加圆桌会,待核实",
            body="请对照住户信息核实。核实通过后,居民才能提议题和发言。",
            url=url,
        )


def registration_of(number: str, community) -> Participant | None:
    """The participation (any status but left) of the account holding this number in this
    community: a second registration shows it instead of making another."""
    if not number:
        return None
    return (
        Participant.objects.filter(community_id=community.pk, user__phone_hash=phone_hash(number))
        .exclude(status=ST.LEFT)
        .select_related("community")
        .first()
    )


def participant_register(*, phone: str, community, data: dict, now=None) -> Registered:
    """A resident whose phone an SMS code proved registers in a community's round table: the
    account holding the number (or a new one), and a pending participation with the declared home
    and the consent to the notice's version. Registering again in the same community changes
    nothing and returns the participation there (`new` False)."""
    now = now or timezone.now()
    if data.get("consent") is not True:
        raise ValidationError("请阅读个人信息告知,勾选同意后再提交。", code="consent")
    number = normalise_phone(phone)
    name = clean_name(data.get("name"))
    with transaction.atomic():
        community = Community.objects.select_related("street").get(pk=community.pk)
        place = _place_checked(community, data)
        user, new_user = _account_for(number, name)
        mine = Participant.objects.select_for_update().filter(
            community_id=community.pk, user_id=user.pk
        )
        already = mine.first()
        if already is None:
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        community=community,
                        user=user,
                        kind=ParticipantKind.RESIDENT,
                        name=name,
                        status=ST.PENDING,
                        follows=bool(data.get("follows")),
                        consent_version=CONSENT_NOTICE_VERSION,
                        consented_at=now,
                        created_at=now,
                        **place,
                    )
            except IntegrityError:  # a second tap made it meanwhile (roundtable_participant_once)
                already = mine.get()
        if already is not None:
            audit(
                actor=user,
                action="participant.register_again",
                obj=already,
                detail={"community": community.pk, "status": already.status},
            )
            return Registered(already, user, False)
        audit(
            actor=user,
            action="participant.register",
            obj=participant,
            detail={
                "community": community.pk,
                "phone": mask_phone(number),
                "new_user": new_user,
                "consent_version": CONSENT_NOTICE_VERSION,
            },
        )
        _tell_staff_of_new(participant)
        return Registered(participant, user, True)


# --- verifying ------------------------------------------------------------------------------------
def _household_in_community(step: Step):
    household = step.data.get("household")
    if not isinstance(household, Household):
        yield "请选择核实的住户。"
    elif household.building.compound.community_id != step.obj.community_id:
        yield "所选住户不在这位居民登记的社区,请重新选择。"


def _grant_resident_role(account: User, community_id: int, by) -> bool:
    """The community's resident role, as a partner's approval grants the partner role (the
    accounts service asks for the security admin; verifying is the community's own act)."""
    if separation_conflict(account, Role.RESIDENT):
        raise ValidationError(
            "这个账号是系统管理专用账号(三员分立),不能同时作为居民账号。", code="separation"
        )
    assignment, made = RoleAssignment.objects.get_or_create(
        user=account, role=Role.RESIDENT, community_id=community_id
    )
    if made:
        account.__dict__.pop("scope", None)
        audit(
            actor=by,
            action="role.assign",
            obj=assignment,
            detail={"user": account.pk, "role": Role.RESIDENT.value, "via": "roundtable"},
        )
    return made


def _verify(step: Step) -> None:
    participant, household, now = step.obj, step.data["household"], timezone.now()
    step.set(household=household, decided_by=step.by, decided_at=now, status_reason="")
    granted = False
    if participant.user_id is not None:
        account = User.objects.select_for_update().get(pk=participant.user_id)
        if not account.is_active:
            raise ValidationError("这位居民的账号已停用,不能核实。", code="inactive")
        granted = _grant_resident_role(account, participant.community_id, step.by)
        if account.household_id is None:
            account.household = household
            account.save(update_fields=["household"])
    step.detail.update(household=household.pk, role_granted=granted)


def _reason_given(step: Step):
    reason = str(step.data.get("reason") or "").strip()
    if not reason:
        yield "请填写未通过的原因。"
    elif len(reason) > REASON_MAX:
        yield f"原因最多 {REASON_MAX} 字。"


def _reject(step: Step) -> None:
    step.set(
        status_reason=str(step.data["reason"]).strip(),
        decided_by=step.by,
        decided_at=timezone.now(),
    )


def _tell_resident(template: str, event: str, title: str):
    """The resident hears of the decision: an inbox entry and, after commit, a text message."""

    def send(step: Step) -> None:
        participant = step.obj
        if participant.user_id is None:
            return
        account = participant.user
        community = _short(participant.community.name)
        notify(
            account,
            event,
            participant,
            title=title.format(community=community),
            url=reverse("roundtable_public:me"),
        )
        number = account.phone.full if account.phone else ""
        if number:
            transaction.on_commit(lambda: sms.send_sms(number, template, {"community": community}))

    return send


PARTICIPANT_WORKFLOW = Workflow(
    Participant,
    [
        Action(
            "verify",
            "核实通过",
            "roundtable.verify_participant",
            frozenset({ST.PENDING, ST.REJECTED}),
            ST.VERIFIED,
            check=_household_in_community,
            apply=_verify,
            notify=_tell_resident(
                "ROUNDTABLE_VERIFIED",
                "roundtable.participant_verified",
                "您已通过{community}圆桌会实名核实",
            ),
        ),
        Action(
            "reject",
            "标记为未通过",
            "roundtable.verify_participant",
            frozenset({ST.PENDING}),
            ST.REJECTED,
            check=_reason_given,
            apply=_reject,
            notify=_tell_resident(
                "ROUNDTABLE_REJECTED",
                "roundtable.participant_rejected",
                "您在{community}圆桌会的实名登记暂未通过核实",
            ),
        ),
    ],
    initial=ST.PENDING,
    noun="圆桌会参与人",
    changed_at_field=None,
)


def participant_verify(*, participant: Participant, by, household) -> Participant:
    """The community verifies a resident against the household tree: the household (of the
    participant's community) is recorded, the account gets the community's resident role (and
    its household, if it had none), and the resident hears of it by SMS and in the inbox."""
    pk = str(getattr(household, "pk", household) or "")
    found = (
        Household.objects.select_related("building__compound").filter(pk=int(pk)).first()
        if pk.isascii() and pk.isdigit() and len(pk) < 10
        else None
    )
    return PARTICIPANT_WORKFLOW.perform(participant, "verify", by=by, data={"household": found}).obj


def participant_reject(*, participant: Participant, by, reason: str) -> Participant:
    """The community could not verify the resident: the reason is kept (the resident reads it
    on their own page; the SMS only asks them to contact the community)."""
    return PARTICIPANT_WORKFLOW.perform(participant, "reject", by=by, data={"reason": reason}).obj


def participant_phone_reveal(*, participant: Participant, by) -> str:
    """The full number of the participant's account, for the community staff who must call them
    about the verification; every reveal and refusal audited (core.phone.reveal_phone)."""
    participant.phone = participant.user.phone if participant.user_id else ""
    return reveal_phone(
        participant,
        by=by,
        permission="roundtable.reveal_participant_phone",
        missing="这位参与人没有留手机号。",
        detail={"community": participant.community_id},
    )


# --- the resident's own participation --------------------------------------------------------------
def _own_locked(participant: Participant, by) -> Participant:
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if not by.has_perm("roundtable.change_own_participation", locked):
        raise PermissionDenied
    if locked.status == ST.LEFT:
        raise Conflict("您已经退出了这个社区的圆桌会。", code="status")
    return locked


ORGANISATION_LEAVES = (
    "物业、业委会是以幸福家园合伙人的身份参加圆桌会的,不再参加请在合伙人页面办理退出。"
)


def participant_follow(*, participant: Participant, by, follows: bool) -> Participant:
    """The resident switches the round table's reminders (the day before, by SMS) on or off."""
    with transaction.atomic():
        locked = _own_locked(participant, by)
        if locked.follows != bool(follows):
            locked.follows = bool(follows)
            locked.save(update_fields=["follows"])
            audit(
                actor=by,
                action="participant.follow",
                obj=locked,
                detail={"community": locked.community_id, "follows": locked.follows},
            )
    return locked


def participant_leave(*, participant: Participant, by, now=None) -> bool:
    """The resident withdraws consent and leaves a community's round table. The row stays for the
    counts (status left, consent withdrawn, reminders off) but loses what identifies the person:
    name, address, household and the link to the account; their topics and posts stay, shown as
    已退出的居民, and so do attendance records, renamed likewise. The community's resident role
    goes with it. An account left with no participation, role or partner record is closed: phone
    and name cleared, deactivated (accounts/signals.py ends its sessions). Returns whether the
    account is still open (if not, the caller signs the person out)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_locked(participant, by)
        if locked.kind != ParticipantKind.RESIDENT:
            raise Conflict(ORGANISATION_LEAVES, code="organisation")
        community_id = locked.community_id
        locked.status = ST.LEFT
        locked.status_reason = LEFT_REASON
        locked.consent_withdrawn_at = now
        locked.follows = False
        locked.user = None
        locked.name = ""
        locked.compound = None
        locked.building = None
        locked.unit = ""
        locked.room = ""
        locked.household = None
        locked.save()
        renamed = Attendance.objects.filter(participant=locked).update(name=LEFT_LABEL)
        audit(
            actor=by,
            action="participant.leave",
            obj=locked,
            detail={"community": community_id, "attendance": renamed},
        )
        for assignment in RoleAssignment.objects.filter(
            user_id=by.pk, role=Role.RESIDENT, community_id=community_id
        ):
            audit(
                actor=by,
                action="role.revoke",
                obj=assignment,
                detail={"user": by.pk, "role": assignment.role, "via": "roundtable_leave"},
            )
            assignment.delete()
        account = User.objects.select_for_update().get(pk=by.pk)
        if (
            account.household_id is not None
            and Household.objects.filter(
                pk=account.household_id, building__compound__community_id=community_id
            ).exists()
        ):
            account.household = None
            account.save(update_fields=["household"])
        open_account = (
            Participant.objects.filter(user_id=by.pk).exclude(status=ST.LEFT).exists()
            or RoleAssignment.objects.filter(user_id=by.pk).exists()
            or Partner.objects.alive().filter(user_id=by.pk).exists()
        )
        if not open_account:
            account.phone = ""
            account.display_name = ""
            account.email = ""
            account.household = None
            account.is_active = False
            account.save()
            audit(actor=by, action="account.closed", obj=account, detail={"via": "roundtable"})
        by.__dict__.pop("_roundtable_participants", None)
        by.__dict__.pop("scope", None)
    return open_account
