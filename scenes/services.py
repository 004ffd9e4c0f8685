"""Every change to scenes and micro-projects: the permission on the community or the locked
row, links checked against the record's community, the row saved, an audit row. A
micro-project's lifecycle goes through its workflow table (scenes/workflow.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Community, User
from core.audit import audit
from core.models import Upload
from core.uploads import store_upload
from core.workflow import Conflict
from partners.models import Partner

from .models import MicroProject, Scene, SceneKind, ScenePhoto
from .workflow import MICRO_WORKFLOW

SCENE_FIELDS = frozenset(
    {"compound", "kind", "public_space", "name", "location", "opening_hours", "description"}
)
MICRO_FIELDS = frozenset({"compound", "kind", "title", "description", "location", "neglect_days"})


def _only(data: dict, allowed: frozenset) -> dict:
    if not set(data) <= allowed:
        raise ValueError(f"fields not writable: {sorted(set(data) - allowed)}")
    return dict(data)


def _check_compound(community: Community, compound) -> None:
    if compound is None or compound.community_id != community.pk:
        raise ValidationError(f"请选择{community.name}的小区。")


def _scene_data(community: Community, data: dict, projects) -> dict:
    data = _only(data, SCENE_FIELDS)
    if "compound" in data:
        _check_compound(community, data["compound"])
    if data.get("kind") == SceneKind.PUBLIC_SPACE and not data.get("public_space"):
        raise ValidationError("户外公共空间请选择空间类型(步道旁、凉亭下等)。")
    if data.get("kind") and data["kind"] != SceneKind.PUBLIC_SPACE:
        data["public_space"] = None
    for project in projects or ():
        if project.community_id != community.pk or project.deleted_at is not None:
            raise ValidationError(f"只能关联{community.name}的项目。")
    return data


def _locked(model, obj, by: User, permission: str):
    try:
        locked = model.objects.alive().select_for_update().get(pk=obj.pk)
    except model.DoesNotExist:
        raise Conflict("这条记录已被删除。") from None
    if not by.has_perm(permission, locked):
        raise PermissionDenied
    return locked


# --- 小区场景 --------------------------------------------------------------------------------
@transaction.atomic
def scene_create(*, by: User, community: Community, data: dict) -> Scene:
    """Community staff record a scene of one of their compounds, with the projects behind it."""
    if not by.has_perm("scenes.add_scene", community):
        raise PermissionDenied
    data = dict(data)
    projects = list(data.pop("projects", None) or ())
    fields = _scene_data(community, data, projects)
    scene = Scene.objects.create(community=community, created_by=by, **fields)
    scene.projects.set(projects)
    audit(
        actor=by,
        action="scene.create",
        obj=scene,
        detail={
            "community": community.pk,
            "kind": scene.kind,
            "projects": [p.pk for p in projects],
        },
    )
    return scene


@transaction.atomic
def scene_update(*, scene: Scene, by: User, data: dict) -> Scene:
    """Correct a scene and the projects linked to it (its community stays)."""
    locked = _locked(Scene, scene, by, "scenes.change_scene")
    data = dict(data)
    projects = data.pop("projects", None)
    fields = _scene_data(locked.community, data, projects)
    changed = []
    for name, value in fields.items():
        current = getattr(locked, locked._meta.get_field(name).attname)
        if current != (value.pk if hasattr(value, "pk") else value):
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.full_clean(exclude=["created_by", "community"], validate_unique=False)
        locked.save(update_fields=changed)
    if projects is not None:
        wanted = {p.pk for p in projects}
        if wanted != set(locked.projects.values_list("pk", flat=True)):
            locked.projects.set(projects)
            changed.append("projects")
    audit(actor=by, action="scene.update", obj=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def scene_delete(*, scene: Scene, by: User) -> Scene:
    """Delete a scene (softly: the row stays, hidden from every list and count)."""
    locked = _locked(Scene, scene, by, "scenes.change_scene")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    audit(actor=by, action="scene.delete", obj=locked)
    return locked


@transaction.atomic
def scene_photo_add(
    *, scene: Scene, by: User, photo, caption: str = "", public=False
) -> ScenePhoto:
    """Add a photo; public only when the person adding it confirms the consent of those in it."""
    locked = _locked(Scene, scene, by, "scenes.change_scene")
    upload = store_upload(uploaded_file=photo, kind=Upload.Kind.IMAGE, by=by, owner=locked)
    row = ScenePhoto.objects.create(
        scene=locked,
        upload=upload,
        caption=(caption or "").strip()[:100],
        public=bool(public),
        consent_by=by if public else None,
        consent_at=timezone.now() if public else None,
    )
    audit(
        actor=by,
        action="scene.photo_add",
        obj=locked,
        detail={"photo": row.pk, "public": row.public},
    )
    return row


@transaction.atomic
def scene_photo_consent(*, scene: Scene, by: User, photo_id: int, public: bool) -> ScenePhoto:
    """Show a photo to residents (staff confirm the people in it agreed) or hide it again."""
    locked = _locked(Scene, scene, by, "scenes.change_scene")
    row = locked.photos.select_for_update().filter(pk=photo_id).first()
    if row is None:
        raise ValidationError("找不到这张照片。")
    row.public = bool(public)
    row.consent_by, row.consent_at = (by, timezone.now()) if public else (None, None)
    row.save(update_fields=["public", "consent_by", "consent_at"])
    audit(
        actor=by,
        action="scene.photo_public" if public else "scene.photo_hidden",
        obj=locked,
        detail={"photo": row.pk},
    )
    return row


# --- 幸福责任田 and micro-tasks -----------------------------------------------------------------
@transaction.atomic
def micro_create(*, by: User, community: Community, data: dict) -> MicroProject:
    """The community publishes a plot or a micro-task for someone to claim."""
    if not by.has_perm("scenes.add_microproject", community):
        raise PermissionDenied
    data = _only(data, MICRO_FIELDS)
    _check_compound(community, data.get("compound"))
    micro = MicroProject.objects.create(community=community, created_by=by, **data)
    MICRO_WORKFLOW.created(
        micro, by=by, event=None, detail={"community": community.pk, "kind": micro.kind}
    )
    return micro


def micro_update(*, micro: MicroProject, by: User, data: dict) -> MicroProject:
    """Correct a micro-project (its community stays; its kind and compound while nobody holds it)."""
    return MICRO_WORKFLOW.perform(micro, "edit", by=by, data=_only(data, MICRO_FIELDS)).obj


def micro_claim_by_partner(*, micro: MicroProject, by: User) -> MicroProject:
    """A logged-in partner claims as their partner profile in the micro-project's community."""
    partner = Partner.objects.alive().filter(user_id=by.pk, community_id=micro.community_id).first()
    if partner is None:
        raise PermissionDenied
    return MICRO_WORKFLOW.perform(micro, "claim", by=by, data={"partner": partner}).result


