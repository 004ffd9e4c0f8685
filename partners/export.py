"""The partners list as an Excel workbook: the list's filters and order, every page.

openpyxl cannot stream to a response: rows are read with `.iterator()` (duties prefetched chunk by
chunk) into a write-only workbook, saved to a temporary file and sent with FileResponse, which
closes (and so deletes) it once sent; memory stays flat whatever the number of rows. Every text
cell is text, never a formula (QUALITY.md item 10).

Phone numbers: in full only for the staff of the partner's own community, who call their partners
(`partners.view_full_phone`); masked (138****5678) for everybody else, street and district staff
included. The audit row holds who, the filters (a searched number masked), how many rows and
whether any full number went out.
"""

import tempfile

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.audit import audit
from core.privacy import mask_personal

from .models import Availability, Duty
from .rules_staff import full_phone_communities

# Past this many rows the workbook stops and says so: the district's 45,680 partners at ten times
# the seed's scale still fit in one workbook.
EXPORT_CAP = 50_000
CHUNK = 2_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    ("名称或姓名", 24),
    ("个人或单位", 10),
    ("类别", 12),
    ("职责", 30),
    ("可服务时间", 22),
    ("能提供的资源或服务", 30),
    ("街道", 14),
    ("社区", 14),
    ("小区", 16),
    ("联系电话", 14),
    ("状态", 8),
    ("停用或退出原因", 24),
    ("单位党组织", 20),
    ("工作单位", 20),
    ("登记时间", 18),
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AVAILABILITY = dict(Availability.choices)


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


def _row(sheet, partner, *, full: bool) -> list:
    phone = partner.phone.full if full else partner.phone.masked
    return [
        text_cell(sheet, partner.name),
        text_cell(sheet, partner.get_kind_display()),
        text_cell(sheet, partner.category.name),
        text_cell(sheet, "、".join(d.name for d in partner.duties.all())),
        text_cell(sheet, "、".join(str(AVAILABILITY.get(a, "")) for a in partner.availability)),
        text_cell(sheet, partner.skills),
        text_cell(sheet, partner.community.street.name),
        text_cell(sheet, partner.community.name),
        text_cell(sheet, partner.compound.name if partner.compound else ""),
        text_cell(sheet, phone),
        text_cell(sheet, partner.get_status_display()),
        text_cell(sheet, partner.status_reason),
        text_cell(sheet, partner.party_org),
        text_cell(sheet, partner.employer),
        _time_cell(sheet, partner.created_at),
    ]


def write_workbook(partners, file, *, cap: int, full_for: frozenset) -> tuple[int, bool, int]:
    """Write the header and up to `cap` partners to `file`: (rows written, whether capped, rows
    with a full number)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("幸福家园合伙人")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, header) for header, _ in COLUMNS])
    rows, capped, full_rows = 0, False, 0
    partners = partners.select_related("community__street", "compound", "category")
    partners = partners.prefetch_related(
        Prefetch("duties", queryset=Duty.objects.only("id", "name", "order"))
    )
    for partner in partners[: cap + 1].iterator(chunk_size=CHUNK):
        if rows == cap:
            capped = True
            break
        full = partner.community_id in full_for
        sheet.append(_row(sheet, partner, full=full))
        rows += 1
        full_rows += full
    if capped:
        sheet.append([])
        sheet.append([text_cell(sheet, f"只导出了前 {cap} 条,请缩小筛选范围后分批导出。")])
    workbook.save(file)
    return rows, capped, full_rows


def partner_workbook(*, user, partners, filters: dict) -> FileResponse:
    """The list's partners as an .xlsx download, its export written to the audit log."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        rows, capped, full_rows = write_workbook(
            partners, file, cap=EXPORT_CAP, full_for=full_phone_communities(user)
        )
    except BaseException:
        file.close()
        raise
    file.seek(0)
    shown = {k: mask_personal(str(getattr(v, "pk", v))) for k, v in filters.items()}
    audit(
        actor=user,
        action="partner.export",
        detail={"filters": shown, "rows": rows, "capped": capped, "full_phones": full_rows},
    )
    name = f"幸福家园合伙人-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)
