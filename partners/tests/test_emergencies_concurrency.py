"""Two workers sending one emergency's alerts at once (a retry racing the first run, or the task
delivered twice): each partner gets one Alert row, one inbox entry and one text message.

Runs on PostgreSQL only: SQLite serialises every write anyway.
"""

import threading
import time

import pytest
from django.db import connection

from core import sms
from core.models import Notification
from partners import emergencies
from partners.models import Alert, Duty, Emergency
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_sending_one_emergency_send_one_message_per_partner(monkeypatch):
    sms.outbox.clear()
    compound = f.CompoundFactory()
    secretary = f.UserFactory()
    standby = Duty.objects.get(code="standby")
    partners = []
    for n in range(5):
        user = f.UserFactory() if n % 2 else None
        partner = f.PartnerFactory(
            community=compound.community, compound=compound, created_by=secretary, user=user
        )
        partner.duties.add(standby)
        partners.append(partner)
    emergency = Emergency.objects.create(
        community=compound.community, title="暴雨值守", description="", opened_by=secretary
    )
    emergency.compounds.add(compound)

    real_send = emergencies.send_sms
    first: dict = {}
    sending = threading.Event()

    def slow_send(phone, template, params):
        if threading.get_ident() == first.get("id"):
            sending.set()
            time.sleep(0.3)  # the second worker arrives while the first holds a claimed row
        real_send(phone, template, params)

    monkeypatch.setattr(emergencies, "send_sms", slow_send)
    sent, errors = {}, []

    def run(name):
        if name == "first":
            first["id"] = threading.get_ident()
        else:
            assert sending.wait(10), "the first worker never reached the gateway"
        try:
            sent[name] = emergencies.alerts_send(emergency_id=emergency.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sent["first"] + sent["second"] == 5
    assert sorted(m.phone for m in sms.outbox) == sorted(p.phone.full for p in partners)
    assert Alert.objects.filter(emergency=emergency).count() == 5
    assert Alert.objects.filter(sms_sent_at__isnull=True).count() == 0
    assert Notification.objects.filter(event="partners.emergency").count() == 2
