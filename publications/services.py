"""Drafts, sign-off and publication of the monthly rhythm (issue 14, items 4, 5 and 9).

    draft ──sign_off (the street's 组长 for its preview/summary; district staff for the digest,
    │        with the foreword)──────────────────────────────────────────────▶ published
    ├──auto_publish (the system, when the district allows it, at the set hour)─▶ published
    edit_foreword, recompile: in place while it is a draft

Both ways of publishing first recompile the draft from today's records (the workflow's prelude:
audited as a recompile of its own), keeping the foreword: a summary compiled at 00:05 on the 1st
would otherwise miss the last evening's sessions marked held the next morning. The daily job
recompiles unsigned drafts once a day as well (publications/schedule.py), so what the signer
reads is at most a day old. A published publication is a snapshot: no action starts from
`published`, so its content and foreword never change again (409). Publishing queues, on commit,
its deliveries (publications/deliveries.py) and its PDF (publications/pdf.py).

The calendar lives here too (which month a kind is drafted from and due on); the daily job that
reads it is publications/schedule.py.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone

from accounts.models import District, Street, User
from accounts.roles import DISTRICT_BUSINESS
from accounts.selectors import street_deciders
from core.audit import audit
from core.dates import EARLIEST, LATEST
from core.notifications import notify
from core.scope import get_visible_or_404
from core.workflow import Action, Step, Workflow

from .models import Kind, Publication, PublicationSettings, PublicationStatus

DRAFT, PUBLISHED = PublicationStatus.DRAFT, PublicationStatus.PUBLISHED
FOREWORD_MAX = 2000
# Previews are drafted from this day of the month before.
PREVIEW_DRAFT_DAY = 25
SYSTEM_LABEL = "system"


class SystemActor:
    """The portal itself acting through the workflow (the daily job, the command's --sign-off):
    not a person, so the audit row has no actor; it holds only the permissions no person has."""

    is_authenticated = False
    pk = None
    # What the audit row should name as actor once core/audit.py reads it (see the report).
    audit_label = SYSTEM_LABEL
    PERMISSIONS = frozenset(
        {
            "publications.sign_off_publication",
            "publications.auto_publish_publication",
            "publications.recompile_publication",
        }
    )

    def has_perm(self, perm, obj=None) -> bool:
        return perm in self.PERMISSIONS

    def __str__(self):
        return SYSTEM_LABEL


SYSTEM = SystemActor()


def _person(by):
    return by if getattr(by, "is_authenticated", False) else None


# --- the calendar -----------------------------------------------------------------------------
def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def drafted_from(kind: str, month: datetime.date) -> datetime.date:
    """The first day a publication of `month` may be compiled: a preview from the 25th of the
    month before; a summary or the digest once the month is over (its last evening included)."""
    if kind == Kind.PREVIEW:
        return add_months(month, -1).replace(day=PREVIEW_DRAFT_DAY)
    return add_months(month, 1)


def due_on(kind: str, month: datetime.date) -> datetime.date:
    """When it should be published: a preview on the month's first working day; a summary and
    the digest on the third working day of the month after (publications/compile.py)."""
    from .compile import preview_due, summary_due

    return preview_due(month) if kind == Kind.PREVIEW else summary_due(month)


def is_late(publication: Publication, today: datetime.date | None = None) -> bool:
    """A draft past its due day."""
    today = today or timezone.localdate()
    return publication.status == DRAFT and publication.due_on < today


# --- the workflow -----------------------------------------------------------------------------
def _foreword_check(step: Step):
    if len(step.obj.foreword or "") > FOREWORD_MAX:
        yield f"导语不能超过 {FOREWORD_MAX} 字。"


def _foreword(step: Step) -> None:
    step.set(foreword=str(step.obj.foreword or "").strip())
    step.detail["foreword_length"] = len(step.obj.foreword)


def _published_on_commit(publication: Publication) -> None:
    """Deliveries and the PDF, once the publication is in the database for everyone."""
    pk = publication.pk

    def committed():
        from .deliveries import deliveries_start
        from .pdf import pdf_build_later

        published = Publication.objects.select_related("street", "district").get(pk=pk)
        deliveries_start(published)
        pdf_build_later(published)

    # Robust: the publication stands once committed; a failure here is logged, and the daily
    # job's retry pass sends what is pending.
    transaction.on_commit(committed, robust=True)


def _without_withdrawn_photos(step: Step) -> None:
    """Photos whose consent was withdrawn after the draft was compiled are left out of what is
    published (and so of its PDF and deliveries)."""
    from .compile import withdrawn_photos_dropped

    step.set(content=withdrawn_photos_dropped(step.obj.content))


def _sign_off(step: Step) -> None:
    _foreword(step)
    _without_withdrawn_photos(step)
    step.set(signed_off_by=_person(step.by), signed_off_at=timezone.now())
    if _person(step.by) is None:
        step.detail["by"] = SYSTEM_LABEL
    _published_on_commit(step.obj)


def _auto_publish(step: Step) -> None:
    _without_withdrawn_photos(step)
    step.set(auto_published=True, signed_off_at=timezone.now())
    step.detail["by"] = SYSTEM_LABEL
    _published_on_commit(step.obj)


def _recompile(step: Step) -> None:
    from .compile import compile_content

    p = step.obj
    content = compile_content(p.kind, district=p.district, street=p.street, month=p.month)
    step.detail["changed"] = content != p.content
    step.set(content=content, compiled_at=timezone.now())


def _tell_signers(step: Step) -> None:
    """Who may sign it off hear that it was published (by someone else, or by the system) — unless
    they are among its recipients: its delivery tells them, and one notice is enough."""
    from .deliveries import recipients

    publication = step.obj
    others = signers(publication).exclude(pk__in=recipients(publication).values("pk"))
    if (by := getattr(step.by, "pk", None)) is not None:
        others = others.exclude(pk=by)
    how = "已到时自动发布" if publication.auto_published else "已签发发布"
    for person in others:
        notify(person, "publications.published", publication, title=f"{publication.title}{how}")


PUBLICATION_WORKFLOW = Workflow(
    Publication,
    [
        Action(
            "sign_off",
            "签发",
            "publications.sign_off_publication",
            frozenset({DRAFT}),
            target=PUBLISHED,
            fields=("foreword",),
            check=_foreword_check,
            apply=_sign_off,
            notify=_tell_signers,
            prelude="recompile",
        ),
        Action(
            "edit_foreword",
            "修改导语",
            "publications.edit_publication",
            frozenset({DRAFT}),
            fields=("foreword",),
            check=_foreword_check,
            apply=_foreword,
        ),
        Action(
            "recompile",
            "重新汇编",
            "publications.recompile_publication",
            frozenset({DRAFT}),
            apply=_recompile,
        ),
        Action(
            "auto_publish",
            "自动发布",
            "publications.auto_publish_publication",
            frozenset({DRAFT}),
            target=PUBLISHED,
            apply=_auto_publish,
            notify=_tell_signers,
            prelude="recompile",
        ),
    ],
    initial=DRAFT,
    noun="刊物",
    changed_at_field=None,
)


def signers(publication: Publication):
    """Who signs it off: the street's deciders (组长 and an active delegate) for its preview or
    summary, the district's staff for the digest."""
    if publication.street_id:
        return street_deciders(publication.street)
    roles = [str(r) for r in DISTRICT_BUSINESS]
    holders = User.objects.filter(
        role_assignments__role__in=roles, role_assignments__district_id=publication.district_id
    )
    return User.objects.filter(is_active=True, pk__in=holders.values("pk")).order_by("pk")


# --- services ---------------------------------------------------------------------------------
def publication_sign_off(*, publication: Publication, by, foreword: str | None = None):
    """Sign a draft off, with its foreword (the one saved before if none is given): it is
    recompiled from today's records, published and delivered (409 once published)."""
    data = {} if foreword is None else {"foreword": foreword}
    return PUBLICATION_WORKFLOW.perform(publication, "sign_off", by=by, data=data).obj


def publication_foreword(*, publication: Publication, by, foreword: str) -> Publication:
    """Save the draft's foreword without signing it off."""
    data = {"foreword": foreword}
    return PUBLICATION_WORKFLOW.perform(publication, "edit_foreword", by=by, data=data).obj


def publication_recompile(*, publication: Publication, by) -> Publication:
    """Compile the draft's content again from today's records (never once published: 409)."""
    return PUBLICATION_WORKFLOW.perform(publication, "recompile", by=by).obj


def publication_auto_publish(*, publication: Publication) -> Publication:
    """The system publishes a draft nobody signed off (the district's setting allows it),
    recompiled from today's records first."""
    return PUBLICATION_WORKFLOW.perform(publication, "auto_publish", by=SYSTEM).obj


def _lookup(kind: str, district: District, street: Street | None, month: datetime.date) -> dict:
    if street is None:
        return {"kind": kind, "district": district, "street__isnull": True, "month": month}
    return {"kind": kind, "street": street, "month": month}


def _validate(kind, district, street, month, today) -> None:
    if kind not in Kind.values:
        raise ValidationError("类型应为月初预告、月末总结或红色专递。")
    if (kind == Kind.DIGEST) != (street is None):
        raise ValidationError("红色专递属于全区;月初预告和月末总结属于一个街道。")
    if street is not None and street.district_id != district.pk:
        raise ValidationError("街道不在这个区。")
    if month.day != 1 or not EARLIEST <= month <= LATEST:
        raise ValidationError("月份不正确。")
    start = drafted_from(kind, month)
    if today < start:
        label = Kind(kind).label
        raise ValidationError(
            f"{month.year}年{month.month}月的{label}要到 {start:%Y-%m-%d} 起才能汇编。"
        )


def publication_compile(
    *,
    kind: str,
    district: District,
    street: Street | None,
    month: datetime.date,
    by=None,
    today: datetime.date | None = None,
) -> tuple[Publication, bool]:
    """The draft of (kind, scope, month), compiled now if there is none yet; (publication,
    created). Race-safe: the database's unique constraints decide, and whoever loses the race
    reads the winner's row. `by` is a person compiling by hand (checked), None for the system."""
    if by is not None and not by.has_perm("publications.compile_publications", district):
        raise PermissionDenied
    today = today or timezone.localdate()
    _validate(kind, district, street, month, today)
    lookup = _lookup(kind, district, street, month)
    existing = Publication.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    from .compile import compile_content

    content = compile_content(kind, district=district, street=street, month=month)
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                kind=kind,
                district=district,
                street=street,
                month=month,
                content=content,
                compiled_at=timezone.now(),
                due_on=due_on(kind, month),
            )
            audit(
                actor=_person(by),
                actor_label=None if _person(by) else SYSTEM_LABEL,
                action="publication.create",
                obj=publication,
                detail={"kind": kind, "street": street.pk if street else None, "month": str(month)},
            )
    except IntegrityError:
        return Publication.objects.get(**lookup), False
    return publication, True


