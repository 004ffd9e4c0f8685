"""Partners imported from an Excel file into one community: all rows or none.

    read_rows  the file: size, a real zip whose unpacked size is bounded (a zip bomb is refused
               before openpyxl opens it), no DTD in any part, the template's header, a row cap;
    check_rows every row: name, category (by name, on offer), phone (valid, whole, once in the file,
               not a partner of the community yet, nor one in its trash), duties, availability,
               skills, compound;
    apply      one transaction: the partners and their duties in batches, the job, the audit row.

A file with any bad row imports nothing: the report names every bad row and why. A small file
(≤ SYNC_ROWS rows) is checked in the request and, when clean, imported at once; a larger one is
stored and becomes an ImportJob that partners.tasks.import_partners checks (updating `checked`
as it goes, for the progress bar) and imports.
"""

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from core.audit import audit
from core.notifications import notify
from core.phone import MASKED_RE, Phone, normalise_phone, phone_hash
from core.uploads import store_upload

from .models import (
    Availability,
    Category,
    Duty,
    ImportJob,
    ImportStatus,
    Partner,
    PartnerKind,
    is_partner_phone_clash,
)

HEADER = (
    "名称或姓名",
    "类别",
    "手机号",
    "个人或单位",
    "职责",
    "可服务时间",
    "能提供的资源或服务",
    "所在小区",
)
EXAMPLE = (
    "张三",
    "热心居民",
    "13800000000",
    "个人",
    "政策宣传、志愿服务",
    "周末、工作日晚上",
    "楼道清理、邻里调解",
    "",
)
MAX_BYTES = 5 * 1024 * 1024
# What the archive may unpack to, all parts together: a 5 MB xlsx of 5,000 rows unpacks to a
# few MB; a zip bomb claims gigabytes.
MAX_UNPACKED = 60 * 1024 * 1024
MAX_PARTS = 500
MAX_ROWS = 5_000
# Blank rows (formatted but empty) read past before the file counts as too long.
MAX_BLANK_ROWS = 5_000
SYNC_ROWS = 200
BATCH = 500
PROGRESS_EVERY = 100
FINISHED = (ImportStatus.DONE, ImportStatus.REFUSED)
# 、 , ; / and their full-width forms (escaped: they look like the ASCII ones).
SEPARATORS = ("、", ",", "\uff0c", ";", "\uff1b", "/")
UNREADABLE = "无法读取这个文件:请用 Excel 或 WPS 另存为 .xlsx 格式后再上传。"
KINDS = {
    "": PartnerKind.PERSON,
    "个人": PartnerKind.PERSON,
    "单位": PartnerKind.ORGANISATION,
    "组织": PartnerKind.ORGANISATION,
    "单位或组织": PartnerKind.ORGANISATION,
}


# --- the file ------------------------------------------------------------------------------------
def _check_archive(data: bytes) -> None:
    """An xlsx is a zip: refuse anything else, an archive that would unpack to more than
    MAX_UNPACKED, and any part declaring a DTD (entity expansion), before openpyxl reads it."""
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(UNREADABLE, code="not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
                raise ValidationError(
                    "文件解压后过大,可能不是正常的 Excel 表格,已拒绝。", code="zip_bomb"
                )
            names = {p.filename for p in parts}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise ValidationError(UNREADABLE, code="not_xlsx")
            for part in parts:
                if part.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, part):
                    raise ValidationError(UNREADABLE, code="dtd")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError) as exc:
        # RuntimeError: an encrypted part; OSError/EOFError: a truncated archive.
        raise ValidationError(UNREADABLE, code="bad_zip") from exc


def _declares_dtd(archive, part) -> bool:
    """Whether an XML part declares a DTD or an entity anywhere (a comment may push one far from
    the start). openpyxl would expand entities (billion laughs) without defusedxml; a real
    workbook never declares any. The whole part is read in chunks: it is bounded by MAX_UNPACKED."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(64 * 1024):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-16:]
    return False


def _text(value) -> str:
    """A cell as one line of text: a number typed into a cell (13800000000.0) reads as digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime | date):
        value = value.isoformat()
    return " ".join(str(value).replace("\x00", "").split())


