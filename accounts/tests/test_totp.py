"""The second factor (TOTP, RFC 6238) for district and street staff and the three separated roles:
enrolment by QR code, codes once each, recovery codes, the lockout, the security admin's reset,
switchable per role, required in production settings."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import RecoveryCode, TOTPDevice
from core import totp
from core.models import AuditEvent

PASSWORD = "Demo-pass-2024!"  # the factories'


def test_codes_follow_rfc_6238():
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890", the RFC's key
    assert totp.code_at(secret, totp.counter_now(59)) == "287082"
    assert totp.code_at(secret, totp.counter_now(1111111109)) == "081804"
    assert totp.match(secret, "287 082", now=59) == 1
    assert totp.match(secret, "287082", now=59, after=1) is None  # used once
    assert totp.match(secret, "28708x", now=59) is None


def test_secrets_are_stored_encrypted_and_recovery_codes_as_keyed_hashes():
    secret = totp.new_secret()
    assert totp.unseal(totp.seal(secret)) == secret and secret not in totp.seal(secret)
    code = totp.new_recovery_codes(1)[0]
    assert totp.recovery_hash(code) == totp.recovery_hash(code.lower().replace("-", " "))


def login(username) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def secret_of(response) -> str:
    return response.context["secret"].replace(" ", "")


def now_code(secret, step=0):
    return totp.code_at(secret, totp.counter_now() + step)


@pytest.fixture(autouse=True)
def frozen_step(monkeypatch):
    """Every code of a test belongs to one fixed 30-second step (no flaky step boundary)."""
    step = totp.counter_now()
    monkeypatch.setattr(
        totp, "counter_now", lambda now=None: step if now is None else int(now // 30)
    )


pytestmark = [pytest.mark.django_db]
required = override_settings(TOTP_REQUIRED=True)


@required
def test_district_staff_enrol_at_their_first_login_and_give_a_code_at_every_next(people):
    client = login("district")
    page = client.get("/projects/overview/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/accounts/totp/enrol/?next=")
    assert page.context["qr"].startswith("data:image/svg+xml")
    secret = secret_of(page)
    assert client.post("/accounts/totp/enrol/", {"code": "000000"}).status_code == 422
    done = client.post("/accounts/totp/enrol/?next=/projects/overview/", {"code": now_code(secret)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert RecoveryCode.objects.filter(user=people.district).count() == 10
    assert client.get("/projects/overview/").status_code == 200

    again = login("district")
    assert again.get("/")["Location"].startswith("/accounts/totp/?next=")
    refused = again.post("/accounts/totp/", {"code": now_code(secret)})  # the code already used
    assert refused.status_code == 422 and "动态口令不正确" in refused.content.decode()
    assert again.post("/accounts/totp/", {"code": now_code(secret, 1)}).status_code == 302
    assert again.get("/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(actor=people.district).values_list("action", flat=True)
    )
    assert {"totp.enrol", "totp.verify", "totp.verify_failed"} <= set(actions)


@required
def test_a_recovery_code_works_once(people):
    client = login("street")
    secret = secret_of(client.get("/accounts/totp/enrol/"))
    codes = client.post("/accounts/totp/enrol/", {"code": now_code(secret)}).context["codes"]
    first, second = login("street"), login("street")
    assert first.post("/accounts/totp/", {"code": codes[0]}).status_code == 302
    assert second.post("/accounts/totp/", {"code": codes[0]}).status_code == 422
    assert RecoveryCode.objects.filter(user=people.street, used_at__isnull=False).count() == 1


@required
def test_wrong_codes_count_towards_the_lockout(people):
    client = login("expert")
    secret = secret_of(client.get("/accounts/totp/enrol/"))
    client.post("/accounts/totp/enrol/", {"code": now_code(secret)})
    guesser = login("expert")
    for _ in range(5):
        response = guesser.post("/accounts/totp/", {"code": "123456"})
    assert response.status_code == 429  # locked out on the fifth
    assert AccessAttempt.objects.get(username="expert").failures_since_start >= 5
    assert guesser.get("/")["Location"].startswith("/accounts/login/")


@required
@pytest.mark.parametrize("who", ["secretary", "worker", "partner", "resident"])
def test_community_staff_residents_and_partners_are_not_asked_by_default(people, who):
    assert login(who).get("/").status_code == 200


@required
@override_settings(TOTP_ROLES=["secretary"])
def test_the_roles_asked_are_a_setting(people):
    assert login("secretary").get("/")["Location"].startswith("/accounts/totp/enrol/")
    assert login("district").get("/").status_code == 200


@required
def test_the_security_admin_resets_a_lost_phone_but_not_their_own(people):
    client = login("auditor")
    secret = secret_of(client.get("/accounts/totp/enrol/"))
    client.post("/accounts/totp/enrol/", {"code": now_code(secret)})
    admin = login("secadmin")
    admin_secret = secret_of(admin.get("/accounts/totp/enrol/"))
    admin.post("/accounts/totp/enrol/", {"code": now_code(admin_secret)})
    listing = admin.get("/accounts/totp/devices/").content.decode()
    assert "auditor" in listing
    assert admin.post(f"/accounts/totp/devices/{people.auditor.pk}/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=people.auditor).exists()
    assert AuditEvent.objects.filter(action="totp.reset", object_id=str(people.auditor.pk))
    assert admin.post(f"/accounts/totp/devices/{people.secadmin.pk}/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=people.secadmin).exists()
    assert AuditEvent.objects.filter(action="totp.reset", result="denied").exists()


@required
def test_the_security_admins_own_reset_is_a_command_on_the_server(people):
    client = login("secadmin")
    secret = secret_of(client.get("/accounts/totp/enrol/"))
    client.post("/accounts/totp/enrol/", {"code": now_code(secret)})
    out = StringIO()
    call_command("totp_reset", "secadmin", stdout=out)
    assert not TOTPDevice.objects.filter(user=people.secadmin).exists()
    assert AuditEvent.objects.filter(
        action="totp.reset", actor_label="manage.py totp_reset", object_id=str(people.secadmin.pk)
    )


def test_production_settings_require_it_and_the_bench_switch_does_not():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baiseshejing.settings",
        "DEBUG": "False",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEY": "y",
        "ALLOWED_HOSTS": "example.org",
        "EMAIL_URL": "smtp://localhost:25",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.TOTP_REQUIRED)"
    for bench, expected in (("False", "True"), ("True", "False")):
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**env, "BENCH": bench},
            capture_output=True,
            text=True,
        )
        assert out.stdout.strip() == expected, out.stderr
