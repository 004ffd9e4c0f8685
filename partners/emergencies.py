"""战时 call-outs: a community opens an emergency for chosen compounds, the partners with a 战时
duty there are called (an inbox entry and one text message each), they answer whether they can
come, and the community closes the emergency with a short report.

    open ──close (community staff, with a report)──▶ closed
    answer: in place while open (a called partner, through their own alert)

Who is called: the community's active partners (在册) holding at least one 战时 duty and tied to
one of the chosen compounds — they are filed under it, live in one of its buildings, or their
unit or they themselves currently adopt it or one of its buildings (双包). A partner tied to no
compound at all is not called: an emergency always names its compounds, and calling the whole
community for a burst pipe in one compound would teach people to ignore the call.

Sending is a task (`partners.tasks.send_alerts`) queued when the opening commits. It is safe to
run twice, to retry after a crash half-way and to run in two workers at once: the Alert row is
unique per (emergency, partner) and is created with its inbox entry in one transaction; each text
message is sent only by whoever claims the row's `sms_sent_at` with a conditional UPDATE, inside
a transaction that rolls the claim back if the gateway fails.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.audit import audit
from core.notifications import notify
from core.scope import get_visible_or_404
from core.sms import register_template, send_sms
from core.workflow import Action, Step, Workflow

from .models import (
    Alert,
    AlertAnswer,
    BuildingAdoption,
    CompoundAdoption,
    DutyMode,
    Emergency,
    EmergencyStatus,
    Partner,
)

OPEN, CLOSED = EmergencyStatus.OPEN, EmergencyStatus.CLOSED
ANSWERS = (AlertAnswer.AVAILABLE, AlertAnswer.UNAVAILABLE)
EMERGENCY_FIELDS = frozenset({"title", "description", "compounds"})
# How many partners the task reads at a time.
CHUNK = 200

# Each parameter stays under 20 characters (the gateways' cap): no link, no free text.
register_template(
    "EMERGENCY_CALL",
    "【百社百景】${community}发起战时响应“${title}”,请尽快登录百社百景回复能否到岗。",
)


class AlertQuerySet(models.QuerySet):
    """Alerts a person may open: those sent to their own partner records, nobody else's."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(partner__user_id=user.pk, partner__deleted_at__isnull=True)


def alert_url(alert) -> str:
    return reverse("partners:alert_detail", args=[alert.pk])


# --- the workflow -----------------------------------------------------------------------------
def _close_check(step: Step):
    if not str(step.obj.report or "").strip():
        yield "请填写处置情况(简要说明到岗人员和处置结果)。"


def _close(step: Step) -> None:
    step.set(report=str(step.obj.report).strip(), closed_at=timezone.now(), closed_by=step.by)
    step.detail["report_length"] = len(step.obj.report)


def _close_notify(step: Step) -> None:
    """Those who said they would come hear that they may stand down."""
    emergency = step.obj
    came = (
        Alert.objects.filter(emergency=emergency, answer=AlertAnswer.AVAILABLE)
        .exclude(partner__user=None)
        .select_related("partner__user")
    )
    for alert in came:
        notify(
            alert.partner.user,
            "partners.emergency_closed",
            title=f"战时响应已结束:{emergency.title}",
            body="感谢您的响应。社区已结束本次战时响应。",
            url=alert_url(alert),
        )


def _answer_check(step: Step):
    if step.data.get("answer") not in ANSWERS:
        yield "请选择“可以到岗”或“无法到岗”。"


def _answer(step: Step) -> None:
    alert = (
        Alert.objects.select_for_update()
        .select_related("partner")
        .filter(pk=step.data["alert"].pk, emergency=step.obj)
        .first()
    )
    if alert is None or not step.by.has_perm("partners.answer_alert", alert):
        raise PermissionDenied
    alert.answer = step.data["answer"]
    alert.note = str(step.data.get("note") or "").strip()[:200]
    alert.answered_at = timezone.now()
    alert.save(update_fields=["answer", "note", "answered_at"])
    step.result = alert
    step.detail.update({"alert": alert.pk, "partner": alert.partner_id, "answer": alert.answer})


