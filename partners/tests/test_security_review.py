"""Security and robustness review of step 2 (issue 13), against QUALITY.md: scope for a partner of
another community and for street B on every object URL (GET and POST), what a partner may still
do once staff deactivated them, the public pages (no enumeration of partners by phone, rate
limits on every POST, no numbers on the notice, WeChat's browser, no open redirect), consent
withdrawn by leaving, SMS parameters, and Excel files built to hurt."""

import io
import re
import struct
import zipfile

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from core import sms
from core.models import AuditEvent
from core.phone import phone_hash
from partners import emergencies, imports, practical, recruitment, staff
from partners.models import (
    Alert,
    Application,
    Category,
    Duty,
    Excellent,
    Partner,
    PracticalTask,
)
from partners.tests.factories import matrix_objects
from partners.tests.world_task import done_task, make_task
from tests import factories as f
from tests.url_matrix import MATRICES, World

from .test_recruit_services import PHONE, approve, form_data, make_call

pytestmark = pytest.mark.django_db

WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2055A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 "
    "MMWEBSDK/20230303 MicroMessenger/8.0.34.2340(0x28002237) WeChat/arm64 NetType/WIFI"
)
FULL_NUMBER = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(autouse=True)
def _clean_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def call(org, people):
    return make_call(org, people)


def apply_post(call, phone=PHONE, **overrides):
    duties = [str(d.pk) for d in call.duties.filter(code__in=["publicity", "order"])]
    data = {
        "once": f.once(),
        "kind": "person",
        "name": "王阿姨",
        "phone": phone,
        "category": "volunteer",
        "duties": duties,
        "availability": ["weekend"],
        "consent": "on",
    }
    return {**data, **overrides}


def main_of(response) -> str:
    """The page's <main>, without what differs between any two requests (the CSRF token, the
    one-time form token)."""
    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'value="[^"]{20,}"', "", html)


# --- scope: every object URL of step 2, by a partner of another community and by street B --------
def _foreign_partner(org, people):
    user = f.make_user("partner", org.yuehai, username="partner_yuehai")
    f.PartnerFactory(community=org.yuehai, created_by=people.secretary2, user=user)
    return user


@pytest.mark.parametrize("who", ["partner_yuehai", "street_b", "secretary2"])
def test_every_object_url_of_step_2_is_a_404_for_other_communities(
    client, org, people, settings, tmp_path, who
):
    """国奥社区's calls, applications, partners, adoptions, emergencies, alerts, tasks, excellent
    partners, resources and imports: out of scope, each GET and POST answers 404 (or 405 where
    the method is wrong), is written to the audit log as a denial, and changes nothing."""
    settings.MEDIA_ROOT = tmp_path
    own = f.PartnerFactory(community=org.guoao, created_by=people.secretary, user=people.partner)
    world = World.__new__(World)
    world.projects = {}
    world.objects = {"community": org.guoao, "street": org.street_a, "compound": org.compound}
    world.objects.update(matrix_objects(org, people, own))
    world.objects["partner"] = own
    user = _foreign_partner(org, people) if who == "partner_yuehai" else getattr(people, who)
    client.force_login(user)
    before = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Partner, Application, Alert, PracticalTask, Excellent)
    }
    statuses = {PracticalTask: sorted(PracticalTask.objects.values_list("pk", "status"))}
    wrong, walked = [], 0
    for key, entry in MATRICES["partners"].items():
        kind = entry.get("kwargs")
        if kind is None or kind == "category" or key.startswith("partners_public:"):
            continue
        for method in ("GET", "POST"):
            if method not in entry:
                continue
            walked += 1
            url = world.url(key, entry)
            denials = AuditEvent.objects.filter(actor=user, result="denied").count()
            response = client.post(url, world.data(entry)) if method == "POST" else client.get(url)
            status = response.status_code
            audited = AuditEvent.objects.filter(actor=user, result="denied").count() > denials
            if status == 405 or (status == 404 and audited):
                continue
            wrong.append(f"{method} {key}: {status}{'' if audited else ' (not audited)'}")
    assert walked > 60
    assert not wrong, "\n".join(wrong)
    after = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Partner, Application, Alert, PracticalTask, Excellent)
    }
    assert after == before
    assert sorted(PracticalTask.objects.values_list("pk", "status")) == statuses[PracticalTask]


