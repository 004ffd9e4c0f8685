"""A street's WeCom robot: URL check, encryption, masking, audit, sending."""

import io
import json
import urllib.error

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from publications import wecom
from publications.models import StreetChannel

pytestmark = pytest.mark.django_db
KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
ROBOT = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"


@pytest.mark.parametrize(
    "url",
    [
        "",
        f"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}",
        f"https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key={KEY}",
        f"https://evil.cn/cgi-bin/webhook/send?key={KEY}&host=qyapi.weixin.qq.com",
        f"https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}",
        f"https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key={KEY}",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
        f"https://qyapi.weixin.qq.com/cgi-bin/other?key={KEY}",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=",
        f"javascript:alert(1)//qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}",
    ],
)
def test_only_wecom_robot_urls_are_accepted(url):
    with pytest.raises(ValidationError) as refused:
        wecom.validate_webhook(url)
    assert refused.value.messages[0]  # a Chinese message, not a crash


def test_a_private_wecom_host_is_accepted_when_configured(settings):
    settings.WECOM_WEBHOOK_HOSTS = ["wx.gov.example.cn"]
    url = f"https://wx.gov.example.cn/cgi-bin/webhook/send?key={KEY}"
    assert wecom.validate_webhook(url) == url
    with pytest.raises(ValidationError):
        wecom.validate_webhook(ROBOT)


def test_mask_keeps_only_a_hint():
    hint = wecom.mask_webhook(ROBOT)
    assert hint == "https://qyapi.weixin.qq.com/…key=693a****aa"
    assert KEY not in hint


def test_set_stores_ciphertext_and_audits_only_the_hint(org, people):
    channel = wecom.street_channel_set(street=org.street_a, by=people.street, url=ROBOT)
    stored = StreetChannel.objects.get(pk=channel.pk)
    assert KEY not in stored.webhook_encrypted
    assert wecom.decrypt_webhook(stored.webhook_encrypted) == ROBOT
    assert wecom.street_webhook(org.street_a.pk) == ROBOT
    wecom.street_channel_set(street=org.street_a, by=people.district, url=ROBOT + "2")
    assert wecom.street_channel_remove(street=org.street_a, by=people.street) is True
    assert wecom.street_channel_remove(street=org.street_a, by=people.street) is False
    events = AuditEvent.objects.filter(action__startswith="publications.wecom").order_by("id")
    assert list(events.values_list("action", flat=True)) == [
        "publications.wecom_set",
        "publications.wecom_changed",
        "publications.wecom_removed",
    ]
    assert all(KEY not in json.dumps(e.detail) for e in events)
    assert not StreetChannel.objects.exists()


def test_only_the_streets_leader_and_district_staff_manage_the_robot(org, people):
    for user in (people.member, people.expert, people.street_b, people.secretary):
        with pytest.raises(PermissionDenied):
            wecom.street_channel_set(street=org.street_a, by=user, url=ROBOT)
    assert not StreetChannel.objects.exists()


class _Answer(io.BytesIO):
    def __init__(self, body: bytes, status=200):
        super().__init__(body)
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_send_posts_markdown_json(monkeypatch):
    seen = {}

    def fake_urlopen(request, timeout):
        seen.update(url=request.full_url, body=json.loads(request.data), timeout=timeout)
        return _Answer(b'{"errcode":0,"errmsg":"ok"}')

    monkeypatch.setattr(wecom, "_urlopen", fake_urlopen)
    wecom.send_markdown(ROBOT, "### 标题")
    assert seen["body"] == {"msgtype": "markdown", "markdown": {"content": "### 标题"}}
    assert seen["url"] == ROBOT and seen["timeout"] <= 10


@pytest.mark.parametrize(
    "answer",
    [
        _Answer(b'{"errcode":93000,"errmsg":"invalid webhook url"}'),
        _Answer(b"<html>", status=200),
        _Answer(b"{}", status=502),
        urllib.error.URLError(TimeoutError()),
        urllib.error.HTTPError(ROBOT, 500, "boom", {}, None),
    ],
)
def test_a_refusal_or_an_outage_is_a_failure_without_the_key(monkeypatch, answer):
    def fake_urlopen(request, timeout):
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(wecom, "_urlopen", fake_urlopen)
    with pytest.raises(wecom.WeComError) as failed:
        wecom.send_markdown(ROBOT, "x")
    assert KEY not in str(failed.value)


def test_test_message_is_rate_limited_and_audited(org, people, monkeypatch):
    from django.core.cache import cache

    cache.delete(f"wecom-test:{org.street_a.pk}")
    sent = []
    monkeypatch.setattr(wecom, "send_markdown", lambda url, content: sent.append(url))
    with pytest.raises(ValidationError):
        wecom.street_channel_test(street=org.street_a, by=people.street)  # none set yet
    wecom.street_channel_set(street=org.street_a, by=people.street, url=ROBOT)
    wecom.street_channel_test(street=org.street_a, by=people.street)
    with pytest.raises(ValidationError):
        wecom.street_channel_test(street=org.street_a, by=people.street)
    assert sent == [ROBOT]
    assert AuditEvent.objects.filter(action="publications.wecom_tested").count() == 1
    cache.delete(f"wecom-test:{org.street_a.pk}")
