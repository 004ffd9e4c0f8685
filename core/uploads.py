"""Accepting files: allow-listed types checked by content, size limits, images re-encoded without EXIF."""

import io
import secrets
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Upload

# Many phones write multi-picture JPEGs (MPO): the first picture is an ordinary JPEG.
SAVE_AS = {"MPO": "JPEG"}
IMAGE_FORMATS = {
    "MPO": ("jpg", "image/jpeg"),
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# Refuse decompression bombs well before Pillow's own warning threshold.
MAX_IMAGE_PIXELS = 40_000_000


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
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        if fmt not in IMAGE_FORMATS:
            raise ValidationError(_("图片只接受 JPG、PNG 或 WebP 格式。"), code="image_type")
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("图片尺寸过大。"), code="image_pixels")
            save_as = SAVE_AS.get(fmt, fmt)
            has_alpha = "A" in img.getbands() or "transparency" in img.info
            mode = "RGBA" if has_alpha and save_as != "JPEG" else "RGB"
            # Turn the pixels as the camera meant before the orientation tag goes with EXIF.
            pixels = ImageOps.exif_transpose(img).convert(mode)
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
    upload.save()
    return upload


def upload_attach(*, upload: Upload, owner) -> None:
    """Point an upload at the object that decides who may read it."""
    upload.owner_type = ContentType.objects.get_for_model(owner)
    upload.owner_id = owner.pk
    upload.save(update_fields=["owner_type", "owner_id"])
