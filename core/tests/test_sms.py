"""core/sms.py: messages through the configured backend, verification codes hashed, limited,
single use."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import sms
from core.models import PhoneCode

pytestmark = pytest.mark.django_db
PHONE = "13900004444"


@pytest.fixture(autouse=True)
def _outbox(django_capture_on_commit_callbacks):
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _send(phone=PHONE, purpose="test", **kwargs):
    """send_code with its on-commit SMS delivered."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return sms.send_code(phone, purpose, **kwargs)


def _code() -> str:
    return sms.outbox[-1].text.split("验证码是 ")[1][:6]


def test_send_sms_uses_the_locmem_backend_in_tests():
    sms.send_sms("+86 139-0000-4444", "SMS_CODE", {"code": "654321", "minutes": 10})
    assert sms.outbox == [sms.Message(PHONE, "SMS_CODE", {"code": "654321", "minutes": "10"})]


def test_console_backend_logs_only_the_masked_number(settings, caplog):
    settings.SMS_BACKEND = "console"
    with caplog.at_level("INFO", logger="core.sms"):
        sms.send_sms(PHONE, "SMS_CODE", {"code": "654321", "minutes": 10})
    assert "139****4444" in caplog.text and PHONE not in caplog.text


def test_a_dotted_path_names_a_gateway(settings):
    settings.SMS_BACKEND = "core.sms.LocmemBackend"
    sms.send_sms(PHONE, "SMS_CODE", {"code": "111222", "minutes": 10})
    assert sms.outbox[-1].params["code"] == "111222"


def test_a_code_is_six_digits_stored_only_as_hashes():
    row = _send()
    code = _code()
    assert len(code) == 6 and code.isdigit()
    stored = PhoneCode.objects.get(pk=row.pk)
    assert PHONE not in stored.phone_hash and code not in stored.code_hash
    assert stored.expires_at - stored.created_at == timedelta(minutes=10)


def test_the_right_code_is_accepted_once():
    _send()
    code = _code()
    sms.check_code(PHONE, "test", code)
    with pytest.raises(ValidationError, match="失效"):
        sms.check_code(PHONE, "test", code)


def test_a_code_for_another_purpose_or_number_is_refused():
    _send()
    code = _code()
    with pytest.raises(ValidationError):
        sms.check_code(PHONE, "other", code)
    with pytest.raises(ValidationError):
        sms.check_code("13900005555", "test", code)


def test_five_wrong_attempts_spend_the_code():
    _send()
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError, match="不正确"):
            sms.check_code(PHONE, "test", wrong)
    with pytest.raises(ValidationError, match="失效"):
        sms.check_code(PHONE, "test", code)
    assert PhoneCode.objects.get().attempts == 5


def test_an_expired_code_is_refused():
    _send()
    code = _code()
    later = timezone.now() + timedelta(minutes=11)
    with pytest.raises(ValidationError, match="失效"):
        sms.check_code(PHONE, "test", code, now=later)


def test_one_code_a_minute_and_five_an_hour():
    now = timezone.now()
    _send(now=now)
    with pytest.raises(ValidationError, match="1 分钟"):
        _send(now=now + timedelta(seconds=30))
    for minutes in (2, 4, 6, 8):
        _send(now=now + timedelta(minutes=minutes))
    with pytest.raises(ValidationError, match="次数过多"):
        _send(now=now + timedelta(minutes=10))
    assert len(sms.outbox) == 5
    _send(now=now + timedelta(minutes=61))  # the first has left the hour


def test_a_bad_number_is_refused_before_anything_is_stored():
    with pytest.raises(ValidationError):
        _send(phone="12345")
    assert not PhoneCode.objects.exists()


def test_the_backend_gets_a_template_code_and_its_parameters_never_free_text():
    sms.outbox.clear()
    sms.send_sms("139 0000 1111", "SMS_CODE", {"code": "123456", "minutes": 10})
    message = sms.outbox[-1]
    assert (message.phone, message.template) == ("13900001111", "SMS_CODE")
    assert message.params == {"code": "123456", "minutes": "10"}
    assert message.text == "【百社百景】您的验证码是 123456,10 分钟内有效。"


def test_an_unknown_template_or_a_wrong_parameter_is_refused_before_the_gateway():
    sms.outbox.clear()
    with pytest.raises(KeyError):
        sms.send_sms("13900001111", "NO_SUCH_TEMPLATE", {})
    with pytest.raises(ValueError):
        sms.send_sms("13900001111", "SMS_CODE", {"code": "123456"})
    assert sms.outbox == []
    with pytest.raises(ValueError):
        sms.register_template("SMS_CODE", "另一段文字 ${code}")
