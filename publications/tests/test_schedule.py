"""The daily job (publications/schedule.py): the calendar, catch-up, reminders, auto-publish, and
that running it twice does nothing twice."""

import datetime

import pytest

from core.models import AuditEvent, Notification
from core.workdays import ensure_calendar
from publications import schedule
from publications.models import Kind, Publication, PublicationSettings, PublicationStatus

D = datetime.date


@pytest.fixture(autouse=True)
def _calendar(db, monkeypatch):
    ensure_calendar()
    # Deliveries are the delivery area's; here only that the job asks for its retry pass.
    monkeypatch.setattr("publications.deliveries.deliveries_retry_due", lambda *, now: 0)


def at(day: datetime.date, hour: int = 8, minute: int = 5) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=schedule.SHANGHAI)


def kinds(month: datetime.date, kind: str) -> set:
    return set(
        Publication.objects.filter(kind=kind, month=month).values_list("street_id", flat=True)
    )


def test_on_the_25th_the_next_months_previews_are_drafted_and_not_the_day_before(org):
    schedule.publish_due(now=at(D(2026, 9, 24)))
    assert kinds(D(2026, 10, 1), Kind.PREVIEW) == set()
    report = schedule.publish_due(now=at(D(2026, 9, 25)))
    assert kinds(D(2026, 10, 1), Kind.PREVIEW) == {org.street_a.pk, org.street_b.pk}
    preview = Publication.objects.get(kind=Kind.PREVIEW, month=D(2026, 10, 1), street=org.street_a)
    assert preview.status == PublicationStatus.DRAFT
    assert preview.due_on == D(2026, 10, 8)  # after the National Day holiday
    assert len(report.created) == 2
    # No summary of September before September is over.
    assert not Publication.objects.filter(kind=Kind.SUMMARY, month=D(2026, 9, 1)).exists()


def test_on_the_first_the_summaries_and_the_digest_are_drafted(org):
    schedule.publish_due(now=at(D(2026, 10, 1)))
    assert kinds(D(2026, 9, 1), Kind.SUMMARY) == {org.street_a.pk, org.street_b.pk}
    digest = Publication.objects.get(kind=Kind.DIGEST, month=D(2026, 9, 1))
    assert digest.street_id is None and digest.district == org.district
    # Third working day of October: the 8th, the 9th and Saturday the 10th (调休).
    assert digest.due_on == D(2026, 10, 10)


def test_running_twice_creates_nothing_twice(org):
    first = schedule.publish_due(now=at(D(2026, 10, 1)))
    count = Publication.objects.count()
    second = schedule.publish_due(now=at(D(2026, 10, 1), 9))
    assert first.created and second.created == []
    assert second.existing == count == Publication.objects.count()
    assert "新汇编 0 期" in str(second)


def test_a_month_missed_while_the_system_was_down_is_caught_up(org):
    schedule.publish_due(now=at(D(2026, 6, 2)))
    assert Publication.objects.filter(kind=Kind.SUMMARY, month=D(2026, 5, 1)).count() == 2
    # Down from 3 June to 3 August: June's summaries and digest were never drafted.
    schedule.publish_due(now=at(D(2026, 8, 3)))
    for month in (D(2026, 6, 1), D(2026, 7, 1)):
        assert kinds(month, Kind.SUMMARY) == {org.street_a.pk, org.street_b.pk}
        assert Publication.objects.filter(kind=Kind.DIGEST, month=month).count() == 1
    # The look-back is bounded to the previous two months of each run (April, from June).
    assert not Publication.objects.filter(month__lt=D(2026, 4, 1)).exists()
    # A preview of a month already over is never drafted.
    assert not Publication.objects.filter(kind=Kind.PREVIEW, month=D(2026, 7, 1)).exists()
    assert Publication.objects.filter(kind=Kind.PREVIEW, month=D(2026, 8, 1)).count() == 2


def _reminders(person, publication):
    return Notification.objects.filter(
        recipient=person, event="publications.sign_off_reminder", url=publication.get_absolute_url()
    ).count()


def test_an_unsigned_draft_reminds_its_signers_once_a_day_from_its_due_day(org, people):
    schedule.publish_due(now=at(D(2026, 9, 25)))
    preview = Publication.objects.get(kind=Kind.PREVIEW, month=D(2026, 10, 1), street=org.street_a)
    schedule.publish_due(now=at(D(2026, 10, 7)))
    assert _reminders(people.street, preview) == 0  # not due yet
    schedule.publish_due(now=at(D(2026, 10, 8), 6))
    assert _reminders(people.street, preview) == 0  # not in the night
    schedule.publish_due(now=at(D(2026, 10, 8)))
    schedule.publish_due(now=at(D(2026, 10, 8), 15))
    assert _reminders(people.street, preview) == 1
    assert _reminders(people.member, preview) == 0  # only who signs it off
    assert _reminders(people.street_b, preview) == 0  # nor another street
    schedule.publish_due(now=at(D(2026, 10, 9)))
    assert _reminders(people.street, preview) == 2
    preview.refresh_from_db()
    assert preview.reminded_on == D(2026, 10, 9)
    assert (
        AuditEvent.objects.filter(action="publication.remind", object_id=str(preview.pk)).count()
        == 2
    )


