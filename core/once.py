"""One submission per form, checked on the server.

Every form that creates something carries a signed one-time token (`OnceField`). Posting it
claims the token in the database, in the same transaction as the record it creates: a second post
of the same form (a slow phone tapping twice, two tabs, a browser resending) finds the claim and is
sent to what the first one created. Tokens are signed, not stored when issued, so an anonymous
public form needs no session per visitor; only a successful submission writes a row.
"""

import secrets
from datetime import timedelta

from django import forms
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import FormSubmission

SALT = "core.once"
MAX_AGE = timedelta(hours=12)
KEEP = timedelta(days=2)  # claims older than this are purged; no form lives that long


def new_token() -> str:
    return signing.dumps(secrets.token_urlsafe(18), salt=SALT)


def read_token(value: str) -> str | None:
    """The nonce inside a token this server signed in the last MAX_AGE, or None."""
    try:
        nonce = signing.loads(str(value), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    return nonce if isinstance(nonce, str) and 0 < len(nonce) <= 64 else None


class OnceField(forms.CharField):
    """A hidden field holding a fresh token; it cleans to the token's nonce."""

    default_error_messages = {
        "required": "页面已过期,请再点一次保存。",
        "invalid": "页面已过期,请再点一次保存。",
    }

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, max_length=300, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        nonce = read_token(value)
        if nonce is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return nonce


class OnceForm(forms.Form):
    """Base for a form that creates something: `once` carries the one-time token. A ModelForm
    lists it first: `class NeedForm(OnceForm, forms.ModelForm)`."""

    once = OnceField(label="提交")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["once"] = new_token()

    def full_clean(self):
        super().full_clean()
        if self.is_bound and "once" in self._errors:
            # The page sat too long: the form goes back with a new token, so saving again works.
            self.data = self.data.copy()
            self.data["once"] = new_token()


def claim(nonce: str, *, result_url: str = "") -> FormSubmission | None:
    """Claim a token inside the caller's transaction; None if another post already holds it
    (on PostgreSQL a concurrent post waits here until the first commits or rolls back). A page
    that knows where a repeat post goes names it here: one write instead of two."""
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(nonce=nonce, result_url=result_url[:300])
    except IntegrityError:
        return None


def claimed(nonce: str) -> FormSubmission | None:
    return FormSubmission.objects.filter(nonce=nonce).first()


def form_submissions_purge(*, now=None) -> int:
    """Forget claims older than KEEP: their forms expired long ago."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
