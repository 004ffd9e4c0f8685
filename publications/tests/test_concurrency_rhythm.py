"""Two callers at once on PostgreSQL: two compiles of the same draft make one row; two sign-offs
make one publication and one conflict; two daily jobs remind once and recompile a stale draft
once; two residents asking for a PDF not made yet build it once.

Runs on PostgreSQL only: select_for_update and concurrent unique checks mean nothing on SQLite.
"""

import datetime
import threading
import time

import pytest
from django.db import connection

from core.models import Notification
from core.workdays import ensure_calendar
from core.workflow import Conflict
from publications import compile as compiling
from publications import schedule, services
from publications.models import Kind, Publication, PublicationStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = datetime.date


def _together(calls):
    """Run the calls in threads, each on its own connection; returns result or exception each."""
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # the test reads what each caller got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_concurrent_compiles_make_one_draft(org, monkeypatch):
    ensure_calendar()
    real = compiling.compile_content
    both_compiling = threading.Barrier(2, timeout=10)

    def slow(kind, **kwargs):
        both_compiling.wait()  # both have found no row and go on to insert one
        return real(kind, **kwargs)

    monkeypatch.setattr(compiling, "compile_content", slow)

    def call():
        return services.publication_compile(
            kind=Kind.PREVIEW,
            district=org.district,
            street=org.street_a,
            month=D(2026, 10, 1),
            today=D(2026, 9, 25),
        )

    results = _together([call, call])
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk
    assert Publication.objects.count() == 1


def test_two_sign_offs_at_once_publish_once(org, people, monkeypatch):
    ensure_calendar()
    monkeypatch.setattr("publications.deliveries.deliveries_start", lambda p: 0)
    monkeypatch.setattr("publications.pdf.pdf_build_later", lambda p: None)
    publication, _ = services.publication_compile(
        kind=Kind.PREVIEW,
        district=org.district,
        street=org.street_a,
        month=D(2026, 10, 1),
        today=D(2026, 9, 25),
    )

    def sign(text):
        return lambda: services.publication_sign_off(
            publication=publication, by=people.street, foreword=text
        )

    results = _together([sign("甲"), sign("乙")])
    assert sum(isinstance(r, Publication) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.foreword in ("甲", "乙")


def test_two_daily_jobs_at_once_compile_and_remind_once(org, people, monkeypatch):
    ensure_calendar()
    monkeypatch.setattr("publications.deliveries.deliveries_retry_due", lambda *, now: 0)
    now = datetime.datetime(2026, 10, 12, 8, 5, tzinfo=schedule.SHANGHAI)
    results = _together([lambda: schedule.publish_due(now=now)] * 2)
    assert all(isinstance(r, schedule.Report) for r in results), results
    # Summaries of August and September for two streets, two digests, October's previews.
    assert Publication.objects.count() == 4 + 2 + 2
    summary = Publication.objects.get(kind=Kind.SUMMARY, month=D(2026, 9, 1), street=org.street_a)
    reminders = Notification.objects.filter(
        recipient=people.street,
        event="publications.sign_off_reminder",
        url=summary.get_absolute_url(),
    )
    assert reminders.count() == 1


def test_two_daily_jobs_at_once_recompile_each_stale_draft_once(org, people, monkeypatch):
    from core.models import AuditEvent

    ensure_calendar()
    monkeypatch.setattr("publications.deliveries.deliveries_retry_due", lambda *, now: 0)
    first = datetime.datetime(2026, 12, 1, 0, 5, tzinfo=schedule.SHANGHAI)
    schedule.publish_due(now=first)
    drafts = Publication.objects.count()
    Publication.objects.update(compiled_at=first)  # as compiled by that night's run
    morning = first.replace(hour=7)
    results = _together([lambda: schedule.publish_due(now=morning)] * 2)
    assert all(isinstance(r, schedule.Report) for r in results), results
    assert sum(len(r.refreshed) for r in results) == drafts
    assert AuditEvent.objects.filter(action="publication.recompile").count() == drafts


def test_two_residents_asking_for_a_missing_pdf_at_once_build_it_once(org, people, monkeypatch):
    """The public PDF link, before the task made it (the demo's months gone by): the view goes
    through the task's locked pdf_build, so the second request waits, then serves the same file."""
    from django.test import Client
    from django.urls import reverse

    from core.models import Upload
    from publications import pdf

    from .world_public import make_publication

    preview = make_publication(org, people, compiled=False)
    real, builds = pdf.pdf_bytes, []
    both_asking = threading.Barrier(2, timeout=10)

    def slow(publication):
        builds.append(publication.pk)
        time.sleep(0.5)  # the other request arrives while this one holds the row
        return real(publication)

    monkeypatch.setattr(pdf, "pdf_bytes", slow)
    url = reverse("publications_public:pdf", args=[preview.pk])

    def ask():
        both_asking.wait()
        response = Client().get(url)
        return response.status_code, b"".join(response.streaming_content)[:5]

    results = _together([ask, ask])
    assert results == [(200, b"%PDF-")] * 2, results
    assert builds == [preview.pk]
    assert Upload.objects.filter(owner_id=preview.pk, content_type="application/pdf").count() == 1