def test_the_digest_reminds_district_staff(org, people):
    schedule.publish_due(now=at(D(2026, 10, 10)))
    digest = Publication.objects.get(kind=Kind.DIGEST, month=D(2026, 9, 1))
    assert _reminders(people.district, digest) == 1
    assert _reminders(people.street, digest) == 0


def test_a_signed_off_publication_is_not_reminded(org, people):
    from publications import services

    schedule.publish_due(now=at(D(2026, 9, 25)))
    preview = Publication.objects.get(kind=Kind.PREVIEW, month=D(2026, 10, 1), street=org.street_a)
    services.publication_sign_off(publication=preview, by=people.street)
    schedule.publish_due(now=at(D(2026, 10, 9)))
    assert _reminders(people.street, preview) == 0


def _allow(org, hour):
    PublicationSettings.objects.create(
        district=org.district, auto_publish=True, auto_publish_hour=hour
    )


def test_auto_publish_waits_for_the_hour_of_the_due_day(org):
    _allow(org, 10)
    schedule.publish_due(now=at(D(2026, 9, 25)))
    preview = Publication.objects.get(kind=Kind.PREVIEW, month=D(2026, 10, 1), street=org.street_a)
    schedule.publish_due(now=at(D(2026, 10, 7), 23))
    schedule.publish_due(now=at(D(2026, 10, 8), 9, 59))
    preview.refresh_from_db()
    assert preview.status == PublicationStatus.DRAFT
    report = schedule.publish_due(now=at(D(2026, 10, 8), 10))
    preview.refresh_from_db()
    assert preview.status == PublicationStatus.PUBLISHED and preview.auto_published
    assert preview in report.published
    audit = AuditEvent.objects.get(action="publication.auto_publish", object_id=str(preview.pk))
    assert audit.actor is None


def test_a_missed_hour_publishes_on_the_next_run_after_the_due_day(org):
    _allow(org, 22)
    schedule.publish_due(now=at(D(2026, 9, 25)))
    schedule.publish_due(now=at(D(2026, 10, 9), 7))
    preview = Publication.objects.get(kind=Kind.PREVIEW, month=D(2026, 10, 1), street=org.street_a)
    assert preview.status == PublicationStatus.PUBLISHED


def test_nothing_publishes_itself_when_the_setting_is_off_and_never_the_digest(org):
    schedule.publish_due(now=at(D(2026, 10, 12), 12))
    assert not Publication.objects.filter(status=PublicationStatus.PUBLISHED).exists()
    _allow(org, 10)
    schedule.publish_due(now=at(D(2026, 10, 12), 12))
    digest = Publication.objects.get(kind=Kind.DIGEST, month=D(2026, 9, 1))
    assert digest.status == PublicationStatus.DRAFT
    summary = Publication.objects.get(kind=Kind.SUMMARY, month=D(2026, 9, 1), street=org.street_a)
    assert summary.status == PublicationStatus.PUBLISHED


def test_one_failing_street_does_not_stop_the_others(org, monkeypatch):
    from publications import compile as compiling

    real = compiling.compile_content

    def flaky(kind, *, district, street=None, month):
        if street is not None and street.pk == org.street_b.pk:
            raise RuntimeError("数据库抖动")
        return real(kind, district=district, street=street, month=month)

    monkeypatch.setattr(compiling, "compile_content", flaky)
    report = schedule.publish_due(now=at(D(2026, 10, 1)))
    assert report.errors
    assert kinds(D(2026, 9, 1), Kind.SUMMARY) == {org.street_a.pk}
    monkeypatch.setattr(compiling, "compile_content", real)
    schedule.publish_due(now=at(D(2026, 10, 2)))
    assert kinds(D(2026, 9, 1), Kind.SUMMARY) == {org.street_a.pk, org.street_b.pk}


def test_the_task_runs_the_job_and_reports_counts(org, monkeypatch):
    from publications.tasks_schedule import publish_due

    monkeypatch.setattr("publications.schedule.timezone.now", lambda: at(D(2026, 10, 1)))
    counts = publish_due.delay().get()
    assert counts["created"] == Publication.objects.count() > 0
    assert publish_due.name == "publications.tasks_schedule.publish_due"