def read_rows(data: bytes) -> list[tuple[int, tuple[str, ...]]]:
    """(row number in Excel, the row's cells as text) for every non-blank row under the header.
    Raises ValidationError (the file's problem, one message) for anything but the template."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f"文件过大:不能超过 {MAX_BYTES // (1024 * 1024)} MB。", code="too_large"
        )
    if not data:
        raise ValidationError("文件是空的。", code="empty")
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; all mean the same
        raise ValidationError(UNREADABLE, code="unreadable") from exc
    try:
        return _rows(workbook)
    except ValidationError:
        raise
    except Exception as exc:  # a damaged sheet surfaces while its rows are read
        raise ValidationError(UNREADABLE, code="unreadable") from exc
    finally:
        workbook.close()


def _rows(workbook) -> list[tuple[int, tuple[str, ...]]]:
    if not workbook.worksheets:
        raise ValidationError(UNREADABLE, code="no_sheet")
    sheet = workbook.worksheets[0]
    width = len(HEADER)
    cells = sheet.iter_rows(values_only=True, max_col=width)
    header = tuple(_text(v) for v in (next(cells, None) or ()))
    header = header + ("",) * (width - len(header))
    if header != HEADER:
        raise ValidationError(
            "第 1 行应是模板的表头:" + "、".join(HEADER) + "。请下载模板,按模板填写后再导入。",
            code="header",
        )
    rows, blank = [], 0
    for number, values in enumerate(cells, start=2):
        texts = tuple(_text(v) for v in values) + ("",) * (width - len(values or ()))
        if not any(texts):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                break
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationError(
                f"一次最多导入 {MAX_ROWS} 行,这个文件更多。请分成几个文件导入。", code="too_many"
            )
        rows.append((number, texts[:width]))
    if not rows:
        raise ValidationError("表格里没有合伙人:请从第 2 行起每行填写一位。", code="no_rows")
    return rows


# --- the rows ------------------------------------------------------------------------------------
@dataclass
class Record:
    """One good row, ready to become a partner."""

    row: int
    name: str
    kind: str
    category: str  # code
    phone: str
    skills: str
    availability: list
    duties: list  # ids
    compound: int | None


@dataclass
class Checked:
    records: list = field(default_factory=list)
    report: list = field(default_factory=list)  # [{"row": 7, "name": "…", "errors": [...]}]
    total: int = 0


def _split(text: str) -> list[str]:
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    return [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]


class _Catalogue:
    """What a row may name, read once per file."""

    def __init__(self, community):
        self.categories = {c.name: c for c in Category.objects.all()}
        self.duties = {d.name: d for d in Duty.objects.all()}
        self.availability = {str(label): value for value, label in Availability.choices}
        self.compounds = dict(community.compounds.values_list("name", "pk"))


def _check_row(number: int, cells: tuple, catalogue: _Catalogue) -> tuple[Record, list[str]]:
    name, category, phone, kind, duties, availability, skills, compound = cells
    errors = []
    if cells == EXAMPLE:
        errors.append("这是模板里的示例行,请删除后再导入")
    if not name:
        errors.append("没有填写名称或姓名")
    elif len(name) > 80:
        errors.append("名称或姓名超过 80 个字")
    found = catalogue.categories.get(category)
    if not category:
        errors.append("没有填写类别")
    elif found is None:
        errors.append(f"没有“{category[:20]}”这个类别")
    elif not found.active:
        errors.append(f"类别“{category}”已停用")
    number_ok = ""
    if not phone:
        errors.append("没有填写手机号")
    elif MASKED_RE.match(phone):
        errors.append("手机号带 * 号,请填写完整的 11 位手机号")
    else:
        try:
            number_ok = normalise_phone(phone)
        except ValidationError:
            errors.append("手机号不正确,应为 11 位手机号")
    if kind not in KINDS:
        errors.append("个人或单位应填“个人”或“单位”")
    duty_ids = []
    for duty_name in _split(duties):
        duty = catalogue.duties.get(duty_name)
        if duty is None or not duty.active:
            errors.append(f"没有“{duty_name[:20]}”这项职责")
        elif duty.pk not in duty_ids:
            duty_ids.append(duty.pk)
    chosen = set()
    for label in _split(availability):
        if label not in catalogue.availability:
            errors.append(f"可服务时间“{label[:20]}”不正确")
        else:
            chosen.add(catalogue.availability[label])
    if len(skills) > 200:
        errors.append("能提供的资源或服务超过 200 个字")
    compound_id = None
    if compound:
        compound_id = catalogue.compounds.get(compound)
        if compound_id is None:
            errors.append(f"本社区没有“{compound[:30]}”这个小区")
    record = Record(
        row=number,
        name=name,
        kind=KINDS.get(kind, PartnerKind.PERSON),
        category=found.code if found is not None else "",
        phone=number_ok,
        skills=skills,
        availability=[v for v in Availability.values if v in chosen],
        duties=duty_ids,
        compound=compound_id,
    )
    return record, errors


TAKEN = "手机号已是本社区的合伙人"
IN_TRASH = "手机号属于本社区回收站里的一位合伙人,不能重复登记(如需恢复,请联系系统管理员)"
JUST_TAKEN = "导入时有合伙人刚以文件里的手机号登记,没有导入任何合伙人。请重新导入"


def _existing_phones(community, hashes) -> dict[str, str]:
    """The numbers among these that already belong to a partner of the community (any status,
    in the trash too: PARTNER_ONE_PHONE), each with the reason for its row."""
    hashes, found = list(hashes), {}
    for start in range(0, len(hashes), BATCH):
        rows = Partner.objects.filter(
            community=community, phone_hash__in=hashes[start : start + BATCH]
        ).values_list("phone_hash", "deleted_at")
        for digest, deleted_at in rows:
            if deleted_at is None or digest not in found:
                found[digest] = TAKEN if deleted_at is None else IN_TRASH
    return found


def check_rows(community, rows, *, on_progress=None) -> Checked:
    """Every row checked; the report lists each bad row with all its reasons."""
    catalogue = _Catalogue(community)
    checked = Checked(total=len(rows))
    problems: dict[int, list[str]] = {}
    first_row: dict[str, int] = {}
    hashes: dict[int, str] = {}
    for index, (number, cells) in enumerate(rows, start=1):
        record, errors = _check_row(number, cells, catalogue)
        if record.phone:
            digest = phone_hash(record.phone)
            hashes[number] = digest
            if digest in first_row:
                errors.append(f"手机号与第 {first_row[digest]} 行重复")
            else:
                first_row[digest] = number
        checked.records.append(record)
        if errors:
            problems[number] = errors
        if on_progress is not None and index % PROGRESS_EVERY == 0:
            on_progress(index)
    taken = _existing_phones(community, set(hashes.values()))
    for number, digest in hashes.items():
        if digest in taken:
            problems.setdefault(number, []).append(taken[digest])
    names = {record.row: record.name for record in checked.records}
    checked.report = [
        {"row": number, "name": names[number][:40], "errors": errors}
        for number, errors in sorted(problems.items())
    ]
    if on_progress is not None:
        on_progress(len(rows))
    return checked


# --- importing -----------------------------------------------------------------------------------
class ImportRefused(ValidationError):
    """Bad rows: nothing was imported. `report` names every bad row and why."""

    def __init__(self, report: list, total: int):
        super().__init__(
            f"共 {total} 行,其中 {len(report)} 行有问题,没有导入任何合伙人。",
            code="bad_rows",
        )
        self.report = report
        self.total = total


def _insert(community, records: list[Record], by) -> int:
    """The partners and their duties, in batches, inside the caller's transaction."""
    partners = [
        Partner(
            community=community,
            created_by=by,
            name=record.name,
            kind=record.kind,
            category_id=record.category,
            phone=Phone(record.phone),
            # PhoneField.pre_save fills it on bulk_create too; set here so nothing depends on it.
            phone_hash=phone_hash(record.phone),
            skills=record.skills,
            availability=record.availability,
            compound_id=record.compound,
        )
        for record in records
    ]
    made = Partner.objects.bulk_create(partners, batch_size=BATCH)
    through = Partner.duties.through
    links = [
        through(partner_id=partner.pk, duty_id=duty)
        for partner, record in zip(made, records, strict=True)
        for duty in record.duties
    ]
    through.objects.bulk_create(links, batch_size=BATCH)
    return len(made)


