"""All answers of a questionnaire as an Excel workbook: one row per returned copy, one column per
question (a template's over every copy, with the community). Responses and their answers are read
as two streams ordered by the response, merged row by row (flat memory), written to a temporary
file (openpyxl cannot stream to a response) and audited with the number of rows. Every text cell is
written as text (formula injection, QUALITY.md item 10). No device, no receipt: nothing personal."""

import tempfile
from itertools import groupby

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.audit import audit

from .models import QuestionKind, Survey
from .selectors import export_rows, questions_of

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_CAP = 100_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding `value` as text, never as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value if value is not None else ""))
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _shown(question, answers) -> str:
    """One question's answers in a cell: the options chosen (joined by 、), the score, the text."""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "、".join(
            question.options[a[2]] if 0 <= a[2] < len(question.options) else str(a[2] + 1)
            for a in answers
            if a[2] is not None
        )
    if question.kind == QuestionKind.RATING:
        return next((str(a[3]) for a in answers if a[3] is not None), "")
    return next((a[4] for a in answers if a[4]), "")


def write_workbook(survey: Survey, file) -> tuple[int, bool]:
    """Write the answers; (rows written, whether the cap cut them)."""
    questions = questions_of(survey)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("答卷")
    headers = [("序号", 8), ("社区", 14), ("渠道", 10), ("提交时间", 18), ("纸质编号", 12)]
    headers += [(f"{n}. {q.text}", 24) for n, q in enumerate(questions, start=1)]
    headers.append(("其他意见建议", 40))
    for index, (_, width) in enumerate(headers):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append([text_cell(sheet, header) for header, _ in headers])
    responses, answers = export_rows(survey)
    pending = groupby(answers.iterator(chunk_size=2000), key=lambda a: a[0])
    current = next(pending, None)
    rows, capped = 0, False
    for response in responses.iterator(chunk_size=2000):
        if rows >= EXPORT_CAP:
            capped = True
            break
        while current is not None and current[0] < response.pk:
            current = next(pending, None)
        mine = []
        if current is not None and current[0] == response.pk:
            mine = list(current[1])
            current = next(pending, None)
        by_question: dict[int, list] = {}
        for answer in mine:
            by_question.setdefault(answer[1], []).append(answer)
        rows += 1
        sheet.append(
            [
                rows,
                text_cell(sheet, response.survey.community.name),
                text_cell(sheet, response.get_channel_display()),
                text_cell(sheet, f"{timezone.localtime(response.submitted_at):%Y-%m-%d %H:%M}"),
                text_cell(sheet, response.paper_no),
                *(text_cell(sheet, _shown(q, by_question.get(q.pk, []))) for q in questions),
                text_cell(sheet, response.comment),
            ]
        )
    if capped:
        sheet.append([text_cell(sheet, f"只导出了前 {EXPORT_CAP} 份,请按社区副本分别导出。")])
    workbook.save(file)
    return rows, capped


def survey_workbook(*, survey: Survey, user) -> FileResponse:
    """The survey's answers as an .xlsx download, audited with the number of rows."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        rows, capped = write_workbook(survey, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    audit(
        actor=user,
        action="survey.export",
        obj=survey,
        detail={"rows": rows, "capped": capped},
    )
    name = f"问卷答卷-{survey.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPE)