def test_a_partner_of_another_community_claims_nothing_here(client, org, people):
    task = make_task(org, people)
    client.force_login(_foreign_partner(org, people))
    assert client.post(reverse("partners:task_claim", args=[task.pk])).status_code == 404
    page = client.get(reverse("partners:task_list")).content.decode()
    assert task.title not in page
    task.refresh_from_db()
    assert task.status == PracticalTask.Status.OPEN and task.claimed_by is None


# --- a partner deactivated by staff: signed in before, acts no more -------------------------------
def test_a_deactivated_partner_still_signed_in_cannot_release_finish_or_answer(client, org, people):
    """Staff deactivating a partner does not end the person's session: the rules must refuse
    what the record did (its claimed task, its 战时 alert), not only the sign-in."""
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner, phone=PHONE
    )
    partner.duties.add(Duty.objects.get(code="standby"))
    partner.compound = org.compound
    partner.save(update_fields=["compound"])
    task = make_task(org, people)
    practical.task_claim(task=task, by=people.partner)
    with TestCase.captureOnCommitCallbacks(execute=True):
        emergency = emergencies.emergency_open(
            by=people.secretary,
            community=org.guoao,
            data={"title": "暴雨值守", "description": "", "compounds": [org.compound]},
        )
    alert = Alert.objects.get(emergency=emergency, partner=partner)
    client.force_login(people.partner)
    staff.partner_deactivate(partner=partner, by=people.secretary, reason="长期联系不上")

    release = client.post(reverse("partners:task_release", args=[task.pk]), {"reason": ""})
    done = client.post(reverse("partners:task_done", args=[task.pk]), {"result": "已完成"})
    answer = client.post(reverse("partners:alert_answer", args=[alert.pk]), {"answer": "available"})
    assert [release.status_code, done.status_code, answer.status_code] == [403, 403, 403]
    task.refresh_from_db()
    alert.refresh_from_db()
    assert task.status == PracticalTask.Status.CLAIMED and task.claimed_by == partner
    assert alert.answer == "" and alert.answered_at is None
    # Nor does the number sign in again.
    sms.outbox.clear()
    recruitment.login_code_send(phone=PHONE)
    assert sms.outbox == []
    # Restored, the same person acts again.
    staff.partner_restore(partner=partner, by=people.secretary)
    assert client.post(reverse("partners:alert_answer", args=[alert.pk]), {"answer": "available"})[
        "Location"
    ]
    alert.refresh_from_db()
    assert alert.answer == "available"


# --- public pages: no enumeration of partners or applicants by phone ------------------------------
def test_the_application_form_answers_every_number_alike(client, org, people, call):
    """A stranger's number, the same number again, and a number that is already an active partner
    of the community: the same status, the same redirect, the same page after it. Only the
    stranger's number is kept (once, counted twice); the partner's attempt is audited masked."""
    partner_phone = "13900009999"
    f.PartnerFactory(community=org.guoao, created_by=people.secretary, phone=partner_phone)
    url = reverse("partners_public:apply", args=[call.pk])
    answers = []
    for phone in (PHONE, PHONE, partner_phone):
        response = client.post(url, apply_post(call, phone=phone))
        answers.append((response.status_code, response["Location"]))
        answers[-1] += (main_of(client.get(response["Location"])),)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302 and "申请已提交" in answers[0][2]
    assert "已经是国奥社区" not in answers[2][2] and "共提交" not in answers[1][2]
    assert list(Application.objects.values_list("phone_hash", "times")) == [(phone_hash(PHONE), 2)]
    event = AuditEvent.objects.get(action="application.already_partner")
    assert event.detail["phone"] == "139****9999"
    assert not AuditEvent.objects.filter(detail__icontains=partner_phone).exists()


def test_sign_in_and_withdrawal_answer_alike_and_a_code_never_sent_signs_nobody_in(
    client, org, people, call
):
    """The sign-in and withdrawal pages give a partner's (or applicant's) number and a stranger's
    the same page; a code guessed for a number that got none signs nobody in."""
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    approve(application, people.secretary)
    stranger = "13500001234"
    for url in (reverse("partners_public:login"), reverse("partners_public:withdraw")):
        pages = []
        for number in (PHONE, stranger):
            response = client.post(url, {"phone": number, "send": "1"})
            pages.append((response.status_code, FULL_NUMBER.sub("N", main_of(response))))
            pages[-1] = (pages[-1][0], re.sub(r"1\d\d\*{4}\d{4}", "N", pages[-1][1]))
        assert pages[0] == pages[1] and pages[0][0] == 200
    response = client.post(reverse("partners_public:login"), {"phone": stranger, "code": "123456"})
    assert response.status_code == 422 and SESSION_KEY not in client.session


