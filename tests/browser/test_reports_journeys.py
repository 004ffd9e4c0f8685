"""半年述职 on a 360 px phone, each page checked by Journey.check(): the street's 组长 drafts the
current half year's report (the portal fills in the figures), writes the sections and submits it;
district staff read the streets side by side, open it and return it with a comment, and download
it as Word and PDF; the 组长 finds the comment on the report."""

import pytest
from playwright.sync_api import expect

from reports.documents import DOCX_TYPE, PDF_TYPE
from reports.models import HalfYearReport, Period, ReportStatus
from reports.tests.factories import ReportFactory, submitted
from tests import factories as f

pytestmark = pytest.mark.browser
COMMENT = "请补充居民评价中不满意意见的整改措施。"


def test_the_street_submits_its_report_and_the_district_returns_it_with_a_comment(
    transactional_db, org, people, journey
):
    now = Period.current()
    for n in range(3):
        f.ProjectFactory(community=org.guoao, created_by=people.secretary, title=f"国奥项目{n}")
    submitted(
        ReportFactory(
            street=org.street_b, created_by=people.street_b, year=now.year, half=now.half
        ),
        people.street_b,
    )

    s = journey("street-report")
    page = s.page
    page.on("dialog", lambda dialog: dialog.accept())  # "提交后区级即可审阅,确定提交吗?"
    main = page.locator("main")
    s.login("street")
    s.goto("/evaluation/reports/", "reports")
    s.click(page.get_by_role("button", name=f"起草{now.label}述职"), "drafted")
    expect(main).to_contain_text("已根据本街道的数据起草述职报告")
    expect(page.locator("h1")).to_contain_text(f"长江路街道 · {now.label}述职")
    expect(main.get_by_role("row", name="项目总数")).to_contain_text("3 个")
    s.click(page.get_by_role("link", name="填写文字部分"), "edit")
    page.get_by_label("工作成效").fill("国奥社区邻居节等3个项目顺利推进,居民参与踊跃。")
    page.get_by_label("存在问题").fill("部分项目合伙人资源不足。")
    page.get_by_label("下步打算").fill("年底前完成复盘评估,推荐优秀项目入库。")
    s.click(page.get_by_role("button", name="保存"), "saved")
    expect(main).to_contain_text("述职报告已保存。")
    expect(main).to_contain_text("居民参与踊跃")
    s.click(page.get_by_role("button", name="提交区级"), "submitted")
    expect(main).to_contain_text("述职报告已提交区级。")
    report = HalfYearReport.objects.get(street=org.street_a)
    assert report.status == ReportStatus.SUBMITTED

    d = journey("district-returns-report")
    dpage = d.page
    dmain = dpage.locator("main")
    d.login("district")
    d.goto("/evaluation/reports/compare/", "compare")
    expect(dmain).to_contain_text(f"各街道述职对照 · {now.label}")
    expect(dmain.get_by_role("row", name="八角街道")).to_contain_text("已提交")
    d.click(dmain.get_by_role("link", name="长江路街道"), "report")
    expect(dmain).to_contain_text("居民参与踊跃")
    for name, content_type in (("report_docx", DOCX_TYPE), ("report_pdf", PDF_TYPE)):
        suffix = "report.docx" if name == "report_docx" else "report.pdf"
        download = dpage.request.get(d.url(f"/evaluation/reports/{report.pk}/{suffix}"))
        assert download.status == 200 and download.headers["content-type"] == content_type
        assert "attachment" in download.headers["content-disposition"]
        assert len(download.body()) > 5000
    dpage.get_by_label("退回意见").fill(COMMENT)
    d.click(dpage.get_by_role("button", name="退回修改"), "returned")
    expect(dmain).to_contain_text("已退回街道修改。")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.review_comment == COMMENT

    s.goto(report.get_absolute_url(), "street-reads-comment")
    expect(main).to_contain_text(COMMENT)
    expect(main).to_contain_text("已退回修改")
    expect(page.get_by_role("button", name="提交区级")).to_be_visible()


def test_the_district_records_and_finalises_a_yearly_assessment_the_street_then_reads(
    transactional_db, org, people, journey
):
    year = Period.current().year
    f.ProjectFactory(community=org.guoao, created_by=people.secretary, title="国奥邻居节")

    d = journey("district-assesses")
    page = d.page
    page.on("dialog", lambda dialog: dialog.accept())  # "定稿后不能再修改……"
    main = page.locator("main")
    d.login("district")
    d.goto(f"/evaluation/assessments/?year={year}", "assessments")
    d.click(main.get_by_role("link", name="考核长江路街道"), "assessment-form")
    expect(main).to_contain_text(f"长江路街道{year}年度数据")
    page.get_by_label("较好").check()
    page.get_by_label("考核得分").fill("88.5")
    page.get_by_label("考核意见").fill("项目推进有序,居民参与度高。")
    d.click(page.get_by_role("button", name="保存"), "assessment-saved")
    expect(main).to_contain_text("年度考核已记录")
    d.click(page.get_by_role("button", name="定稿"), "assessment-final")
    expect(main).to_contain_text("年度考核已定稿")

    s = journey("street-reads-assessment")
    s.login("street")
    s.goto(f"/evaluation/assessments/?year={year}", "street-assessments")
    s.click(s.page.get_by_role("link", name="查看长江路街道考核"), "street-assessment")
    expect(s.page.locator("main")).to_contain_text("项目推进有序,居民参与度高。")
    expect(s.page.locator("main")).to_contain_text("88.5 分")
