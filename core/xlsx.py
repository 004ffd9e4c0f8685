"""Small pieces every Excel export shares: a text cell that can never be a formula, and the
workbook's content type. (openpyxl's write-only mode; QUALITY.md item 10.)"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding `value` as text, never as a formula (a leading =, +, -, @ is kept as
    typed, behind Excel's quote prefix)."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value if value is not None else ""))
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