EMERGENCY_WORKFLOW = Workflow(
    Emergency,
    [
        Action(
            "close",
            "结束",
            "partners.close_emergency",
            frozenset({OPEN}),
            target=CLOSED,
            fields=("report",),
            check=_close_check,
            apply=_close,
            notify=_close_notify,
        ),
        Action(
            "answer",
            "回复",
            "partners.answer_emergency",
            frozenset({OPEN}),
            check=_answer_check,
            apply=_answer,
        ),
    ],
    initial=OPEN,
    noun="战时响应",
    changed_at_field=None,
)


# --- services ---------------------------------------------------------------------------------
@transaction.atomic
def emergency_open(*, by, community, data: dict) -> Emergency:
    """Community staff open a 战时 call-out for some of the community's compounds; the partners
    with a 战时 duty there are called once the opening commits."""
    if not by.has_perm("partners.open_emergency", community):
        raise PermissionDenied
    if not set(data) <= EMERGENCY_FIELDS:
        raise ValueError(f"fields not writable: {sorted(set(data) - EMERGENCY_FIELDS)}")
    compounds = list(data.get("compounds") or ())
    title = str(data.get("title") or "").strip()
    if not title:
        raise ValidationError("请填写事件名称。")
    if not compounds:
        raise ValidationError("请至少选择一个涉及的小区。")
    if any(c.community_id != community.pk for c in compounds):
        raise ValidationError(f"只能选择{community.name}的小区。")
    emergency = Emergency.objects.create(
        community=community,
        title=title[:80],
        description=str(data.get("description") or "").strip()[:2000],
        opened_by=by,
    )
    emergency.compounds.set(compounds)
    EMERGENCY_WORKFLOW.created(
        emergency,
        by=by,
        event=None,
        detail={"community": community.pk, "compounds": sorted(c.pk for c in compounds)},
    )
    from .tasks import send_alerts  # tasks import this module

    transaction.on_commit(lambda: send_alerts.delay(emergency.pk))
    return emergency


def emergency_close(*, emergency: Emergency, by, report: str) -> Emergency:
    """Close an open emergency with a short report of what was done (409 once closed)."""
    return EMERGENCY_WORKFLOW.perform(emergency, "close", by=by, data={"report": report}).obj


def alert_answer(*, alert: Alert, by, answer: str, note: str = "") -> Alert:
    """The called partner answers whether they can come; they may change it while it is open."""
    data = {"alert": alert, "answer": answer, "note": note}
    return EMERGENCY_WORKFLOW.perform(alert.emergency, "answer", by=by, data=data).result


def called_partners(emergency: Emergency) -> QuerySet:
    """The partners an emergency calls (see the module's docstring)."""
    compounds = Emergency.compounds.through.objects.filter(emergency_id=emergency.pk).values(
        "compound_id"
    )
    war = Partner.duties.through.objects.filter(duty__mode=DutyMode.WAR).values("partner_id")
    adopts_compound = CompoundAdoption.objects.current().filter(
        partner=OuterRef("pk"), compound_id__in=compounds
    )
    adopts_building = BuildingAdoption.objects.current().filter(
        partner=OuterRef("pk"), building__compound_id__in=compounds
    )
    return (
        Partner.objects.alive()
        .active()
        .filter(community_id=emergency.community_id, pk__in=war)
        .filter(
            Q(compound_id__in=compounds)
            | Q(home_building__compound_id__in=compounds)
            | Exists(adopts_compound)
            | Exists(adopts_building)
        )
        .order_by("pk")
    )


def alerts_send(*, emergency_id: int) -> int:
    """Call every partner an open emergency calls: an Alert row and an inbox entry each, and one
    text message each, whatever the retries and however many workers; returns the messages
    this run sent."""
    emergency = Emergency.objects.select_related("community").filter(pk=emergency_id).first()
    if emergency is None or not EMERGENCY_WORKFLOW.allows(EMERGENCY_WORKFLOW["answer"], emergency):
        return 0  # gone, or closed before the task ran: nobody is called any more
    params = {"community": emergency.community.name[:20], "title": emergency.title[:20]}
    ids = list(called_partners(emergency).values_list("pk", flat=True))
    called = texted = 0
    for start in range(0, len(ids), CHUNK):
        partners = Partner.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("user")
        for partner in partners.order_by("pk"):
            alert = _alert_for(emergency, partner)
            called += 1
            if partner.phone and _text_once(alert, partner, params):
                texted += 1
    audit(
        actor=None,
        actor_label="system",
        action="emergency.alerts_sent",
        obj=emergency,
        detail={"called": called, "texted": texted},
    )
    return texted


