import pytest
from django.core import mail

from core.models import Notification
from core.notifications import notify
from core.services import notification_send_email

pytestmark = pytest.mark.django_db


def test_notify_puts_an_entry_in_the_inbox_and_mails_after_commit(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(
            people.secretary, "test.event", title="您有新消息", body="内容", url="/projects/"
        )
        assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["secretary@example.org"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_sending_twice_mails_once(people):
    notification = Notification.objects.create(recipient=people.secretary, event="x", title="t")
    assert notification_send_email(notification_id=notification.pk) is True
    assert notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_unread_count_in_navigation_and_open_marks_read(client, people):
    notification = Notification.objects.create(
        recipient=people.secretary, event="x", title="审核结果", url="/projects/"
    )
    Notification.objects.create(recipient=people.street, event="x", title="别人的")
    client.force_login(people.secretary)
    page = client.get("/inbox/")
    assert page.status_code == 200
    assert (
        '<span class="badge rounded-pill bg-warning text-dark" id="unread-count">1</span>'
        in page.content.decode()
    )
    assert [n.title for n in page.context["page"]] == ["审核结果"]
    response = client.post(f"/inbox/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/projects/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_cannot_open_someone_elses_notification(client, people):
    notification = Notification.objects.create(recipient=people.street, event="x", title="t")
    client.force_login(people.secretary)
    assert client.post(f"/inbox/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_external_links_are_not_followed(client, people):
    notification = Notification.objects.create(
        recipient=people.secretary, event="x", title="t", url="//evil.example"
    )
    client.force_login(people.secretary)
    assert client.post(f"/inbox/{notification.pk}/open/")["Location"] == "/inbox/"


def test_a_title_with_line_breaks_is_mailed_on_one_line(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(people.secretary, "x", title="标题\r\nBcc: evil@example.org")
    assert notification.title == "标题 Bcc: evil@example.org"
    assert len(mail.outbox) == 1 and "\n" not in mail.outbox[0].subject
