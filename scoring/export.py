"""A round's ranking and its score sheets as Excel workbooks: written row by row from
.iterator() into a write-only workbook, every text cell as text (formula injection, QUALITY.md
item 10; projects/export.py's text_cell), every export audited."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.audit import audit
from projects.export import CONTENT_TYPE, text_cell

from .selectors import round_ranking, round_sheets

RANKING_COLUMNS = (
    ("名次", 6),
    ("项目", 36),
    ("街道", 14),
    ("社区", 14),
    ("得分", 10),
    ("已提交评分表", 12),
    ("去掉最高分", 10),
    ("去掉最低分", 10),
    ("评委总分中位数", 14),
    ("居民满意率(%)", 14),
)


def _prepared(sheet, title: str, columns) -> None:
    for index, (_, width) in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append([text_cell(sheet, title)])
    sheet.append([text_cell(sheet, header) for header, _ in columns])


def _number(value):
    return float(value) if value is not None else None


def write_ranking(round_, file) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("排名")
    _prepared(sheet, f"{round_.name} 排名({round_.get_tie_break_display()})", RANKING_COLUMNS)
    rows = 0
    for row in round_ranking(round_, medians=True):
        rows += 1
        high, low = row.score.dropped or (None, None)
        sheet.append(
            [
                row.rank,
                text_cell(sheet, row.title),
                text_cell(sheet, row.street),
                text_cell(sheet, row.community),
                _number(row.score.score),
                row.score.sheets,
                _number(high),
                _number(low),
                _number(row.score.median),
                _number(row.rate),
            ]
        )
    workbook.save(file)
    return rows


def write_sheets(round_, file) -> int:
    criteria = list(round_.rubric.criteria.all())
    columns = (
        ("项目", 36),
        ("社区", 14),
        ("评委", 16),
        ("状态", 10),
        *((f"{c.name}({c.points})", 12) for c in criteria),
        ("总分", 10),
        ("评语", 40),
        ("提交时间", 18),
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("评分表")
    _prepared(sheet, f"{round_.name} 评分表", columns)
    rows = 0
    sheets = round_sheets(round_).prefetch_related("scores")
    for score_sheet in sheets.iterator(chunk_size=200):
        rows += 1
        points = {s.criterion_id: s.points for s in score_sheet.scores.all()}
        submitted = (
            f"{timezone.localtime(score_sheet.submitted_at):%Y-%m-%d %H:%M}"
            if score_sheet.submitted_at
            else ""
        )
        sheet.append(
            [
                text_cell(sheet, score_sheet.entry.project.title),
                text_cell(sheet, score_sheet.entry.community.name),
                text_cell(sheet, score_sheet.judge.display_name or score_sheet.judge.username),
                text_cell(sheet, score_sheet.get_status_display()),
                *(_number(points.get(c.pk)) for c in criteria),
                _number(score_sheet.total),
                text_cell(sheet, score_sheet.comment),
                text_cell(sheet, submitted),
            ]
        )
    workbook.save(file)
    return rows


def _workbook(*, user, round_, write, action: str, name: str) -> FileResponse:
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        rows = write(round_, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    audit(actor=user, action=action, obj=round_, detail={"rows": rows})
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)


def ranking_workbook(*, user, round_) -> FileResponse:
    """The ranking as an .xlsx download (audited as round.export_ranking)."""
    return _workbook(
        user=user,
        round_=round_,
        write=write_ranking,
        action="round.export_ranking",
        name=f"排名-{round_.pk}.xlsx",
    )


def sheets_workbook(*, user, round_) -> FileResponse:
    """Every score sheet of the round as an .xlsx download (audited as round.export_sheets)."""
    return _workbook(
        user=user,
        round_=round_,
        write=write_sheets,
        action="round.export_sheets",
        name=f"评分表-{round_.pk}.xlsx",
    )