# --- public pages: rate limits on every POST, WeChat's browser, no open redirect ------------------
def test_every_public_post_of_step_2_is_rate_limited(client, settings, call):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "public_form": {"device": "2/h", "ip": "500/h"},
        "sms": {"device": "2/h", "ip": "500/h"},
    }
    cache.clear()
    try:
        for url, data in (
            (reverse("partners_public:apply", args=[call.pk]), {"phone": "1"}),
            (reverse("partners_public:login"), {"phone": "1", "send": "1"}),
            (reverse("partners_public:login"), {"phone": PHONE, "code": "000000"}),
            (reverse("partners_public:withdraw"), {"phone": "1", "send": "1"}),
        ):
            cache.clear()
            client.get(url)  # the device cookie
            statuses = [client.post(url, data).status_code for _ in range(3)]
            assert statuses == [422, 422, 429], url
            assert "分钟" in client.post(url, data).content.decode()
    finally:
        cache.clear()


def test_public_posts_need_the_csrf_token(org, people, call):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    for url in (
        reverse("partners_public:apply", args=[call.pk]),
        reverse("partners_public:login"),
        reverse("partners_public:withdraw"),
    ):
        assert strict.post(url, {"phone": PHONE, "send": "1"}).status_code == 403
    assert not Application.objects.exists()


def test_wechats_browser_applies_and_reads_the_notice(client, org, people, call):
    client.defaults["HTTP_USER_AGENT"] = WECHAT
    for url in (
        reverse("partners_public:calls"),
        reverse("partners_public:call", args=[call.pk]),
        reverse("partners_public:apply", args=[call.pk]),
        reverse("partners_public:login"),
        reverse("partners_public:withdraw"),
        reverse("partners_public:tasks"),
        reverse("partners_public:excellent_latest"),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("partners_public:apply", args=[call.pk]), apply_post(call))
    assert response.status_code == 302 and Application.objects.count() == 1


