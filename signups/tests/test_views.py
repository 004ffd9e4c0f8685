import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from core import ratelimit
from core.models import AuditEvent
from core.once import new_token
from signups import services
from signups.models import SignUp

from .factories import announced_project, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def feast(org, people):
    return session(announced_project(org, people), people, capacity=1)


def form(**extra):
    return {"once": new_token(), "name": "张阿姨", "phone": "13900000001", "consent": "on", **extra}


def test_a_resident_signs_up_without_an_account_and_sees_the_code_once(client, feast):
    url = reverse("signups:join", args=[feast.pk])
    page = client.get(url)
    assert page.status_code == 200 and "还剩" in page.content.decode()

    data = form()
    done = client.post(url, data)

    body = done.content.decode()
    assert done.status_code == 200 and "报名成功" in body
    code = body.split('id="cancel-code">')[1].split("<")[0]
    assert len(code) == 8
    signup = SignUp.objects.get()
    assert signup.status == "confirmed" and signup.consent_version and signup.consented_at
    # The same form posted again (a slow phone) signs up nobody twice and shows no code.
    again = client.post(url, data)
    assert again.status_code == 302 and SignUp.objects.count() == 1
    # Cancelling with the code frees the place.
    cancelled = client.post(reverse("signups:cancel", args=[feast.pk]), {"code": code})
    assert cancelled.status_code == 200 and "已为您取消报名" in cancelled.content.decode()
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_a_full_session_offers_the_waiting_list(client, feast):
    services.signup_create(activity_id=feast.pk, name="王", phone="13900000009")
    url = reverse("signups:join", args=[feast.pk])
    assert "报名候补" in client.get(url).content.decode()
    done = client.post(url, form())
    assert "候补第 <strong>1</strong> 位" in done.content.decode()


def test_consent_is_unticked_by_default_and_required(client, feast):
    url = reverse("signups:join", args=[feast.pk])
    assert 'name="consent" checked' not in client.get(url).content.decode()
    response = client.post(url, {**form(), "consent": ""})
    assert response.status_code == 422 and SignUp.objects.count() == 0


def test_a_duplicate_phone_is_refused_with_a_message(client, feast):
    url = reverse("signups:join", args=[feast.pk])
    client.post(url, form())
    response = client.post(url, form(name="另一人"))
    assert response.status_code == 422 and "已经报过名" in response.content.decode()


def test_a_masked_phone_is_refused(client, feast):
    response = client.post(reverse("signups:join", args=[feast.pk]), form(phone="139****0001"))
    assert response.status_code == 422 and SignUp.objects.count() == 0


def test_a_session_of_an_unpublished_project_has_no_signup_page(client, org, people):
    from projects.models import Status

    draft = session(announced_project(org, people, status=Status.APPROVED), people)
    assert client.get(reverse("signups:join", args=[draft.pk])).status_code == 404


def test_after_the_deadline_the_form_is_gone_and_a_post_is_refused(client, feast):
    from django.utils import timezone

    feast.signup_deadline = timezone.now()
    feast.save(update_fields=["signup_deadline"])
    url = reverse("signups:join", args=[feast.pk])
    assert 'name="phone"' not in client.get(url).content.decode()
    response = client.post(url, form())
    assert response.status_code == 409 and SignUp.objects.count() == 0


def test_the_signup_form_is_rate_limited(client, feast, settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "2/m", "ip": "5/m"}}
    cache.clear()
    url = reverse("signups:join", args=[feast.pk])
    client.get(url)  # the device cookie
    codes = [client.post(url, form(phone=f"1390000000{i}")).status_code for i in range(3)]
    cache.clear()
    assert codes[:2] != [429, 429] and codes[2] == 429


def _three(feast):
    for i in range(3):
        services.signup_create(activity_id=feast.pk, name=f"居民{i}", phone=f"1390000000{i}")


def test_staff_list_shows_masked_phones_only(client, people, feast):
    _three(feast)
    client.force_login(people.secretary)
    body = client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    assert "139****0000" in body and "13900000000" not in body
    assert "候补中" in body


def test_the_export_masks_phones_and_is_audited(client, people, feast):
    _three(feast)
    client.force_login(people.secretary)
    response = client.get(reverse("signups:export", args=[feast.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "139****0000" in cells and not any("13900000000" in c for c in cells)
    assert AuditEvent.objects.filter(action="signup.export").exists()


def test_an_export_neutralises_formulas(client, people, feast):
    services.signup_create(activity_id=feast.pk, name="=HYPERLINK(1)", phone="13900000001")
    client.force_login(people.secretary)
    response = client.get(reverse("signups:export", args=[feast.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def test_attendance_without_javascript_and_with_htmx(client, people, feast):
    signup, _ = services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
    client.force_login(people.secretary)
    url = reverse("signups:attend", args=[signup.pk])

    plain = client.post(url, {"attended": "yes"})
    assert plain.status_code == 302
    signup.refresh_from_db()
    assert signup.attended is True

    row = client.post(url, {"attended": "no"}, headers={"HX-Request": "true"})
    assert row.status_code == 200
    body = row.content.decode()
    assert body.strip().startswith("<li") and "未到" in body and "<html" not in body
    signup.refresh_from_db()
    assert signup.attended is False


def test_another_communitys_secretary_sees_no_list(client, people, feast):
    client.force_login(people.secretary2)
    assert client.get(reverse("signups:session", args=[feast.pk])).status_code == 404
    assert client.get(reverse("signups:export", args=[feast.pk])).status_code == 404
