"""The pages: the street writes and submits, the district compares, returns and accepts, both
download Word and PDF; query counts stay constant in the data."""

import io
import re
import shutil
import subprocess
import zlib

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Street
from accounts.roles import Role
from core.models import AuditEvent
from reports.documents import DOCX_TYPE, PDF_TYPE
from reports.models import HalfYearReport, Period, ReportStatus, YearlyAssessment
from tests import factories as f

from .factories import SECTIONS, AssessmentFactory, ReportFactory, submitted

pytestmark = pytest.mark.django_db
NOW = Period.current()


def _login(client, user):
    client.force_login(user)
    return client


def test_the_leader_drafts_writes_and_submits_the_current_half_year(client, org, people):
    _login(client, people.street)
    listing = client.get(reverse("reports:report_list"))
    assert f"起草{NOW.label}述职" in listing.content.decode()

    response = client.post(
        reverse("reports:report_start"), {"street": org.street_a.pk, "period": NOW.key}
    )
    report = HalfYearReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    edit = reverse("reports:report_edit", args=[report.pk])
    assert client.post(edit, SECTIONS).status_code == 302
    page = client.get(report.get_absolute_url()).content.decode()
    assert SECTIONS["achievements"] in page and "提交区级" in page

    done = client.post(reverse("reports:report_submit", args=[report.pk]), follow=True)

    assert "述职报告已提交区级。" in done.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_submitting_without_the_sections_shows_what_is_missing(client, org, people):
    report = ReportFactory(street=org.street_a, created_by=people.street)
    _login(client, people.street)

    response = client.post(reverse("reports:report_submit", args=[report.pk]))

    assert response.status_code == 422
    assert "请先填写“工作成效”再提交。" in response.content.decode()


def test_a_member_writes_but_sees_no_submit_button(client, org, people):
    report = ReportFactory(street=org.street_a, created_by=people.street)
    page = _login(client, people.member).get(report.get_absolute_url()).content.decode()
    assert "填写文字部分" in page and "提交区级</button>" not in page
    assert "写好后由街道领导小组组长提交区级" in page


def test_the_district_returns_with_a_comment_the_street_reads(client, org, people):
    report = submitted(ReportFactory(street=org.street_a, created_by=people.street), people.street)
    _login(client, people.district)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "退回修改" in page and "通过" in page

    client.post(
        reverse("reports:report_return", args=[report.pk]), {"comment": "请补充满意率分析。"}
    )

    page = _login(client, people.street).get(report.get_absolute_url()).content.decode()
    assert "请补充满意率分析。" in page and "已退回修改" in page and "填写文字部分" in page


