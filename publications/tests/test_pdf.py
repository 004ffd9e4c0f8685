"""The print-ready PDF of a published preview or summary (publications/pdf.py): made once by the
task, stored as an Upload, in Chinese, with a QR code of the residents' page; served inline under
its Chinese title, made on request if the task has not run, never a 500."""

import re
from unittest import mock

import pytest
import segno
from django.urls import reverse

from core.models import AuditEvent, Upload
from publications import pdf
from publications.models import Kind, Publication
from signups.tests.factories import announced_project, session

from .world_public import make_publication

pytestmark = pytest.mark.django_db


def _texts(box):
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", None) or []:
        yield from _texts(child)


def test_the_pdf_is_built_once_however_often_the_task_runs(org, people, settings):
    settings.PUBLIC_BASE_URL = "https://bsbj.example.gov.cn/"
    preview = make_publication(org, people, compiled=False)

    assert pdf.pdf_build(preview.pk) is True
    assert pdf.pdf_build(preview.pk) is False  # a retry, a second worker: nothing new

    preview.refresh_from_db()
    uploads = Upload.objects.filter(owner_id=preview.pk, content_type="application/pdf")
    assert uploads.count() == 1 and preview.pdf == uploads.get()
    assert preview.pdf_compiled_at is not None
    assert preview.pdf.uploaded_by == people.street  # who signed it off
    assert preview.pdf.original_name == f"{preview.title}.pdf"
    data = preview.pdf.file.open("rb").read()
    assert data.startswith(b"%PDF-") and len(data) > 5_000
    assert AuditEvent.objects.filter(action="publication.pdf_built", object_id=str(preview.pk))


def test_the_pdf_says_what_the_page_says_and_its_qr_code_opens_the_page(org, people, settings):
    from weasyprint import HTML

    settings.PUBLIC_BASE_URL = "https://bsbj.example.gov.cn/"
    project = announced_project(org, people, title="楼道微更新")
    session(project, people, days=3)
    preview = make_publication(org, people, foreword="请居民朋友们踊跃参加。")
    link = f"https://bsbj.example.gov.cn/p/publications/{preview.pk}/"

    html = pdf.pdf_html(preview)
    document = HTML(string=html).render()

    text = "".join(_texts(document.pages[0]._page_box))
    assert preview.title in text and "请居民朋友们踊跃参加。" in text and "楼道微更新" in text
    assert document.metadata.title == preview.title
    qr = re.search(r'class="qr" src="([^"]+)"', html)[1]
    assert qr == segno.make(link, error="m").svg_data_uri(scale=4, border=1)
    assert link in html
    # Links of the content point at the public site, not at the worker's disk.
    assert f'href="https://bsbj.example.gov.cn/p/announcements/{project.pk}/' in html


def test_drafts_and_the_digest_get_no_pdf(org, people):
    draft = make_publication(org, people, compiled=False, published=False)
    digest = make_publication(org, people, kind=Kind.DIGEST, compiled=False)
    assert pdf.pdf_build(draft.pk) is False and pdf.pdf_build(digest.pk) is False
    assert not Publication.objects.filter(pdf__isnull=False).exists()


def test_an_auto_published_one_is_filed_under_the_districts_staff(org, people):
    summary = make_publication(
        org,
        people,
        kind=Kind.SUMMARY,
        compiled=False,
        signed_off_by=None,
        signed_off_at=None,
        auto_published=True,
    )
    assert pdf.pdf_build(summary.pk) is True
    summary.refresh_from_db()
    assert summary.pdf.uploaded_by == people.district


def test_publishing_queues_the_build_on_commit(org, people, django_capture_on_commit_callbacks):
    preview = make_publication(org, people, compiled=False)
    with django_capture_on_commit_callbacks(execute=True):
        pdf.pdf_build_later(preview)
    preview.refresh_from_db()
    assert preview.pdf is not None  # the eager task ran once the transaction committed
    with django_capture_on_commit_callbacks() as callbacks:
        pdf.pdf_build_later(preview)
    assert callbacks == []  # made already: nothing queued


def test_the_pdf_link_serves_it_inline_under_its_chinese_title(client, org, people):
    preview = make_publication(org, people, compiled=False)
    response = client.get(reverse("publications_public:pdf", args=[preview.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline") and "filename*=utf-8''" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # Built on that first request; the next one reads the same file.
    assert Upload.objects.filter(content_type="application/pdf").count() == 1
    client.get(reverse("publications_public:pdf", args=[preview.pk]))
    assert Upload.objects.filter(content_type="application/pdf").count() == 1


def test_a_pdf_whose_file_is_gone_is_made_again(client, org, people):
    preview = make_publication(org, people, compiled=False)
    pdf.pdf_build(preview.pk)
    preview.refresh_from_db()
    preview.pdf.file.delete(save=False)
    response = client.get(reverse("publications_public:pdf", args=[preview.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_failed_build_asks_to_come_back_rather_than_erring(client, org, people):
    preview = make_publication(org, people, compiled=False)
    with mock.patch.object(pdf, "pdf_bytes", side_effect=RuntimeError("pango")):
        response = client.get(reverse("publications_public:pdf", args=[preview.pk]))
    assert response.status_code == 503 and response["Retry-After"]
    assert "PDF 正在准备" in response.content.decode()
    preview.refresh_from_db()
    assert preview.pdf is None


def test_only_public_session_photos_are_read_into_the_pdf(org, people):
    from public.tests.helpers import held_session

    project = announced_project(org, people)
    _, shown, hidden = held_session(project, people)
    fetcher = pdf._local_fetcher()
    ok = fetcher.fetch(f"https://bsbj.example.gov.cn/p/photos/{shown.upload.uuid}/")
    assert ok.read() == b"\x89PNG"
    for url in (
        f"https://bsbj.example.gov.cn/p/photos/{hidden.upload.uuid}/",
        "https://example.com/tracker.png",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_content_file_names_are_kept_out_of_the_stored_name(org, people):
    """The stored file has a random name; the title is only the download's name."""
    preview = make_publication(org, people, compiled=False)
    pdf.pdf_build(preview.pk)
    preview.refresh_from_db()
    assert preview.title not in preview.pdf.file.name
