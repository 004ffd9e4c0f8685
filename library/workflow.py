"""The lifecycle of a nomination (推荐), as one table performed by core.workflow's engine.

    pending ──select (district: the entry with its write-up)──▶ selected
       └──────decline (district, with a reason)──────────────▶ declined

A street nominates (library.services.nomination_create, the table's `created`); the district
decides. Selecting creates the project's LibraryEntry in the same transaction, on the locked
nomination row; the project's one-to-one entry keeps it from being selected twice.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import DISTRICT_BUSINESS, STREET_RECOMMENDERS
from accounts.selectors import people_holding
from core.notifications import notify
from core.workflow import Action, Step, Workflow
from projects.models import ActivityPhoto, Status

from .models import LibraryEntry, Nomination, NominationStatus

PENDING, SELECTED, DECLINED = (
    NominationStatus.PENDING,
    NominationStatus.SELECTED,
    NominationStatus.DECLINED,
)


def district_staff():
    """Everyone holding a district business role: who hears of a new nomination."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__role__in=DISTRICT_BUSINESS.values)
        .distinct()
        .order_by("pk")
    )


def project_reasons(project):
    """Why a project cannot go into the library (empty when it can)."""
    if project.deleted_at is not None:
        yield "该项目已删除。"
    elif project.status != Status.RETROSPECTED:
        yield "只有已完成复盘的项目才能推荐入库。"
    if LibraryEntry.objects.filter(project_id=project.pk).exists():
        yield "该项目已经入库。"


def write_up_reasons(data):
    """What a selection or an edit of an entry must have."""
    if data.get("item") is None:
        yield "请选择活动项目。"
    if not str(data.get("reason") or "").strip():
        yield "请填写入库理由。"
    if not str(data.get("case_study") or "").strip():
        yield "请撰写典型案例。"


def photo_reasons(project, photo):
    """The case's photo must be one of the project's photos already made public."""
    if photo is None:
        return
    if (
        not isinstance(photo, ActivityPhoto)
        or not photo.public
        or photo.activity.project_id != project.pk
    ):
        yield "案例照片只能从本项目已公开的活动照片中选择。"


def _select_check(step: Step):
    project = step.obj.project
    yield from project_reasons(project)
    yield from write_up_reasons(step.data)
    yield from photo_reasons(project, step.data.get("photo"))


def _select(step: Step) -> None:
    data, nomination, now = step.data, step.obj, timezone.now()
    entry = LibraryEntry.objects.create(
        project=nomination.project,
        item=data["item"],
        nomination=nomination,
        year=timezone.localdate(now).year,
        reason=str(data["reason"]).strip(),
        case_study=str(data["case_study"]).strip(),
        photo=data.get("photo"),
        selected_by=step.by,
        selected_at=now,
    )
    step.set(decided_by=step.by, decided_at=now)
    step.result = entry
    step.detail.update({"entry": entry.pk, "project": nomination.project_id, "item": entry.item_id})


def _decline_check(step: Step):
    if not str(step.data.get("reason") or "").strip():
        yield "请写明未入选的理由,街道会看到。"


def _decline(step: Step) -> None:
    step.set(
        decline_reason=str(step.data["reason"]).strip()[:1000],
        decided_by=step.by,
        decided_at=timezone.now(),
    )
    step.detail["project"] = step.obj.project_id


def _tell_street(step: Step) -> None:
    nomination = step.obj
    project = nomination.project
    if step.action.name == "select":
        title = f"已入库:“{project.title}”入选百社百景库"
        url = step.result.get_absolute_url()
    else:
        title = f"未入选:“{project.title}”的入库推荐"
        url = nomination.get_absolute_url()
    recipients = people_holding(STREET_RECOMMENDERS, community=project.community)
    for person in recipients:
        notify(
            person,
            f"nomination.{step.action.name}",
            nomination,
            title=title,
            body=nomination.decline_reason,
            url=url,
        )


NOMINATION_WORKFLOW = Workflow(
    Nomination,
    [
        Action(
            "select",
            "入库",
            "library.decide_nomination",
            frozenset({PENDING}),
            SELECTED,
            check=_select_check,
            apply=_select,
            notify=_tell_street,
        ),
        Action(
            "decline",
            "不予入库",
            "library.decide_nomination",
            frozenset({PENDING}),
            DECLINED,
            check=_decline_check,
            apply=_decline,
            notify=_tell_street,
        ),
    ],
    initial=PENDING,
    noun="推荐",
)
