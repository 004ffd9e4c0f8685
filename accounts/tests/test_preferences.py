"""Each person switches e-mail notifications on or off; the inbox keeps everything either way."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent, Notification
from core.services import notification_send_email

pytestmark = pytest.mark.django_db


def test_a_person_switches_email_off_and_on_and_each_switch_is_audited(client, people):
    client.force_login(people.resident)
    url = reverse("accounts:preferences")
    page = client.get(url).content.decode()
    assert "接收邮件通知" in page and "checked" in page

    assert client.post(url, {}).status_code == 302
    people.resident.refresh_from_db()
    assert people.resident.email_notifications is False
    assert "checked" not in client.get(url).content.decode()

    client.post(url, {"email_notifications": "on"})
    people.resident.refresh_from_db()
    assert people.resident.email_notifications is True
    events = AuditEvent.objects.filter(action="account.preferences", actor=people.resident)
    assert [e.detail for e in events.order_by("id")] == [
        {"email_notifications": False},
        {"email_notifications": True},
    ]


def test_saving_without_a_change_writes_no_audit_row(client, people):
    client.force_login(people.secretary)
    client.post(reverse("accounts:preferences"), {"email_notifications": "on"})
    assert not AuditEvent.objects.filter(action="account.preferences").exists()


def test_preferences_are_linked_from_the_user_menu(client, people):
    client.force_login(people.secretary)
    html = client.get(reverse("core:inbox")).content.decode()
    assert f'href="{reverse("accounts:preferences")}"' in html


def test_no_email_for_someone_who_switched_it_off(people):
    people.secretary.email_notifications = False
    people.secretary.save(update_fields=["email_notifications"])
    notification = Notification.objects.create(
        recipient=people.secretary, event="project.approved", title="项目已批准"
    )

    assert notification_send_email(notification_id=notification.pk) is False

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mail.outbox == []


def test_email_still_goes_to_someone_who_keeps_it_on(people):
    notification = Notification.objects.create(
        recipient=people.secretary, event="project.approved", title="项目已批准"
    )
    assert notification_send_email(notification_id=notification.pk) is True
    assert mail.outbox[0].to == [people.secretary.email]
