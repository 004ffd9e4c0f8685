"""幸福责任田 on a 360 px phone, each page checked by Journey.check(): a resident opens the
compound's public page (with links to the community's projects and calendar), picks an open plot,
proves their phone with the SMS code (read from the locmem outbox; a mistyped code first, told so),
claims the plot (told to tick the consent first) and records care; the secretary sees the claim and its care
record, and a neglected plot is flagged on the staff list."""

import re

import pytest
from playwright.sync_api import expect

from core import sms
from scenes.models import CareRecord, Claim
from scenes.tests.factories import MicroProjectFactory, SceneFactory, claimed

pytestmark = pytest.mark.browser


def test_a_resident_claims_a_plot_and_records_care_and_the_secretary_sees_it(
    transactional_db, org, people, journey
):
    plot = MicroProjectFactory(
        compound=org.compound, created_by=people.secretary, title="5号楼前责任田A块"
    )
    stale = MicroProjectFactory(
        compound=org.compound, created_by=people.secretary, title="6号楼后责任田", neglect_days=7
    )
    claimed(stale, days_ago=20, name="赵大爷", phone="13900009999")
    SceneFactory(
        compound=org.compound, created_by=people.secretary, name="凉亭议事角", kind="deliberation"
    )
    sms.outbox.clear()

    r = journey("resident-claims-plot")
    page = r.page
    r.goto(f"/p/compounds/{org.compound.pk}/", "compound")
    main = page.locator("main")
    expect(main).to_contain_text("凉亭议事角")
    expect(main).not_to_contain_text("6号楼后责任田")  # taken: not offered
    community = org.compound.community_id
    expect(page.get_by_role("link", name="国奥社区的项目预告")).to_have_attribute(
        "href", f"/p/?community={community}"
    )
    expect(page.get_by_role("link", name="国奥社区的活动日历")).to_have_attribute(
        "href", f"/p/calendar/?community={community}"
    )
    r.click(page.get_by_role("link", name="认领 5号楼前责任田A块"), "plot")
    page.locator("#id_phone").fill("13900006666")
    r.click(page.get_by_role("button", name="获取验证码"), "code-sent")
    expect(main).to_contain_text("验证码已发送到 139****6666")
    code = re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)
    page.locator("#id_code").fill("000000" if code != "000000" else "111111")
    r.click(page.get_by_role("button", name="验证", exact=True), "wrong-code", status=422)
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    page.locator("#id_code").fill(code)
    r.click(page.get_by_role("button", name="验证", exact=True), "verified")
    expect(main).to_contain_text("已验证手机号:139****6666")
    page.locator("#id_name").fill("王阿姨")
    r.click(page.get_by_role("button", name="确认认领"), "no-consent", status=422)
    expect(page.get_by_role("alert")).to_contain_text("请勾选同意后再认领。")
    page.locator("#id_consent").check()
    r.click(page.get_by_role("button", name="确认认领"), "claimed")
    expect(main).to_contain_text("认领成功")
    expect(main).to_contain_text("5号楼前责任田A块")
    page.get_by_label("做了什么").fill("浇水、除草")
    r.click(page.get_by_role("button", name="保存照料记录"), "cared")
    expect(main).to_contain_text("照料记录已保存")
    expect(main).to_contain_text("浇水、除草")
    claim = Claim.objects.get(micro_project=plot)
    assert claim.name == "王阿姨" and str(claim.phone) == "139****6666"
    assert CareRecord.objects.get(claim=claim).done == "浇水、除草"

    s = journey("secretary-sees-claims")
    spage = s.page
    s.login("secretary")
    s.goto("/scenes/micro/?neglected=on", "neglected-list")
    smain = spage.locator("main")
    expect(smain).to_contain_text("6号楼后责任田")
    expect(smain).to_contain_text("撂荒")
    expect(smain).not_to_contain_text("5号楼前责任田A块")
    s.goto("/scenes/micro/", "micro-list")
    s.click(spage.get_by_role("link", name=re.compile("5号楼前责任田A块")), "micro-detail")
    expect(smain).to_contain_text("王阿姨(139****6666)")
    expect(smain).to_contain_text("浇水、除草")
    s.goto(f"/scenes/compounds/{org.compound.pk}/", "compound-staff")
    expect(smain).to_contain_text("凉亭议事角")
    expect(smain).to_contain_text("撂荒")


def test_a_resident_finds_their_compound_claims_a_plot_and_gives_it_up(
    transactional_db, org, people, journey
):
    plot = MicroProjectFactory(
        compound=org.compound, created_by=people.secretary, title="7号楼旁责任田"
    )
    sms.outbox.clear()

    r = journey("resident-gives-up-plot")
    page = r.page
    main = page.locator("main")
    r.goto("/p/", "public-home")
    r.click(page.get_by_role("link", name="找我的小区"), "finder")
    r.click(page.get_by_role("link", name=re.compile("长江路街道")), "finder-street")
    expect(main).to_contain_text("国奥社区")
    expect(main).to_contain_text("1 个待认领")
    r.click(page.get_by_role("link", name=re.compile("国奥花园")), "compound")
    r.click(page.get_by_role("link", name="认领 7号楼旁责任田"), "plot")
    page.locator("#id_phone").fill("13900005555")
    r.click(page.get_by_role("button", name="获取验证码"), "code-sent")
    code = re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)
    page.locator("#id_code").fill(code)
    r.click(page.get_by_role("button", name="验证", exact=True), "verified")
    page.locator("#id_name").fill("孙阿姨")
    page.locator("#id_consent").check()
    r.click(page.get_by_role("button", name="确认认领"), "claimed")
    expect(main).to_contain_text("7号楼旁责任田")

    r.click(page.get_by_role("link", name="不再照料,放弃认领 7号楼旁责任田"), "give-up-confirm")
    expect(main).to_contain_text("确定要放弃吗")
    page.get_by_label("原因(可选)").fill("要去外地带孙子")
    r.click(page.get_by_role("button", name="确定放弃认领"), "given-up")
    expect(main).to_contain_text("已放弃认领")
    expect(main).not_to_contain_text("7号楼旁责任田")
    claim = Claim.objects.get(micro_project=plot)
    assert claim.released_at is not None and "要去外地带孙子" in claim.release_reason
    r.goto(f"/p/compounds/{org.compound.pk}/", "compound-open-again")
    expect(page.get_by_role("link", name="认领 7号楼旁责任田")).to_be_visible()

    s = journey("secretary-edits-plot")
    spage = s.page
    s.login("secretary")
    s.goto(f"/scenes/micro/{plot.pk}/", "micro-detail")
    expect(spage.locator("main")).to_contain_text("认领人放弃:要去外地带孙子")
    s.click(spage.get_by_role("link", name="修改", exact=True), "micro-edit")
    spage.get_by_label("名称").fill("7号楼旁责任田(向阳)")
    s.click(spage.get_by_role("button", name="保存"), "micro-saved")
    expect(spage.locator("main")).to_contain_text("微项目已保存")
    expect(spage.locator("h1")).to_contain_text("7号楼旁责任田(向阳)")
