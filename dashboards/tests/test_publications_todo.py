"""The street's and the district's home pages list the 月度晾晒 drafts waiting to be signed off."""

import datetime

import pytest
from django.utils import timezone

from publications.models import Kind, Publication, PublicationStatus

pytestmark = pytest.mark.django_db


def _draft(org, kind, street, due):
    month = datetime.date(2025, 3, 1) if kind != Kind.PREVIEW else datetime.date(2025, 4, 1)
    return Publication.objects.create(
        kind=kind, district=org.district, street=street, month=month, due_on=due
    )


def test_the_street_sees_its_drafts_and_the_district_the_late_ones_and_its_digest(
    client, org, people
):
    today = timezone.localdate()
    late = _draft(org, Kind.SUMMARY, org.street_a, today - datetime.timedelta(days=2))
    coming = _draft(org, Kind.PREVIEW, org.street_a, today + datetime.timedelta(days=3))
    other = _draft(org, Kind.SUMMARY, org.street_b, today + datetime.timedelta(days=3))
    digest = _draft(org, Kind.DIGEST, None, today + datetime.timedelta(days=3))
    signed = _draft(org, Kind.PREVIEW, org.street_b, today - datetime.timedelta(days=9))
    Publication.objects.filter(pk=signed.pk).update(status=PublicationStatus.PUBLISHED)

    client.force_login(people.street)
    page = client.get("/").content.decode()
    assert "待签发的月度晾晒" in page
    assert late.title in page and coming.title in page and "已逾期" in page
    assert other.title not in page and digest.title not in page

    client.force_login(people.district)
    page = client.get("/").content.decode()
    assert late.title in page and digest.title in page
    assert coming.title not in page and other.title not in page and signed.title not in page

    client.force_login(people.secretary)
    assert "待签发的月度晾晒" not in client.get("/").content.decode()
