"""The client's address behind a reverse proxy (issue: lockout behind a proxy). The proxy's
X-Forwarded-For is believed only when the connection comes from a trusted proxy, for the lockout,
the audit log and the rate limits alike."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from core.middleware import client_address
from core.models import AuditEvent

PROXY = "10.0.0.5"
TRUSTED = ("10.0.0.0/24",)


@pytest.mark.parametrize(
    "peer, forwarded, expected",
    [
        (PROXY, "203.0.113.9", "203.0.113.9"),  # one proxy in front
        (PROXY, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # a spoofed hop before the real one
        (PROXY, "203.0.113.9, 10.0.0.9", "203.0.113.9"),  # two trusted proxies
        (PROXY, "", PROXY),  # no header: the proxy itself
        (PROXY, "not-an-address", PROXY),  # a malformed chain
        ("203.0.113.50", "198.51.100.7", "203.0.113.50"),  # not from the proxy: ignored
    ],
)
def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy(peer, forwarded, expected):
    meta = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, TRUSTED) == expected


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, ()) == PROXY


def _fail(client, username, ip, peer=PROXY):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=ip,
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=list(TRUSTED))
def test_behind_the_proxy_one_persons_failures_do_not_lock_out_another(client, people):
    for _ in range(5):
        _fail(client, "street", "203.0.113.66")  # somebody trying the 组长's account
    assert AccessAttempt.objects.filter(ip_address="203.0.113.66").exists()
    response = client.post(
        "/accounts/login/",
        {"username": "street", "password": "Demo-pass-2024!"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302  # the 组长 at their own desk still gets in
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed.ip == "203.0.113.66"
    assert AuditEvent.objects.filter(action="auth.login", ip="198.51.100.20").exists()


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=list(TRUSTED))
def test_a_spoofed_header_from_outside_does_not_dodge_the_lockout(client, people):
    for n in range(5):
        _fail(client, "street", f"198.51.100.{n}", peer="203.0.113.66")  # a new lie each time
    response = client.post(
        "/accounts/login/",
        {"username": "street", "password": "Demo-pass-2024!"},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
