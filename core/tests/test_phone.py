import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from core.phone import Phone, mask_phone, normalise_phone, phone_hash
from tests import factories as f


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
    ],
)
def test_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12812345678", "1381234567", "138123456789", "abc", "010-12345678"]
)
def test_bad_numbers_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert "11位手机号码" in exc.value.messages[0]


def test_masked_by_default():
    assert mask_phone("13812345678") == "138****5678"
    assert str(Phone("13812345678")) == "138****5678"


@pytest.mark.django_db
def test_stored_encrypted_and_found_by_keyed_hash():
    user = f.UserFactory(phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM accounts_user WHERE id = %s", [user.pk])
        stored, stored_hash = cursor.fetchone()
    assert "13912345678" not in stored
    assert stored_hash == phone_hash("139 1234 5678")
    reloaded = User.objects.get(phone_hash=phone_hash("13912345678"))
    assert reloaded.phone.full == "13912345678"
    assert str(reloaded.phone) == "139****5678"


@pytest.mark.django_db
def test_keyed_hash_depends_on_the_key(settings):
    first = phone_hash("13912345678")
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    assert phone_hash("13912345678") != first


@pytest.mark.django_db
def test_phone_numbers_are_unique_per_user():
    from django.db import IntegrityError

    f.UserFactory(phone="13912345678")
    with pytest.raises(IntegrityError):
        f.UserFactory(phone="139-1234-5678")