def micro_claim_by_resident(*, micro: MicroProject, name: str, phone: str, consent: bool):
    """A resident claims with the phone they proved by an SMS code (the caller holds the proof)."""
    data = {"name": name, "phone": phone, "consent": consent}
    return MICRO_WORKFLOW.perform(micro, "claim", by=_anonymous(), data=data).result


def micro_care(*, claim, by=None, date, done: str, photo=None):
    """The claimant records a day's care: what was done and, optionally, a photo."""
    data = {"claim": claim, "date": date, "done": done, "photo": photo}
    return MICRO_WORKFLOW.perform(
        claim.micro_project, "care", by=by or _anonymous(), data=data
    ).result


def micro_give_up(*, claim, by=None, reason: str = ""):
    """The claimant gives up their own live claim; the micro-project is open again. Who holds
    the claim is proven by the caller (the verified phone or the partner's login)."""
    data = {"claim": claim, "reason": reason}
    return MICRO_WORKFLOW.perform(claim.micro_project, "give_up", by=by or _anonymous(), data=data)


def micro_release(*, micro: MicroProject, by: User, reason: str = ""):
    """Community staff end a claim (a neglected plot, the claimant moved away)."""
    return MICRO_WORKFLOW.perform(micro, "release", by=by, data={"reason": reason})


def micro_close(*, micro: MicroProject, by: User):
    """Community staff end a micro-project (its live claim with it)."""
    return MICRO_WORKFLOW.perform(micro, "close", by=by)


def micro_reopen(*, micro: MicroProject, by: User):
    """Community staff open an ended micro-project for claims again."""
    return MICRO_WORKFLOW.perform(micro, "reopen", by=by)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
