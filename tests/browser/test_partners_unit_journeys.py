"""双报到, 双包 and a 战时 call-out on a 360 px phone, each page checked by Journey.check(): the
secretary finds 国奥花园 uncovered, registers a unit through 双报到, has it adopt the compound and
sees the compound covered; then opens a 战时 call-out for 国奥花园; the partner on duty signs in,
finds the call on the home page and answers that they can come; the secretary sees the answer
and closes the call-out with a report."""

import pytest
from playwright.sync_api import expect

from core import sms
from partners.models import (
    Alert,
    AlertAnswer,
    BuildingAdoption,
    CompoundAdoption,
    Duty,
    Emergency,
    Partner,
    ensure_catalogues,
)
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    """The district's categories and duties (a flushed database has lost the migration's rows)."""
    ensure_catalogues()


def test_a_unit_reports_adopts_a_compound_and_a_call_out_is_answered(
    transactional_db, org, people, journey
):
    sms.outbox.clear()
    on_duty = f.PartnerFactory(
        community=org.guoao,
        created_by=people.secretary,
        name="张师傅",
        compound=org.compound,
        user=people.partner,
        phone="13900007777",
    )
    on_duty.duties.add(Duty.objects.get(code="standby"))

    s = journey("unit-secretary")
    page = s.page
    page.on("dialog", lambda dialog: dialog.accept())  # "确认发起战时响应?"
    main = page.locator("main")
    s.login("secretary")

    # 国奥花园 is nobody's yet.
    s.goto("/partners/coverage/", "coverage-before")
    compound = main.locator('[data-compound="国奥花园"]')
    expect(compound).to_contain_text("无单位包联")
    expect(main.locator('[data-count="uncovered-compounds"]')).to_have_text("1")

    # 双报到: the unit reports to the community.
    s.click(main.get_by_role("link", name="双报到", exact=True), "dual-report-list")
    s.click(main.get_by_role("link", name="单位报到"), "dual-report-form")
    page.get_by_label("单位名称").fill("区人民法院")
    page.get_by_label("单位党组织").fill("区人民法院机关党委")
    page.get_by_label("联系电话").fill("13900002222")
    page.get_by_label("能提供的资源或服务").fill("法律咨询、普法讲座")
    page.get_by_label("物资保障(战时)").check()
    s.click(page.get_by_role("button", name="登记报到"), "unit-reported")
    expect(main).to_contain_text("区人民法院已完成双报到登记。")
    unit = Partner.objects.get(name="区人民法院")
    assert unit.reported_at is not None and unit.category_id == "partner_unit"

    # 单位包小区, from the unit's page.
    section = main.locator("#dual-report")
    section.get_by_label("包联小区").select_option(label="国奥花园")
    section.get_by_label("包联内容").fill("法律进小区")
    s.click(section.get_by_role("button", name="登记包联小区"), "compound-adopted")
    expect(main).to_contain_text("已登记:区人民法院包联国奥花园。")
    expect(main.locator("#dual-report")).to_contain_text("法律进小区")
    assert CompoundAdoption.objects.current().get().partner == unit

    s.goto("/partners/coverage/", "coverage-after")
    expect(compound).to_contain_text("已包联")
    expect(compound).to_contain_text("区人民法院")
    expect(main.locator('[data-count="uncovered-compounds"]')).to_have_text("0")

    # 战时: the secretary calls the partners of 国奥花园.
    s.click(main.get_by_role("link", name="战时响应", exact=True), "emergency-list")
    s.click(main.get_by_role("link", name="发起战时响应"), "emergency-form")
    page.get_by_label("事件").fill("暴雨红色预警值守")
    page.get_by_label("情况和需要").fill("今晚特大暴雨,请到地下车库入口集合,协助转移车辆。")
    page.get_by_label("国奥花园").check()
    s.click(page.get_by_role("button", name="发起并通知合伙人"), "emergency-opened")
    emergency = Emergency.objects.get()
    # The unit reported with a 战时 duty and adopts 国奥花园: it is called too.
    called = {a.partner.name for a in Alert.objects.filter(emergency=emergency)}
    assert called == {"张师傅", "区人民法院"}
    assert sorted(m.phone for m in sms.outbox) == ["13900002222", "13900007777"]
    expect(main.locator('[data-count="called"]')).to_have_text("2")
    expect(main.locator('[data-count="waiting"]')).to_have_text("2")

    # The partner on duty, on their phone.
    p = journey("unit-partner-answers")
    ppage = p.page
    p.login("partner")
    calls = ppage.locator('section[aria-labelledby="h-alerts"]')
    call = calls.get_by_role("link", name="暴雨红色预警值守")
    expect(call).to_contain_text("请回复能否到岗")
    p.click(call, "alert")
    expect(ppage.locator("main")).to_contain_text("地下车库入口")
    ppage.get_by_label("补充说明(可不填)").fill("十分钟到")
    p.click(ppage.get_by_role("button", name="可以到岗"), "answered")
    expect(ppage.locator("#my-answer")).to_contain_text("可以到岗")
    alert = Alert.objects.get(partner=on_duty)
    assert alert.answer == AlertAnswer.AVAILABLE and alert.note == "十分钟到"
    p.close()

    # The secretary sees the answer and closes the call-out.
    s.goto(f"/partners/emergencies/{emergency.pk}/", "emergency-answered")
    expect(main.locator('[data-count="available"]')).to_have_text("1")
    expect(main.locator('[data-alert="张师傅"]')).to_contain_text("可以到岗")
    expect(main.locator('[data-alert="张师傅"]')).to_contain_text("十分钟到")
    page.get_by_label("处置情况").fill("到岗1人,地下车库车辆已全部转移。")
    s.click(page.get_by_role("button", name="结束并记录处置情况"), "emergency-closed")
    expect(main).to_contain_text("战时响应已结束,处置情况已记录。")
    expect(main).to_contain_text("地下车库车辆已全部转移")
    emergency.refresh_from_db()
    assert emergency.status == Emergency.Status.CLOSED


def test_the_street_finds_the_buildings_nobody_covers(transactional_db, org, people, journey):
    member = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, name="李党员", category_id="party_member"
    )
    for n in range(4, 12):
        building = f.BuildingFactory(compound=org.compound, number=f"{n}号楼")
        if n % 3:
            BuildingAdoption.objects.create(
                partner=member, building=building, created_by=people.secretary
            )
    second = f.CompoundFactory(community=org.guoao, name="国奥二期", kind="old")
    for n in range(1, 4):
        f.BuildingFactory(compound=second, number=f"{n}号楼")
    f.CompoundFactory(community=org.haiyun, name="海韵小区")

    st = journey("unit-street-coverage")
    page = st.page
    main = page.locator("main")
    st.login("street")
    st.goto("/partners/coverage/", "street-coverage")
    expect(main).to_contain_text("长江路街道包联覆盖")
    expect(main.locator('[data-count="compounds"]')).to_have_text("3")
    expect(main).not_to_contain_text("悦海社区")
    st.click(main.get_by_role("link", name="国奥社区"), "community-coverage")
    expect(main.locator('[data-count="buildings"]')).to_have_text("12")
    # 3号楼, 6号楼 and 9号楼 of 国奥花园 and the whole of 国奥二期.
    expect(main.locator('[data-count="uncovered-buildings"]')).to_have_text("6")
    garden = main.locator('[data-buildings="国奥花园"]')
    garden.locator("summary").click()
    expect(garden).to_contain_text("3 栋无人包联")
    expect(garden).to_contain_text("4号楼:李党员")
    st.check("community-coverage-open")
