"""Residents' grades as an Excel workbook: the grades of the projects the user sees, written row by
row from .iterator() (flat memory), every text cell as text (formula injection, QUALITY.md item
10). A household appears as its compound and building only: never its code, unit or room."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.audit import audit
from projects.export import CONTENT_TYPE, EXPORT_CAP, text_cell

from .selectors import export_rows

COLUMNS = (
    ("序号", 8),
    ("项目", 32),
    ("社区", 14),
    ("评价渠道", 12),
    ("评价", 10),
    ("是否核实", 10),
    ("小区", 16),
    ("楼栋", 10),
    ("活动场次", 12),
    ("意见", 48),
    ("评价时间", 18),
)


def write_workbook(grades, file) -> tuple[int, bool]:
    """Write the grades; (rows written, whether the cap cut the list)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民评价")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append([text_cell(sheet, header) for header, _ in COLUMNS])
    rows, capped = 0, False
    for grade in grades.iterator(chunk_size=1000):
        if rows >= EXPORT_CAP:
            capped = True
            break
        rows += 1
        household = grade.household
        building = household.building if household is not None else None
        sheet.append(
            [
                rows,
                text_cell(sheet, grade.project.title),
                text_cell(sheet, grade.project.community.name),
                text_cell(sheet, grade.get_channel_display()),
                text_cell(sheet, grade.get_verdict_display()),
                text_cell(sheet, "已核实" if household is not None else "未核实"),
                text_cell(sheet, building.compound.name if building else ""),
                text_cell(sheet, building.number if building else ""),
                text_cell(sheet, f"{grade.session.date:%Y-%m-%d}" if grade.session else ""),
                text_cell(sheet, grade.comment),
                text_cell(sheet, f"{timezone.localtime(grade.created_at):%Y-%m-%d %H:%M}"),
            ]
        )
    if capped:
        sheet.append([text_cell(sheet, f"只导出了前 {EXPORT_CAP} 条,请按项目分别导出。")])
    workbook.save(file)
    return rows, capped


def grade_workbook(*, user, project=None) -> FileResponse:
    """The grades the user may see (of one project when given) as an .xlsx download; audited
    with the number of rows, never a household."""
    grades = export_rows(user=user, project_id=project.pk if project is not None else None)
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        rows, capped = write_workbook(grades, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    audit(
        actor=user,
        action="grade.export",
        obj=project,
        detail={"rows": rows, "capped": capped, "project": project.pk if project else None},
    )
    today = timezone.localdate()
    name = (
        f"居民评价-{project.pk}-{today:%Y%m%d}.xlsx" if project else f"居民评价-{today:%Y%m%d}.xlsx"
    )
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)