@transaction.atomic
def settings_update(*, by, district: District, auto_publish: bool, hour: int):
    """District staff choose whether previews and summaries publish themselves at `hour` on or
    after their due day when nobody signed them off (audited)."""
    if not by.has_perm("publications.manage_settings", district):
        raise PermissionDenied
    if not 0 <= int(hour) <= 23:
        raise ValidationError("自动发布时刻应在 0 至 23 点之间。")
    PublicationSettings.objects.get_or_create(district=district)
    row = PublicationSettings.objects.select_for_update().get(district=district)
    before = {"auto_publish": row.auto_publish, "hour": row.auto_publish_hour}
    row.auto_publish, row.auto_publish_hour = bool(auto_publish), int(hour)
    row.updated_by, row.updated_at = by, timezone.now()
    row.save()
    audit(
        actor=by,
        action="publicationsettings.update",
        obj=row,
        detail={"before": before, "after": {"auto_publish": row.auto_publish, "hour": hour}},
    )
    return row


# --- selectors --------------------------------------------------------------------------------
def publication_list(*, user, kind: str = "", status: str = "", late: bool = False, today=None):
    """The publications the user sees, drafts first (earliest due first), then the archive by
    month; each row knows whether it is late (one query a page)."""
    today = today or timezone.localdate()
    rows = Publication.objects.visible_to(user).select_related("street", "district")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if late:
        rows = rows.filter(status=DRAFT, due_on__lt=today)
    return rows.annotate(
        late=Case(
            When(status=DRAFT, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        draft_first=Case(When(status=DRAFT, then=Value(0)), default=Value(1)),
    ).order_by("draft_first", "-month", "kind", "street__name", "pk")


def publication_get(*, user, pk: int) -> Publication:
    """One publication the user sees (404, audited, otherwise)."""
    rows = Publication.objects.select_related("street", "district", "signed_off_by", "pdf")
    return get_visible_or_404(rows, user, pk=pk)


def district_of(user) -> District | None:
    """The district a district staff member works for (None for anybody else)."""
    ids = frozenset().union(*(user.scope.districts.get(r, ()) for r in DISTRICT_BUSINESS))
    return District.objects.filter(pk__in=ids).order_by("pk").first() if ids else None
