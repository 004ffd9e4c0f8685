"""Household code slips (户码条): a batch per compound or building, its PDF made by a task, one
slip per household; voiding gives new codes and starts a replacement; the codes appear nowhere
but on the slips."""

import json
import re
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Household
from core.models import AuditEvent
from core.workflow import Conflict
from evaluation import slips
from evaluation.models import Channel, CodeBatch, Grade, Verdict
from tests import factories as f

from .slip_factories import batch as make_batch
from .slip_factories import building_with_households

Status = CodeBatch.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def tower(org):
    """国奥花园 5号楼: 2 units × 6 rooms = 12 households (two A4 pages of slips)."""
    return building_with_households(
        org.compound, "5号楼", rooms=("101", "102", "201", "202", "301", "302")
    )


def _codes(**lookup) -> dict:
    return dict(Household.objects.filter(**lookup).values_list("pk", "code"))


def _streams(pdf: bytes) -> list[bytes]:
    """Every compressed stream of the PDF, inflated (objects live in object streams)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return found


def _pdf_pages(pdf: bytes) -> int:
    return sum(len(re.findall(rb"/Type\s*/Page\b", s)) for s in [pdf, *_streams(pdf)])


def _pdf_unicode(pdf: bytes) -> str:
    """The characters the PDF's fonts map back to Unicode (its text layer), from the
    ToUnicode CMaps."""
    found = []
    for text in _streams(pdf):
        if b"beginbfchar" in text or b"beginbfrange" in text:
            for hexa in re.findall(rb"<([0-9A-Fa-f]{4,})>\s*$", text, re.M):
                found.append(bytes.fromhex(hexa.decode()).decode("utf-16-be", "ignore"))
    return "".join(found)


def _create(people, org, building=None, capture=None):
    return slips.batch_create(
        community=org.guoao, compound=org.compound, building=building, by=people.secretary
    )


# --- making the PDF -----------------------------------------------------------------------
def test_creating_a_batch_queues_the_task_which_makes_one_slip_per_household(
    org, people, tower, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = _create(people, org, tower)
    assert len(callbacks) == 1  # the task, queued once the batch is committed

    batch.refresh_from_db()
    assert batch.status == Status.READY
    assert batch.households == 12
    assert batch.pdf.name.startswith("slips/") and batch.pdf.name.endswith(".pdf")
    pdf = batch.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert _pdf_pages(pdf) == 2  # 12 slips, 8 to a page
    text = _pdf_unicode(pdf)
    assert {"户", "码", "扫", "评"} <= set(text), "no Chinese text layer in the PDF"
    # A random name: it says nothing of the place.
    assert "国奥" not in batch.pdf.name and "5号楼" not in batch.pdf.name


def test_the_slips_html_has_each_household_with_its_code_the_link_and_the_qr(
    org, people, tower, settings
):
    settings.PUBLIC_BASE_URL = "https://bsbj.example.cn"
    batch = make_batch(people, org.compound, tower, status=Status.PREPARING)
    rows = slips.slip_rows(batch)

    html = slips.slips_html(batch, rows)

    assert html.count('class="slip"') == 12
    assert html.count('class="page"') == 2
    for code in _codes(building=tower).values():
        assert html.count(code) == 1
    assert "国奥花园 5号楼 2单元 302" in html
    assert html.count("https://bsbj.example.cn/p/grade/") == 12
    assert html.count("data:image/svg+xml") == 12
    assert "微信扫码,输入户码,给社区项目打分" in html


def test_a_whole_compound_batch_prints_every_building(org, people, tower):
    batch = make_batch(people, org.compound, status=Status.PREPARING)
    assert len(slips.slip_rows(batch)) == 13  # 5号楼's 12 and 3号楼's one


def test_a_render_failure_marks_the_batch_failed_with_a_reason_and_it_can_be_retried(
    org, people, tower, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(batch):
        raise RuntimeError("pango is gone")

    monkeypatch.setattr(slips, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = _create(people, org, tower)
    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert "RuntimeError" in batch.error and not batch.pdf

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        slips.batch_retry(batch=batch, by=people.worker)
    batch.refresh_from_db()
    assert batch.status == Status.READY and batch.error == ""


def test_the_task_leaves_a_batch_voided_while_its_pdf_was_made(org, people, tower, monkeypatch):
    batch = make_batch(people, org.compound, tower, status=Status.PREPARING)
    real = slips.render_pdf

    def void_meanwhile(b):
        made = real(b)
        CodeBatch.objects.filter(pk=b.pk).update(status=Status.VOIDED)
        return made

    monkeypatch.setattr(slips, "render_pdf", void_meanwhile)

    assert slips.batch_render(batch_id=batch.pk) == Status.VOIDED
    batch.refresh_from_db()
    assert not batch.pdf
    # Run again (a redelivered task): nothing happens.
    assert slips.batch_render(batch_id=batch.pk) == Status.VOIDED


# --- one live batch per household ---------------------------------------------------------
def test_a_second_batch_for_the_same_households_is_refused_while_one_is_live(org, people, tower):
    other = building_with_households(org.compound, "6号楼", rooms=("101",))
    make_batch(people, org.compound, tower, status=Status.PREPARING)

    with pytest.raises(ValidationError, match="已有一批户码条"):
        _create(people, org, tower)
    with pytest.raises(ValidationError, match="国奥花园 5号楼已有一批户码条"):
        _create(people, org)  # the whole compound holds 5号楼
    assert _create(people, org, other).building == other  # another building is free


def test_a_building_batch_is_refused_while_the_whole_compound_is_live(org, people, tower):
    make_batch(people, org.compound, status=Status.READY)
    with pytest.raises(ValidationError, match=re.escape("国奥花园(全部楼栋)已有一批")):
        _create(people, org, tower)


def test_a_failed_or_voided_batch_does_not_block_a_new_one(org, people, tower):
    make_batch(people, org.compound, tower, status=Status.FAILED)
    make_batch(people, org.compound, tower, status=Status.VOIDED)
    assert _create(people, org, tower).status == Status.PREPARING


def test_only_the_communitys_staff_print_and_only_its_compounds(org, people, tower):
    for person in (people.secretary2, people.street, people.district, people.resident):
        with pytest.raises(PermissionDenied):
            slips.batch_create(
                community=org.guoao, compound=org.compound, building=tower, by=person
            )
    elsewhere = f.CompoundFactory(community=org.yuehai)
    with pytest.raises(ValidationError, match="本社区的小区"):
        slips.batch_create(community=org.guoao, compound=elsewhere, by=people.secretary)
    assert not CodeBatch.objects.exists()


def test_a_building_without_households_prints_nothing(org, people):
    empty = f.BuildingFactory(compound=org.compound, number="9号楼")
    with pytest.raises(ValidationError, match="还没有登记住户"):
        _create(people, org, empty)


# --- voiding ------------------------------------------------------------------------------
def test_voiding_renews_the_codes_deletes_the_pdf_and_starts_a_replacement(
    org, people, tower, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = _create(people, org, tower)
    batch.refresh_from_db()
    pdf_name, storage = batch.pdf.name, batch.pdf.storage
    before, elsewhere = _codes(building=tower), _codes(building__number="3号楼")
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    household = Household.objects.filter(building=tower).first()
    grade = Grade.objects.create(
        project=project, household=household, channel=Channel.ONLINE, verdict=Verdict.SATISFIED
    )

    with django_capture_on_commit_callbacks(execute=True):
        new = slips.batch_void(batch=batch, reason="户码条丢失", by=people.worker)

    batch.refresh_from_db()
    assert batch.status == Status.VOIDED
    assert batch.void_reason == "户码条丢失" and batch.voided_by == people.worker
    assert not batch.pdf and not storage.exists(pdf_name)
    after = _codes(building=tower)
    assert set(after) == set(before)
    assert all(after[pk] != before[pk] for pk in before)
    assert len(set(after.values())) == 12
    assert _codes(building__number="3号楼") == elsewhere  # outside the batch: unchanged
    new.refresh_from_db()
    assert new.replaces == batch and new.building == tower
    assert new.status == Status.READY  # its PDF made with the new codes
    assert Grade.objects.filter(pk=grade.pk, household=household).exists()  # still counted


def test_voiding_needs_a_reason_and_a_live_batch(org, people, tower):
    batch = make_batch(people, org.compound, tower)
    codes = _codes(building=tower)
    with pytest.raises(ValidationError, match="作废原因"):
        slips.batch_void(batch=batch, reason="  ", by=people.secretary)
    assert _codes(building=tower) == codes
    batch.refresh_from_db()
    assert batch.status == Status.READY

    slips.batch_void(batch=batch, reason="被他人拿到", by=people.secretary)
    with pytest.raises(Conflict, match="已作废"):
        slips.batch_void(batch=batch, reason="再作废一次", by=people.secretary)
    with pytest.raises(PermissionDenied):
        slips.batch_void(
            batch=CodeBatch.objects.get(replaces=batch), reason="x", by=people.district
        )


def test_new_codes_are_drawn_again_when_one_is_taken(org, people, tower, monkeypatch):
    taken = Household.objects.get(pk=org.household.pk).code
    draws = iter([taken] * 30)
    real = slips.new_household_code
    monkeypatch.setattr(slips, "new_household_code", lambda: next(draws, None) or real())
    batch = make_batch(people, org.compound, tower)

    slips.batch_void(batch=batch, reason="丢失", by=people.secretary)

    codes = list(Household.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert Household.objects.get(pk=org.household.pk).code == taken


# --- downloads ----------------------------------------------------------------------------
def test_a_download_is_audited_and_streamed_privately(client, org, people, tower):
    batch = make_batch(people, org.compound, tower, status=Status.PREPARING)
    slips.batch_render(batch_id=batch.pk)  # the task made its file
    client.force_login(people.worker)

    response = client.get(reverse("evaluation:slip_download", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="codebatch.download")
    assert event.actor == people.worker and event.object_id == str(batch.pk)
    batch.refresh_from_db()
    assert not batch.pdf.url.startswith("/p/")


def test_a_batch_without_its_file_is_made_again_by_the_task_not_in_the_request(
    client, org, people, tower, monkeypatch, django_capture_on_commit_callbacks
):
    """The demo's batches (ready, no file) and a file lost from the disk: the download does not
    render it under the batch's lock; the batch goes back to 生成中, the task is queued on
    commit, the list (which polls) shows it, and then it downloads."""
    batch = make_batch(people, org.compound, tower)  # ready, its PDF not made yet (the demo's)
    render = slips.render_pdf
    rendered_in_request = []
    monkeypatch.setattr(slips, "render_pdf", lambda b: rendered_in_request.append(b) or 1 / 0)
    client.force_login(people.worker)
    url = reverse("evaluation:slip_download", args=[batch.pk])

    with django_capture_on_commit_callbacks() as queued:
        response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:slips") + f"#batch-{batch.pk}"
    assert not rendered_in_request
    batch.refresh_from_db()
    assert batch.status == Status.PREPARING and not batch.pdf
    assert AuditEvent.objects.filter(action="codebatch.remake").count() == 1
    assert not AuditEvent.objects.filter(action="codebatch.download").exists()
    page = client.get(response["Location"]).content.decode()
    assert "生成中" in page and "正在生成" in page
    assert reverse("evaluation:slip_row", args=[batch.pk]) in page  # the row polls

    monkeypatch.setattr(slips, "render_pdf", render)
    for task in queued:  # the worker's turn
        task()
    batch.refresh_from_db()
    assert batch.status == Status.READY and batch.pdf
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    batch.pdf.storage.delete(batch.pdf.name)  # lost from the disk: the same way back
    with django_capture_on_commit_callbacks() as queued:
        assert client.get(url).status_code == 302
    batch.refresh_from_db()
    assert batch.status == Status.PREPARING and len(queued) == 1


def test_a_voided_batch_cannot_be_downloaded(client, org, people, tower):
    batch = make_batch(people, org.compound, tower, status=Status.VOIDED)
    client.force_login(people.secretary)
    response = client.get(reverse("evaluation:slip_download", args=[batch.pk]))
    assert response.status_code == 409
    assert "已作废" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("secretary2", 404), ("district", 403)])
def test_others_cannot_download(client, org, people, tower, who, status):
    batch = make_batch(people, org.compound, tower)
    client.force_login(getattr(people, who))
    assert client.get(reverse("evaluation:slip_download", args=[batch.pk])).status_code == status


# --- the codes appear nowhere but on the slips -------------------------------------------
def test_no_page_audit_row_or_message_shows_a_household_code(
    client, org, people, tower, django_capture_on_commit_callbacks
):
    client.force_login(people.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:slip_create"),
            {"once": _token(client), "compound": org.compound.pk, "building": tower.pk},
            follow=True,
        )
    assert response.status_code == 200
    batch = CodeBatch.objects.get()
    pages = [response.content.decode()]
    for name in ("evaluation:slip_row", "evaluation:slip_void"):
        pages.append(client.get(reverse(name, args=[batch.pk])).content.decode())
    printed = set(_codes(building=tower).values())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:slip_void", args=[batch.pk]), {"reason": "丢失"}, follow=True
        )
    pages.append(response.content.decode())
    audit_rows = json.dumps(list(AuditEvent.objects.values()), default=str)

    renewed = set(_codes(building=tower).values())
    assert printed and renewed and not printed & renewed
    for code in printed | renewed:
        assert all(code not in page for page in pages)
        assert code not in audit_rows


def _token(client) -> str:
    page = client.get(reverse("evaluation:slip_create")).content.decode()
    return re.search(r'name="once" value="([^"]+)"', page)[1]
