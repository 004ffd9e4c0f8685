"""Each staff member chooses, per kind of notification, an e-mail each time (the default), one
daily digest, or the inbox only (core/preferences.py)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent, Notification, NotificationPreference
from core.notifications import notify
from core.preferences import (
    CHOOSABLE,
    EMAIL_DAILY,
    EMAIL_EACH,
    EMAIL_NONE,
    KINDS,
    OTHER,
    email_mode,
    kind_filter,
    kind_of,
    notification_preferences_update,
    prime_email_modes,
)

pytestmark = pytest.mark.django_db

URL = reverse("core:notification_preferences")
ALL_EACH = {kind.key: EMAIL_EACH for kind in CHOOSABLE}


def choose(user, **modes):
    for kind, mode in modes.items():
        NotificationPreference.objects.create(user=user, kind=kind, mode=mode)


# --- the registry ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("project.submitted", "projects"),
        ("project.review_reminder", "projects"),
        ("supervision.replied", "projects"),
        ("objection.raised", "objections"),
        ("partners.emergency", "partners"),
        ("partner.import_done", "partners"),
        ("task.claimed", "partners"),
        ("excellent.approve", "partners"),
        ("nomination.select", "library"),
        ("report.submitted", "evaluation"),
        ("assessment.finalised", "evaluation"),
        ("scoring.assigned", "evaluation"),
        ("publications.published", "publications"),
        ("delegation.created", "account"),
        ("something.new", "other"),
        ("projectile", "other"),  # a prefix ends with its dot
    ],
)
def test_each_event_belongs_to_one_kind(event, kind):
    assert kind_of(event).key == kind


def test_the_database_condition_of_a_kind_agrees_with_kind_of(people):
    events = [
        "project.approved",
        "task.done",
        "delegation.revoked",
        "x.y",
        "publications.published",
    ]
    for event in events:
        Notification.objects.create(recipient=people.secretary, event=event, title=event)
    for kind in (*KINDS, OTHER):
        found = set(Notification.objects.filter(kind_filter(kind)).values_list("event", flat=True))
        assert found == {e for e in events if kind_of(e) is kind}, kind.key


# --- what a choice does ---------------------------------------------------------------------------
def test_the_default_is_an_email_each_time(people, django_capture_on_commit_callbacks):
    assert email_mode(people.secretary, "project.approved") == EMAIL_EACH
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.secretary, "project.approved", title="项目已批准")
    assert len(mail.outbox) == 1


def test_inbox_only_stops_that_kinds_email_but_keeps_the_inbox_entry(
    people, django_capture_on_commit_callbacks
):
    choose(people.secretary, projects=EMAIL_NONE)
    with django_capture_on_commit_callbacks(execute=True):
        kept = notify(people.secretary, "project.approved", title="项目已批准")
        notify(people.secretary, "task.claimed", title="实事被认领")

    assert [m.subject for m in mail.outbox] == ["[百社百景] 实事被认领"]
    kept.refresh_from_db()
    assert kept.emailed_at is None
    assert Notification.objects.filter(recipient=people.secretary).count() == 2


def test_a_daily_kind_is_not_emailed_at_once(people, django_capture_on_commit_callbacks):
    choose(people.secretary, projects=EMAIL_DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        held = notify(people.secretary, "project.approved", title="项目已批准")
    assert mail.outbox == []
    held.refresh_from_db()
    assert held.emailed_at is None  # the day's digest lists it (test_email_digest.py)


def test_account_notices_always_go_out(people):
    choose(people.street, account=EMAIL_NONE, other=EMAIL_NONE)  # a row the page never writes
    assert email_mode(people.street, "delegation.created") == EMAIL_EACH
    assert email_mode(people.street, "x.y") == EMAIL_NONE


def test_the_master_switch_on_the_account_page_turns_every_email_off(people):
    people.secretary.email_notifications = False
    assert email_mode(people.secretary, "project.approved") == EMAIL_NONE
    assert email_mode(people.secretary, "delegation.created") == EMAIL_NONE


def test_the_choices_of_many_recipients_are_read_in_one_query(people):
    choose(people.secretary, publications=EMAIL_DAILY)
    choose(people.worker, publications=EMAIL_NONE)
    recipients = list(
        type(people.secretary).objects.filter(username__in=["secretary", "worker", "street"])
    )
    with CaptureQueriesContext(connection) as queries:
        prime_email_modes(recipients)
        modes = {u.username: email_mode(u, "publications.published") for u in recipients}
        modes_again = {u.username: email_mode(u, "publications.published") for u in recipients}
    assert len(queries) == 1
    assert modes == modes_again == {"secretary": "daily", "worker": "none", "street": "each"}


# --- the service ------------------------------------------------------------------------------
def test_only_choices_other_than_the_default_are_stored_and_each_change_is_audited(people):
    user = people.secretary
    changed = notification_preferences_update(
        user=user, modes={**ALL_EACH, "projects": EMAIL_DAILY, "partners": EMAIL_NONE}
    )
    assert changed == {"projects": "daily", "partners": "none"}
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))
    assert stored == {"projects": "daily", "partners": "none"}
    assert email_mode(user, "project.approved") == EMAIL_DAILY  # the cache was forgotten

    assert notification_preferences_update(user=user, modes={**ALL_EACH, "partners": "none"}) == {
        "projects": "each"
    }
    assert set(NotificationPreference.objects.filter(user=user).values_list("kind", flat=True)) == {
        "partners"
    }
    events = AuditEvent.objects.filter(action="notification.preferences").order_by("id")
    assert [(e.actor_id, e.detail) for e in events] == [
        (user.pk, {"projects": "daily", "partners": "none"}),
        (user.pk, {"projects": "each"}),
    ]

    assert notification_preferences_update(user=user, modes={**ALL_EACH, "partners": "none"}) == {}
    assert events.count() == 2  # nothing changed, nothing written


def test_the_service_refuses_residents_partners_and_unknown_kinds(people):
    for person in (people.resident, people.partner, people.nobody):
        with pytest.raises(PermissionDenied):
            notification_preferences_update(user=person, modes={"projects": EMAIL_NONE})
    for modes in ({"account": EMAIL_NONE}, {"nope": EMAIL_NONE}, {"projects": "weekly"}):
        with pytest.raises(ValidationError):
            notification_preferences_update(user=people.secretary, modes=modes)
    assert not NotificationPreference.objects.exists()
    assert not AuditEvent.objects.filter(action="notification.preferences").exists()


# --- the page -------------------------------------------------------------------------------------
def test_the_page_lists_every_kind_with_three_choices_and_saves(client, people):
    client.force_login(people.street)
    page = client.get(URL).content.decode()
    for kind in CHOOSABLE:
        assert kind.label in page
        for value in (EMAIL_EACH, EMAIL_DAILY, EMAIL_NONE):
            assert f'name="{kind.key}" id="id_{kind.key}_' in page
            assert f'value="{value}"' in page
    assert "账号与授权" in page and "始终每次发邮件" in page
    assert 'name="account"' not in page
    assert page.count("checked") == len(CHOOSABLE)  # every kind on the default

    response = client.post(
        URL, {**ALL_EACH, "publications": "daily", "account": "none"}, follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "通知方式已保存。" in response.content.decode()
    assert dict(NotificationPreference.objects.values_list("kind", "mode")) == {
        "publications": "daily"
    }
    html = response.content.decode()
    assert 'value="daily" autocomplete="off" checked' in html
    event = AuditEvent.objects.get(action="notification.preferences")
    assert event.actor == people.street and event.detail == {"publications": "daily"}


def test_a_missing_or_invalid_choice_is_refused_with_a_message(client, people):
    client.force_login(people.secretary)
    response = client.post(URL, {**ALL_EACH, "projects": "weekly", "other": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请在三种方式中选择一种。" in html and "请为每一类通知选择一种方式。" in html
    assert not NotificationPreference.objects.exists()


def test_residents_and_partners_are_not_offered_the_page(client, people):
    for person in (people.resident, people.partner):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {**ALL_EACH, "projects": "none"}).status_code == 403
        assert f'href="{URL}"' not in client.get(reverse("core:inbox")).content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_inbox_links_to_the_page_for_staff(client, people):
    client.force_login(people.secretary)
    assert f'href="{URL}"' in client.get(reverse("core:inbox")).content.decode()


def test_the_page_warns_when_every_email_is_switched_off(client, people):
    people.secretary.email_notifications = False
    people.secretary.save(update_fields=["email_notifications"])
    client.force_login(people.secretary)
    html = client.get(URL).content.decode()
    assert "关闭了全部邮件通知" in html and reverse("accounts:preferences") in html