def _read_upload(uploaded_file) -> bytes:
    if uploaded_file.size > MAX_BYTES:
        raise ValidationError(
            f"文件过大:不能超过 {MAX_BYTES // (1024 * 1024)} MB。", code="too_large"
        )
    data = uploaded_file.read(MAX_BYTES + 1)
    uploaded_file.seek(0)
    return data


def import_start(*, by, community, uploaded_file) -> ImportJob:
    """Import an Excel file into the community. A small file is checked now: any bad row →
    ImportRefused (nothing stored); a clean one is imported at once. A larger one is stored and
    queued (partners.tasks.import_partners); its page shows the progress and the report."""
    if not by.has_perm("partners.import_partner", community):
        raise PermissionDenied
    data = _read_upload(uploaded_file)
    rows = read_rows(data)
    if len(rows) > SYNC_ROWS:
        return _queue(by=by, community=community, uploaded_file=uploaded_file, total=len(rows))
    checked = check_rows(community, rows)
    if checked.report:
        raise ImportRefused(checked.report, checked.total)
    with transaction.atomic():
        if clashes := _late_clashes(community, checked.records):
            raise ImportRefused(clashes, checked.total)
        # The partners first: refused, nothing (not even the file) is stored.
        created, clashes = _insert_unless_taken(community, checked.records, by)
        if clashes:
            raise ImportRefused(clashes, checked.total)
        upload = store_upload(uploaded_file=uploaded_file, kind="document", by=by)
        job = ImportJob.objects.create(
            community=community,
            upload=upload,
            status=ImportStatus.DONE,
            total=checked.total,
            checked=checked.total,
            created=created,
            finished_at=timezone.now(),
            created_by=by,
        )
        _owned_by(upload, job)
        audit(actor=by, action="partner.import", obj=job, detail=_detail(job))
    return job


