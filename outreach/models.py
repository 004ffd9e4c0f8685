"""How a community hears residents face to face: home visits (入户走访), owners' meetings and
other resident meetings (业主大会、居民议事会), and the stairwell suggestion boxes (楼道意见箱) with
the suggestions that come through them (scanned QR, the public form, or paper slips typed in).

Each of them raises needs through needs.services (a new need, or a mention of one already on the
list); needs never imports this app and hears of merges through needs.hooks.MERGE_HOOKS."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Building, Community, Compound, Household
from core.links import object_url
from core.models import LabelsMixin, SoftDeleteModel, SoftDeleteQuerySet, Upload
from core.phone import PhoneField
from needs.models import Need, Receipt


class ScopedQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        return user.scope.within(self.alive())


class HomeVisit(SoftDeleteModel):
    """One visit to one household: who went, when, and what the household raised."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("走访住户"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    visitors = models.CharField(_("走访人员"), max_length=100)
    raised = models.TextField(_("居民反映"), max_length=2000, blank=True)
    needs = models.ManyToManyField(Need, verbose_name=_("涉及需求"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["community", "-visited_on"], name="homevisit_community_recent"),
            models.Index(fields=["household", "visited_on"], name="homevisit_household"),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.household}"

    def get_absolute_url(self):
        return object_url("outreach:visit", self.pk)


class MeetingKind(models.TextChoices):
    OWNERS = "owners", _("业主大会")
    RESIDENTS = "residents", _("居民议事会")
    BUILDING = "building", _("楼栋会")
    OTHER = "other", _("其他居民会议")


class ResidentMeeting(SoftDeleteModel):
    Kind = MeetingKind

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("会议类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("会议主题"), max_length=100)
    held_on = models.DateField(_("召开日期"))
    attendance = models.PositiveIntegerField(_("参会人数"), validators=[MinValueValidator(1)])
    minutes = models.ForeignKey(
        Upload,
        verbose_name=_("会议纪要"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("会议情况"), max_length=2000, blank=True)
    needs = models.ManyToManyField(Need, verbose_name=_("提出的需求"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民会议")
        verbose_name_plural = _("居民会议")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["community", "-held_on"], name="meeting_community_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(attendance__gte=1), name="meeting_attendance_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("outreach:meeting", self.pk)


# Box codes: 10 characters of 31 unambiguous lower-case letters and digits (about 49 bits), in
# the label's link /p/boxes/<code>/.
BOX_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
BOX_CODE_LENGTH = 10


def is_box_code(code) -> bool:
    """Whether `code` could be a box's code at all (checked before any query: a link typed by
    hand may hold anything, a NUL byte included)."""
    return (
        isinstance(code, str)
        and len(code) == BOX_CODE_LENGTH
        and all(char in BOX_ALPHABET for char in code)
    )


class SuggestionBox(SoftDeleteModel):
    """A box in one stairwell (a building's unit), with a QR label that opens the public form."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(_("单元"), max_length=10)
    location = models.CharField(_("位置说明"), max_length=100, blank=True)
    # The unguessable part of the label's link /p/boxes/<code>/.
    code = models.CharField(max_length=12, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼道意见箱")
        verbose_name_plural = _("楼道意见箱")
        ordering = ["building", "unit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit"],
                condition=models.Q(deleted_at__isnull=True),
                name="suggestionbox_one_per_stairwell",
                violation_error_message=_("这个单元已经登记了意见箱。"),
            ),
        ]

    def __str__(self):
        return f"{self.building} {self.unit_label}"

    @property
    def unit_label(self) -> str:
        """The unit as people say it: households record "2单元" or just "2"."""
        return self.unit if self.unit.endswith("单元") else f"{self.unit}单元"

    def get_absolute_url(self):
        return object_url("outreach:box", self.pk)


class SuggestionChannel(models.TextChoices):
    QR = "qr", _("扫码留言")
    ONLINE = "online", _("网上留言")
    PAPER = "paper", _("纸条录入")


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("待处理")
    FILED = "filed", _("已记入需求")
    CLOSED = "closed", _("不予采纳")


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return user.scope.within(self)


class Suggestion(LabelsMixin, models.Model):
    Channel = SuggestionChannel
    Status = SuggestionStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    box = models.ForeignKey(
        SuggestionBox,
        verbose_name=_("意见箱"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    text = models.TextField(_("意见建议"), max_length=500)
    # Optional, for a reply: encrypted at rest, masked in every list and export.
    phone = PhoneField(_("联系电话"), help_text=_("选填,便于社区回复您"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW)
    need = models.ForeignKey(
        Need,
        verbose_name=_("对应需求"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receipt = models.OneToOneField(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # Closed without a need: why (the resident reads it on the receipt page when there is one).
    close_reason = models.TextField(_("不予采纳的理由"), max_length=1000, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "-submitted_at"], name="suggestion_inbox"),
            models.Index(fields=["box", "-submitted_at"], name="suggestion_box_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=SuggestionChannel.values),
                name="suggestion_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SuggestionStatus.values),
                name="suggestion_status_valid",
            ),
        ]

    def __str__(self):
        return self.text[:30]

    def get_absolute_url(self):
        return object_url("outreach:suggestion", self.pk)
