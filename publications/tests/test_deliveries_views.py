"""The district's deliveries page, its retry button, the robot page, and the issue's done-when:
the 红色专递 arrives once in every secretary's inbox and mailbox after the job ran twice."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from publications import deliveries
from publications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Publication,
    PublicationStatus,
    StreetChannel,
)

pytestmark = pytest.mark.django_db


def _publication(org, month, kind=Kind.PREVIEW, status=PublicationStatus.PUBLISHED):
    return Publication.objects.create(
        kind=kind, district=org.district, street=None if kind == Kind.DIGEST else org.street_a,
        month=month, due_on=month, status=status,
    )  # fmt: skip


def _failed_rows(publication, people, n):
    for i in range(n):
        Delivery.objects.create(
            publication=publication, channel=Channel.EMAIL, key=f"user:x{i}",
            recipient=people.secretary, status=DeliveryStatus.FAILED, attempts=1,
            last_error="OSError: refused",
        )  # fmt: skip


def test_deliveries_page_queries_do_not_grow(client, org, people, django_assert_max_num_queries):
    client.force_login(people.district)
    url = reverse("publications:deliveries")
    _failed_rows(_publication(org, datetime.date(2026, 1, 1)), people, 3)
    client.get(url)  # warm the per-user caches
    with django_assert_max_num_queries(8) as small:
        assert client.get(url).status_code == 200
    for month in (2, 3):
        _failed_rows(_publication(org, datetime.date(2026, month, 1)), people, 3)
    with django_assert_max_num_queries(8) as large:
        page = client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert page.content.decode().count("重新发送</button>") == 9


def test_deliveries_page_is_for_district_staff_only(client, people):
    for user in (people.street, people.secretary):
        client.force_login(user)
        assert client.get(reverse("publications:deliveries")).status_code == 403


def test_retry_button_makes_a_new_attempt_on_the_same_row(
    client, org, people, django_capture_on_commit_callbacks
):
    publication = _publication(org, datetime.date(2026, 4, 1))
    row = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.secretary.pk}",
        recipient=people.secretary, status=DeliveryStatus.FAILED, attempts=1,
    )  # fmt: skip
    client.force_login(people.district)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publications:delivery_retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
    assert Delivery.objects.count() == 1
    again = client.post(reverse("publications:delivery_retry", args=[row.pk]))
    assert again.status_code == 409


def test_robot_page_shows_the_mask_never_the_url(client, org, people):
    robot = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secretkey-1234567890"
    client.force_login(people.street)
    url = reverse("publications:wecom", args=[org.street_a.pk])
    assert client.post(url, {"action": "save", "url": robot}).status_code == 302
    page = client.get(url).content.decode()
    assert "secretkey-1234567890" not in page and "secr****90" in page
    bad = client.post(url, {"action": "save", "url": "http://example.com/x"})
    assert bad.status_code == 422 and "https://" in bad.content.decode()
    assert StreetChannel.objects.get().webhook_hint.endswith("secr****90")


def test_done_when_the_digest_arrives_once_after_the_job_ran_twice(
    org, people, django_capture_on_commit_callbacks, monkeypatch
):
    """The district signs off its 红色专递; one secretary's mail server is down at first; the
    daily job runs twice: every secretary has it once in the inbox and once in the mailbox."""
    from publications import services
    from publications.schedule import publish_due

    month = datetime.date(2026, 5, 1)
    digest = _publication(org, month, Kind.DIGEST, status=PublicationStatus.DRAFT)
    real, down = deliveries.SENDERS[Channel.EMAIL], {people.secretary2.pk}

    def flaky(delivery):
        if delivery.recipient_id in down:
            down.clear()
            raise ConnectionRefusedError("mail server down")
        real(delivery)

    monkeypatch.setitem(deliveries.SENDERS, Channel.EMAIL, flaky)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_sign_off(publication=digest, by=people.district)
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 1

    later = timezone.now() + timedelta(days=1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due(now=later)

    digest.refresh_from_db()
    for secretary in (people.secretary, people.secretary2, people.secretary_haiyun):
        inbox = Notification.objects.filter(
            recipient=secretary, event=deliveries.EVENT, title=digest.title
        )
        assert inbox.count() == 1, secretary
        assert [m.subject for m in mail.outbox if m.to == [secretary.email]] == [
            f"[百社百景] {digest.title}"
        ], secretary
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
