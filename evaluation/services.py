"""Writing residents' grades: one household counts once per project, whatever the channel.

`grade_submit` is the only way a grade is written. It locks the household's row, so twenty
phones posting one household code at once leave one grade and nineteen clear refusals; the
database constraint `grade_one_per_household` is the last guard behind the lock. A code from
another community is refused with the same words as a code that does not exist: the answer never
tells whether a code is real elsewhere. Audit rows hold ids only, never the code.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Household
from core.audit import audit
from core.workflow import Conflict
from projects.models import Activity, Project, Status

from .models import Channel, Grade, Verdict

# A project residents may grade: being carried out, or done and reviewed (and public).
GRADEABLE_STATUSES = frozenset({Status.IN_PROGRESS, Status.RETROSPECTED})

INVALID_CODE = "户码无效,请核对户码条上的 8 位户码。"
ALREADY_GRADED = "该户已评价过本项目,每户只能评价一次。"
DEVICE_GRADED = "这部手机已经评价过本项目。输入户码可以按户评价。"
NO_DEVICE = "请用手机浏览器打开评价页面后再提交(需要允许保存 Cookie)。"
CODE_LENGTH = 12


def normalise_code(code) -> str:
    """A typed household code as stored: no spaces or dashes, upper case; "" if it cannot be
    one (too long, other characters)."""
    code = "".join(str(code or "").split()).replace("-", "").upper()
    return code if code.isascii() and code.isalnum() and len(code) <= CODE_LENGTH else ""


def household_for_code(code, *, community_id: int | None = None) -> Household | None:
    """The household holding this code (of this community when given), or None. Unknown and
    foreign codes look the same to the caller."""
    code = normalise_code(code)
    if not code:
        return None
    households = Household.objects.select_related("building__compound")
    if community_id is not None:
        households = households.filter(building__compound__community_id=community_id)
    return households.filter(code=code).first()


def code_check(household: Household) -> str:
    """A keyed hash of the household's current code: kept in a resident's session instead of
    the code, it stops matching once the code is reissued (a voided slip batch)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"household:{household.code}".encode(), hashlib.sha256).hexdigest()


