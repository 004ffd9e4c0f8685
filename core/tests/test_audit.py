import io

import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import audit
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(people):
    event = audit(actor=people.secretary, action="test.event")
    assert event.role == "secretary" and event.actor_label == "secretary"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update_of_audit_rows(people):
    event = audit(actor=people.secretary, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.postgres
def test_database_refuses_delete_of_audit_rows_on_postgresql(people):
    event = audit(actor=people.secretary, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_auditor_searches_the_log_in_the_portal(client, people):
    audit(actor=people.secretary, action="project.submit")
    audit(actor=people.street, action="project.approve")
    client.force_login(people.auditor)
    response = client.get("/audit/", {"q": "approve"})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [e.action for e in rows] == ["project.approve"]


def test_audit_search_rejects_reversed_dates_with_a_message(client, people):
    client.force_login(people.auditor)
    response = client.get("/audit/", {"since": "2026-11-30", "until": "2026-11-01"})
    assert response.status_code == 400
    assert "起始日期不能晚于截止日期" in response.content.decode()


@pytest.mark.parametrize("who", ["secretary", "district", "sysadmin", "secadmin"])
def test_only_the_auditor_reads_the_log(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=getattr(people, who)).exists()


def test_audit_holds_no_phone_number(client, people):
    from accounts.services import phone_reveal

    phone_reveal(person=people.secretary, by=people.district)
    event = AuditEvent.objects.get(action="phone.reveal")
    assert "13812345678" not in str(event.detail)
    assert event.detail["masked"] == "138****5678"


@pytest.mark.parametrize("params", [{"until": "9999-12-31"}, {"since": "0001-01-01"}])
def test_audit_search_far_dates_get_a_message_not_a_crash(client, people, params):
    client.force_login(people.auditor)
    response = client.get("/audit/", params)
    assert response.status_code == 400
    assert "之间的日期" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attempt",
    [
        lambda: AuditEvent._base_manager.all().delete(),
        lambda: AuditEvent._base_manager.all().update(action="x"),
        lambda: AuditEvent.objects.all()._raw_delete("default"),
        lambda: AuditEvent.objects.bulk_update(list(AuditEvent.objects.all()), ["action"]),
        lambda: AuditEvent._default_manager.filter(pk__gt=0)._update({"action": "x"}),
    ],
)
def test_no_orm_path_changes_or_removes_an_audit_row(people, attempt):
    from core.audit import audit

    audit(actor=people.secretary, action="project.submit")
    with pytest.raises(TypeError, match="append-only"):
        attempt()
    assert AuditEvent.objects.filter(action="project.submit").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_application_role_may_append_and_read_the_audit_log_and_nothing_more(
    people, monkeypatch
):
    """manage.py db_app_role, run as the owner: the role the portal runs as in production
    cannot delete, update or truncate audit rows, nor disable the trigger that guards them."""
    import os

    import psycopg
    from django.core.management import call_command
    from django.db import connection

    from core.audit import audit

    role = f"bsbj_app_{os.getpid()}"
    settings_dict = connection.settings_dict
    monkeypatch.setenv("APP_DATABASE_URL", f"postgres://{role}:app-secret@127.0.0.1/x")
    call_command("db_app_role", stdout=io.StringIO())
    audit(actor=people.secretary, action="project.submit")
    try:
        with psycopg.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            dbname=settings_dict["NAME"],
            user=role,
            password="app-secret",
            autocommit=True,
        ) as app:
            assert app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == 1
            app.execute(
                "INSERT INTO core_auditevent (at, actor_label, role, action, object_type,"
                " object_id, result, detail) VALUES (now(), 'app', '', 'x', '', '', 'ok', '{}')"
            )
            app.execute("UPDATE projects_project SET title = title WHERE false")  # business rows
            for forbidden in (
                "DELETE FROM core_auditevent",
                "UPDATE core_auditevent SET action = 'x'",
                "TRUNCATE core_auditevent",
                "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
                "DROP TRIGGER core_auditevent_no_update_delete ON core_auditevent",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(forbidden)
            assert app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == 2
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')
