"""Phone numbers: normalised, encrypted at rest, looked up by keyed hash, shown masked.

`PhoneField` stores Fernet ciphertext; the model declares a sibling `<name>_hash` column that
`PhoneField.pre_save` fills with an HMAC so numbers can be looked up and kept unique without
decrypting. Reading the field gives a `Phone`, whose `str()` is the masked form, so a template
can never print the full number by accident: only `.full`, used by the audited reveal, can.
"""

import base64
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Strip spaces, dashes and a +86/0086 prefix; raise ValidationError unless a mainland mobile."""
    digits = re.sub(r"[\s\-()]", "", str(raw or ""))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if not PHONE_RE.match(digits):
        raise ValidationError(_("请输入11位手机号码,例如 13812345678。"), code="invalid_phone")
    return digits


def mask_phone(number: str) -> str:
    """138****5678."""
    return f"{number[:3]}****{number[-4:]}" if number else ""


@cache
def _keys(secret: str) -> tuple[Fernet, bytes]:
    enc = hashlib.sha256(b"phone-encryption:" + secret.encode()).digest()
    mac = hashlib.sha256(b"phone-lookup-hash:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def phone_hash(number: str) -> str:
    """Keyed hash of a normalised number, for lookups and uniqueness."""
    _, mac = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(mac, normalise_phone(number).encode(), hashlib.sha256).hexdigest()


def encrypt_phone(number: str) -> str:
    fernet, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    return fernet.encrypt(number.encode()).decode()


def decrypt_phone(token: str) -> str:
    fernet, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, not show garbage
        raise ValueError("phone number cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc


class Phone:
    """A normalised number whose string form is masked."""

    __slots__ = ("full",)

    def __init__(self, number: str):
        self.full = number

    @property
    def masked(self) -> str:
        return mask_phone(self.full)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Phone({self.masked!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Phone):
            return self.full == other.full
        return isinstance(other, str) and self.full == other

    def __hash__(self) -> int:
        return hash(self.full)

    def __bool__(self) -> bool:
        return bool(self.full)


MASKED_RE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")


class PhoneFormField(forms.CharField):
    """A phone number typed in a form. An edit form shows the stored number masked; posted back
    unchanged, the field cleans to the stored number. A masked value that is not the stored one
    (a new record, or somebody else's mask) is refused: no placeholder ever reaches a service."""

    default_error_messages = {
        "masked": _("请输入完整的11位手机号码(不要带 * 号)。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # An edit form shows the masked number, never the full one.
        return value.masked if isinstance(value, Phone) else value

    def _clean_bound_field(self, bf):
        # The form's initial value is the stored number: the one thing a mask may stand for.
        value = super()._clean_bound_field(bf)
        if value and MASKED_RE.match(value):
            stored = bf.initial
            if isinstance(stored, Phone) and stored and stored.masked == value:
                return stored.full
            raise ValidationError(self.error_messages["masked"], code="masked")
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        if MASKED_RE.match(value.strip()):
            return value.strip()  # judged against the stored number in _clean_bound_field
        return normalise_phone(value)


class PhoneField(models.CharField):
    """Encrypted phone number; fills `<attname>_hash` on save."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("max_length", 255)  # the ciphertext, not the 11 digits
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        # max_length bounds the ciphertext column, not the number (normalise_phone checks that);
        # a fresh list each time, so CharField's own MaxLengthValidator is never kept.
        return list(self._validators)

    @property
    def hash_attname(self) -> str:
        return f"{self.attname}_hash"

    def from_db_value(self, value, expression, connection):
        if not value:
            return Phone("")
        return Phone(decrypt_phone(value))

    def to_python(self, value):
        if isinstance(value, Phone):
            return value
        if not value:
            return Phone("")
        return Phone(normalise_phone(value))

    def get_prep_value(self, value):
        phone = self.to_python(value)
        return encrypt_phone(phone.full) if phone.full else ""

    def pre_save(self, model_instance, add):
        phone = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, phone)
        setattr(model_instance, self.hash_attname, phone_hash(phone.full) if phone.full else "")
        return phone

    def value_to_string(self, obj):
        return str(self.value_from_object(obj))

    def formfield(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("widget", None)  # the admin would offer a wide text box; a phone is one line
        return PhoneFormField(
            required=not self.blank, label=self.verbose_name, help_text=self.help_text, **kwargs
        )


def reveal_phone(obj, *, by, permission: str, missing: str = "", detail: dict | None = None) -> str:
    """The full number kept on `obj.phone`, for someone who must call the person: refused
    (403) without `permission` on the object, and every reveal and refusal audited with the
    masked number only. `missing` is the message when no number was left (422)."""
    from django.core.exceptions import PermissionDenied

    from .audit import audit

    if not by.has_perm(permission, obj):
        audit(actor=by, action="phone.reveal", obj=obj, result="denied")
        raise PermissionDenied
    if not obj.phone:
        raise ValidationError(missing or _("没有留联系电话。"), code="no_phone")
    audit(
        actor=by,
        action="phone.reveal",
        obj=obj,
        detail={"masked": obj.phone.masked, **(detail or {})},
    )
    return obj.phone.full