def device_hash(device: str) -> str:
    """A keyed hash of the device cookie's id: the grade keeps this, never the cookie."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"device:{device}".encode(), hashlib.sha256).hexdigest()


def gradeable_reason(project: Project) -> str:
    """Why residents cannot grade this project now, or "" if they can."""
    if project.deleted_at is not None or project.status not in GRADEABLE_STATUSES:
        return "这个项目还没有开始实施,暂不能评价。"
    return ""


SESSION_GONE = "该场活动尚未举办或已取消,不能在这里评价。"


def session_gone(session: Activity) -> bool:
    """A session residents can never grade at: cancelled, or its day passed without it being
    held. (A session to come opens on its day: `session_reason`.)"""
    today = timezone.localdate()
    if session.status == Activity.Status.CANCELLED:
        return True
    return session.date < today and session.status != Activity.Status.HELD


def session_reason(session: Activity) -> str:
    """Why residents cannot grade on site at this session now, or "" if they can: on site
    means at a session held, or taking place today, never a cancelled one."""
    if session_gone(session):
        return SESSION_GONE
    day = session.date
    if day > timezone.localdate():
        return f"活动当天开放评价:这场活动在 {day.year}年{day.month}月{day.day}日 举行,届时扫码即可评价。"
    return ""


def _clean_comment(comment) -> str:
    comment = "".join(c for c in str(comment or "") if c in "\n\t" or ord(c) >= 32).strip()
    if len(comment) > 500:
        raise ValidationError("意见最多 500 字。", code="comment")
    return comment


def _locked_household(pk: int) -> Household:
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("building__compound")
        .get(pk=pk)
    )


@transaction.atomic
def grade_submit(
    *,
    project: Project,
    verdict: str,
    comment: str = "",
    channel: str,
    household: Household | None = None,
    code: str | None = None,
    session: Activity | None = None,
    device: str | None = None,
    check: str | None = None,
    by=None,
) -> Grade:
    """Record one resident's grade of a project through one channel.

    走访入户评 (`visit`): a community worker of the project's community enters it for a household
    they chose (`household`, `by`). 线上投票评 (`online`): the household's `code` or the
    `household` a code opened. 邀请现场评 (`onsite`): from a `session` of the project, with the
    household's `code` (verified) or without one (unverified, one per `device`). `check`: the
    `code_check` a resident's session kept with the household (the code it typed). The code (or
    check) is verified again on the locked household: a code voided meanwhile (a voided slip
    batch renews the codes under the same lock) is refused, never counted. Refusals:
    PermissionDenied (403), Conflict (409: not gradeable now) or ValidationError (422: a bad
    verdict, an unknown or foreign code, a household that graded already).
    """
    if channel not in Channel.values:
        raise ValidationError("评价渠道不正确。", code="channel")
    if channel == Channel.VISIT and not (by and by.has_perm("evaluation.grade_visit", project)):
        raise PermissionDenied("只有本社区的工作人员可以录入走访评价。")
    if verdict not in Verdict.values:
        raise ValidationError("请选择满意、基本满意或不满意。", code="verdict")
    comment = _clean_comment(comment)
    project = Project.objects.only("id", "status", "deleted_at", "community_id").get(pk=project.pk)
    if reason := gradeable_reason(project):
        raise Conflict(reason, code="not_gradeable")
    if session is not None and session.project_id != project.pk:
        raise ValidationError("这场活动不属于这个项目。", code="session")
    if channel == Channel.ONSITE and session is None:
        raise ValidationError("现场评价要从活动的二维码进入。", code="session")
    if channel == Channel.ONSITE and (reason := session_reason(session)):
        raise Conflict(reason, code="session")

    if code:
        household = household_for_code(code, community_id=project.community_id)
        if household is None:
            raise ValidationError(INVALID_CODE, code="household_code")
    elif household is not None and household.building.compound.community_id != (
        project.community_id
    ):
        # A worker's pick, or the household a resident's code opened: never another
        # community's (to a resident, the same words as an unknown code).
        if channel == Channel.VISIT:
            raise ValidationError("请选择本社区的住户。", code="household")
        raise ValidationError(INVALID_CODE, code="household_code")
    if household is None and channel != Channel.ONSITE:
        raise ValidationError(
            "请输入户码。" if channel == Channel.ONLINE else "请选择住户。", code="household"
        )

    grade = Grade(
        project_id=project.pk,
        channel=channel,
        verdict=verdict,
        comment=comment,
        session=session,
        recorded_by=by if channel == Channel.VISIT else None,
        created_at=timezone.now(),
    )
    if household is not None:
        # One at a time per household: the next caller waits here, then finds the grade.
        household = _locked_household(household.pk)
        if (code and household.code != normalise_code(code)) or (
            check is not None and not hmac.compare_digest(code_check(household), check)
        ):
            raise ValidationError(INVALID_CODE, code="household_code")
        if Grade.objects.filter(project_id=project.pk, household=household).exists():
            raise ValidationError(ALREADY_GRADED, code="duplicate")
        grade.household = household
    else:
        if not device:
            raise ValidationError(NO_DEVICE, code="device")
        grade.device = device_hash(device)
        if Grade.objects.unverified().filter(project_id=project.pk, device=grade.device).exists():
            raise ValidationError(DEVICE_GRADED, code="duplicate")
    try:
        with transaction.atomic():
            grade.save(force_insert=True)
    except IntegrityError:
        # The constraint behind the lock (a grade written outside this service, say).
        raise ValidationError(
            ALREADY_GRADED if household is not None else DEVICE_GRADED, code="duplicate"
        ) from None
    is_user = by is not None and getattr(by, "is_authenticated", False)
    audit(
        actor=by if is_user else None,
        actor_label=None if is_user else "居民",
        action="grade.submit",
        obj=grade,
        detail={
            "project": project.pk,
            "channel": channel,
            "household": household.pk if household is not None else None,
            "session": session.pk if session is not None else None,
            "verified": household is not None,
        },
    )
    return grade