@transaction.atomic
def _alert_for(emergency: Emergency, partner: Partner) -> Alert:
    """The partner's alert, made with its inbox entry in one transaction (so neither is ever
    made twice nor one without the other)."""
    alert, created = Alert.objects.get_or_create(emergency=emergency, partner=partner)
    if created and partner.user is not None and partner.user.is_active:
        notify(
            partner.user,
            "partners.emergency",
            title=f"战时响应:{emergency.title}",
            body=f"{emergency.community.name}发起战时响应,请尽快回复能否到岗。",
            url=alert_url(alert),
        )
    return alert


@transaction.atomic
def _text_once(alert: Alert, partner: Partner, params: dict) -> bool:
    """Send the alert's text message if nobody has: claim the row, then send; a failed send
    rolls the claim back so that a retry sends it."""
    claimed = Alert.objects.filter(pk=alert.pk, sms_sent_at__isnull=True).update(
        sms_sent_at=timezone.now()
    )
    if claimed != 1:
        return False
    send_sms(partner.phone.full, "EMERGENCY_CALL", params)
    return True


# --- selectors --------------------------------------------------------------------------------
def emergency_list(*, user) -> QuerySet:
    """The emergencies of the user's communities, newest first, with their answer counts (one
    query a page)."""
    return (
        Emergency.objects.visible_to(user)
        .select_related("community")
        .annotate(
            called=Count("alerts"),
            available=Count("alerts", filter=Q(alerts__answer=AlertAnswer.AVAILABLE)),
        )
        .order_by("-opened_at", "-id")
    )


def emergency_get(*, user, pk: int) -> Emergency:
    return get_visible_or_404(
        Emergency.objects.select_related("community__street", "opened_by", "closed_by"),
        user,
        pk=pk,
    )


def alert_counts(emergency: Emergency) -> dict:
    """Called, available, unavailable and not yet answered (one query)."""
    counts = emergency.alerts.aggregate(
        called=Count("pk"),
        available=Count("pk", filter=Q(answer=AlertAnswer.AVAILABLE)),
        unavailable=Count("pk", filter=Q(answer=AlertAnswer.UNAVAILABLE)),
        texted=Count("pk", filter=Q(sms_sent_at__isnull=False)),
    )
    counts["waiting"] = counts["called"] - counts["available"] - counts["unavailable"]
    return counts


def emergency_alerts(emergency: Emergency, *, answer: str | None = None) -> QuerySet:
    """The emergency's alerts with their partners, those who can come first; `answer` "none"
    for those who have not answered."""
    alerts = emergency.alerts.select_related("partner__category", "partner__compound")
    if answer == "none":
        alerts = alerts.filter(answer=AlertAnswer.NONE)
    elif answer in ANSWERS:
        alerts = alerts.filter(answer=answer)
    order = models.Case(
        models.When(answer=AlertAnswer.AVAILABLE, then=0),
        models.When(answer=AlertAnswer.NONE, then=1),
        default=2,
    )
    return alerts.order_by(order, "partner__name", "pk")


def alert_get(*, user, pk: int) -> Alert:
    """One of the person's own alerts (404, audited, for anybody else's)."""
    alerts = AlertQuerySet(Alert).select_related("emergency__community", "partner")
    return get_visible_or_404(alerts, user, pk=pk)


def open_alerts(user, limit: int = 10) -> list[Alert]:
    """The person's alerts of emergencies still open, newest first (their home page)."""
    return list(
        AlertQuerySet(Alert)
        .visible_to(user)
        .filter(emergency__status=OPEN)
        .select_related("emergency__community")
        .order_by("-emergency__opened_at", "-pk")[:limit]
    )
