"""Every change in the 百社百景库: a street's nomination, the district's decision (the workflow
table, library/workflow.py), the write-up kept up to date, the guidance pages, and a community's
new project started from an item or borrowed from a library project (through projects' own
services, so the draft is made and audited as any other)."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Community, User
from core.audit import audit
from core.models import Upload
from core.notifications import notify
from core.uploads import store_upload
from core.workflow import Conflict
from projects import services as project_services
from projects.models import Project

from .models import (
    ActivityItem,
    Guidance,
    GuidanceAttachment,
    LibraryEntry,
    Nomination,
    ProjectOrigin,
)
from .workflow import (
    NOMINATION_WORKFLOW,
    district_staff,
    photo_reasons,
    project_reasons,
    write_up_reasons,
)

GUIDANCE_FIELDS = frozenset({"kind", "title", "issued_on", "body", "order"})
ENTRY_FIELDS = frozenset({"item", "reason", "case_study", "photo"})
# What a borrowed project takes from its source: the plan and the proposal, as a start.
CLONED_PLAN_FIELDS = ("goal", "target_groups", "public_space", "outdoor_category", "project_class")
MAX_CLONED_BUDGET_LINES = 20


# --- 推荐 and 入库 ------------------------------------------------------------------------------
@transaction.atomic
def nomination_create(*, by: User, project: Project, item: ActivityItem, reason: str) -> Nomination:
    """A street's 组长 or member recommends one of its completed projects for the library."""
    locked = (
        Project.objects.select_related("community")
        .select_for_update(of=("self",))
        .get(pk=project.pk)
    )
    if not by.has_perm("library.nominate_project", locked):
        raise PermissionDenied
    reasons = list(project_reasons(locked))
    if not str(reason or "").strip():
        reasons.append("请填写推荐理由。")
    if item is None:
        reasons.append("请选择活动项目。")
    if reasons:
        raise ValidationError(reasons)
    if Nomination.objects.filter(project=locked, status=Nomination.Status.PENDING).exists():
        raise Conflict("这个项目已经推荐过,正在等待区级遴选。", code="status")
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                project=locked, item=item, reason=str(reason).strip(), nominated_by=by
            )
    except IntegrityError:  # a second street member at the same moment (the partial index)
        raise Conflict("这个项目已经推荐过,正在等待区级遴选。", code="status") from None
    NOMINATION_WORKFLOW.created(
        nomination, by=by, event=None, detail={"project": locked.pk, "item": item.pk}
    )
    for person in district_staff():
        notify(
            person,
            "nomination.created",
            nomination,
            title=f"入库推荐:{locked.community.name}“{locked.title}”",
            body=str(reason).strip()[:200],
        )
    return nomination


def nomination_select(
    *, nomination: Nomination, by: User, item, reason: str, case_study: str, photo=None
) -> LibraryEntry:
    """District staff select the nominated project into the library, with its write-up."""
    data = {"item": item, "reason": reason, "case_study": case_study, "photo": photo}
    return NOMINATION_WORKFLOW.perform(nomination, "select", by=by, data=data).result


def nomination_decline(*, nomination: Nomination, by: User, reason: str) -> Nomination:
    """District staff decline a nomination, with the reason the street reads."""
    return NOMINATION_WORKFLOW.perform(nomination, "decline", by=by, data={"reason": reason}).obj


@transaction.atomic
def entry_update(*, entry: LibraryEntry, by: User, data: dict) -> LibraryEntry:
    """District staff keep a library project's item, reason, write-up and photo up to date."""
    if not set(data) <= ENTRY_FIELDS:
        raise ValueError(f"fields not writable: {sorted(set(data) - ENTRY_FIELDS)}")
    locked = LibraryEntry.objects.select_for_update().select_related("project").get(pk=entry.pk)
    if not by.has_perm("library.manage_library", locked):
        raise PermissionDenied
    merged = {name: data.get(name, getattr(locked, name)) for name in ENTRY_FIELDS}
    reasons = [*write_up_reasons(merged), *photo_reasons(locked.project, merged["photo"])]
    if reasons:
        raise ValidationError(reasons)
    changed = []
    for name in sorted(ENTRY_FIELDS & set(data)):
        value = data[name].strip() if isinstance(data[name], str) else data[name]
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    audit(actor=by, action="libraryentry.update", obj=locked, detail={"fields": changed})
    return locked


# --- starting from the library ------------------------------------------------------------------
@transaction.atomic
def project_start_from_item(
    *, by: User, community: Community, item: ActivityItem, title: str
) -> Project:
    """按此项目开展: a draft of the community named after the item, recording where it came from."""
    if not by.has_perm("library.start_project", community):
        raise PermissionDenied
    project = project_services.project_create(
        by=by,
        community=community,
        title=str(title).strip() or item.name,
        summary=f"按百社百景库“{item.activity_class.name} · {item.name}”开展:{item.description}"[
            :2000
        ],
    )
    origin = ProjectOrigin.objects.create(project=project, item=item)
    audit(
        actor=by,
        action="project.start_from_library",
        obj=project,
        detail={"item": item.pk, "origin": origin.pk},
    )
    return project


