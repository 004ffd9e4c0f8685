import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import AuditEvent, Upload
from core.uploads import store_upload
from projects.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 8), "blue")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (37.0, 30.0, 0.0), 1: "N"}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_images_are_reencoded_without_exif(people):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really carries EXIF
    upload = store_upload(
        uploaded_file=SimpleUploadedFile("IMG_0001.jpg", original),
        kind="image",
        by=people.secretary,
    )
    with upload.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert not stored.getexif()
        assert stored.format == "JPEG"
    assert upload.content_type == "image/jpeg"
    assert "IMG_0001" not in upload.file.name  # random storage name
    assert upload.original_name == "IMG_0001.jpg"


def test_a_script_named_like_an_image_is_refused(people):
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>")
    with pytest.raises(ValidationError, match="无法识别"):
        store_upload(uploaded_file=fake, kind="image", by=people.secretary)
    assert not Upload.objects.exists()


def test_gif_is_not_an_allowed_image_type(people):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="GIF")
    with pytest.raises(ValidationError, match="JPG"):
        store_upload(
            uploaded_file=SimpleUploadedFile("a.gif", buffer.getvalue()),
            kind="image",
            by=people.secretary,
        )


def test_oversized_files_are_refused(people, settings):
    settings.UPLOAD_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="过大"):
        store_upload(
            uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2000),
            kind="document",
            by=people.secretary,
        )


@pytest.mark.parametrize(
    "name, content, accepted",
    [
        ("plan.pdf", b"%PDF-1.7\n...", "application/pdf"),
        (
            "plan.docx",
            None,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.pdf", b"MZ\x90\x00 executable", None),
        ("plan.docx", b"PK\x03\x04 broken zip", None),
    ],
)
def test_documents_are_checked_by_content_not_by_name(people, name, content, accepted):
    data = content if content is not None else _docx()
    uploaded = SimpleUploadedFile(name, data)
    if accepted:
        assert (
            store_upload(uploaded_file=uploaded, kind="document", by=people.secretary).content_type
            == accepted
        )
    else:
        with pytest.raises(ValidationError, match="文档只接受"):
            store_upload(uploaded_file=uploaded, kind="document", by=people.secretary)


def test_files_are_served_only_to_people_who_see_their_project(client, people, org, tiny_png):
    project = f.ProjectFactory(community=org.guoao, status=Status.IN_PROGRESS)
    upload = store_upload(uploaded_file=tiny_png, kind="image", by=people.secretary, owner=project)
    client.force_login(people.street)
    response = client.get(f"/files/{upload.uuid}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(people.secretary2)
    assert client.get(f"/files/{upload.uuid}/").status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=people.secretary2).exists()
    client.logout()
    assert client.get(f"/files/{upload.uuid}/").status_code == 302


def test_portrait_phone_photo_is_turned_upright(people):
    image = Image.new("RGB", (4, 2), "green")  # stored landscape, tagged "rotate 90° to view"
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    upload = store_upload(
        uploaded_file=SimpleUploadedFile("p.jpg", buffer.getvalue()),
        kind="image",
        by=people.secretary,
    )
    with upload.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.size == (2, 4)
        assert not stored.getexif()


def test_multi_picture_jpeg_from_a_phone_is_accepted(people):
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (4, 4), "red"), Image.new("RGB", (4, 4), "blue")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    upload = store_upload(
        uploaded_file=SimpleUploadedFile("m.jpg", buffer.getvalue()),
        kind="image",
        by=people.secretary,
    )
    assert upload.content_type == "image/jpeg"
    with upload.file.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).format == "JPEG"


@pytest.mark.django_db(transaction=True)
def test_an_upload_in_a_transaction_that_rolls_back_leaves_no_file(people, tiny_png):
    """The file is written before its row; when the transaction rolls back, the end of the
    request (request_finished) deletes it. A committed upload stays."""
    from django.core.signals import request_finished
    from django.db import transaction

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        lost = store_upload(uploaded_file=tiny_png, kind="image", by=people.secretary)
        path = lost.file.path
        assert os.path.exists(path)  # written, waiting for the commit
        raise Refused
    tiny_png.seek(0)
    with transaction.atomic():
        kept = store_upload(uploaded_file=tiny_png, kind="image", by=people.secretary)
    request_finished.send(sender=None)
    assert not os.path.exists(path)
    assert os.path.exists(kept.file.path) and Upload.objects.get() == kept


@pytest.mark.django_db(transaction=True)
def test_an_activity_refused_after_its_photo_was_stored_leaves_no_file(
    client, org, people, tiny_png, monkeypatch, settings
):
    """Through the real page: the photo is stored, then the activity row fails; nothing stays."""
    from projects.models import Activity

    project = f.ProjectFactory(community=org.guoao, announced=True)

    def broken_create(**kwargs):
        raise ValidationError("数据库拒绝了这条活动记录。")

    monkeypatch.setattr(Activity.objects, "create", broken_create)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/activities/new/",
        {
            "once": f.once(),
            "date": "2026-12-05",
            "place": "广场",
            "participants": "3",
            "volunteers": "0",
            "spending": "0",
            "photo": tiny_png,
        },
    )
    assert response.status_code == 422
    assert not Upload.objects.exists()
    media = settings.MEDIA_ROOT
    stored = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert stored == []


def _png(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, a few KB on disk (one colour)."""
    buffer = io.BytesIO()
    Image.new("1", (width, height), 0).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_a_tiny_file_claiming_a_huge_picture_is_refused_before_decoding(people):
    import time
    import tracemalloc

    bomb = _png(6324, 6324)
    assert len(bomb) < 60_000
    tracemalloc.start()
    started = time.process_time()
    with pytest.raises(ValidationError, match="1600 万像素"):
        store_upload(
            uploaded_file=SimpleUploadedFile("b.png", bomb), kind="image", by=people.secretary
        )
    spent, (_, peak) = time.process_time() - started, tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert spent < 0.5 and peak < 5 * 1024 * 1024, (spent, peak)
    assert not Upload.objects.exists()


def test_a_big_photo_is_shrunk_while_decoding_without_a_full_size_copy(people):
    import tracemalloc

    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "orange").save(buffer, format="JPEG", quality=70)
    tracemalloc.start()
    upload = store_upload(
        uploaded_file=SimpleUploadedFile("big.jpg", buffer.getvalue()),
        kind="image",
        by=people.secretary,
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with upload.file.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (2560, 1920)
    # Decoded full size, 12 megapixels would take 36 MB in RGB alone.
    assert peak < 30 * 1024 * 1024, peak


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, org, people, settings):
    settings.MAX_REQUEST_BYTES = 1024
    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/activities/new/",
        {"place": "x" * 5000},
    )
    assert response.status_code == 413
    assert "不能超过" in response.content.decode()
    assert not project.activities.exists()
