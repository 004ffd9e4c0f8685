"""The street's leading group on a 360 px phone, each page checked by Journey.check(): the 组长
sets up a working group and delegates deciding to a member for a week; the member, now 副组长,
sees the delegation on the leading group page (and has a notification of it)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Delegation, WorkingGroup
from core.models import Notification

pytestmark = pytest.mark.browser


def test_the_leader_sets_up_a_working_group_and_delegates_deciding_for_a_week(
    transactional_db, org, people, journey
):
    leader = journey("leading-group-leader")
    page = leader.page
    leader.login("street")
    leader.goto("/accounts/leading-group/", "leading-group")
    expect(page.get_by_role("heading", level=1)).to_have_text("长江路街道领导小组")
    expect(page.locator("#h-experts + ul")).to_contain_text(str(people.expert))

    leader.click(page.get_by_role("link", name="新建工作小组"), "working-group-form")
    leader.click(page.get_by_role("button", name="保存"), "working-group-empty", status=422)
    page.locator("[name=name]").fill("资源协调组")
    page.locator("[name=description]").fill("对接共建单位与街道经费")
    page.get_by_label(str(people.member)).check()
    leader.click(page.get_by_role("button", name="保存"), "working-group-saved")
    card = page.locator("article", has_text="资源协调组")
    expect(card).to_contain_text(str(people.member))
    assert list(WorkingGroup.objects.get().members.all()) == [people.member]

    leader.click(page.get_by_role("link", name="委托代行审批"), "delegation-form")
    page.locator("[name=delegate]").select_option(label=str(people.member))
    # The form starts today and ends six days later: a week.
    page.locator("[name=reason]").fill("组长到市委党校学习一周")
    leader.click(page.get_by_role("button", name="确认委托"), "delegated")
    ends_on = timezone.localdate() + datetime.timedelta(days=6)
    expect(page.locator("#delegation-current")).to_contain_text(
        f"副组长 {people.member} 代行审批 至 {ends_on:%Y-%m-%d}"
    )
    delegation = Delegation.objects.get()
    assert (delegation.delegate, delegation.ends_on) == (people.member, ends_on)

    member = journey("leading-group-member")
    member.login("member")
    member.goto("/accounts/leading-group/", "member-sees-delegation")
    expect(member.page.locator("#delegation-current")).to_contain_text(
        f"副组长 {people.member} 代行审批 至 {ends_on:%Y-%m-%d}"
    )
    expect(member.page.locator("#delegation-current")).to_contain_text("期间您可以批准或退回")
    expect(member.page.get_by_role("button", name="撤销委托")).to_have_count(0)
    told = Notification.objects.get(recipient=people.member, event="delegation.created")
    assert "委托您代行长江路街道领导小组的审批" in told.title
