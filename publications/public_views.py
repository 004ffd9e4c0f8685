"""Residents' pages of the monthly rhythm (no login, phone first, plain links: they work in
WeChat's built-in browser): the archive of published previews and summaries by street and month,
each one's page, and its PDF.

Only `Publication.objects.public()` is ever read here: drafts and the district's 红色专递 do not
exist for residents (404). The community a resident picked on /p/ (public:place) is remembered in
a cookie holding only its id; `remembered_community()` reads it for both apps (public/ imports
it: publications/ may not import public/).
"""

import logging

from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.cache import patch_vary_headers

from accounts.models import Community, Street
from core.paging import paginate

from . import pdf as pdfs
from .compile import headline
from .models import Kind, Publication

logger = logging.getLogger(__name__)

# The resident's community, remembered on the device (public:place sets and clears it).
PLACE_COOKIE = "bsbj_place"
PLACE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
MONTHS_PER_PAGE = 12
LATEST = 12  # the district's latest publications, before a street is chosen
WECHAT_MARK = "MicroMessenger"
PDF_RETRY_AFTER = 60  # seconds between builds a visitor may start after one failed


def parse_id(raw) -> int | None:
    # isascii: "²".isdigit() is true, and int("²") would fail.
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def remembered_community(request) -> Community | None:
    """The community remembered on this device, with its street; a bad or stale cookie (the
    community no longer exists, or junk) is simply no community."""
    community_id = parse_id(request.COOKIES.get(PLACE_COOKIE))
    if community_id is None:
        return None
    return Community.objects.select_related("street").filter(pk=community_id).first()


def in_wechat(request) -> bool:
    """WeChat's built-in browser, where downloads are blocked."""
    return WECHAT_MARK in request.headers.get("User-Agent", "")


def _public():
    return Publication.objects.public().select_related("street")


def archive(request):
    """Published previews and summaries: pick a street (the remembered one first), then its
    months newest first, each with its 月初预告 and 月末总结."""
    remembered = remembered_community(request)
    streets = list(Street.objects.order_by("name", "id"))
    if remembered is not None:  # their own street first
        streets.sort(key=lambda s: s.pk != remembered.street_id)
    picked = parse_id(request.GET.get("street"))
    if picked is None and remembered is not None:
        picked = remembered.street_id
    street = next((s for s in streets if s.pk == picked), None)
    context = {"streets": streets, "street": street, "remembered": remembered}
    if street is None:
        latest = _public().order_by("-month", "-signed_off_at", "-id")[:LATEST]
        context["latest"] = [(p, headline(p)) for p in latest]
    else:
        months = (
            Publication.objects.public()
            .filter(street=street)
            .values_list("month", flat=True)
            .distinct()
            .order_by("-month")
        )
        page = paginate(request, months, MONTHS_PER_PAGE)
        rows = _public().filter(street=street, month__in=list(page.object_list))
        by_month: dict = {month: {} for month in page.object_list}
        for publication in rows:
            by_month[publication.month][publication.kind] = (publication, headline(publication))
        context["page"] = page
        context["months"] = [
            (month, kinds.get(Kind.PREVIEW), kinds.get(Kind.SUMMARY))
            for month, kinds in by_month.items()
        ]
    return render(request, "publications/public_archive.html", context)


def detail(request, pk):
    """A published preview or summary; anything else (a draft, the 红色专递) is a 404."""
    publication = get_object_or_404(_public().select_related("district"), pk=pk)
    context = {
        "publication": publication,
        "headline": headline(publication),
        "wechat": in_wechat(request),
    }
    response = render(request, "publications/public_detail.html", context)
    patch_vary_headers(response, ["User-Agent"])
    return response


def pdf(request, pk):
    """The publication's PDF, inline, under its Chinese title. Not made yet (the task has not
    run, or its file is gone): made now under the row's lock; if that fails, a page asks to come
    back shortly (503), never an error page."""
    publication = get_object_or_404(_public().select_related("district", "pdf"), pk=pk)
    # After a failed build, visitors are asked to come back for a while rather than each making
    # the server render it again (anyone on the internet can ask for it).
    # No spaces in a cache key (memcached refuses them): the sign-off time as a timestamp.
    signed = publication.signed_off_at.timestamp() if publication.signed_off_at else 0
    failed = f"publication-pdf-failed:{publication.pk}:{signed:.0f}"
    if not pdfs.has_file(publication) and not cache.get(failed):
        try:
            pdfs.pdf_build(publication.pk)
        except Exception:  # rendering failed: the resident is asked to come back, staff see the log
            logger.exception("PDF of publication %s could not be made", publication.pk)
            cache.set(failed, True, PDF_RETRY_AFTER)
        publication = _public().select_related("district", "pdf").get(pk=publication.pk)
    try:
        handle = publication.pdf.file.open("rb") if publication.pdf else None
    except OSError:
        logger.exception("PDF of publication %s is missing from storage", publication.pk)
        handle = None
    if handle is None:
        response = render(
            request,
            "publications/public_pdf_pending.html",
            {"publication": publication},
            status=503,
        )
        response["Retry-After"] = str(PDF_RETRY_AFTER)
        return response
    response = FileResponse(
        handle, content_type="application/pdf", filename=pdfs.filename(publication)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


urls = [
    path("", archive, name="archive"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/pdf/", pdf, name="pdf"),
]