def test_returning_does_only_the_return(
    client, org, people, monkeypatch, django_assert_max_num_queries
):
    """The return is a status change, a comment, a timeline row, an audit row and one
    notification per member of the street's group: no figures, no documents."""
    import reports.documents
    import reports.figures

    def refuse(*args, **kwargs):
        raise AssertionError("returning a report must not compute figures or build documents")

    report = submitted(ReportFactory(street=org.street_a, created_by=people.street), people.street)
    monkeypatch.setattr(reports.figures, "compute", refuse)
    for name in ("report_pdf", "report_docx"):
        monkeypatch.setattr(reports.documents, name, refuse)
    _login(client, people.district)
    url = reverse("reports:report_return", args=[report.pk])

    with django_assert_max_num_queries(16):
        response = client.post(url, {"comment": "请补充满意率分析。"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_user_text_is_escaped_on_the_page_and_in_the_pdf(client, org, people):
    report = ReportFactory(
        street=org.street_a, created_by=people.street, problems="<script>alert(1)</script>"
    )
    page = _login(client, people.street).get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    html = render_to_string(
        "reports/report_print.html",
        {"title": "t", "meta": [], "groups": [], "sections": report.sections(), "font": "x"},
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _pdf_streams(body: bytes) -> bytes:
    """The PDF's compressed streams (fonts, ToUnicode maps), inflated and joined."""
    inflated = []
    for match in re.finditer(rb"(?<!end)stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_word_file_holds_the_street_period_figures_and_sections(client, org, people):
    from docx import Document

    report = submitted(ReportFactory(street=org.street_a, created_by=people.street), people.street)
    response = _login(client, people.district).get(reverse("reports:report_docx", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(_content(response)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "长江路街道2026年上半年“百社百景”工作述职报告" in text
    assert "工作成效" in text and SECTIONS["achievements"] in text
    assert "下步打算" in text and SECTIONS["next_steps"] in text
    assert "满意率(满意 + 基本满意)" in cells and "项目总数" in cells and "已提交" in cells
    event = AuditEvent.objects.get(action="report.export")
    assert event.actor == people.district and event.detail == {"format": "docx"}


def test_the_pdf_is_a_chinese_pdf(client, org, people):
    report = submitted(ReportFactory(street=org.street_a, created_by=people.street), people.street)
    response = _login(client, people.street).get(reverse("reports:report_pdf", args=[report.pk]))

    assert response.status_code == 200 and response["Content-Type"] == PDF_TYPE
    body = _content(response)
    assert body.startswith(b"%PDF") and len(body) > 5000
    # The CJK font is embedded and its glyphs map back to the Chinese characters drawn.
    streams = _pdf_streams(body)
    assert b"WenQuanYi" in streams
    assert all(f"{ord(c):04x}".encode() in streams.lower() for c in "长江路街道述职工作成效")
    assert AuditEvent.objects.filter(action="report.export", detail={"format": "pdf"}).exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
        ).stdout.decode()
        assert "长江路街道" in text and SECTIONS["achievements"] in text


def test_another_streets_report_is_404_and_community_staff_get_403(client, org, people):
    report = ReportFactory(street=org.street_a, created_by=people.street)
    for who, status in [("street_b", 404), ("secretary", 403), ("partner", 403)]:
        client.force_login(getattr(people, who))
        for name in ("report_detail", "report_docx", "report_pdf"):
            assert client.get(reverse(f"reports:{name}", args=[report.pk])).status_code == status
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_the_side_by_side_page_names_who_has_not_submitted(client, org, people):
    street_c = f.StreetFactory(district=org.district, name="海港街道")
    submitted(
        ReportFactory(street=org.street_a, created_by=people.street, year=NOW.year, half=NOW.half),
        people.street,
    )
    draft = ReportFactory(
        street=org.street_b,
        created_by=people.street_b,
        year=NOW.year,
        half=NOW.half,
        achievements="草稿里的半句话",
    )

    response = _login(client, people.district).get(reverse("reports:report_compare"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "未提交(2 个街道):" in page and "未提交 2" in page
    # A draft is only 未提交, like no report at all: no status, link, text or figures of it.
    assert f"八角街道、{street_c.name}</p>" in page
    assert "起草中" not in page and "草稿里的半句话" not in page
    assert draft.get_absolute_url() not in page
    assert HalfYearReport.objects.get(street=org.street_a).get_absolute_url() in page
    row = re.search(r"<tr>\s*<th scope=\"row\">八角街道</th>(.*?)</tr>", page, re.S)
    assert row and re.findall(r"<td class=\"text-end\">([^<]*)</td>", row.group(1))
    assert set(re.findall(r"<td class=\"text-end\">([^<]*)</td>", row.group(1))) == {"—"}


def test_the_side_by_side_counts_and_box_agree_on_a_returned_report(client, org, people):
    """A returned report is 待修改 in the counts line and in the box, never also 未提交."""
    street_c = f.StreetFactory(district=org.district, name="海港街道")
    report = submitted(
        ReportFactory(street=org.street_a, created_by=people.street, year=NOW.year, half=NOW.half),
        people.street,
    )
    HalfYearReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)

    page = _login(client, people.district).get(reverse("reports:report_compare")).content.decode()

    assert "已提交 0 · 已通过 0 · 待修改 1 · 未提交 2" in page
    box = re.search(r'<div class="alert alert-warning" role="status">(.*?)</div>', page, re.S)
    assert box, page
    unsent = re.search(r"未提交\((\d+) 个街道\):</span>([^<]*)</p>", box.group(1))
    assert unsent and unsent.groups() == ("2", f"{org.street_b.name}、{street_c.name}")
    assert "待修改(1 个街道):" in box.group(1)
    assert f'<a href="{report.get_absolute_url()}">{org.street_a.name}</a>' in box.group(1)
    assert "尚未提交" not in page


def test_the_edit_form_marks_the_sections_a_report_needs(client, org, people):
    report = ReportFactory(street=org.street_a, created_by=people.street)

    page = _login(client, people.street).get(reverse("reports:report_edit", args=[report.pk]))

    textareas = dict(re.findall(r'<textarea name="(\w+)"([^>]*)>', page.content.decode()))
    assert set(textareas) == {"practices", "achievements", "problems", "next_steps"}
    for name in ("achievements", "problems", "next_steps"):
        assert " required" in textareas[name], name
    assert " required" not in textareas["practices"]
    text = page.content.decode()
    for heading in ("工作成效(必填)", "存在问题(必填)", "下步打算(必填)"):
        assert heading in text
    assert "主要做法(必填)" not in text
    # A half-written draft still saves: only submitting needs the three.
    saved = client.post(reverse("reports:report_edit", args=[report.pk]), {"practices": "先写做法"})
    assert saved.status_code == 302


def test_the_district_reads_a_report_only_once_submitted(client, org, people):
    """A draft is the street's working copy: 404 to the district (page, downloads, buttons) and
    left out of its list; submitted, and still after being returned, the district reads it."""
    report = ReportFactory(street=org.street_a, created_by=people.street, **SECTIONS)
    _login(client, people.district)
    for name in ("report_detail", "report_docx", "report_pdf", "report_edit"):
        assert client.get(reverse(f"reports:{name}", args=[report.pk])).status_code == 404
    for name in ("report_accept", "report_return", "report_refresh", "report_submit"):
        url = reverse(f"reports:{name}", args=[report.pk])
        assert client.post(url, {"comment": "看看"}).status_code == 404
    assert (
        report.get_absolute_url() not in client.get(reverse("reports:report_list")).content.decode()
    )
    assert not HalfYearReport.objects.visible_to(people.district).exists()
    assert AuditEvent.objects.filter(actor=people.district, action="access.denied").count() == 8
    assert not AuditEvent.objects.filter(action="report.export").exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.review_comment

    submitted(report, people.street)
    assert client.get(report.get_absolute_url()).status_code == 200
    client.post(reverse("reports:report_return", args=[report.pk]), {"comment": "请补充。"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    page = client.get(report.get_absolute_url()).content.decode()
    assert SECTIONS["achievements"] in page
    assert report.get_absolute_url() in client.get(reverse("reports:report_list")).content.decode()
    # The street reads its own draft as ever.
    assert HalfYearReport.objects.visible_to(people.street).filter(pk=report.pk).exists()


def test_district_staff_in_a_streets_group_read_that_streets_drafts_only(org, people):
    own = ReportFactory(street=org.street_a, created_by=people.street)
    other = ReportFactory(street=org.street_b, created_by=people.street_b)
    f.add_role(people.district, Role.STREET_MEMBER, org.street_a)
    visible = HalfYearReport.objects.visible_to(people.district)
    assert list(visible) == [own]
    submitted(other, people.street_b)
    assert set(visible.all()) == {own, other}


def _reports_in(org, people, streets: int):
    for i in range(streets):
        street = f.StreetFactory(district=org.district, name=f"测试街道{Street.objects.count()}")
        f.ProjectFactory(community=f.CommunityFactory(street=street), created_by=people.secretary)
        report = ReportFactory(street=street, created_by=people.street, year=2026, half=1)
        if i % 2:
            submitted(report, people.street)


def test_the_side_by_side_page_is_constant_in_streets_and_reports(
    client, org, people, django_assert_max_num_queries
):
    _login(client, people.district)
    url = reverse("reports:report_compare") + "?period=2026-1"
    _reports_in(org, people, 2)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    few = len(few)
    _reports_in(org, people, 6)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count("测试街道") >= 8


def test_the_list_and_a_report_page_are_constant_in_the_data(
    client, org, people, django_assert_max_num_queries
):
    report = ReportFactory(street=org.street_a, created_by=people.street, **SECTIONS)
    _login(client, people.street)
    _reports_in(org, people, 1)
    for year in (2023, 2024):
        ReportFactory(street=org.street_a, created_by=people.street, year=year)
    with django_assert_max_num_queries(8) as few_list:
        client.get(reverse("reports:report_list"))
    few_list = len(few_list)
    with django_assert_max_num_queries(10) as few_page:
        client.get(report.get_absolute_url())
    few_page = len(few_page)
    for year in (2020, 2021, 2022):
        ReportFactory(street=org.street_a, created_by=people.street, year=year)
    for _ in range(2):
        client.post(reverse("reports:report_refresh", args=[report.pk]))
    with django_assert_max_num_queries(few_list):
        client.get(reverse("reports:report_list"))
    with django_assert_max_num_queries(few_page):
        client.get(report.get_absolute_url())


def test_drafting_costs_the_same_queries_at_n_and_3n_projects(
    client, org, people, django_assert_max_num_queries
):
    _login(client, people.street)

    def build(n):
        for _ in range(n):
            f.ProjectFactory(community=org.guoao, created_by=people.secretary)
            f.PartnerFactory(community=org.haiyun, created_by=people.secretary)

    def start(key):
        return client.post(
            reverse("reports:report_start"), {"street": org.street_a.pk, "period": key}
        )

    build(2)
    with django_assert_max_num_queries(30) as few:
        start("2025-1")
    few = len(few)
    build(6)
    with django_assert_max_num_queries(few):
        start("2025-2")
    assert HalfYearReport.objects.count() == 2


def test_the_assessment_page_shows_the_years_figures_beside_the_form(client, org, people):
    f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    _login(client, people.district)
    url = reverse("reports:assessment_create") + f"?street={org.street_a.pk}&year={NOW.year}"
    page = client.get(url).content.decode()
    assert f"长江路街道{NOW.year}年度数据" in page and "项目总数" in page and "1 个" in page

    response = client.post(
        url, {"once": f.once(), "grade": "excellent", "score": "92", "comment": "成效突出。"}
    )

    assessment = YearlyAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == assessment.get_absolute_url()
    assert assessment.figures["projects"]["total"] == 1
    listing = client.get(reverse("reports:assessment_list") + f"?year={NOW.year}").content.decode()
    assert "考核等次:<strong>好</strong>" in listing and "考核八角街道" in listing


def test_the_street_sees_its_finalised_assessments_only(client, org, people):
    AssessmentFactory(street=org.street_a, recorded_by=people.district, year=2024, status="final")
    AssessmentFactory(street=org.street_a, recorded_by=people.district, year=2025)
    AssessmentFactory(street=org.street_b, recorded_by=people.district, year=2024, status="final")
    _login(client, people.street)

    final = client.get(reverse("reports:assessment_list") + "?year=2024").content.decode()
    draft = client.get(reverse("reports:assessment_list") + "?year=2025").content.decode()

    assert "长江路街道" in final and "八角街道" not in final
    assert "考核结果还没有发布" in draft


def test_the_assessment_list_is_constant_in_streets(
    client, org, people, django_assert_max_num_queries
):
    _login(client, people.district)
    url = reverse("reports:assessment_list") + "?year=2025"

    def build(n):
        for _ in range(n):
            street = f.StreetFactory(
                district=org.district, name=f"考核街道{Street.objects.count()}"
            )
            AssessmentFactory(street=street, recorded_by=people.district)

    build(2)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    few = len(few)
    build(6)
    with django_assert_max_num_queries(few):
        client.get(url)
