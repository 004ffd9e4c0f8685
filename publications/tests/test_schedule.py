"""The daily job (publications/schedule.py): the calendar, catch-up, reminders, auto-publish, and
that running it twice does nothing twice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent, Notification
from core.workdays import ensure_calendar
from projects.models import Activity, Status
from publications import schedule, services
from publications.models import Kind, Publication, PublicationSettings, PublicationStatus
from tests import factories as f

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


# --- refreshing unsigned drafts -------------------------------------------------------------------
@pytest.fixture
def clock(monkeypatch):
    """Runs the job at `when`, with the clock (compiled_at, audit times) reading `when` too."""

    def run(when: datetime.datetime):
        monkeypatch.setattr("django.utils.timezone.now", lambda: when)
        return schedule.publish_due(now=when)

    return run


@pytest.fixture
def feast(org, people):
    """A project of street A whose sessions the summary of November counts."""
    return f.ProjectFactory(
        community=org.guoao,
        created_by=people.secretary,
        ready=True,
        status=Status.IN_PROGRESS,
        title="百家宴",
    )


def held_on(project, day: datetime.date) -> Activity:
    return Activity.objects.create(
        project=project,
        date=day,
        status=Activity.Status.HELD,
        participants=40,
        volunteers=3,
        place="社区广场",
        created_by=project.created_by,
    )


def _summary(org):
    return Publication.objects.get(kind=Kind.SUMMARY, month=D(2026, 11, 1), street=org.street_a)


def _recompiles(publication):
    return AuditEvent.objects.filter(
        action="publication.recompile", object_id=str(publication.pk)
    ).order_by("pk")


def test_an_unsigned_summary_is_recompiled_once_a_day_keeping_its_foreword(
    org, people, feast, clock
):
    clock(at(D(2026, 12, 1), 0, 5))  # the summary of November is drafted
    summary = _summary(org)
    assert summary.content["figures"]["sessions"] == 0
    services.publication_foreword(publication=summary, by=people.street, foreword="十一月辛苦了")
    held_on(feast, D(2026, 11, 30))  # the last evening's 百家宴, marked held the next morning

    report = clock(at(D(2026, 12, 1), 7, 5))

    summary.refresh_from_db()
    assert summary.content["figures"]["sessions"] == 1
    assert summary.foreword == "十一月辛苦了" and summary.status == PublicationStatus.DRAFT
    assert summary in report.refreshed and "重新汇编" in str(report)
    recompile = _recompiles(summary).get()
    assert recompile.actor is None and recompile.actor_label == "system"
    assert recompile.detail["changed"] is True
    # The day's later runs leave it; the next morning's first run recompiles it again.
    for hour in (8, 15, 23):
        assert summary not in clock(at(D(2026, 12, 1), hour, 5)).refreshed
    clock(at(D(2026, 12, 2), 6, 5))
    assert _recompiles(summary).count() == 1
    clock(at(D(2026, 12, 2), 7, 5))
    assert _recompiles(summary).count() == 2


def test_a_signed_off_publication_is_never_recompiled(org, people, feast, clock):
    clock(at(D(2026, 12, 1), 0, 5))
    summary = _summary(org)
    services.publication_sign_off(publication=summary, by=people.street, foreword="辛苦了")
    summary.refresh_from_db()
    snapshot, compiled_at = summary.content, summary.compiled_at
    held_on(feast, D(2026, 11, 30))

    for day in (D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 20)):
        assert summary not in clock(at(day)).refreshed

    summary.refresh_from_db()
    assert summary.content == snapshot and summary.compiled_at == compiled_at
    assert summary.content["figures"]["sessions"] == 0
    assert _recompiles(summary).count() == 1  # the sign-off's own, before publishing


def test_drafts_of_months_the_job_no_longer_looks_at_are_left_alone(org, people, clock):
    clock(at(D(2026, 12, 1), 0, 5))
    old = services.publication_compile(
        kind=Kind.SUMMARY,
        district=org.district,
        street=org.street_a,
        month=D(2026, 6, 1),
        today=D(2026, 12, 1),
    )[0]
    report = clock(at(D(2026, 12, 2)))
    # This month's and next month's previews, two months' summaries and digests: all recompiled;
    # June's late summary only when it is signed off (or by hand).
    assert old not in report.refreshed and not _recompiles(old).exists()
    assert {p.kind for p in report.refreshed} == {Kind.PREVIEW, Kind.SUMMARY, Kind.DIGEST}
    assert len(report.refreshed) == Publication.objects.exclude(pk=old.pk).count()


def test_the_refresh_costs_the_same_queries_with_more_records_behind(org, people, feast, clock):
    clock(at(D(2026, 12, 1), 0, 5))
    drafts = Publication.objects.count()  # two months' summaries and digests, December's previews
    held_on(feast, D(2026, 11, 30))
    # Two days on which every draft is late: each run recompiles and reminds all of them.
    with CaptureQueriesContext(connection) as few:
        assert len(clock(at(D(2026, 12, 4))).refreshed) == drafts
    for day in range(1, 30):
        held_on(feast, D(2026, 11, day))
    with CaptureQueriesContext(connection) as more:
        assert len(clock(at(D(2026, 12, 5))).refreshed) == drafts
    assert _summary(org).content["figures"]["sessions"] == 30
    assert len(more) == len(few)
