"""The project list as an Excel workbook: the rows, filters and order of the page, all pages.

openpyxl cannot stream to a response: rows are read with `.iterator()` into a write-only workbook
(which keeps them in its own temporary file, not in memory), saved to a temporary file and sent
with FileResponse, which closes (and so deletes) it once sent.

Formula injection (QUALITY.md item 10): every text cell is written as a string (data type "s"),
so a title like `=HYPERLINK(...)` is never stored as a formula, and one starting with = + - @, a
tab or a carriage return also carries Excel's quotePrefix style, so editing the cell in Excel does
not turn it into a formula either. The text itself is kept as typed: no apostrophe is added.
"""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.audit import audit

from . import listing

# Past this many rows the workbook stops and says so: a bigger export is a filtered one.
EXPORT_CAP = 20_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (header, column width)
COLUMNS = (
    ("项目名称", 36),
    ("街道", 14),
    ("社区", 14),
    ("小区", 16),
    ("小区类型", 10),
    ("类型(美学乐健)", 8),
    ("项目类别", 16),
    ("状态", 12),
    ("当前步骤", 24),
    ("状态变更时间", 18),
    ("已等待天数", 10),
    ("预算总额", 14),
)
# What Excel (or a CSV opened in it) may take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding `value` as text, never as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _number_cell(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = number_format
    return cell


def _row(sheet, project) -> list:
    compound = project.compound
    changed = timezone.localtime(project.status_changed_at).replace(tzinfo=None)
    return [
        text_cell(sheet, project.title),
        text_cell(sheet, project.community.street.name),
        text_cell(sheet, project.community.name),
        text_cell(sheet, compound.name if compound else ""),
        text_cell(sheet, compound.get_kind_display() if compound else ""),
        text_cell(sheet, project.get_theme_display()),
        text_cell(sheet, project.project_class.name if project.project_class else ""),
        text_cell(sheet, project.get_status_display()),
        text_cell(sheet, listing.step_of(project).label),
        _number_cell(sheet, changed, "yyyy-mm-dd hh:mm"),
        listing.waited_days(project),
        _number_cell(sheet, project.budget_total, "#,##0.00"),
    ]


def write_workbook(projects, file, *, cap: int) -> tuple[int, bool]:
    """Write the header and up to `cap` projects to `file`; (rows written, whether capped)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("领办项目")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, header) for header, _ in COLUMNS])
    rows = 0
    capped = False
    for project in projects[: cap + 1].iterator(chunk_size=2000):
        if rows == cap:
            capped = True
            break
        sheet.append(_row(sheet, project))
        rows += 1
    if capped:
        sheet.append([])
        sheet.append([text_cell(sheet, f"只导出了前 {cap} 条,请缩小筛选范围后分批导出。")])
    workbook.save(file)
    return rows, capped


def project_workbook(*, user, projects, filters: dict) -> FileResponse:
    """The list's projects as an .xlsx download, its export written to the audit log."""
    # Not a context manager: FileResponse closes the file once it is sent.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        rows, capped = write_workbook(projects, file, cap=EXPORT_CAP)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    audit(
        actor=user,
        action="project.export",
        detail={"filters": filters, "rows": rows, "capped": capped},
    )
    name = f"领办项目-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)
