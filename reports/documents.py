"""A report as a Word file (for editing) and as a PDF (for printing), in Chinese.

Both carry the street, the period, the figures tables of the snapshot and the text sections. The
PDF is rendered by WeasyPrint from a Django template, so everything the street typed is escaped
by the template engine; the Word file holds plain text runs (a .docx has no formulas to inject).
Both are written to a temporary file and sent with FileResponse (which closes it); the views
audit each download as an export.
"""

import tempfile

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .figures import figure_groups
from .models import HalfYearReport

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
# The CJK font installed with the image (fonts-wqy-microhei); Word falls back to its own.
CJK_FONT = "WenQuanYi Micro Hei"
WORD_FONT = "宋体"


def title_of(report: HalfYearReport) -> str:
    return f"{report.street.name}{report.period.label}“百社百景”工作述职报告"


def filename(report: HalfYearReport, extension: str) -> str:
    return f"{report.street.name}-{report.period.label}述职.{extension}"


def _meta(report: HalfYearReport) -> list[tuple[str, str]]:
    period = report.period
    taken = timezone.localtime(report.figures_at)
    rows = [
        ("街道", report.street.name),
        ("述职期间", f"{period.label}({period.start:%Y年%m月%d日}—{period.end:%Y年%m月%d日})"),
        ("状态", report.get_status_display()),
        ("数据取数时间", f"{taken:%Y-%m-%d %H:%M}"),
    ]
    if report.submitted_at:
        rows.append(("提交时间", f"{timezone.localtime(report.submitted_at):%Y-%m-%d %H:%M}"))
    if report.review_comment:
        rows.append(("区级意见", report.review_comment))
    return rows


def _east_asian(run, font: str = WORD_FONT) -> None:
    """Chinese characters in Word take the East Asian font of the run, not its Latin one."""
    from docx.oxml.ns import qn

    run.font.name = font
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def write_docx(report: HalfYearReport, file) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = WORD_FONT, Pt(12)
    from docx.oxml.ns import qn

    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), WORD_FONT)

    heading = document.add_heading(level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(heading.add_run(title_of(report)))

    meta = document.add_table(rows=0, cols=2)
    meta.style = "Table Grid"
    for label, value in _meta(report):
        cells = meta.add_row().cells
        cells[0].text, cells[1].text = label, value

    document.add_heading("一、主要数据", level=1)
    for group, rows in figure_groups(report.figures):
        document.add_heading(group, level=2)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "指标", "数值"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value

    numerals = "二三四五六七八九"
    for index, (heading_text, text) in enumerate(report.sections()):
        document.add_heading(f"{numerals[index]}、{heading_text}", level=1)
        paragraphs = [line for line in (text or "").splitlines() if line.strip()] or ["(未填写)"]
        for line in paragraphs:
            document.add_paragraph(line)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            _east_asian(run)
    document.save(file)


def render_pdf(report: HalfYearReport, file) -> None:
    from weasyprint import HTML

    html = render_to_string(
        "reports/report_print.html",
        {
            "report": report,
            "title": title_of(report),
            "meta": _meta(report),
            "groups": figure_groups(report.figures),
            "sections": report.sections(),
            "font": CJK_FONT,
        },
    )
    HTML(string=html).write_pdf(file)


def _download(report: HalfYearReport, write, extension: str, content_type: str) -> FileResponse:
    file = tempfile.TemporaryFile(suffix=f".{extension}")  # noqa: SIM115 - FileResponse closes it
    try:
        write(report, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=filename(report, extension), content_type=content_type
    )


def report_docx(report: HalfYearReport) -> FileResponse:
    return _download(report, write_docx, "docx", DOCX_TYPE)


def report_pdf(report: HalfYearReport) -> FileResponse:
    return _download(report, render_pdf, "pdf", PDF_TYPE)
