"""The needs list as an Excel workbook: the rows, filters and order of the page, all pages.

openpyxl cannot stream to a response: rows are read with `.iterator()` into a write-only workbook
(which keeps them in its own temporary file, not in memory), saved to a temporary file and sent
with FileResponse, which closes (and so deletes) it once sent. Every text cell is written as text,
never as a formula (QUALITY.md item 10). A need holds no personal data: no phone number, no name
of a resident, ever reaches the workbook (a number typed into a title or a reply before needs
masked them when written is masked here), nor the audit row of the export (a text search is
recorded masked).
"""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.audit import audit
from core.privacy import mask_personal

# Past this many rows the workbook stops and says so: a bigger export is a filtered one.
EXPORT_CAP = 20_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    ("需求", 36),
    ("类别", 12),
    ("街道", 14),
    ("社区", 14),
    ("小区", 16),
    ("首次来源", 12),
    ("反映人次", 10),
    ("状态", 12),
    ("答复居民", 40),
    ("记录时间", 18),
    ("状态更新时间", 18),
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding `value` as text, never as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _time_cell(sheet, moment) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=timezone.localtime(moment).replace(tzinfo=None))
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _row(sheet, need) -> list:
    return [
        text_cell(sheet, mask_personal(need.title)),
        text_cell(sheet, need.category.name),
        text_cell(sheet, need.community.street.name),
        text_cell(sheet, need.community.name),
        text_cell(sheet, need.compound.name if need.compound else ""),
        text_cell(sheet, need.get_source_display()),
        need.mentions,
        text_cell(sheet, need.get_status_display()),
        text_cell(sheet, mask_personal(need.status_note)),
        _time_cell(sheet, need.created_at),
        _time_cell(sheet, need.status_changed_at),
    ]


def write_workbook(needs, file, *, cap: int) -> tuple[int, bool]:
    """Write the header and up to `cap` needs to `file`; (rows written, whether capped)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("需求清单")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, header) for header, _ in COLUMNS])
    rows, capped = 0, False
    needs = needs.select_related("community__street", "compound", "category")
    for need in needs[: cap + 1].iterator(chunk_size=2000):
        if rows == cap:
            capped = True
            break
        sheet.append(_row(sheet, need))
        rows += 1
    if capped:
        sheet.append([])
        sheet.append([text_cell(sheet, f"只导出了前 {cap} 条,请缩小筛选范围后分批导出。")])
    workbook.save(file)
    return rows, capped


def need_workbook(*, user, needs, filters: dict) -> FileResponse:
    """The list's needs as an .xlsx download, its export written to the audit log."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        rows, capped = write_workbook(needs, file, cap=EXPORT_CAP)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    shown = {k: mask_personal(str(v)) for k, v in filters.items()}
    audit(
        actor=user,
        action="need.export",
        detail={"filters": shown, "rows": rows, "capped": capped},
    )
    name = f"需求清单-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)