def _owned_by(upload, job) -> None:
    """The file is read through its job (core:file asks ImportJob.visible_to)."""
    from django.contrib.contenttypes.models import ContentType

    upload.owner_type = ContentType.objects.get_for_model(ImportJob)
    upload.owner_id = job.pk
    upload.save(update_fields=["owner_type", "owner_id"])


def _detail(job) -> dict:
    return {"community": job.community_id, "rows": job.total, "created": job.created}


@transaction.atomic
def _queue(*, by, community, uploaded_file, total: int) -> ImportJob:
    from .tasks import import_partners

    upload = store_upload(uploaded_file=uploaded_file, kind="document", by=by)
    job = ImportJob.objects.create(community=community, upload=upload, total=total, created_by=by)
    _owned_by(upload, job)
    audit(actor=by, action="partner.import_queued", obj=job, detail={"rows": total})
    transaction.on_commit(lambda: import_partners.delay(job.pk))
    return job


def import_run(*, job_id: int) -> str:
    """Check a queued job's file row by row (its `checked` moves as it goes) and import it in
    one transaction, or refuse it with the report. Run twice, or by two workers at once, it
    imports once: the outcome is decided on the locked job row, and a finished job stays so."""
    job = ImportJob.objects.select_related("community", "upload", "created_by").filter(pk=job_id)
    job = job.first()
    if job is None or job.status in FINISHED:
        return job.status if job else "missing"
    unfinished = ImportJob.objects.filter(pk=job.pk).exclude(status__in=FINISHED)
    unfinished.update(status=ImportStatus.RUNNING)

    def progress(count: int) -> None:
        unfinished.update(checked=count)

    try:
        with job.upload.file.open("rb") as stream:
            rows = read_rows(stream.read(MAX_BYTES + 1))
    except ValidationError as exc:
        return _finish(job, None, [{"row": None, "name": "", "errors": exc.messages}])
    checked = check_rows(job.community, rows, on_progress=progress)
    return _finish(job, checked, checked.report)


def _finish(job, checked: Checked | None, report: list) -> str:
    """Import the checked rows, or refuse the job with the report, on the locked job row."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in FINISHED:
            return locked.status
        if not report:
            # A partner registered while the file was being checked may hold one of its numbers.
            report = _late_clashes(job.community, checked.records)
        if not report:
            locked.created, report = _insert_unless_taken(
                job.community, checked.records, job.created_by
            )
        locked.checked = locked.total
        locked.finished_at = timezone.now()
        if report:
            locked.status, locked.report = ImportStatus.REFUSED, report
            action = event = "partner.import_refused"
            title = f"合伙人导入未完成:{len(report)} 行有问题"
        else:
            locked.status = ImportStatus.DONE
            action, event = "partner.import", "partner.import_done"
            title = f"合伙人导入完成:新增 {locked.created} 位"
        locked.save(update_fields=["status", "report", "checked", "created", "finished_at"])
        detail = _detail(locked) if not report else {"rows": job.total, "bad_rows": len(report)}
        audit(actor=job.created_by, action=action, obj=locked, detail=detail)
        notify(job.created_by, event, locked, title=title)
    return locked.status


def _late_clashes(community, records) -> list:
    taken = _existing_phones(community, {phone_hash(r.phone) for r in records})
    return [
        {"row": r.row, "name": r.name[:40], "errors": [taken[phone_hash(r.phone)]]}
        for r in records
        if phone_hash(r.phone) in taken
    ]


def _insert_unless_taken(community, records: list[Record], by) -> tuple[int, list]:
    """_insert, or nothing and the report when a partner was registered with one of the
    numbers after the last check (PARTNER_ONE_PHONE refused the batch)."""
    try:
        with transaction.atomic():
            return _insert(community, records, by), []
    except IntegrityError as exc:
        if not is_partner_phone_clash(exc):
            raise
    report = _late_clashes(community, records)  # the row committed meanwhile, where it shows
    return 0, report or [{"row": None, "name": "", "errors": [JUST_TAKEN]}]


def template_rows() -> list[tuple[str, ...]]:
    """The template's header and its example row (the example's number is not a real one)."""
    return [HEADER, EXAMPLE]
