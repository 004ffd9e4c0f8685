"""Journeys of the security work on a 360 px phone, each page checked by Journey.check(): an
account change under 三员分立 (the system admin proposes, the security admin approves and hands
over a temporary password, the person replaces it, the auditor reads it all), and a district
officer turning on the second factor at their first login."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AccountChange, User
from core import totp
from core.models import AuditEvent
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(j, username, password=PASSWORD, *, label="after-login"):
    j.goto("/accounts/login/", "login")
    j.page.locator("input[name=username]").fill(username)
    j.page.locator("input[name=password]").fill(password)
    j.click(j.page.get_by_role("button", name="登录"), label)


def test_an_account_change_is_proposed_approved_carried_out_and_read(
    transactional_db, org, people, journey
):
    sysadmin = journey("change-sysadmin")
    sysadmin.login("sysadmin")
    sysadmin.goto("/accounts/changes/", "changes-empty")
    page = sysadmin.page
    sysadmin.click(page.get_by_role("link", name="提出变更"), "change-form")
    page.locator("[name=kind]").select_option("reset_password")
    page.locator("[name=target]").fill("nobody-here")
    page.locator("[name=reason]").fill("本人手机丢失,来电申请")
    sysadmin.click(page.get_by_role("button", name="提交审批"), "change-unknown", status=422)
    expect(page.locator("main")).to_contain_text("没有这个账号")
    page.locator("[name=target]").fill("worker")
    sysadmin.click(page.get_by_role("button", name="提交审批"), "change-proposed")
    expect(page.locator("main")).to_contain_text("等待安全管理员审批")
    expect(page.get_by_role("button", name="批准并执行")).to_have_count(0)
    change = AccountChange.objects.get()

    secadmin = journey("change-secadmin")
    secadmin.login("secadmin")
    secadmin.goto("/accounts/changes/", "changes-pending")
    page = secadmin.page
    secadmin.click(page.get_by_role("link", name=re.compile("重置密码")).first, "change-detail")
    page.get_by_role("button", name="驳回").click()
    page.wait_for_load_state()
    secadmin.check("reject-without-reason")
    expect(page.locator("main")).to_contain_text("驳回时请写明理由")
    page.locator("[name=note]").fill("已电话核实本人身份")
    secadmin.click(page.get_by_role("button", name="批准并执行"), "change-approved")
    password = page.locator("#temporary-password").inner_text().strip()
    assert User.objects.get(username="worker").check_password(password)

    worker = journey("change-worker")
    sign_in(worker, "worker", password, label="must-change")
    assert worker.page.url.endswith("/accounts/password/")
    expect(worker.page.locator("main")).to_contain_text("临时密码")
    page = worker.page
    page.locator("[name=old_password]").fill(password)
    page.locator("[name=new_password1]").fill("Guoao-Xin#2031")
    page.locator("[name=new_password2]").fill("Guoao-Xin#2031")
    worker.click(page.get_by_role("button", name=re.compile("修改|保存")), "password-set")
    worker.goto("/", "worker-home")

    auditor = journey("change-auditor")
    auditor.login("auditor")
    auditor.goto("/accounts/changes/", "changes-read")
    expect(auditor.page.locator("main")).to_contain_text("已批准并执行")
    expect(auditor.page.get_by_role("link", name="提出变更")).to_have_count(0)
    auditor.goto(change.get_absolute_url(), "change-read")
    expect(auditor.page.locator("main")).to_contain_text("已电话核实本人身份")
    auditor.goto("/audit/", "audit-log")
    expect(auditor.page.locator("main")).to_contain_text("accountchange.approve")
    assert AuditEvent.objects.filter(action="accountchange.propose").count() == 1


def test_a_district_officer_turns_on_the_second_factor_at_first_login(
    transactional_db, org, people, journey, settings
):
    settings.TOTP_REQUIRED = True
    j = journey("totp-enrol")
    sign_in(j, "district", label="enrol")
    page = j.page
    assert "/accounts/totp/enrol/" in page.url
    expect(page.locator("img.totp-qr")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.locator("[name=code]").fill("000000")
    j.click(page.get_by_role("button", name="启用"), "enrol-wrong-code", status=422)
    page.locator("[name=code]").fill(totp.code_at(secret, totp.counter_now()))
    j.click(page.get_by_role("button", name="启用"), "recovery-codes")
    expect(page.locator("main")).to_contain_text("恢复码")
    j.goto("/", "district-home")
