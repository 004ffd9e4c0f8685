"""The yearly excellent partners (优秀幸福家园合伙人): the community nominates, the street's 组长
approves or declines, the district publishes the year's list on a public page.

    nominated ──approve (street 组长)──▶ approved ──publish (district)──▶ published
        └──────decline (street 组长, with a note)──▶ declined

One nomination per partner and year (a unique constraint): a repeat is a message. Publishing a
year publishes every approved nomination of that year that is not published yet, so pressing it
twice publishes nothing twice, and a later approval is published by pressing it again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import COMMUNITY_STAFF
from accounts.selectors import people_holding, street_deciders
from core.audit import audit
from core.notifications import notify
from core.privacy import mask_personal
from core.scope import get_visible_or_404
from core.workflow import Action, Conflict, Step, Workflow

from .models import Excellent, ExcellentStatus, Partner, PartnerStatus

NOMINATED, APPROVED, DECLINED, PUBLISHED = (
    ExcellentStatus.NOMINATED,
    ExcellentStatus.APPROVED,
    ExcellentStatus.DECLINED,
    ExcellentStatus.PUBLISHED,
)


def nomination_years(today=None) -> list[int]:
    """The years a community may nominate for: this year, and last year (early in a year the
    previous year's list is still being made)."""
    year = (today or timezone.localdate()).year
    return [year, year - 1]


# --- the workflow table --------------------------------------------------------------------------
def _decline_check(step: Step):
    if not str(step.data.get("note") or "").strip():
        yield "请写明未通过的理由,社区会看到。"


def _decide(step: Step) -> None:
    step.set(
        reviewed_by=step.by,
        reviewed_at=timezone.now(),
        review_note=str(step.data.get("note") or "").strip()[:200],
    )
    step.detail.update({"partner": step.obj.partner_id, "year": step.obj.year})


def _tell_community(step: Step) -> None:
    excellent = step.obj
    partner = excellent.partner
    verdict = "已通过街道审核" if step.action.name == "approve" else "未通过街道审核"
    for person in people_holding(COMMUNITY_STAFF, community=partner.community):
        notify(
            person,
            f"excellent.{step.action.name}",
            excellent,
            title=f"{partner.name} 的{excellent.year}年度优秀合伙人推荐{verdict}",
            body=excellent.review_note,
        )


def _publish(step: Step) -> None:
    step.set(published_at=timezone.now())
    step.detail.update({"partner": step.obj.partner_id, "year": step.obj.year})


EXCELLENT_WORKFLOW = Workflow(
    Excellent,
    [
        Action(
            "approve",
            "审核通过",
            "partners.decide_excellent",
            frozenset({NOMINATED}),
            APPROVED,
            apply=_decide,
            notify=_tell_community,
        ),
        Action(
            "decline",
            "不予通过",
            "partners.decide_excellent",
            frozenset({NOMINATED}),
            DECLINED,
            check=_decline_check,
            apply=_decide,
            notify=_tell_community,
        ),
        Action(
            "publish",
            "公布",
            "partners.publish_excellent",
            frozenset({APPROVED}),
            PUBLISHED,
            apply=_publish,
        ),
    ],
    initial=NOMINATED,
    noun="优秀合伙人推荐",
    changed_at_field=None,
)


# --- services ------------------------------------------------------------------------------------
def _repeat(partner: Partner, year: int) -> ValidationError:
    return ValidationError(
        f"{partner.name} 已被推荐为{year}年度优秀合伙人,每人每年只能推荐一次。", code="repeat"
    )


@transaction.atomic
def excellent_nominate(*, by, partner: Partner, year: int, reason: str) -> Excellent:
    """Community staff nominate one of their partners or units for the year's list."""
    if not by.has_perm("partners.nominate_excellent", partner):
        raise PermissionDenied
    reasons = []
    if partner.deleted_at is not None or partner.status != PartnerStatus.ACTIVE:
        reasons.append("只能推荐在册的合伙人。")
    if year not in nomination_years():
        years = "、".join(str(y) for y in nomination_years())
        reasons.append(f"只能推荐 {years} 年度的优秀合伙人。")
    if not str(reason or "").strip():
        reasons.append("请填写推荐理由。")
    if reasons:
        raise ValidationError(reasons)
    if Excellent.objects.filter(partner=partner, year=year).exists():
        raise _repeat(partner, year)
    try:
        with transaction.atomic():
            excellent = Excellent.objects.create(
                partner=partner, year=year, reason=str(reason).strip()[:1000], nominated_by=by
            )
    except IntegrityError:  # a colleague nominated the same partner at the same moment
        raise _repeat(partner, year) from None
    EXCELLENT_WORKFLOW.created(
        excellent, by=by, event=None, detail={"partner": partner.pk, "year": year}
    )
    community = partner.community
    for person in street_deciders(community.street):
        notify(
            person,
            "excellent.nominated",
            excellent,
            title=f"{community.name}推荐 {partner.name} 为{year}年度优秀合伙人,请审核",
            body=excellent.reason[:200],
        )
    return excellent


def excellent_approve(*, excellent: Excellent, by, note: str = "") -> Excellent:
    """The street's 组长 approves a nomination of one of the street's communities."""
    return EXCELLENT_WORKFLOW.perform(excellent, "approve", by=by, data={"note": note}).obj


def excellent_decline(*, excellent: Excellent, by, note: str) -> Excellent:
    """The street's 组长 declines a nomination, with the reason the community reads."""
    return EXCELLENT_WORKFLOW.perform(excellent, "decline", by=by, data={"note": note}).obj


@transaction.atomic
def excellent_publish_year(*, by, year: int) -> int:
    """District staff publish every approved nomination of the year not published yet; how many.
    Idempotent: a second press (or a colleague's at the same moment) publishes nothing twice."""
    if not by.has_perm("partners.publish_excellent"):
        raise PermissionDenied
    ids = list(
        Excellent.objects.filter(year=year, status=APPROVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    published = 0
    for pk in ids:
        try:
            EXCELLENT_WORKFLOW.perform(Excellent(pk=pk), "publish", by=by)
        except Conflict:  # published (or changed) by someone else meanwhile
            continue
        published += 1
    audit(actor=by, action="excellent.publish_year", detail={"year": year, "published": published})
    return published


# --- selectors -----------------------------------------------------------------------------------
def excellent_get(*, user, pk) -> Excellent:
    return get_visible_or_404(
        Excellent.objects.select_related(
            "partner__community__street", "partner__category", "nominated_by", "reviewed_by"
        ),
        user,
        pk=pk,
    )


def excellent_list(*, user, year: int, status: str = ""):
    """The nominations of the user's scope for a year, by community and name."""
    rows = Excellent.objects.visible_to(user).filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("partner__community__street", "partner__category").order_by(
        "partner__community__name", "partner__name", "id"
    )


def approved_waiting(year: int) -> int:
    """Approved nominations of the year the district has not published yet."""
    return Excellent.objects.filter(year=year, status=APPROVED).count()


def public_years() -> list[int]:
    """Years with a published list, latest first."""
    return list(
        Excellent.objects.filter(status=PUBLISHED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def for_the_public(rows) -> list[Excellent]:
    """A page of the published list as residents read it (never saved): a phone or ID-card
    number typed into a reason is masked."""
    rows = list(rows)
    for excellent in rows:
        excellent.reason = mask_personal(excellent.reason)
    return rows


def public_list(year: int):
    """The year's published list, grouped by street and community (the page regroups it)."""
    return (
        Excellent.objects.filter(year=year, status=PUBLISHED)
        .select_related("partner__community__street", "partner__category")
        .annotate(
            street_name=F("partner__community__street__name"),
            community_name=F("partner__community__name"),
        )
        .order_by("street_name", "community_name", "partner__name", "id")
    )
