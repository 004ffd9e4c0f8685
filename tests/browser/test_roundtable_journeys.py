"""幸福家园圆桌会 on a 360 px phone (issue 15's "done when"), each page checked by Journey.check():
a new resident signs in with an SMS code (read from the locmem outbox), registers with consent and
is verified by the secretary against the household tree; two days before the meeting she posts a
topic, and a neighbour supports it. On the day both open the topic's thread: what one posts
appears on the other's phone without a reload (htmx polling), and a post the secretary hides turns
into the placeholder on both phones the same way. The secretary records a resolution,
turns the topic into a need (keeping its link) and closes the meeting with minutes."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import sms
from needs.models import Need
from roundtable.models import Meeting, Participant, Post, Resolution, Topic

pytestmark = pytest.mark.browser

PHONE = "13900007777"
POLL_WAIT = 15_000  # ms: the thread polls every 5 s on the day


def _code() -> str:
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)


def _meeting(org, day) -> Meeting:
    return Meeting.objects.create(
        community=org.guoao, month=day.replace(day=1), date=day, starts_at="19:00"
    )


def test_a_resident_signs_in_posts_a_topic_and_the_thread_lives_until_the_secretary_resolves_it(
    transactional_db, org, people, journey
):
    sms.outbox.clear()
    today = timezone.localdate()
    meeting = _meeting(org, today + datetime.timedelta(days=2))
    # The neighbour: 国奥社区's resident, verified earlier.
    Participant.objects.create(
        community=org.guoao,
        user=people.resident,
        name="杨玉兰",
        compound=org.compound,
        household=org.household,
        status=Participant.Status.VERIFIED,
        consent_version="2026-12",
        consented_at=timezone.now(),
    )

    # 1. A new resident, two days before the meeting, on her phone.
    r = journey("roundtable-resident")
    page, main = r.page, r.page.locator("main")
    r.goto("/p/", "public-home")
    r.click(page.get_by_role("link", name="幸福家园圆桌会"), "roundtable-index")
    r.goto(f"/p/roundtable/{meeting.pk}/", "meeting-anonymous")
    expect(main).to_contain_text("征集议题")
    r.click(main.get_by_role("link", name=re.compile("登录")).first, "login")
    page.get_by_label("手机号").fill(PHONE)
    r.click(page.get_by_role("button", name="获取验证码"), "code-sent")
    page.get_by_label("短信验证码").fill(_code())
    r.click(page.get_by_role("button", name="登录", exact=True), "register")
    expect(main).to_contain_text("登记参加圆桌会")
    expect(page.locator("#id_consent")).not_to_be_checked()
    page.get_by_label("真实姓名").fill("李秀英")
    page.get_by_label("小区").select_option(str(org.compound.pk))
    page.get_by_label("楼栋").select_option(str(org.household.building_id))
    page.get_by_label("单元").fill(org.household.unit)
    page.get_by_label("房号").fill(org.household.room)
    page.locator("#id_consent").check()
    r.click(page.get_by_role("button", name="提交登记"), "registered")
    newcomer = Participant.objects.get(name="李秀英")
    assert newcomer.status == Participant.Status.PENDING and newcomer.consent_version

    # 2. The secretary verifies her against the household tree.
    s = journey("roundtable-secretary")
    spage, smain = s.page, s.page.locator("main")
    spage.on("dialog", lambda dialog: dialog.accept())
    s.login("secretary")
    s.goto("/roundtable/participants/", "participants")
    s.click(smain.get_by_role("link", name=re.compile("李秀英")).first, "participant")
    s.click(spage.get_by_role("button", name="核实通过"), "verified")
    newcomer.refresh_from_db()
    assert newcomer.status == Participant.Status.VERIFIED
    assert newcomer.household_id == org.household.pk

    # 3. Verified, she posts a topic before the day.
    r.goto(f"/p/roundtable/{meeting.pk}/", "meeting-verified")
    page.locator("#id_title").fill("晚上广场舞音响太吵")
    page.locator("#id_body").fill("每晚八点后小广场音响很大,影响老人和孩子休息,希望商量个办法。")
    r.click(page.get_by_role("button", name="提交议题"), "topic-posted")
    topic = Topic.objects.get(title="晚上广场舞音响太吵")
    assert topic.moderation == "published" and topic.participant_id == newcomer.pk

    # 4. The neighbour supports it.
    n = journey("roundtable-neighbour")
    npage, nmain = n.page, n.page.locator("main")
    n.login("resident")
    n.goto(f"/p/roundtable/{meeting.pk}/", "meeting-neighbour")
    n.click(nmain.get_by_role("button", name="附议").first, "supported")
    topic.refresh_from_db()
    assert topic.supports == 1

    # 5. The 17th: the meeting's day. Both open the thread; each sees the other's post arrive.
    Meeting.objects.filter(pk=meeting.pk).update(date=today)
    r.goto(f"/p/roundtable/topics/{topic.pk}/", "thread-resident")
    n.goto(f"/p/roundtable/topics/{topic.pk}/", "thread-neighbour")
    expect(main).to_contain_text("正在议事")
    page.get_by_label("我要发言").fill("建议九点以后把音量调小。")
    page.get_by_role("button", name=re.compile("发言|发送|提交")).last.click()
    expect(main.locator("#thread-posts")).to_contain_text("建议九点以后把音量调小。")
    expect(nmain.locator("#thread-posts")).to_contain_text(
        "建议九点以后把音量调小。", timeout=POLL_WAIT
    )
    npage.get_by_label("我要发言").fill("同意,周末可以晚一点。")
    npage.get_by_role("button", name=re.compile("发言|发送|提交")).last.click()
    expect(main.locator("#thread-posts")).to_contain_text(
        "同意,周末可以晚一点。", timeout=POLL_WAIT
    )
    r.check("thread-live")
    n.check("thread-live-neighbour")

    # A moderator hides the neighbour's post: both phones show the placeholder in its place,
    # without reloading (the poll carries the moderators' changes since the last one).
    hidden = Post.objects.get(body="同意,周末可以晚一点。")
    s.goto(f"/roundtable/topics/{topic.pk}/", "staff-topic-moderate")
    spage.locator(f"#hide-reason-{hidden.pk}").fill("与议题无关")
    s.click(spage.locator(f"#post-{hidden.pk}").get_by_role("button", name="隐藏"), "post-hidden")
    for phone in (main, nmain):
        placeholder = phone.locator(f"#post-{hidden.pk}")
        expect(placeholder).to_contain_text("该发言已被管理员隐藏", timeout=POLL_WAIT)
        expect(placeholder).to_contain_text("与议题无关")
        expect(placeholder).to_have_count(1)
        expect(phone.locator("#thread-posts")).not_to_contain_text("同意,周末可以晚一点。")
    expect(main.locator("#thread-posts article").last).to_have_id(f"post-{hidden.pk}")
    r.check("thread-post-hidden")

    # 6. The secretary records who does what by when, turns the topic into a need, closes.
    s.goto(f"/roundtable/topics/{topic.pk}/", "staff-topic")
    spage.locator("#add-responsible").fill("物业公司")
    spage.locator("#add-action").fill("与广场舞队约定九点后关闭音响,张贴提示")
    spage.locator("#add-due").fill((today + datetime.timedelta(days=14)).isoformat())
    s.click(spage.get_by_role("button", name="保存决议"), "resolution")
    resolution = Resolution.objects.get(topic=topic)
    assert resolution.responsible == "物业公司"
    s.click(spage.get_by_role("button", name="转为需求"), "to-need")
    topic.refresh_from_db()
    need = Need.objects.get(pk=topic.need_id)
    assert need.community_id == org.guoao.pk and need.title
    s.goto(f"/needs/{need.pk}/", "need-page")
    expect(smain.get_by_role("link", name=re.compile("晚上广场舞音响太吵"))).to_be_visible()
    s.goto(f"/roundtable/{meeting.pk}/", "staff-meeting")
    spage.locator("#c-minutes").fill("居民、物业、业委会就广场舞噪音议定:九点后关闭音响。")
    s.click(spage.get_by_role("button", name="保存纪要并闭会"), "closed")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED and meeting.minutes
    # After closing the thread is read-only for residents.
    r.goto(f"/p/roundtable/topics/{topic.pk}/", "thread-closed")
    expect(main).to_contain_text("已闭会")
    expect(page.get_by_label("我要发言")).to_have_count(0)
