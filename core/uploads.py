"""Accepting files: allow-listed types checked by content, size limits, images re-encoded without EXIF."""

import io
import secrets
import threading
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .models import Upload

# Many phones write multi-picture JPEGs (MPO): the first picture is an ordinary JPEG.
SAVE_AS = {"MPO": "JPEG"}
IMAGE_FORMATS = {
    "MPO": ("jpg", "image/jpeg"),
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# A phone photo is 12–16 megapixels; more is refused by the header, before decoding (a 5 KB PNG can
# claim 40 million pixels and cost seconds of CPU and hundreds of MB to decode).
MAX_IMAGE_PIXELS = 16_000_000
# Stored photos are at most this many pixels on the long side: plenty for a page and a print.
MAX_SIDE = 2560
ORIENTATION = 0x0112
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _sniff_document(head: bytes, data: bytes) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return (
                    "docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                )
            if any(n.startswith("xl/") for n in names):
                return "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _reencode_image(data: bytes) -> tuple[bytes, str, str]:
    """A clean copy of a photo: at most MAX_SIDE pixels on the long side, upright, without
    EXIF (GPS), ICC or anything appended. The size is judged from the header before a pixel is
    decoded, and a big photo is shrunk while it is decoded (JPEG draft mode, then reduce), so a
    tiny file claiming a huge picture costs nothing and no full-size copy is ever made."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt, (width, height) = probe.format, probe.size
            probe.verify()
        if fmt not in IMAGE_FORMATS:
            raise ValidationError(_("图片只接受 JPG、PNG 或 WebP 格式。"), code="image_type")
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _("图片像素过多(不能超过 1600 万像素),请用手机自带的“编辑”缩小后再上传。"),
                code="image_pixels",
            )
        with Image.open(io.BytesIO(data)) as img:
            orientation = img.getexif().get(ORIENTATION, 1)
            img.thumbnail((MAX_SIDE, MAX_SIDE))  # draft + reduce: decoded small, in place
            save_as = SAVE_AS.get(fmt, fmt)
            has_alpha = "A" in img.getbands() or "transparency" in img.info
            mode = "RGBA" if has_alpha and save_as != "JPEG" else "RGB"
            pixels = img.convert(mode)
            if method := TRANSPOSE.get(orientation):
                # Turn the pixels as the camera meant before the orientation tag goes with EXIF.
                pixels = pixels.transpose(method)
            # A fresh image from raw pixels carries no EXIF (GPS included), ICC, comments or
            # anything appended to the file.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
            out = io.BytesIO()
            quality = {"quality": 88} if save_as in ("JPEG", "WEBP") else {}
            clean.save(out, format=save_as, **quality)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("无法识别的图片文件。"), code="image_invalid") from exc
    ext, mime = IMAGE_FORMATS[fmt]
    return out.getvalue(), ext, mime


def store_upload(*, uploaded_file, kind: str, by, owner=None) -> Upload:
    """Validate and store one file. Raises ValidationError with a message for the form."""
    limit = (
        settings.UPLOAD_IMAGE_MAX_BYTES
        if kind == Upload.Kind.IMAGE
        else settings.UPLOAD_DOCUMENT_MAX_BYTES
    )
    if uploaded_file.size > limit:
        raise ValidationError(
            _("文件过大:不能超过 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("文件过大:不能超过 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    if not data:
        raise ValidationError(_("文件是空的。"), code="empty")
    if kind == Upload.Kind.IMAGE:
        data, ext, mime = _reencode_image(data)
    elif kind == Upload.Kind.DOCUMENT:
        sniffed = _sniff_document(data[:8], data)
        if sniffed is None:
            raise ValidationError(
                _("文档只接受 PDF、Word(docx)或 Excel(xlsx)文件。"), code="document_type"
            )
        ext, mime = sniffed
    else:
        raise ValueError(f"unknown upload kind {kind!r}")
    upload = Upload(
        kind=kind,
        original_name=(uploaded_file.name or "file")[-200:],
        content_type=mime,
        size=len(data),
        uploaded_by=by,
    )
    if owner is not None:
        upload.owner_type = ContentType.objects.get_for_model(owner)
        upload.owner_id = owner.pk
    upload.file.save(f"{secrets.token_hex(16)}.{ext}", ContentFile(data), save=False)
    _until_committed(upload.file.storage, upload.file.name)
    upload.save()
    return upload


# Files written inside a transaction that has not committed yet, per thread. A file is written
# before its row; if the transaction then rolls back, the row is gone and the file would stay on
# disk with nothing pointing at it. Once no transaction is open any more (after each request
# and each task), what is still pending was rolled back and is deleted.
_pending = threading.local()


def _pending_files() -> list:
    if not hasattr(_pending, "files"):
        _pending.files = []
    return _pending.files


def _until_committed(storage, name: str) -> None:
    if not connection.in_atomic_block:
        return  # autocommit: the row is saved right after, nothing to roll back
    entry = (storage, name)
    _pending_files().append(entry)
    transaction.on_commit(lambda: _forget(entry))


def _forget(entry) -> None:
    files = _pending_files()
    if entry in files:
        files.remove(entry)


def discard_uncommitted_uploads(**kwargs) -> int:
    """Delete the files whose transaction rolled back. Does nothing while a transaction is still
    open (it may yet commit). Connected to request_finished and Celery's task_postrun."""
    if connection.in_atomic_block:
        return 0
    files = _pending_files()
    doomed, files[:] = list(files), []
    for storage, name in doomed:
        storage.delete(name)
    return len(doomed)
