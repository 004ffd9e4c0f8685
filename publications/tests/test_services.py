"""Drafts, sign-off and publication (publications/services.py): the workflow table, the calendar
and the snapshot."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Delegation
from accounts.roles import Role
from core.models import AuditEvent, Notification
from core.workdays import ensure_calendar
from core.workflow import Conflict
from projects.models import Status
from publications import services
from publications.models import Kind, Publication, PublicationStatus
from tests import factories as f

D = datetime.date


@pytest.fixture(autouse=True)
def _calendar(db):
    ensure_calendar()


def compile_(org, kind, month, street="a", today=None):
    street = {"a": org.street_a, "b": org.street_b, None: None}[street]
    return services.publication_compile(
        kind=kind,
        district=org.district,
        street=street,
        month=month,
        today=today or D(2027, 6, 1),
    )


# --- the calendar -------------------------------------------------------------------------------
def test_preview_is_due_on_the_first_working_day_after_the_national_day_holiday(db):
    assert services.due_on(Kind.PREVIEW, D(2026, 10, 1)) == D(2026, 10, 8)
    assert services.due_on(Kind.PREVIEW, D(2026, 5, 1)) == D(2026, 5, 6)
    assert services.due_on(Kind.PREVIEW, D(2026, 6, 1)) == D(2026, 6, 1)


def test_summary_is_due_on_the_third_working_day_counting_a_tiaoxiu_saturday(db):
    # October 2026: the 8th and 9th are working days, Saturday the 10th is a 调休 working day.
    assert services.due_on(Kind.SUMMARY, D(2026, 9, 1)) == D(2026, 10, 10)
    assert services.due_on(Kind.DIGEST, D(2026, 9, 1)) == D(2026, 10, 10)
    assert services.due_on(Kind.SUMMARY, D(2026, 4, 1)) == D(2026, 5, 8)


def test_drafting_starts_on_the_25th_for_previews_and_after_the_month_for_summaries():
    assert services.drafted_from(Kind.PREVIEW, D(2026, 1, 1)) == D(2025, 12, 25)
    assert services.drafted_from(Kind.SUMMARY, D(2026, 12, 1)) == D(2027, 1, 1)


# --- compiling ----------------------------------------------------------------------------------
def test_compile_makes_one_draft_and_the_second_call_returns_it(org, people):
    publication, created = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    again, created_again = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    assert created and not created_again and again.pk == publication.pk
    assert publication.status == PublicationStatus.DRAFT
    assert publication.due_on == D(2026, 10, 8)
    assert publication.content["kind"] == "preview"
    assert Publication.objects.count() == 1
    row = AuditEvent.objects.get(action="publication.create")
    assert row.actor is None and row.actor_label == "system"


def test_compile_refuses_a_summary_of_a_month_not_yet_over(org):
    with pytest.raises(ValidationError, match="起才能汇编"):
        compile_(org, Kind.SUMMARY, D(2026, 10, 1), today=D(2026, 10, 31))
    with pytest.raises(ValidationError):
        compile_(org, Kind.PREVIEW, D(2026, 11, 1), today=D(2026, 10, 24))
    assert compile_(org, Kind.PREVIEW, D(2026, 11, 1), today=D(2026, 10, 25))[1]


def test_compile_refuses_a_digest_of_a_street_and_a_preview_without_one(org):
    with pytest.raises(ValidationError):
        compile_(org, Kind.DIGEST, D(2026, 9, 1), street="a")
    with pytest.raises(ValidationError):
        compile_(org, Kind.PREVIEW, D(2026, 9, 1), street=None)
    assert not Publication.objects.exists()


def test_compiling_by_hand_needs_district_staff(org, people):
    with pytest.raises(PermissionDenied):
        services.publication_compile(
            kind=Kind.DIGEST,
            district=org.district,
            street=None,
            month=D(2026, 9, 1),
            by=people.street,
        )
    publication, created = services.publication_compile(
        kind=Kind.DIGEST,
        district=org.district,
        street=None,
        month=D(2026, 9, 1),
        by=people.district,
    )
    assert created
    assert AuditEvent.objects.get(action="publication.create").actor == people.district


# --- signing off --------------------------------------------------------------------------------
def test_street_leader_signs_off_with_a_foreword_and_the_second_sign_off_is_a_conflict(org, people):
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    services.publication_sign_off(publication=publication, by=people.street, foreword=" 欢迎参加 ")
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.foreword == "欢迎参加"
    assert publication.signed_off_by == people.street and publication.signed_off_at
    assert not publication.auto_published
    audit = AuditEvent.objects.get(action="publication.sign_off")
    assert audit.actor == people.street and audit.detail["to"] == "published"
    with pytest.raises(Conflict):
        services.publication_sign_off(publication=publication, by=people.street, foreword="再改")
    publication.refresh_from_db()
    assert publication.foreword == "欢迎参加"


def test_only_the_streets_decider_signs_its_preview(org, people):
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    for person in (people.member, people.secretary, people.district, people.street_b):
        with pytest.raises(PermissionDenied):
            services.publication_sign_off(publication=publication, by=person)
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.DRAFT


def test_district_staff_sign_off_the_digest_and_the_street_may_not(org, people):
    digest, _ = compile_(org, Kind.DIGEST, D(2026, 9, 1), street=None)
    with pytest.raises(PermissionDenied):
        services.publication_sign_off(publication=digest, by=people.street)
    services.publication_sign_off(publication=digest, by=people.district)
    digest.refresh_from_db()
    assert digest.status == PublicationStatus.PUBLISHED


def test_foreword_is_saved_on_a_draft_without_publishing_and_never_after(org, people):
    publication, _ = compile_(org, Kind.SUMMARY, D(2026, 9, 1))
    services.publication_foreword(publication=publication, by=people.street, foreword="九月总结")
    publication.refresh_from_db()
    assert publication.foreword == "九月总结" and publication.status == PublicationStatus.DRAFT
    with pytest.raises(ValidationError):
        services.publication_foreword(
            publication=publication, by=people.street, foreword="长" * 2001
        )
    services.publication_sign_off(publication=publication, by=people.street)
    publication.refresh_from_db()
    assert publication.foreword == "九月总结"  # the one saved before
    with pytest.raises(Conflict):
        services.publication_foreword(publication=publication, by=people.street, foreword="改")


def test_publishing_queues_the_deliveries_and_the_pdf_on_commit(
    org, people, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "publications.deliveries.deliveries_start", lambda p: calls.append(("deliver", p.pk))
    )
    monkeypatch.setattr("publications.pdf.pdf_build_later", lambda p: calls.append(("pdf", p.pk)))
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_sign_off(publication=publication, by=people.street)
        assert calls == []  # not before the commit
    assert calls == [("deliver", publication.pk), ("pdf", publication.pk)]


def test_auto_publish_is_the_systems_and_audited_without_a_person(
    org, people, django_capture_on_commit_callbacks
):
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        services.PUBLICATION_WORKFLOW.perform(publication, "auto_publish", by=people.district)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_auto_publish(publication=publication)
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED and publication.auto_published
    assert publication.signed_off_by is None and publication.signed_off_at
    audit = AuditEvent.objects.get(action="publication.auto_publish")
    assert audit.actor is None and audit.detail["by"] == "system"
    # The street's 组长 hears that it went out without them: in its delivery, once.
    heard = Notification.objects.get(recipient=people.street, event="publications.published")
    assert heard.title == publication.title and "自动发布" in heard.body


def _heard(person, publication) -> tuple[int, int]:
    """(inbox entries, e-mails) telling `person` that `publication` was published."""
    inbox = Notification.objects.filter(
        recipient=person, event="publications.published", url=publication.get_absolute_url()
    ).count()
    mails = [m for m in mail.outbox if m.to == [person.email] and publication.title in m.subject]
    return inbox, len(mails)


def test_the_leader_hears_once_when_the_delegate_signs_off(
    org, people, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    Delegation.objects.create(
        street=org.street_a,
        delegate=people.member,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        reason="组长外出学习",
        created_by=people.street,
    )
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_sign_off(publication=publication, by=people.member)
    # The delivery is the one notice: inbox and e-mail once each, not a second pair beside it.
    assert _heard(people.street, publication) == (1, 1)
    assert _heard(people.member, publication) == (1, 1)


def test_everyone_on_auto_publish_hears_once(org, people, django_capture_on_commit_callbacks):
    publication, _ = compile_(org, Kind.SUMMARY, D(2026, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_auto_publish(publication=publication)
    for person in (people.street, people.member, people.secretary):
        assert _heard(person, publication) == (1, 1), person


def test_district_staff_who_did_not_sign_the_digest_still_hear_of_it(
    org, people, django_capture_on_commit_callbacks
):
    colleague = f.make_user(Role.DISTRICT_STAFF, org.district, username="district2")
    digest, _ = compile_(org, Kind.DIGEST, D(2026, 9, 1), street=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_sign_off(publication=digest, by=people.district)
    # District staff receive no delivery of the digest: the notice is how they hear.
    assert _heard(colleague, digest) == (1, 1)
    assert _heard(people.district, digest) == (0, 0)
    assert _heard(people.street, digest) == (1, 1)  # the street's delivery


def test_signing_off_recompiles_the_draft_first_and_keeps_the_foreword(org, people):
    project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, created_by=people.secretary, announced=True
    )
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 12, 1), today=D(2026, 11, 25))
    services.publication_foreword(publication=publication, by=people.street, foreword="十二月见")
    project.title = "签发前改名的邻居节"
    project.save(update_fields=["title"])

    services.publication_sign_off(publication=publication, by=people.street)

    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED
    assert "签发前改名的邻居节" in json.dumps(publication.content, ensure_ascii=False)
    assert publication.foreword == "十二月见"
    actions = AuditEvent.objects.filter(
        object_type="publications.publication", object_id=str(publication.pk)
    ).order_by("pk")
    assert list(actions.values_list("action", "actor"))[-2:] == [
        ("publication.recompile", people.street.pk),
        ("publication.sign_off", people.street.pk),
    ]


def test_auto_publish_recompiles_the_draft_first(org, people):
    project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, created_by=people.secretary, announced=True
    )
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 12, 1), today=D(2026, 11, 25))
    project.title = "自动发布前改名的邻居节"
    project.save(update_fields=["title"])

    services.publication_auto_publish(publication=publication)

    publication.refresh_from_db()
    assert "自动发布前改名的邻居节" in json.dumps(publication.content, ensure_ascii=False)
    recompile = AuditEvent.objects.get(action="publication.recompile")
    assert recompile.actor is None and recompile.actor_label == "system"


# --- the snapshot -------------------------------------------------------------------------------
def test_recompile_refreshes_a_draft_and_a_published_snapshot_never_changes(org, people):
    project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, created_by=people.secretary, announced=True
    )
    assert project.status == Status.ANNOUNCED
    publication, _ = compile_(org, Kind.PREVIEW, D(2026, 12, 1), today=D(2026, 11, 25))
    assert project.title in json.dumps(publication.content, ensure_ascii=False)
    project.title = "改名后的邻居节"
    project.save(update_fields=["title"])
    services.publication_recompile(publication=publication, by=people.street)
    publication.refresh_from_db()
    assert "改名后的邻居节" in json.dumps(publication.content, ensure_ascii=False)

    services.publication_sign_off(publication=publication, by=people.street)
    snapshot, compiled_at = publication.content, Publication.objects.get().compiled_at
    project.title = "再次改名的邻居节"
    project.save(update_fields=["title"])
    with pytest.raises(Conflict):
        services.publication_recompile(publication=publication, by=people.street)
    publication.refresh_from_db()
    assert publication.content == snapshot and publication.compiled_at == compiled_at
    assert "再次改名" not in json.dumps(publication.content, ensure_ascii=False)


def test_settings_update_is_district_staffs_and_audited(org, people):
    with pytest.raises(PermissionDenied):
        services.settings_update(by=people.street, district=org.district, auto_publish=True, hour=9)
    row = services.settings_update(
        by=people.district, district=org.district, auto_publish=True, hour=9
    )
    assert row.auto_publish and row.auto_publish_hour == 9 and row.updated_by == people.district
    audit = AuditEvent.objects.get(action="publicationsettings.update")
    assert audit.detail["before"] == {"auto_publish": False, "hour": 10}
    with pytest.raises(ValidationError):
        services.settings_update(
            by=people.district, district=org.district, auto_publish=True, hour=24
        )
