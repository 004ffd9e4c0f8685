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
