"""The suggestions as an Excel workbook: the inbox's rows and filters, all pages, written row by
row from .iterator() into a write-only workbook (flat memory) and sent with FileResponse. Phone
numbers are masked; every text cell is written as text, never as a formula (QUALITY.md item 10)."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.audit import audit

from . import selectors

EXPORT_CAP = 20_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    ("序号", 8),
    ("社区", 14),
    ("意见箱", 26),
    ("渠道", 10),
    ("意见建议", 60),
    ("联系电话", 14),
    ("状态", 12),
    ("对应需求", 30),
    ("不予采纳的理由", 30),
    ("提交时间", 18),
)


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding `value` as text, never as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def write_workbook(suggestions, file) -> tuple[int, bool]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("意见建议")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append([text_cell(sheet, header) for header, _ in COLUMNS])
    rows, capped = 0, False
    for s in suggestions.iterator(chunk_size=1000):
        if rows >= EXPORT_CAP:
            capped = True
            break
        rows += 1
        sheet.append(
            [
                rows,
                text_cell(sheet, s.community.name),
                text_cell(sheet, str(s.box) if s.box_id else ""),
                text_cell(sheet, s.get_channel_display()),
                text_cell(sheet, s.text),
                text_cell(sheet, s.phone.masked),
                text_cell(sheet, s.get_status_display()),
                text_cell(sheet, s.need.title if s.need_id else ""),
                text_cell(sheet, s.close_reason),
                text_cell(sheet, f"{timezone.localtime(s.submitted_at):%Y-%m-%d %H:%M}"),
            ]
        )
    if capped:
        sheet.append([text_cell(sheet, f"只导出了前 {EXPORT_CAP} 条,请按条件筛选后分别导出。")])
    workbook.save(file)
    return rows, capped


def suggestion_workbook(*, user, filters: dict) -> FileResponse:
    """The suggestions the user sees, filtered like the inbox, as an .xlsx download; audited
    with the number of rows."""
    suggestions = selectors.suggestion_list(user=user, **filters).order_by("-submitted_at", "-id")
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        rows, capped = write_workbook(suggestions, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    shown = {k: str(getattr(v, "pk", v)) for k, v in filters.items() if v not in (None, "")}
    audit(
        actor=user,
        action="suggestion.export",
        detail={"rows": rows, "capped": capped, "filters": shown},
    )
    name = f"意见建议-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)