def test_the_sms_sign_in_goes_to_the_partners_page_whatever_next_says(client, org, people, call):
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    approve(application, people.secretary)
    url = reverse("partners_public:login") + "?next=https://evil.example/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"phone": PHONE, "send": "1", "next": "//evil.example/"})
    code = re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)
    response = client.post(url, {"phone": PHONE, "code": code, "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("partners:me")


# --- public pages: no numbers and no full names of people ---------------------------------------
def test_the_notice_masks_numbers_typed_into_a_tasks_words(client, org, people):
    person = f.PartnerFactory(community=org.guoao, created_by=people.secretary, name="张三丰")
    task = done_task(org, people, person)
    PracticalTask.objects.filter(pk=task.pk).update(
        result="已上门维修,有问题请打 13812345678 找我",
        description="联系人王书记 139 1234 5678",
        place="3号楼 137-0000-1111 门口",
    )
    for url in (reverse("partners_public:tasks"), reverse("partners_public:task", args=[task.pk])):
        page = client.get(url).content.decode()
        assert not FULL_NUMBER.search(re.sub(r"[\s-]", "", page)), url
        assert "138****5678" in page and "张**" in page and "张三丰" not in page
    task.refresh_from_db()
    assert "13812345678" in task.result  # the staff's record keeps what was written


def test_the_excellent_list_shows_no_number_typed_into_a_reason(client, org, people):
    partner = f.PartnerFactory(community=org.guoao, created_by=people.secretary, phone=PHONE)
    Excellent.objects.create(
        partner=partner,
        year=2025,
        reason="常年义务理发,预约电话 13912345678",
        status=Excellent.Status.PUBLISHED,
        nominated_by=people.secretary,
    )
    page = client.get(reverse("partners_public:excellent", args=[2025])).content.decode()
    assert "139****5678" in page and "13912345678" not in page and PHONE not in page


# --- consent: leaving forgets the person everywhere it was kept ----------------------------------
def test_leaving_anonymises_the_partners_applications_and_answers_too(org, people, call):
    """Leaving withdraws consent: the applications that made the partner (and an earlier declined
    one of the same phone) lose name, phone, its hash and what the person wrote, as the partner
    record does; the notes of its 战时 answers go; the counts and the audit rows stay, the
    audit rows holding no number in full."""
    member = Category.objects.get(code="party_member")
    declined, _ = recruitment.application_submit(
        call=call, data=form_data(call, skills="修电脑", category=member, employer="区医院")
    )
    recruitment.application_decline(application=declined, by=people.secretary, reason="名额已满")
    application, _ = recruitment.application_submit(
        call=call,
        data=form_data(
            call,
            category=member,
            employer="区人民医院",
            home_building=org.household.building,
        ),
    )
    partner = approve(application, people.secretary)
    Partner.objects.filter(pk=partner.pk).update(party_org="区人民医院党委第三支部")
    emergency = emergencies.Emergency.objects.create(
        community=org.guoao, title="停水", description="", opened_by=people.secretary
    )
    alert = Alert.objects.create(
        emergency=emergency, partner=partner, answer="unavailable", note="我在301照顾老人"
    )
    other = f.PartnerFactory(community=org.guoao, created_by=people.secretary)
    kept = Alert.objects.create(emergency=emergency, partner=other, note="马上到")

    recruitment.partner_leave(partner=partner, by=partner.user)

    for row in Application.objects.filter(pk__in=[declined.pk, application.pk]):
        assert row.name == recruitment.LEFT_NAME and not row.phone and row.phone_hash == ""
        assert row.skills == "" and row.employer == "" and row.home_building is None
        assert row.consent_withdrawn_at is not None
        assert row.category_id == "party_member"  # the counts keep their category
    assert set(Application.objects.values_list("status", flat=True)) == {"declined", "approved"}
    partner.refresh_from_db()
    assert partner.party_org == "" and partner.employer == "" and not partner.phone
    alert.refresh_from_db()
    kept.refresh_from_db()
    assert alert.note == "" and alert.answer == "unavailable" and kept.note == "马上到"
    assert recruitment.application_history(application) == {"earlier": [], "returning": None}
    for event in AuditEvent.objects.all():
        assert PHONE not in str(event.detail), event.action


def test_an_organisation_that_leaves_keeps_its_name_on_its_application(people, call):
    application, _ = recruitment.application_submit(
        call=call, data=form_data(call, kind="organisation", name="国奥超市")
    )
    partner = approve(application, people.secretary)
    recruitment.partner_leave(partner=partner, by=partner.user)
    application.refresh_from_db()
    assert application.name == "国奥超市" and not application.phone


# --- SMS: short parameters, never a person's free text ------------------------------------------
def test_text_messages_of_step_2_carry_short_parameters_only(org, people, call):
    org.guoao.name = "黄渤海新区长江路街道国奥天地社区党群服务中心"  # 23 characters
    org.guoao.save(update_fields=["name"])
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    partner = approve(application, people.secretary)
    second, _ = recruitment.application_submit(call=call, data=form_data(call, phone="13900006666"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        recruitment.application_decline(
            application=second, by=people.secretary, reason="我们联系了您但电话无人接听" * 5
        )
    partner.duties.add(Duty.objects.get(code="standby"))
    Partner.objects.filter(pk=partner.pk).update(compound=org.compound)
    with TestCase.captureOnCommitCallbacks(execute=True):
        emergencies.emergency_open(
            by=people.secretary,
            community=org.guoao,
            data={
                "title": "长江路与黄河路交叉口燃气管道泄漏请立即疏散",
                "description": "详情" * 100,
                "compounds": [org.compound],
            },
        )
    templates = [m.template for m in sms.outbox]
    assert templates == ["PARTNER_APPROVED", "PARTNER_DECLINED", "EMERGENCY_CALL"]
    for message in sms.outbox:
        assert all(len(value) <= 20 for value in message.params.values()), message
        assert "无人接听" not in message.text and "详情" not in message.text
    # Sending again sends nothing twice.
    emergency = emergencies.Emergency.objects.get()
    assert emergencies.alerts_send(emergency_id=emergency.pk) == 0
    assert len(sms.outbox) == 3


# --- Excel files built to hurt: refused with a message, nothing imported, never a 500 ------------
def _xlsx(rows, *, as_text=False) -> bytes:
    """The template's header and these rows; `as_text`: every cell a string, even one starting
    with "=" (as Excel keeps text typed after an apostrophe), never a formula."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(imports.HEADER))
    for row in rows:
        sheet.append(list(row))
        if as_text:
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _post_file(client, data: bytes, name="合伙人.xlsx"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("partners:import"), {"once": f.once(), "file": upload})


def _lying_zip(data: bytes, part: str, size: int) -> bytes:
    """The archive with `part`'s unpacked size claimed to be `size` in both of its headers."""
    data, name = bytearray(data), part.encode()
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        at = 0
        while (at := data.find(signature, at)) != -1:
            length = struct.unpack_from("<H", data, at + name_len_at)[0]
            if bytes(data[at + name_at : at + name_at + length]) == name:
                struct.pack_into("<I", data, at + size_at, size)
            at += 4
    return bytes(data)


def test_a_part_that_lies_about_its_size_is_refused_before_it_is_unpacked(client, people):
    """The zip-bomb check adds up the sizes the archive claims; a part claiming less than it holds
    is cut at the claim by the unzipper and fails its checksum: refused, quickly."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(_xlsx([("王师傅", "物业", "13900000001")]))) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</worksheet>", b" " * (imports.MAX_UNPACKED * 2) + b"</worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    bomb = _lying_zip(buffer.getvalue(), "xl/worksheets/sheet1.xml", len(sheet))
    assert len(bomb) < imports.MAX_BYTES
    client.force_login(people.secretary)
    response = _post_file(client, bomb)
    assert response.status_code == 422 and "无法读取这个文件" in response.content.decode()
    assert not Partner.objects.exists()


def test_formula_cells_are_no_values_and_nothing_is_imported(client, people):
    """openpyxl writes formulas without a cached value: read as values they are empty, so a row
    whose name or number is a formula is a bad row, and the file imports nothing."""
    rows = [
        ("王师傅", "物业", "13900000001"),
        ('=HYPERLINK("http://evil.example","点我")', "物业", "13900000002"),
        ("李阿姨", "热心居民", "=13900000003"),
    ]
    client.force_login(people.secretary)
    response = _post_file(client, _xlsx(rows))
    page = response.content.decode()
    assert response.status_code == 422 and "没有导入任何合伙人" in page
    assert 'data-row="3"' in page or "第 3 行" in page
    assert "没有填写手机号" in page and "evil.example" not in page
    assert not Partner.objects.exists()


def test_text_that_looks_like_a_formula_stays_text_on_its_way_out(client, org, people):
    client.force_login(people.secretary)
    rows = [("=cmd|' /C calc'!A0", "物业", "13900000001"), ("+SUM(1,2)", "物业", "13900000002")]
    assert _post_file(client, _xlsx(rows, as_text=True)).status_code == 302
    response = client.get(reverse("partners:export"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert set(names) == {"=cmd|' /C calc'!A0", "+SUM(1,2)"}
    assert all(cell.data_type == "s" for cell in names.values())
    event = AuditEvent.objects.get(action="partner.export")
    assert event.detail["rows"] == 2 and event.detail["full_phones"] == 2


def test_a_malicious_file_name_is_stored_under_a_random_name(
    client, org, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people.secretary)
    name = "../../<script>alert(1)</script>\u202e.xlsx"
    response = _post_file(client, _xlsx([("王师傅", "物业", "13900000001")]), name=name)
    assert response.status_code == 302
    job = imports.ImportJob.objects.get()
    stored = job.upload.file.name
    assert ".." not in stored and "script" not in stored and stored.endswith(".xlsx")
    assert list(tmp_path.rglob("*.xlsx")) == [tmp_path / stored]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page


def test_duplicates_masks_and_another_communitys_compound_import_nothing(client, org, people):
    f.CompoundFactory(community=org.yuehai, name="悦海小区")
    f.PartnerFactory(community=org.guoao, created_by=people.secretary, phone="13900000009")
    rows = [
        ("王师傅", "物业", "13900000001", "", "", "", "", "国奥花园"),
        ("王师傅的弟弟", "物业", "139 0000 0001"),
        ("赵阿姨", "热心居民", "139****0002"),
        ("钱阿姨", "热心居民", "13900000003", "", "", "", "", "悦海小区"),
        ("孙阿姨", "热心居民", "13900000009"),
    ]
    client.force_login(people.secretary)
    page = _post_file(client, _xlsx(rows)).content.decode()
    for message in ("与第 2 行重复", "带 * 号", "本社区没有“悦海小区”", "已是本社区的合伙人"):
        assert message in page, message
    assert Partner.objects.count() == 1


def test_hours_and_text_past_their_bounds_are_messages_not_500s(client, org, people):
    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner
    )
    task = make_task(org, people, status=PracticalTask.Status.CLAIMED, claimed_by=partner)
    client.force_login(people.partner)
    url = reverse("partners:task_done", args=[task.pk])
    for data in (
        {"result": "好", "hours": "1e400"},
        {"result": "好", "hours": "NaN"},
        {"result": "好", "hours": "-1"},
        {"result": "好" * 5000},
        {"result": "\x00"},
    ):
        assert client.post(url, data).status_code == 422, data
    task.refresh_from_db()
    assert task.status == PracticalTask.Status.CLAIMED and task.hours is None