def place_renamer(source: Project, community: Community, compound=None):
    """A function that rewrites a text copied from `source` for `community`: the source
    community's name becomes the new community's, its compounds' names the chosen compound's
    (or “本小区”). Longest names first, so “听涛小区” is not half-replaced as “听涛…”."""
    compound_name = compound.name if compound is not None else "本小区"
    names = {source.community.name: community.name}
    for name in source.community.compounds.values_list("name", flat=True):
        if name and name != source.community.name:
            names.setdefault(name, compound_name)
    pairs = sorted(
        ((old, new) for old, new in names.items() if old and old != new),
        key=lambda pair: -len(pair[0]),
    )
    if not pairs:
        return lambda text: text or ""
    pattern = re.compile("|".join(re.escape(old) for old, _new in pairs))
    mapping = dict(pairs)
    return lambda text: pattern.sub(lambda m: mapping[m.group(0)], text) if text else (text or "")


@transaction.atomic
def project_clone_entry(
    *, by: User, community: Community, entry: LibraryEntry, title: str, compound=None
) -> Project:
    """借鉴此项目: a draft of the community with the library project's title, theme, plan
    (goal, target groups, public space, outdoor category, class, budget lines) and proposal
    as a starting point, the source community's and compounds' names in those texts replaced
    with the new community's and the chosen compound's (or “本小区”); dates, needs and
    partners are the community's own."""
    if not by.has_perm("library.start_project", community):
        raise PermissionDenied
    source = (
        Project.objects.select_related(
            "community", "public_space", "outdoor_category", "project_class"
        )
        .prefetch_related("budget_lines")
        .get(pk=entry.project_id)
    )
    rename = place_renamer(source, community, compound)
    project = project_services.project_create(
        by=by,
        community=community,
        title=rename(str(title).strip() or source.title)[:100],
        summary=rename(source.summary)[:2000],
        theme=source.theme,
        compound=compound,
    )
    plan = {name: getattr(source, name) for name in CLONED_PLAN_FIELDS}
    plan["goal"] = rename(plan["goal"])[:2000]
    plan["target_groups"] = rename(plan["target_groups"])[:200]
    plan["proposal"] = rename(source.proposal)[:8000]
    project = project_services.project_update(project=project, by=by, data=plan)
    for line in list(source.budget_lines.all())[:MAX_CLONED_BUDGET_LINES]:
        project_services.budget_line_add(
            project=project,
            by=by,
            item=rename(line.item)[:100],
            amount=line.amount,
            source=line.source,
        )
    project.refresh_from_db()
    origin = ProjectOrigin.objects.create(project=project, item=entry.item, entry=entry)
    audit(
        actor=by,
        action="project.clone_from_library",
        obj=project,
        detail={"entry": entry.pk, "source": source.pk, "origin": origin.pk},
    )
    return project


# --- 指导意见 and the outdoor guide ----------------------------------------------------------
def _guidance_fields(data: dict) -> tuple[dict, list | None, list | None]:
    data = dict(data)
    spaces = data.pop("public_spaces", None)
    categories = data.pop("outdoor_categories", None)
    if not set(data) <= GUIDANCE_FIELDS:
        raise ValueError(f"fields not writable: {sorted(set(data) - GUIDANCE_FIELDS)}")
    return data, spaces, categories


@transaction.atomic
def guidance_create(*, by: User, data: dict) -> Guidance:
    """District staff publish a guidance page for every community."""
    if not by.has_perm("library.manage_library"):
        raise PermissionDenied
    fields, spaces, categories = _guidance_fields(data)
    guidance = Guidance(created_by=by, **fields)
    guidance.full_clean(exclude=["created_by"])
    guidance.save()
    guidance.public_spaces.set(spaces or [])
    guidance.outdoor_categories.set(categories or [])
    audit(actor=by, action="guidance.create", obj=guidance, detail={"kind": guidance.kind})
    return guidance


@transaction.atomic
def guidance_update(*, guidance: Guidance, by: User, data: dict) -> Guidance:
    """District staff correct a guidance page and what it is linked to."""
    locked = Guidance.objects.select_for_update().get(pk=guidance.pk)
    if not by.has_perm("library.manage_library", locked):
        raise PermissionDenied
    fields, spaces, categories = _guidance_fields(data)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    if changed:
        locked.full_clean(exclude=["created_by"])
        locked.save(update_fields=[*changed, "updated_at"])
    if spaces is not None:
        locked.public_spaces.set(spaces)
        changed.append("public_spaces")
    if categories is not None:
        locked.outdoor_categories.set(categories)
        changed.append("outdoor_categories")
    audit(actor=by, action="guidance.update", obj=locked, detail={"fields": changed})
    return locked


MAX_ATTACHMENTS = 20


@transaction.atomic
def guidance_attach(
    *, guidance: Guidance, by: User, title: str, uploaded_file
) -> GuidanceAttachment:
    """Attach a document (PDF, Word, Excel) to a guidance page."""
    locked = Guidance.objects.select_for_update().get(pk=guidance.pk)
    if not by.has_perm("library.manage_library", locked):
        raise PermissionDenied
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"每份文件最多 {MAX_ATTACHMENTS} 个附件。")
    if uploaded_file is None:
        raise ValidationError("请选择要上传的文件。")
    upload = store_upload(
        uploaded_file=uploaded_file, kind=Upload.Kind.DOCUMENT, by=by, owner=locked
    )
    attachment = GuidanceAttachment.objects.create(
        guidance=locked, upload=upload, title=str(title).strip()[:100] or upload.original_name
    )
    audit(
        actor=by,
        action="guidance.attach",
        obj=locked,
        detail={"attachment": attachment.pk, "upload": upload.pk},
    )
    return attachment
