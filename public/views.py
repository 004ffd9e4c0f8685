"""Pages residents open without logging in (phone first, plain links and forms: they work in
WeChat's built-in browser without scripts)."""

import segno
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.models import Upload
from core.paging import paginate
from projects.models import ActivityPhoto, Project, Status
from surveys.selectors import open_surveys

from . import selectors


def _place(request) -> dict:
    """The street and community picked with ?street= and ?community=, and the pickers' options."""
    street, community = selectors.place_picked(
        street_id=_id(request.GET.get("street")), community_id=_id(request.GET.get("community"))
    )
    return {
        "street": street,
        "community": community,
        "streets": selectors.streets(),
        "communities": selectors.communities_of(street),
    }


def home(request):
    """The announcements, of the whole district or of the street or community picked."""
    place = _place(request)
    announcements = selectors.announcement_list(
        street=place["street"], community=place["community"]
    )
    page = paginate(request, announcements, 12)
    surveys = open_surveys(street=place["street"], community=place["community"])
    return render(request, "public/home.html", {"page": page, "surveys": surveys, **place})


def announcement_detail(request, pk):
    """A project's public page: the announcement (what, when, where, for whom, how to take
    part), the 公示 section, and what was done (告知成效)."""
    project = selectors.announcement_get(pk)
    today = timezone.localdate()
    context = {
        "project": project,
        "compounds": list(project.compounds.all()),
        "upcoming": selectors.upcoming_sessions(project, today=today),
        "completed": project.status == Status.RETROSPECTED,
    }
    if project.status != Status.ANNOUNCED:
        context["results"] = selectors.results(project)
    return render(request, "public/announcement_detail.html", context)


def poster(request, pk):
    """A printable poster of a project's announcement with a QR code of its public page, for
    the stairwell notice board: residents scan it in WeChat and land on the page."""
    project = selectors.announcement_get(pk)
    link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public:announcement", args=[pk])
    context = {
        "project": project,
        "compounds": list(project.compounds.all()),
        "upcoming": selectors.upcoming_sessions(project, today=timezone.localdate()),
        "link": link,
        "qr": segno.make(link, error="m").svg_data_uri(scale=6, border=2),
    }
    return render(request, "public/poster.html", context)


def calendar(request):
    """The month's sessions of a community, of a street or of the whole district."""
    today = timezone.localdate()
    first = selectors.parse_month(request.GET.get("month"), today=today)
    place = _place(request)
    sessions = selectors.calendar_sessions(
        first=first, street=place["street"], community=place["community"]
    )
    cap = selectors.calendar_cap(street=place["street"], community=place["community"])
    more = len(sessions) > cap
    context = {
        "first": first,
        "previous": selectors.previous_month(first),
        "next": selectors.next_month(first),
        **place,
        "days": selectors.by_day(sessions[:cap]),
        "more": more,
        "today": today,
    }
    return render(request, "public/calendar.html", context)


def _id(raw) -> int | None:
    # isascii: "²".isdigit() is true, and int("²") would fail.
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


# --- photos residents may see ---------------------------------------------------------------
def _session_photo(uuid) -> Upload | None:
    """A session's photo that staff marked public (consent confirmed), of a published project."""
    photo = (
        ActivityPhoto.objects.filter(
            upload__uuid=uuid, public=True, activity__project__in=Project.objects.published()
        )
        .select_related("upload")
        .first()
    )
    return photo.upload if photo else None


# Each source answers "may this upload be shown to anyone?" for one kind of public photo; a new
# kind (a compound scene's photos, say) adds its function here.
PUBLIC_PHOTO_SOURCES = [_session_photo]


def photo(request, uuid):
    """Serve a photo only if some public record shows it; everything else 404."""
    upload = next(filter(None, (source(uuid) for source in PUBLIC_PHOTO_SOURCES)), None)
    if upload is None or upload.kind != Upload.Kind.IMAGE:
        raise Http404
    try:
        handle = upload.file.open("rb")
    except OSError as exc:  # the record outlived its file (a restore without media)
        raise Http404 from exc
    response = FileResponse(handle, content_type=upload.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{upload.uuid}.{upload.file.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
