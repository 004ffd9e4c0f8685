from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.middleware import LOGIN_AT, SEEN_AT
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Demo-pass-2024!"


def _login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_lands_on_the_dashboard_and_is_audited(client, people):
    response = _login(client, "secretary")
    assert response.status_code == 302 and response["Location"] == "/"
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == people.secretary and str(event.ip) == "10.0.0.1"


def test_session_key_rotates_at_login(client, people):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    _login(client, "secretary")
    assert client.session.session_key != before


def test_failed_login_is_audited_without_the_password(client, people):
    response = _login(client, "secretary", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_label == "secretary" and event.result == "failed"
    assert "wrong-password" not in str(event.detail)


def test_five_failures_lock_the_username_and_ip_pair(client, people):
    for _ in range(5):
        _login(client, "secretary", "wrong-password")
    locked = _login(client, "secretary")  # even the right password
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert AuditEvent.objects.filter(action="auth.lockout", actor_label="secretary").exists()
    # The same account from another IP of the street office is not locked.
    assert _login(client, "secretary", ip="10.0.0.2").status_code == 302


def test_security_admin_unlocks_and_it_is_audited(client, people):
    for _ in range(5):
        _login(client, "secretary", "wrong-password")
    attempt = AccessAttempt.objects.get(username="secretary")
    client.force_login(people.secadmin)
    page = client.get("/accounts/lockouts/")
    assert page.status_code == 200 and "secretary" in page.content.decode()
    assert client.post("/accounts/lockouts/release/", {"attempt": attempt.pk}).status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlock", actor=people.secadmin).exists()
    client.logout()
    assert _login(client, "secretary").status_code == 302


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "district", "secretary"])
def test_only_the_security_admin_unlocks(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/accounts/lockouts/").status_code == 403
    assert client.post("/accounts/lockouts/release/", {"attempt": 1}).status_code == 403


def test_unlock_of_a_vanished_attempt_says_so(client, people):
    client.force_login(people.secadmin)
    response = client.post("/accounts/lockouts/release/", {"attempt": 999999}, follow=True)
    assert "已不存在" in response.content.decode()


def _age_session(client, **ago):
    session = client.session
    now = timezone.now().timestamp()
    for key, delta in ago.items():
        session[key] = now - delta.total_seconds()
    session.save()


def test_idle_session_ends_after_thirty_minutes(client, people):
    _login(client, "secretary")
    _age_session(client, **{SEEN_AT: timedelta(minutes=31)})
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/projects/").status_code == 302  # really logged out
    assert AuditEvent.objects.filter(action="auth.session_expired", detail__reason="idle").exists()


def test_active_session_ends_after_twelve_hours(client, people):
    _login(client, "secretary")
    _age_session(
        client, **{LOGIN_AT: timedelta(hours=12, minutes=1), SEEN_AT: timedelta(minutes=1)}
    )
    assert client.get("/projects/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.session_expired", detail__reason="absolute"
    ).exists()


def test_recent_activity_keeps_the_session(client, people):
    _login(client, "secretary")
    _age_session(client, **{SEEN_AT: timedelta(minutes=29)})
    assert client.get("/projects/").status_code == 200


@pytest.mark.parametrize(
    "password, ok",
    [
        ("short1!A", False),
        ("alllowercaseletters", False),
        ("1234567890123", False),
        ("password123", False),
        ("Lingju-Jie-2026", True),
        ("Secretary2026", False),
    ],
)
def test_password_policy(people, password, ok):
    if ok:
        validate_password(password, people.secretary)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, people.secretary)


def test_password_change_through_the_portal(client, people):
    client.force_login(people.secretary)
    bad = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert bad.status_code == 422
    good = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Lingju-Jie-2026",
            "new_password2": "Lingju-Jie-2026",
        },
    )
    assert good.status_code == 302
    people.secretary.refresh_from_db()
    assert people.secretary.check_password("Lingju-Jie-2026")
    assert AuditEvent.objects.filter(action="auth.password_change").exists()


def test_login_with_empty_fields_is_a_422_with_messages(client, db):
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    assert response.status_code == 422
    assert "这个字段是必填项" in response.content.decode()


def test_logout_is_a_post_and_is_audited(client, people):
    client.force_login(people.secretary)
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=people.secretary).exists()


def test_staff_with_a_password_older_than_ninety_days_must_change_it(client, people):
    people.secretary.password_changed_at = timezone.now() - timedelta(days=91)
    people.secretary.save(update_fields=["password_changed_at"])
    client.force_login(people.secretary)
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200
    client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Lingju-Jie-2026",
            "new_password2": "Lingju-Jie-2026",
        },
    )
    assert client.get("/projects/").status_code == 200


def test_residents_are_not_forced_to_rotate_passwords(client, people):
    people.resident.password_changed_at = timezone.now() - timedelta(days=400)
    people.resident.save(update_fields=["password_changed_at"])
    client.force_login(people.resident)
    assert client.get("/").status_code == 200


def test_an_expired_session_on_a_residents_page_goes_on_anonymous_never_to_the_staff_login(
    client, people
):
    client.force_login(people.resident)
    _age_session(client, **{SEEN_AT: timedelta(minutes=31)})
    response = client.get("/p/roundtable/me/")
    # The round table's own sign-in, reachable from the internet, not /accounts/login/.
    assert response.status_code == 302
    assert response["Location"].startswith("/p/roundtable/login/")
    assert AuditEvent.objects.filter(action="auth.session_expired", detail__reason="idle").exists()
    assert client.get("/p/").status_code == 200
