"""Sessions end when they should (locked, deactivated, password changed), and the password form
is no way around the lockout."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from accounts.models import UserSession
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2024!"  # the factories'


def logged_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})[
        "Location"
    ] in ("/", "/accounts/password/")
    return client


def test_each_login_is_recorded_against_its_person_and_forgotten_at_logout(people):
    phone, desk = logged_in(people.secretary), logged_in(people.secretary)
    assert UserSession.objects.filter(user=people.secretary).count() == 2
    phone.post("/accounts/logout/")
    assert UserSession.objects.filter(user=people.secretary).count() == 1
    assert desk.get("/").status_code == 200


def test_deactivating_an_account_ends_its_open_sessions(people):
    desk = logged_in(people.worker)
    people.worker.is_active = False
    people.worker.save()
    assert desk.get("/")["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=people.worker).exists()
    assert AuditEvent.objects.filter(action="auth.sessions_ended", detail__reason="deactivated")


def test_a_lockout_ends_the_accounts_open_sessions(people):
    desk = logged_in(people.street)
    attacker = Client()
    for _ in range(5):
        attacker.post("/accounts/login/", {"username": "street", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="street").exists()
    assert desk.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="auth.sessions_ended", detail__reason="locked")


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(people):
    phone, desk = logged_in(people.district), logged_in(people.district)
    response = desk.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-Mima#2031",
            "new_password2": "Xin-Mima#2031",
        },
    )
    assert response.status_code == 302
    assert desk.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith("/accounts/login/")
    assert list(
        UserSession.objects.filter(user=people.district).values_list("session_key", flat=True)
    ) == [desk.session.session_key]


def test_wrong_old_passwords_count_towards_the_lockout_and_are_audited(people):
    desk = logged_in(people.expert)
    for _ in range(5):
        response = desk.post(
            "/accounts/password/",
            {
                "old_password": "guess",
                "new_password1": "Xin-Mima#2031",
                "new_password2": "Xin-Mima#2031",
            },
        )
    assert response.status_code == 429  # the fifth: locked out on the spot
    assert AuditEvent.objects.filter(action="auth.password_change_failed").count() == 5
    assert not AuditEvent.objects.filter(action="auth.login_failed").exists()
    assert AccessAttempt.objects.get(username="expert").failures_since_start >= 5
    # Locked: this session is over, and the right password no longer logs in for 30 minutes.
    assert desk.get("/")["Location"].startswith("/accounts/login/")
    again = Client().post("/accounts/login/", {"username": "expert", "password": PASSWORD})
    assert again.status_code == 429


@pytest.mark.parametrize("password", ["Secretary#2031", "xx-SECRETARY-99!"])
def test_a_password_containing_the_username_is_refused(people, password):
    desk = logged_in(people.secretary)
    response = desk.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 422
    assert "密码不能包含用户名" in response.content.decode()


def test_records_of_sessions_past_the_absolute_limit_are_purged_daily(people):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tasks import purge_user_sessions

    logged_in(people.secretary)
    UserSession.objects.create(
        user=people.secretary, session_key="old", created_at=timezone.now() - timedelta(days=1)
    )
    assert purge_user_sessions.delay().get() == 1
    assert UserSession.objects.filter(user=people.secretary).count() == 1
