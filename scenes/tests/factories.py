"""Factories of scenes and micro-projects, and the matrix world's objects of this app."""

import datetime

import factory
from django.utils import timezone

from scenes.models import CareRecord, Claim, MicroProject, Scene, SceneKind


class SceneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scene

    compound = None
    community = factory.LazyAttribute(lambda o: o.compound.community)
    kind = SceneKind.POST
    name = factory.Sequence(lambda n: f"议事角{n}")
    location = "3号楼东侧"
    opening_hours = "每天 8:00–20:00"


class MicroProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MicroProject

    compound = None
    community = factory.LazyAttribute(lambda o: o.compound.community)
    kind = MicroProject.Kind.PLOT
    title = factory.Sequence(lambda n: f"幸福责任田{n}号")
    location = "5号楼前"
    neglect_days = 14


def claimed(micro, *, partner=None, name="张阿姨", phone="13900002222", days_ago=0):
    """Put a live claim on a micro-project, as if made `days_ago` days ago."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    claim = Claim.objects.create(
        micro_project=micro,
        partner=partner,
        name="" if partner else name,
        phone="" if partner else phone,
        consent_at=None if partner else at,
        claimed_at=at,
    )
    micro.status = MicroProject.Status.CLAIMED
    micro.care_due_on = micro.due_after(timezone.localdate() - datetime.timedelta(days=days_ago))
    micro.save(update_fields=["status", "care_due_on"])
    return claim


def cared(claim, *, days_ago=0, done="浇水"):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    record = CareRecord.objects.create(claim=claim, date=day, done=done)
    micro = claim.micro_project
    micro.care_due_on = max(micro.care_due_on or day, micro.due_after(day))
    micro.save(update_fields=["care_due_on"])
    return record


def matrix_objects(org, people, project, partner) -> dict:
    """国奥社区's scene (with a public photo), an open plot, and a plot the matrix's partner
    claimed: the objects scenes/tests/url_matrix.py opens."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from core.models import Upload
    from scenes.models import ScenePhoto

    secretary = people.secretary
    scene = SceneFactory(compound=org.compound, created_by=secretary, name="国奥议事角")
    scene.projects.add(project)
    upload = Upload(
        kind=Upload.Kind.IMAGE,
        original_name="scene.png",
        content_type="image/png",
        size=4,
        uploaded_by=secretary,
        owner_type=ContentType.objects.get_for_model(scene),
        owner_id=scene.pk,
    )
    upload.file.save("scene.png", ContentFile(b"\x89PNG"), save=False)
    upload.save()
    photo = ScenePhoto.objects.create(
        scene=scene, upload=upload, public=True, consent_by=secretary, consent_at=timezone.now()
    )
    plot = MicroProjectFactory(compound=org.compound, created_by=secretary, title="国奥责任田A")
    tended = MicroProjectFactory(compound=org.compound, created_by=secretary, title="国奥责任田B")
    claim = claimed(tended, partner=partner)
    return {
        "scene": scene,
        "scene_photo": photo,
        "compound": org.compound,
        "plot": plot,
        "tended": tended,
        "claim": claim,
    }
