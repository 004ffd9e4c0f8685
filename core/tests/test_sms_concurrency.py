"""Many requests for a code to one number at the same moment send one code: the checks of
core/sms.py run one at a time per number and purpose (a PostgreSQL advisory lock).

PostgreSQL only: SQLite serialises every write anyway."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core import sms
from core.models import PhoneCode

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_requests_for_one_number_send_one_code():
    sms.outbox.clear()
    start = threading.Barrier(8)
    refused = []

    def ask():
        start.wait(10)
        try:
            sms.send_code("13900005555", "claim")
        except ValidationError as exc:
            refused.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert PhoneCode.objects.count() == 1
    assert len(sms.outbox) == 1 and refused == ["sms_too_soon"] * 7
