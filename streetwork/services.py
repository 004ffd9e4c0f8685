"""Every change to the street's 研判 and field visits: the permission on the community or on the
locked row, the links checked against the record's community, the row saved, an audit row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Community, User
from accounts.roles import STREET_GROUP
from accounts.selectors import people_holding
from core.audit import audit
from core.dates import validate_sane_date
from core.workflow import Conflict

from .models import Assessment, FieldVisit

ASSESSMENT_FIELDS = frozenset(
    {
        "title",
        "source",
        "need",
        "project",
        "project_class",
        "compound",
        "compound_kind",
        "verdict",
        "reason",
        "assessed_on",
    }
)
VISIT_FIELDS = frozenset({"date", "others", "findings", "follow_ups"})
VISIT_LINKS = frozenset({"members", "projects"})
LINKED = (("need", "需求"), ("project", "项目"), ("compound", "小区"))


def _only(data: dict, allowed: frozenset) -> dict:
    if not set(data) <= allowed:
        raise ValueError(f"fields not writable: {sorted(set(data) - allowed)}")
    return dict(data)


def _same_community(community: Community, obj, label: str) -> None:
    if obj is None:
        return
    if obj.community_id != community.pk:
        raise ValidationError(f"所选{label}不属于{community.name}。")
    if getattr(obj, "deleted_at", None) is not None:
        raise ValidationError(f"所选{label}已被删除。")


def _assessment_data(community: Community, data: dict) -> dict:
    """The fields checked against the community; a chosen compound sets the compound kind."""
    data = _only(data, ASSESSMENT_FIELDS)
    for name, label in LINKED:
        _same_community(community, data.get(name), label)
    if data.get("compound") is not None:
        data["compound_kind"] = data["compound"].kind
    elif "compound_kind" in data and not data["compound_kind"]:
        raise ValidationError("请选择小区类型,或者选择一个小区。")
    if "assessed_on" in data:
        validate_sane_date(data["assessed_on"])
    return data


def _locked(model, obj, by: User, permission: str):
    """The row, locked for the rest of the transaction, and the permission judged on it."""
    try:
        locked = model.objects.alive().select_for_update().get(pk=obj.pk)
    except model.DoesNotExist:
        raise Conflict("这条记录已被删除。") from None
    if not by.has_perm(permission, locked):
        raise PermissionDenied
    return locked


def _save_changes(obj, data: dict) -> list[str]:
    """Set what differs and save only that; the names of the fields changed."""
    changed = []
    for name, value in data.items():
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname)
        new = value.pk if hasattr(value, "pk") else value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj.save(update_fields=changed)
    return changed


# --- 研判 -------------------------------------------------------------------------------------
@transaction.atomic
def assessment_create(*, by: User, community: Community, data: dict) -> Assessment:
    """The street's leading group records its 研判 of a community's candidate project."""
    if not by.has_perm("streetwork.add_assessment", community):
        raise PermissionDenied
    if not data.get("compound") and not data.get("compound_kind"):
        raise ValidationError("请选择小区类型,或者选择一个小区。")
    data = _assessment_data(community, data)
    assessment = Assessment.objects.create(community=community, assessed_by=by, **data)
    audit(
        actor=by,
        action="assessment.create",
        obj=assessment,
        detail={"community": community.pk, "verdict": assessment.verdict},
    )
    return assessment


@transaction.atomic
def assessment_update(*, assessment: Assessment, by: User, data: dict) -> Assessment:
    """Correct a 研判 (its community stays)."""
    locked = _locked(Assessment, assessment, by, "streetwork.change_assessment")
    changed = _save_changes(locked, _assessment_data(locked.community, data))
    audit(actor=by, action="assessment.update", obj=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def assessment_delete(*, assessment: Assessment, by: User) -> Assessment:
    """Delete a 研判 (softly: the row stays, hidden from every list)."""
    locked = _locked(Assessment, assessment, by, "streetwork.delete_assessment")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    audit(actor=by, action="assessment.delete", obj=locked)
    return locked


# --- 实地调研 ------------------------------------------------------------------------------------
def _visit_links(community: Community, members, projects) -> tuple[list, list]:
    members, projects = list(members or ()), list(projects or ())
    if not members:
        raise ValidationError("请至少选择一位参加调研的领导小组成员。")
    ids = {m.pk for m in members}
    group = people_holding(STREET_GROUP, street=community.street).filter(pk__in=ids)
    if len(ids) != group.count():
        raise ValidationError(f"参加调研的人只能从{community.street.name}领导小组中选择。")
    for project in projects:
        _same_community(community, project, "项目")
    return members, projects


def _visit_data(data: dict) -> tuple[dict, dict]:
    data = _only(data, VISIT_FIELDS | VISIT_LINKS)
    links = {name: data.pop(name) for name in VISIT_LINKS if name in data}
    if "date" in data:
        validate_sane_date(data["date"])
    return data, links


@transaction.atomic
def visit_create(*, by: User, community: Community, data: dict) -> FieldVisit:
    """Record a visit of the street's leading group to one of its communities."""
    if not by.has_perm("streetwork.add_fieldvisit", community):
        raise PermissionDenied
    fields, links = _visit_data(data)
    members, projects = _visit_links(community, links.get("members"), links.get("projects"))
    visit = FieldVisit.objects.create(community=community, recorded_by=by, **fields)
    visit.members.set(members)
    visit.projects.set(projects)
    audit(
        actor=by,
        action="field_visit.create",
        obj=visit,
        detail={"community": community.pk, "projects": [p.pk for p in projects]},
    )
    return visit


@transaction.atomic
def visit_update(*, visit: FieldVisit, by: User, data: dict) -> FieldVisit:
    """Correct a field visit: its fields, who went, the projects it concerned."""
    locked = _locked(FieldVisit, visit, by, "streetwork.change_fieldvisit")
    fields, links = _visit_data(data)
    community = Community.objects.select_related("street").get(pk=locked.community_id)
    members, projects = _visit_links(
        community,
        links["members"] if "members" in links else locked.members.all(),
        links["projects"] if "projects" in links else locked.projects.all(),
    )
    changed = _save_changes(locked, fields)
    for name, rows in (("members", members), ("projects", projects)):
        related = getattr(locked, name)
        if name in links and {r.pk for r in rows} != set(related.values_list("pk", flat=True)):
            related.set(rows)
            changed.append(name)
    audit(actor=by, action="field_visit.update", obj=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def visit_delete(*, visit: FieldVisit, by: User) -> FieldVisit:
    """Delete a field visit (softly, as every business record)."""
    locked = _locked(FieldVisit, visit, by, "streetwork.delete_fieldvisit")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    audit(actor=by, action="field_visit.delete", obj=locked)
    return locked
