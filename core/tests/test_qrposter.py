"""QR posters and label sheets (core/qrposter.py): real PNGs and PDFs, Chinese text drawn with a
CJK font, long titles wrapped rather than cut, and labels LABELS_PER_PAGE to an A4 page."""

import io

import segno
from django.template.loader import render_to_string
from PIL import Image

from core import qrposter

LINK = "https://bsbj.example.cn/p/q/AB3K9X/"


def test_poster_png_is_an_a4_png_with_the_code():
    data = qrposter.poster_png(title="居民需求调查问卷", lines=["12月1日—12月31日"], link=LINK)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == qrposter.A4_PX


def test_a_long_title_wraps_and_the_code_shrinks_to_fit():
    short = qrposter._draw_card(
        qrposter.A4_PX, title="问卷", lines=[], link=LINK, heading_px=72, body_px=44
    )
    long = qrposter._draw_card(
        qrposter.A4_PX,
        title="很长的问卷标题" * 12,
        lines=["一行"] * 6,
        link=LINK,
        heading_px=72,
        body_px=44,
    )
    # Both fill the page; the long one's last drawn row is still inside it (nothing cut off).
    assert short.size == long.size == qrposter.A4_PX
    bottom_rows = long.crop((0, qrposter.A4_PX[1] - 10, qrposter.A4_PX[0], qrposter.A4_PX[1]))
    assert bottom_rows.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_the_chinese_font_is_found():
    font = qrposter._font(40)
    assert font.path in qrposter.FONT_FILES
    assert font.getlength("社区") > 0


def test_poster_pdf_is_one_page():
    data = qrposter.poster_pdf(title="居民需求调查问卷", lines=["扫码填写"], link=LINK)
    assert data.startswith(b"%PDF-")


def test_labels_pdf_puts_eight_labels_on_a_page():
    from weasyprint import HTML

    labels = [qrposter.Label("楼道意见箱", [f"{n}号楼 1单元"], LINK) for n in range(10)]
    assert qrposter.labels_pdf(labels).startswith(b"%PDF-")
    pages = [
        [{"title": x.title, "lines": x.lines, "link": x.link, "qr": ""} for x in labels[:8]],
        [{"title": x.title, "lines": x.lines, "link": x.link, "qr": ""} for x in labels[8:]],
    ]
    document = HTML(string=render_to_string("core/qr_labels_pdf.html", {"pages": pages})).render()
    assert len(document.pages) == 2


def test_qr_png_encodes_the_link():
    image = Image.open(io.BytesIO(qrposter.qr_png(LINK)))
    assert image.format == "PNG"
    # The code segno makes for this link, at scale 16 with a border of 3 modules.
    assert image.size == segno.make(LINK, error="m").symbol_size(scale=16, border=3)
    label = Image.open(io.BytesIO(qrposter.label_png(qrposter.Label("意见箱", ["1号楼"], LINK))))
    assert label.size == qrposter.LABEL_PX
