"""The print-ready PDF of a published preview or summary: made once, stored as a core Upload.

    pdf_build_later(publication)   queue the build once the transaction commits (the sign-off
                                   and the auto-publication call it)
    pdf_build(publication_id)      build it now unless it exists: the row is locked while the
                                   PDF is made, so a second worker (or a resident asking for it
                                   at the same moment) waits, then finds it made and returns
    pdf_bytes(publication)         the PDF itself (WeasyPrint, the CJK font, a QR code of the page)

WeasyPrint fetches nothing from the network: the page's links stay links, and a public session
photo named in the content (an absolute /p/photos/<uuid>/ address) is read from storage.
"""

import logging
import re

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.roles import DISTRICT_BUSINESS
from core.audit import audit
from core.models import Upload
from core.uploads import store_upload
from projects.models import ActivityPhoto, Project

from .models import Publication

logger = logging.getLogger(__name__)

PHOTO_PATH = re.compile(r"/p/photos/(?P<uuid>[0-9a-f-]{36})/$")


def public_link(publication: Publication) -> str:
    """The residents' page at the portal's public address (what the QR code opens)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + publication.get_public_url()


def filename(publication: Publication) -> str:
    return f"{publication.title}.pdf"


def pdf_build_later(publication: Publication) -> None:
    """Queue the PDF of a published preview or summary, once the current transaction commits."""
    if not publication.is_public or publication.pdf_id:
        return
    from .tasks_pdf import build_publication_pdf

    pk = publication.pk
    transaction.on_commit(lambda: build_publication_pdf.delay(pk))


def pdf_html(publication: Publication) -> str:
    link = public_link(publication)
    return render_to_string(
        "publications/pdf.html",
        {
            "publication": publication,
            "link": link,
            "base": settings.PUBLIC_BASE_URL.rstrip("/"),
            "qr": segno.make(link, error="m").svg_data_uri(scale=4, border=1),
        },
    )


def pdf_bytes(publication: Publication) -> bytes:
    """Render the publication's PDF (A4, Chinese, with the QR code of its page)."""
    from weasyprint import HTML  # imported on use: Pango loads only where a PDF is made

    html = pdf_html(publication)
    fetcher = _local_fetcher()
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).write_pdf()


def _local_fetcher():
    """Images of the content: data: URIs and public session photos read from storage; nothing
    else is fetched (a worker must not reach out to the network, nor wait for its own web
    server). A refused image is left out with a warning, the PDF is still made."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            match = PHOTO_PATH.search(url.split("?", 1)[0])
            if match and (upload := _public_photo(match["uuid"])):
                with upload.file.open("rb") as handle:
                    body = handle.read()
                return URLFetcherResponse(url, body, {"Content-Type": upload.content_type})
            raise ValueError(f"not fetched for a PDF: {url[:80]}")

    return LocalFetcher(allowed_protocols=("data", "http", "https"))


def _public_photo(uuid: str) -> Upload | None:
    """A session photo marked public, of a published project (as /p/photos/ serves it)."""
    photo = (
        ActivityPhoto.objects.filter(
            upload__uuid=uuid, public=True, activity__project__in=Project.objects.published()
        )
        .select_related("upload")
        .first()
    )
    return photo.upload if photo and photo.upload.kind == Upload.Kind.IMAGE else None


def _owner_of_file(publication: Publication):
    """Whom the stored file is recorded as uploaded by: who signed it off; for one that published
    itself at the set hour, the district's first staff member (Upload needs somebody)."""
    if publication.signed_off_by_id:
        return publication.signed_off_by
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role__in=DISTRICT_BUSINESS.values,
            role_assignments__district_id=publication.district_id,
        )
        .order_by("pk")
        .first()
    )


def has_file(publication: Publication) -> bool:
    """The PDF is made and its file is still in storage (a restore without media loses it)."""
    upload = publication.pdf
    return upload is not None and bool(upload.file) and upload.file.storage.exists(upload.file.name)


def pdf_build(publication_id: int) -> bool:
    """Build the PDF of a published preview or summary unless it exists. Returns True when this
    call built it. Idempotent: the row is locked, so two callers build it once; a PDF whose file
    went missing is made again."""
    with transaction.atomic():
        # Lock first, then read: a second caller waits for the lock, and only a statement that
        # starts after it sees the first caller's Upload (PostgreSQL re-reads the locked row of a
        # SELECT … FOR UPDATE once the lock is free, but not the rows joined to it).
        lock = Publication.objects.select_for_update().filter(pk=publication_id)
        lock.order_by("pk").values_list("pk", flat=True).first()
        publication = (
            Publication.objects.select_related("street", "district", "signed_off_by", "pdf")
            .filter(pk=publication_id)
            .first()
        )
        if publication is None or not publication.is_public or has_file(publication):
            return False
        by = _owner_of_file(publication)
        if by is None:
            logger.error("publication %s: nobody to record its PDF as uploaded by", publication_id)
            return False
        content = pdf_bytes(publication)
        upload = store_upload(
            uploaded_file=ContentFile(content, name=filename(publication)),
            kind=Upload.Kind.DOCUMENT,
            by=by,
            owner=publication,
        )
        publication.pdf = upload
        publication.pdf_compiled_at = timezone.now()
        publication.save(update_fields=["pdf", "pdf_compiled_at"])
        audit(
            actor=None,
            actor_label="system",
            action="publication.pdf_built",
            obj=publication,
            detail={"upload": upload.pk, "bytes": upload.size},
        )
    return True
