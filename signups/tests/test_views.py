import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import ratelimit
from core.models import AuditEvent
from core.once import new_token
from projects.models import Activity
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
    assert f"{feast.date.month}月{feast.date.day}日“百家宴”" in cancelled.content.decode()
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


def the_day_comes(feast):
    Activity.objects.filter(pk=feast.pk).update(date=timezone.localdate())


def test_attendance_without_javascript_and_with_htmx(client, people, feast):
    signup, _ = services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
    the_day_comes(feast)
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


def test_an_htmx_attendance_tap_updates_the_headers_counts_out_of_band(client, people, feast):
    signup, _ = services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
    the_day_comes(feast)
    client.force_login(people.secretary)
    page = client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    assert "到场 0</p>" in page

    row = client.post(
        reverse("signups:attend", args=[signup.pk]),
        {"attended": "yes"},
        headers={"HX-Request": "true"},
    )

    body = row.content.decode()
    assert row.status_code == 200 and f'id="signup-{signup.pk}"' in body
    counts = body.split('id="signup-counts"')[1]
    assert counts.startswith(' hx-swap-oob="true">') and "到场 1</p>" in counts


def test_before_the_sessions_day_no_buttons_show_and_a_tap_is_refused(client, people, feast):
    signup, _ = services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
    client.force_login(people.secretary)
    page = client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    assert "attendance-buttons" not in page and "活动当天起才能登记到场" in page

    url = reverse("signups:attend", args=[signup.pk])
    plain = client.post(url, {"attended": "yes"})
    assert plain.status_code == 422 and "活动当天起才能登记到场" in plain.content.decode()
    htmx = client.post(url, {"attended": "yes"}, headers={"HX-Request": "true"})
    body = htmx.content.decode()
    assert htmx.status_code == 422 and "活动当天起才能登记到场" in body
    assert "attendance-buttons" not in body
    signup.refresh_from_db()
    assert signup.attended is None

    the_day_comes(feast)
    page = client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    assert "attendance-buttons" in page and "活动当天起" not in page


def test_the_list_shows_places_then_the_waiting_list_then_the_cancelled(client, people, feast):
    first, code = services.signup_create(activity_id=feast.pk, name="甲", phone="13900000001")
    services.signup_create(activity_id=feast.pk, name="乙", phone="13900000002")
    services.signup_create(activity_id=feast.pk, name="丙", phone="13900000003")
    services.signup_create(activity_id=feast.pk, name="丁", phone="13900000004")
    services.signup_cancel(activity_id=feast.pk, code=code)  # 乙 moves up; 丙 and 丁 wait
    client.force_login(people.secretary)

    page = client.get(reverse("signups:session", args=[feast.pk]))

    names = [s.name for s in page.context["page"]]
    assert names == ["乙", "丙", "丁", "甲"]
    assert [s.status for s in page.context["page"]] == [
        "confirmed",
        "waiting",
        "waiting",
        "cancelled",
    ]


def test_staff_reveal_one_phone_with_htmx_and_without_and_the_export_stays_masked(
    client, people, feast
):
    signup, _ = services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
    client.force_login(people.secretary)
    page = client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    url = reverse("signups:phone_reveal", args=[signup.pk])
    assert url in page and "13900000001" not in page

    fragment = client.post(url, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and 'href="tel:13900000001"' in body
    assert "<html" not in body
    full = client.post(url)
    assert full.status_code == 200 and 'href="tel:13900000001"' in full.content.decode()
    assert "<html" in full.content.decode()
    events = AuditEvent.objects.filter(action="phone.reveal", result="ok")
    assert events.count() == 2 and {e.detail["masked"] for e in events} == {"139****0001"}

    assert client.get(url).status_code == 405
    export = client.get(reverse("signups:export", args=[feast.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any("13900000001" in c for c in cells)


def test_the_district_reads_the_list_but_reveals_no_phone(client, people, feast):
    signup, _ = services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
    client.force_login(people.district)
    url = reverse("signups:phone_reveal", args=[signup.pk])
    assert url not in client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(people.secretary2)
    assert client.post(url).status_code == 404


def test_a_signup_with_a_household_code_has_no_phone_to_reveal(client, org, people, feast):
    signup, _ = services.signup_create(
        activity_id=feast.pk, name="张", household_code=org.household.code
    )
    client.force_login(people.secretary)
    url = reverse("signups:phone_reveal", args=[signup.pk])
    assert url not in client.get(reverse("signups:session", args=[feast.pk])).content.decode()
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "没有留手机号码" in response.content.decode()
