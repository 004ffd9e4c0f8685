"""Printable QR posters and label sheets in Chinese: a questionnaire's poster, a suggestion box's
label. Residents scan the code in WeChat; the link is printed under it for those who type.

    poster_png(title=, lines=, link=, footer="")  an A4 portrait poster as a PNG (150 dpi), for a
                                                  WeChat group or a screen
    poster_pdf(title=, lines=, link=, footer="")  the same poster as a one-page A4 PDF, to print
    labels_pdf([Label(title, lines, link), ...])  an A4 sheet of labels, LABELS_PER_PAGE to a page
    label_png(Label(...))                         one label as a PNG
    qr_png(link)                                  the code alone

The PNGs are drawn with Pillow and the CJK font the machine has (fonts-wqy-microhei: .ci/run and
the Dockerfile install it); the PDFs are HTML rendered by WeasyPrint with the same font. Text is
wrapped by width, never cut: a long title takes more lines and the code shrinks to leave room."""

import io
from dataclasses import dataclass, field
from functools import lru_cache

import segno
from django.conf import settings
from django.template.loader import render_to_string
from PIL import Image, ImageDraw, ImageFont

# The fonts tried, in order: WenQuanYi Micro Hei (Debian's fonts-wqy-microhei), then Noto CJK.
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
A4_PX = (1240, 1754)  # A4 at 150 dpi
LABEL_PX = (800, 1000)
LABELS_PER_PAGE = 8  # 2 × 4 on A4


@dataclass(frozen=True)
class Label:
    title: str
    lines: list = field(default_factory=list)
    link: str = ""


def qr_png(link: str, *, scale: int = 16) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=3)
    return buffer.getvalue()


def qr_svg_uri(link: str, *, scale: int = 8) -> str:
    return segno.make(link, error="m").svg_data_uri(scale=scale, border=2)


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    raise RuntimeError("No CJK font found: install fonts-wqy-microhei (see README).")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Lines of `text` no wider than `width` (Chinese wraps between any two characters; a Latin
    word such as a link is broken only where it must be)."""
    lines = []
    for paragraph in str(text).splitlines() or [""]:
        current = ""
        for char in paragraph:
            if draw.textlength(current + char, font=font) <= width or not current:
                current += char
            else:
                lines.append(current)
                current = char
        lines.append(current)
    return lines


def _qr_image(link: str, size: int) -> Image.Image:
    image = Image.open(io.BytesIO(qr_png(link, scale=8))).convert("RGB")
    return image.resize((size, size), Image.NEAREST)


def _draw_card(size: tuple[int, int], *, title, lines, link, footer="", heading_px, body_px):
    """A white card: the title on top, the code in the middle, the lines and the link below."""
    width, height = size
    margin = width // 14
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    title_font, body_font, small_font = _font(heading_px), _font(body_px), _font(body_px * 3 // 4)
    inner = width - 2 * margin
    title_lines = _wrap(draw, title, title_font, inner)
    body_lines = [row for line in lines for row in _wrap(draw, line, body_font, inner)]
    link_lines = _wrap(draw, link, small_font, inner)
    footer_lines = _wrap(draw, footer, small_font, inner) if footer else []
    spacing = body_px // 3
    text_height = (
        len(title_lines) * (heading_px + spacing)
        + len(body_lines) * (body_px + spacing)
        + (len(link_lines) + len(footer_lines)) * (body_px * 3 // 4 + spacing)
        + 4 * spacing
    )
    qr_size = max(min(inner, height - 2 * margin - text_height), width // 4)
    y = margin
    for line in title_lines:
        draw.text((width // 2, y), line, font=title_font, fill="black", anchor="ma")
        y += heading_px + spacing
    y += spacing
    image.paste(_qr_image(link, qr_size), ((width - qr_size) // 2, y))
    y += qr_size + spacing
    for line in body_lines:
        draw.text((width // 2, y), line, font=body_font, fill="black", anchor="ma")
        y += body_px + spacing
    for line in link_lines + footer_lines:
        draw.text((width // 2, y), line, font=small_font, fill="#333333", anchor="ma")
        y += body_px * 3 // 4 + spacing
    return image


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def poster_png(*, title: str, lines, link: str, footer: str = "") -> bytes:
    image = _draw_card(
        A4_PX, title=title, lines=list(lines), link=link, footer=footer, heading_px=72, body_px=44
    )
    return _png(image)


def label_png(label: Label) -> bytes:
    image = _draw_card(
        LABEL_PX,
        title=label.title,
        lines=list(label.lines),
        link=label.link,
        heading_px=64,
        body_px=40,
    )
    return _png(image)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported on use: Pango loads only where a PDF is made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def poster_pdf(*, title: str, lines, link: str, footer: str = "") -> bytes:
    html = render_to_string(
        "core/qr_poster_pdf.html",
        {
            "title": title,
            "lines": list(lines),
            "link": link,
            "footer": footer,
            "qr": qr_svg_uri(link),
        },
    )
    return _pdf(html)


def labels_pdf(labels) -> bytes:
    labels = [
        {
            "title": label.title,
            "lines": list(label.lines),
            "link": label.link,
            "qr": qr_svg_uri(label.link, scale=4),
        }
        for label in labels
    ]
    pages = [labels[i : i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)]
    return _pdf(render_to_string("core/qr_labels_pdf.html", {"pages": pages}))
