"""Residents' sign-ups (报名) for a project's sessions: no account, a name and a phone number or
a household code; a waiting list (候补) that moves up when someone cancels with their code."""

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Household
from core.phone import PhoneField
from projects.models import Activity, Project

# The notice a resident agrees to when signing up (PIPL: versioned, recorded with time).
CONSENT_VERSION = "2026-01"
# A cancel code: short enough to read out on the phone, random enough not to be guessed
# (32^8 ≈ 10^12 per session; the form is rate-limited).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_cancel_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(str(raw or "").split()).replace("-", "").upper()[:32]


def code_hash(code: str) -> str:
    """Only the hash is kept: the code is shown once, on the success page."""
    return hashlib.sha256(f"signup-cancel:{normalise_code(code)}".encode()).hexdigest()


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITING = "waiting", _("候补中")
    CANCELLED = "cancelled", _("已取消")


LIVE = (SignUpStatus.CONFIRMED, SignUpStatus.WAITING)


class SignUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sign-ups of the sessions of projects this user may open."""
        return self.filter(activity__project__in=Project.objects.visible_to(user))

    def live(self):
        return self.filter(status__in=LIVE)

    def confirmed(self):
        return self.filter(status=SignUpStatus.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=SignUpStatus.WAITING).order_by("created_at", "id")


class SignUp(models.Model):
    """One resident's (or household's) sign-up for one session."""

    Status = SignUpStatus

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动场次"), on_delete=models.CASCADE, related_name="signups"
    )
    name = models.CharField(_("姓名"), max_length=20)
    phone = PhoneField(_("手机号码"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_code_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=SignUpStatus.choices, default=SignUpStatus.CONFIRMED
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    attended = models.BooleanField(_("是否到场"), null=True, blank=True)
    consent_version = models.CharField(_("同意的告知版本"), max_length=20)
    consented_at = models.DateTimeField(_("同意时间"))
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["activity", "status", "created_at"], name="signup_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SignUpStatus.values), name="signup_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(phone_hash="") | Q(household__isnull=False),
                name="signup_phone_or_household",
                violation_error_message=_("请填写手机号码或户码。"),
            ),
            # One live sign-up per phone, and per household, for each session.
            models.UniqueConstraint(
                fields=["activity", "phone_hash"],
                condition=Q(status__in=LIVE) & ~Q(phone_hash=""),
                name="signup_once_per_phone",
                violation_error_message=_("这个手机号码已经报过名了。"),
            ),
            models.UniqueConstraint(
                fields=["activity", "household"],
                condition=Q(status__in=LIVE) & Q(household__isnull=False),
                name="signup_once_per_household",
                violation_error_message=_("这一户已经报过名了。"),
            ),
            models.UniqueConstraint(
                fields=["activity", "cancel_code_hash"], name="signup_code_unique"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.get_status_display()}"

    @property
    def community(self):
        return self.activity.project.community

    @property
    def contact(self) -> str:
        """What staff see: the masked phone, or the household."""
        return str(self.phone) if self.phone else f"{self.household}"
