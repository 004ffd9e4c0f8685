"""The Excel import: all rows or none, a report naming every bad row, files refused before they
are read, the background path with its progress."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent, Notification, Upload
from core.phone import phone_hash
from partners import imports
from partners.models import Category, ImportJob, ImportStatus, Partner
from partners.tasks import import_partners
from tests import factories as f

pytestmark = pytest.mark.django_db

GOOD = [
    ("王师傅", "物业", "13900000001", "个人", "政策宣传、应急值守", "周末", "水电维修", "国奥花园"),
    ("国奥超市", "周边商户", 13900000002, "单位", "物资保障", "工作日白天,周末", "", ""),
    ("李阿姨", "热心居民", "139-0000-0003", "", "", "", "邻里调解", ""),
]


def workbook(rows, header=imports.HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="合伙人.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post(client, data: bytes, name="合伙人.xlsx"):
    return client.post("/partners/import/", {"once": f.once(), "file": upload(data, name)})


def numbered(n, start=0):
    return [
        (f"合伙人{i}", "热心居民", f"1370000{i:04d}", "个人", "志愿服务", "周末", "", "")
        for i in range(start, start + n)
    ]


# --- a clean file ----------------------------------------------------------------------------------
def test_a_good_file_imports_every_row_with_its_duties_and_an_audit_row(client, org, people):
    client.force_login(people.secretary)

    response = post(client, workbook(GOOD))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.total, job.checked, job.created) == ("done", 3, 3, 3)
    assert job.community == org.guoao and job.upload.content_type.endswith("sheet")
    wang = Partner.objects.get(phone_hash=phone_hash("13900000001"))  # filled on bulk_create
    assert (
        wang.name == "王师傅" and wang.compound == org.compound and wang.category_id == "property"
    )
    assert set(wang.duties.values_list("code", flat=True)) == {"publicity", "standby"}
    shop = Partner.objects.get(name="国奥超市")
    assert shop.is_unit and shop.phone.full == "13900000002"
    assert shop.availability == ["weekday_day", "weekend"]
    assert Partner.objects.get(name="李阿姨").phone.full == "13900000003"
    event = AuditEvent.objects.get(action="partner.import")
    assert event.detail == {"community": org.guoao.pk, "rows": 3, "created": 3}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "新增 3 位合伙人" in page and "已导入" in page


# --- the done-when line: two bad rows import nothing and are both named -----------------------------
def test_a_file_with_two_bad_rows_imports_nothing_and_names_both(client, org, people):
    rows = [*GOOD[:1], ("张三", "物业", "12345", "", "", "", "", ""), *GOOD[1:2]]
    rows.append(("", "不存在的类别", "13900000009", "", "巡逻", "半夜", "", "别的小区"))
    client.force_login(people.secretary)
    before = Partner.objects.count()

    response = post(client, workbook(rows))

    assert response.status_code == 422
    report = {entry["row"]: entry["errors"] for entry in response.context["form"].report}
    assert sorted(report) == [3, 5]
    assert report[3] == ["手机号不正确,应为 11 位手机号"]
    assert report[5] == [
        "没有填写名称或姓名",
        "没有“不存在的类别”这个类别",
        "没有“巡逻”这项职责",
        "可服务时间“半夜”不正确",
        "本社区没有“别的小区”这个小区",
    ]
    page = response.content.decode()
    assert "第 3 行(张三)" in page and "第 5 行" in page and "4 行,其中 2 行有问题" in page
    assert Partner.objects.count() == before
    assert not ImportJob.objects.exists() and not Upload.objects.exists()


def test_every_reason_a_row_can_be_bad_is_reported(org, people):
    f.PartnerFactory(community=org.guoao, phone="13900000005")
    Category.objects.filter(code="merchant").update(active=False)
    rows = [
        (1, ("甲", "物业", "139****0001", "", "", "", "", "")),
        (2, ("乙", "周边商户", "13900000002", "团体", "", "", "", "")),
        (3, ("丙", "物业", "13900000003", "", "", "", "长" * 201, "")),
        (4, ("丁", "物业", "13900000003", "", "", "", "", "")),
        (5, ("戊", "物业", "13900000005", "", "", "", "", "")),
        (6, imports.EXAMPLE),
        (7, ("长" * 81, "物业", "", "", "", "", "", "")),
    ]
    report = {e["row"]: e["errors"] for e in imports.check_rows(org.guoao, rows).report}
    assert report[1] == ["手机号带 * 号,请填写完整的 11 位手机号"]
    assert report[2] == ["类别“周边商户”已停用", "个人或单位应填“个人”或“单位”"]
    assert report[3] == ["能提供的资源或服务超过 200 个字"]
    assert report[4] == ["手机号与第 3 行重复"]
    assert report[5] == ["手机号已是本社区的合伙人"]
    assert report[6][0] == "这是模板里的示例行,请删除后再导入"
    assert report[7] == ["名称或姓名超过 80 个字", "没有填写手机号"]


def test_a_number_of_another_community_is_not_a_clash(org, people):
    f.PartnerFactory(community=org.yuehai, phone="13900000001")
    checked = imports.check_rows(org.guoao, [(2, GOOD[0])])
    assert checked.report == []


# --- files refused before a row is read -------------------------------------------------------------
def zipped(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,phone\n", "无法读取这个文件"),
        (b"PK\x03\x04 broken", "无法读取这个文件"),
        (zipped({"word/document.xml": "<w/>", "[Content_Types].xml": "<T/>"}), "无法读取这个文件"),
        (
            zipped({"[Content_Types].xml": "<T/>", "xl/workbook.xml": "<wb/>"}),
            "无法读取这个文件",
        ),
        (
            zipped(
                {
                    "[Content_Types].xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><T/>',
                    "xl/workbook.xml": "<wb/>",
                }
            ),
            "无法读取这个文件",
        ),
        (b"", "文件是空的"),
    ],
    ids=["csv", "broken-zip", "docx", "damaged-xlsx", "dtd", "empty"],
)
def test_a_file_that_is_no_workbook_is_refused_with_a_message(client, people, data, message):
    client.force_login(people.secretary)
    response = post(client, data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not ImportJob.objects.exists() and not Partner.objects.exists()


def test_an_entity_declared_far_down_a_part_is_refused(client, people):
    long_comment = "<!--" + "x" * 100_000 + "-->"
    data = zipped(
        {
            "[Content_Types].xml": "<T/>",
            "xl/workbook.xml": f'<?xml version="1.0"?>{long_comment}<!ENTITY a "aa"><wb/>',
        }
    )
    client.force_login(people.secretary)
    response = post(client, data)
    assert response.status_code == 422 and "无法读取这个文件" in response.content.decode()


def test_duties_and_times_split_on_ascii_and_full_width_separators(org):
    row = (
        "甲",
        "物业",
        "13900000001",
        "",
        "政策宣传\uff0c应急值守;物资保障",
        "周末\uff1b随叫随到",
        "",
        "",
    )
    checked = imports.check_rows(org.guoao, [(2, row)])
    assert checked.report == []
    record = checked.records[0]
    assert len(record.duties) == 3 and record.availability == ["weekend", "on_call"]


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(client, people, monkeypatch):
    opened = []
    monkeypatch.setattr(imports, "load_workbook", lambda *a, **k: opened.append(1))
    bomb = zipped(
        {
            "[Content_Types].xml": "<T/>",
            "xl/worksheets/sheet1.xml": b"\0" * (imports.MAX_UNPACKED + 1),
        }
    )
    assert len(bomb) < 200_000
    client.force_login(people.secretary)
    response = post(client, bomb)
    assert response.status_code == 422 and "解压后过大" in response.content.decode()
    assert not opened


def test_a_file_over_the_size_cap_is_refused(client, people, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    client.force_login(people.secretary)
    response = post(client, workbook(GOOD))
    assert response.status_code == 422 and "文件过大" in response.content.decode()
    assert not Partner.objects.exists()


def test_a_file_over_the_row_cap_is_refused(client, people, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    client.force_login(people.secretary)
    response = post(client, workbook(GOOD))
    assert response.status_code == 422 and "一次最多导入 2 行" in response.content.decode()


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (("姓名", "电话"), GOOD, "第 1 行应是模板的表头"),
        (None, [], "第 1 行应是模板的表头"),
        (imports.HEADER, [], "表格里没有合伙人"),
    ],
)
def test_a_wrong_header_or_no_rows_is_refused(client, people, header, rows, message):
    client.force_login(people.secretary)
    response = post(client, workbook(rows, header=header))
    assert response.status_code == 422 and message in response.content.decode()


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(org):
    data = workbook([GOOD[0], (None,) * 8, ("", "", ""), GOOD[1]])
    rows = imports.read_rows(data)
    assert [number for number, _ in rows] == [2, 5]
    assert rows[1][1][2] == "13900000002"  # a number typed as a number reads as its digits


# --- rules ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["street", "district", "partner"])
def test_only_community_staff_import(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/partners/import/").status_code == 403
    assert post(client, workbook(GOOD)).status_code == 403
    assert not Partner.objects.exists()


def test_someone_in_two_communities_picks_where_the_file_goes(client, org, people):
    f.add_role(people.secretary, "worker", org.haiyun)
    client.force_login(people.secretary)
    choice = client.get("/partners/import/")
    assert "请先选择在哪个社区" in choice.content.decode()
    response = client.post(
        f"/partners/import/?community={org.haiyun.pk}",
        {"once": f.once(), "file": upload(workbook(GOOD[1:]))},
    )
    assert response.status_code == 302
    assert set(Partner.objects.values_list("community", flat=True)) == {org.haiyun.pk}


def test_another_communitys_import_is_a_404(client, org, people):
    client.force_login(people.secretary)
    post(client, workbook(GOOD))
    job = ImportJob.objects.get()
    client.force_login(people.secretary2)
    assert client.get(job.get_absolute_url()).status_code == 404
    client.force_login(people.street)
    assert client.get(job.get_absolute_url()).status_code == 403


def test_the_same_form_posted_twice_imports_once(client, org, people):
    client.force_login(people.secretary)
    token = f.once()
    first = client.post("/partners/import/", {"once": token, "file": upload(workbook(GOOD))})
    second = client.post("/partners/import/", {"once": token, "file": upload(workbook(GOOD))})
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Partner.objects.count() == 3 and ImportJob.objects.count() == 1


# --- the background path ----------------------------------------------------------------------------
def test_a_large_file_is_imported_in_the_background_with_progress(
    client, org, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []  # the job's `checked` as the page would read it, at each progress step
    check_rows = imports.check_rows

    def watched(community, rows, *, on_progress=None):
        def progress(count):
            on_progress(count)
            seen.append(ImportJob.objects.get().checked)

        return check_rows(community, rows, on_progress=progress)

    monkeypatch.setattr(imports, "check_rows", watched)
    client.force_login(people.secretary)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, workbook(numbered(5)))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert seen == [2, 4, 5]
    assert (job.status, job.checked, job.created) == ("done", 5, 5)
    assert Partner.objects.filter(community=org.guoao).count() == 5
    assert {"partner.import_queued", "partner.import"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    assert Notification.objects.get(recipient=people.secretary).title == "合伙人导入完成:新增 5 位"


def test_a_large_file_with_bad_rows_is_refused_in_the_background_and_reported(
    client, org, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    rows = numbered(5)
    rows[1] = ("坏行", "热心居民", "123", "", "", "", "", "")
    rows[4] = ("坏行二", "没有的类别", "13700009999", "", "", "", "", "")
    client.force_login(people.secretary)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, workbook(rows))

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REFUSED and job.checked == 5 and job.created == 0
    assert [entry["row"] for entry in job.report] == [3, 6]
    assert not Partner.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "第 3 行(坏行)" in page and "第 6 行(坏行二)" in page and "未导入" in page
    assert AuditEvent.objects.get(action="partner.import_refused").detail["bad_rows"] == 2


def test_a_job_run_twice_imports_once(client, org, people, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    client.force_login(people.secretary)
    post(client, workbook(numbered(5)))  # on_commit not run: the job waits in the queue
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED and not Partner.objects.exists()

    assert import_partners.delay(job.pk).get() == "done"
    assert import_partners.delay(job.pk).get() == "done"

    assert Partner.objects.count() == 5
    assert AuditEvent.objects.filter(action="partner.import").count() == 1


def test_a_number_registered_while_the_file_waited_refuses_the_job(
    client, org, people, monkeypatch
):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    client.force_login(people.secretary)
    post(client, workbook(numbered(5)))
    f.PartnerFactory(community=org.guoao, phone="13700000002")
    job = ImportJob.objects.get()

    imports.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "refused" and job.report[0]["row"] == 4
    assert Partner.objects.count() == 1


def test_the_progress_fragment_polls_while_running_with_constant_queries(
    client, org, people, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    client.force_login(people.secretary)
    post(client, workbook(numbered(5)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="running", checked=2)

    with django_assert_max_num_queries(6):
        fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})

    text = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in text and "已检查 2 / 5 行" in text
    assert "<html" not in text and "<nav" not in text
    imports.import_run(job_id=job.pk)
    done = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "新增 5 位合伙人" in done


# --- the template ---------------------------------------------------------------------------------
def test_the_template_has_the_header_and_an_example_and_is_refused_as_it_is(client, people):
    client.force_login(people.secretary)
    response = client.get("/partners/import/template/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == imports.HEADER and rows[1][:3] == ("张三", "热心居民", "13800000000")
    assert sheet["C2"].data_type == "s"

    refused = post(client, data)
    assert refused.status_code == 422 and "示例行" in refused.content.decode()
