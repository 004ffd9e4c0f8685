"""The monthly rhythm on a 360 px phone, each page checked by Journey.check(): street A's 组长
opens next month's draft preview from the list, adds a foreword and signs it off; the page then
shows it published, and a resident (not logged in) reads the foreword on the public page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.workdays import ensure_calendar
from publications import services
from publications.models import Kind, Publication, PublicationStatus
from tests import factories as f

pytestmark = pytest.mark.browser
FOREWORD = "新的一月,四大主题活动等您参加!"


def test_street_leader_signs_off_next_months_preview_and_a_resident_reads_it(
    transactional_db, org, people, journey
):
    ensure_calendar()
    today = timezone.localdate()
    month = services.add_months(today.replace(day=1), 1)
    f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        announced=True,
        title="邻里百家宴",
        start_date=month,
        end_date=month + datetime.timedelta(days=20),
    )
    preview, _ = services.publication_compile(
        kind=Kind.PREVIEW,
        district=org.district,
        street=org.street_a,
        month=month,
        today=today.replace(day=25),
    )

    s = journey("publications-street")
    page, main = s.page, s.page.locator("main")
    page.on("dialog", lambda dialog: dialog.accept())  # "确定签发吗?"
    s.login("street")
    s.goto("/publications/manage/", "list")
    row = main.locator(f'[data-publication="{preview.pk}"]')
    expect(row).to_contain_text("待签发")
    s.click(row, "draft")
    expect(main).to_contain_text("邻里百家宴")
    main.get_by_label("导语(可选)").fill(FOREWORD)
    s.click(main.get_by_role("button", name="签发并发布"), "signed-off")
    expect(main.locator("[data-status]")).to_contain_text("已发布")
    expect(main.locator("#signed-off")).to_contain_text(str(people.street))
    expect(main.locator("#foreword")).to_contain_text(FOREWORD)
    preview.refresh_from_db()
    assert preview.status == PublicationStatus.PUBLISHED and preview.foreword == FOREWORD

    # A resident on a phone, not logged in.
    r = journey("publications-resident")
    r.goto(Publication.objects.get(pk=preview.pk).get_public_url(), "public-page")
    expect(r.page.locator("main")).to_contain_text(FOREWORD)
    expect(r.page.locator("main")).to_contain_text("邻里百家宴")
