"""Pages residents open without logging in (phone first, plain links and forms: they work in
WeChat's built-in browser without scripts)."""

import segno
from django import forms
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.models import Upload
from core.paging import paginate
from projects.models import ActivityPhoto, Project, Status
from publications.public_views import PLACE_COOKIE, PLACE_MAX_AGE, remembered_community
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
    """The residents' front page. With a community remembered on this device (public:place),
    their community's announcements, sessions soon and their street's publications come first,
    then the rest of the street; otherwise (or with ?all=1, or a street or community picked) the
    announcements of the whole district or of the place picked, as before."""
    mine = remembered_community(request)
    picked = "street" in request.GET or "community" in request.GET
    if mine is not None and not picked and request.GET.get("all") != "1":
        return _home_mine(request, mine)
    place = _place(request)
    announcements = selectors.announcement_list(
        street=place["street"], community=place["community"]
    )
    page = paginate(request, announcements, 12)
    surveys = open_surveys(street=place["street"], community=place["community"])
    context = {"page": page, "surveys": surveys, "remembered": mine, **place}
    return render(request, "public/home.html", context)


def _home_mine(request, mine):
    today = timezone.localdate()
    announcements, more = selectors.community_announcements(mine)
    context = {
        "mine": mine,
        "remembered": mine,
        "mine_announcements": announcements,
        "mine_more": more,
        "sessions": selectors.sessions_soon(mine, today=today),
        "publications": selectors.street_publications(mine.street, today=today),
        "page": paginate(request, selectors.street_announcements_elsewhere(mine), 12),
        "surveys": open_surveys(street=mine.street, community=mine),
    }
    return render(request, "public/home.html", context)


class PlaceForm(forms.Form):
    """One select of every community, grouped by street (works without script)."""

    community = forms.TypedChoiceField(
        label="我的社区",
        coerce=int,
        error_messages={
            "required": "请选择您住的社区。",
            "invalid_choice": "没有这个社区,请从列表里选择。",
        },
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [
            ("", "请选择社区"),
            *(
                (street.name, [(c.pk, c.name) for c in communities])
                for street, communities in groups
                if communities
            ),
        ]


@require_http_methods(["GET", "POST"])
def place(request):
    """Pick the street and community one lives in, remembered on this device (a cookie holding
    only the community's id, no login); change it, or forget it with 清除."""
    groups = selectors.communities_by_street()
    if request.method == "POST" and "clear" in request.POST:
        response = redirect("public:home")
        response.delete_cookie(PLACE_COOKIE, samesite="Lax")
        return response
    remembered = remembered_community(request)
    initial = {"community": remembered.pk} if remembered else None
    data = request.POST if request.method == "POST" else None
    form = PlaceForm(data, groups=groups, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            response = redirect("public:home")
            response.set_cookie(
                PLACE_COOKIE,
                str(form.cleaned_data["community"]),
                max_age=PLACE_MAX_AGE,
                samesite="Lax",
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
        status = 422
    else:
        status = 200
    context = {"form": form, "groups": groups, "remembered": remembered}
    return render(request, "public/place.html", context, status=status)


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
