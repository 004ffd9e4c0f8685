"""The monthly rhythm (晾晒机制): each street's 月初预告 and 月末总结, the district's 红色专递.

A Publication is one (kind, scope, month): a street's preview or summary, or the district's
digest. The daily job (publications/schedule.py) compiles it as a draft — a stored snapshot in
`content`, never recomputed once signed off — the street (or the district, for the digest) adds a
foreword and signs it off, which publishes it and queues its deliveries. A Delivery is one
(publication, channel, recipient key): the database refuses a second, so running the job twice or
on two workers never sends twice.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Street
from core.models import LabelsMixin, Upload
from core.phone import PhoneField


class Kind(models.TextChoices):
    PREVIEW = "preview", _("月初预告")
    SUMMARY = "summary", _("月末总结")
    DIGEST = "digest", _("红色专递")


# The kinds residents read; the digest is for staff only.
PUBLIC_KINDS = frozenset({Kind.PREVIEW, Kind.SUMMARY})


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("待签发")
    PUBLISHED = "published", _("已发布")


class PublicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their own street's publications (community staff: their street's) and the
        district's digests; district staff see all. Residents read published previews and
        summaries through `public()` instead."""
        if not user.is_authenticated:
            return self.none()
        scope = user.scope
        if scope.is_district_business:
            return self.all()
        street_ids = set(scope.street_ids())
        community_ids = scope.community_ids()
        if community_ids:
            from accounts.models import Community

            street_ids |= set(
                Community.objects.filter(pk__in=community_ids).values_list("street_id", flat=True)
            )
        if not street_ids:
            return self.none()
        return self.filter(
            models.Q(street_id__in=street_ids)
            | models.Q(kind=Kind.DIGEST, status=PublicationStatus.PUBLISHED)
        )

    def public(self):
        """What residents may read without logging in: published previews and summaries."""
        return self.filter(kind__in=PUBLIC_KINDS, status=PublicationStatus.PUBLISHED)


class Publication(LabelsMixin, models.Model):
    Kind = Kind
    Status = PublicationStatus

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    # A street's preview or summary; empty for the district's digest.
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
    )
    month = models.DateField(_("月份"), help_text=_("该月的第一天"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    # The snapshot: sections and rows as compiled (publications/compile.py), plain JSON.
    content = models.JSONField(_("内容"), default=dict, blank=True)
    compiled_at = models.DateTimeField(_("汇编时间"), default=timezone.now)
    due_on = models.DateField(_("应发布日期"))
    foreword = models.TextField(_("导语"), max_length=2000, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    # True when the district's setting published it at the set hour because nobody signed it off.
    auto_published = models.BooleanField(_("到时自动发布"), default=False)
    # The last day the street was reminded to sign it off (one reminder a day).
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)
    pdf = models.ForeignKey(
        Upload,
        verbose_name=_("PDF"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf_compiled_at = models.DateTimeField(_("PDF生成时间"), null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度刊物")
        verbose_name_plural = _("月度刊物")
        ordering = ["-month", "kind", "street__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="publication_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PublicationStatus.values),
                name="publication_status_valid",
            ),
            # The digest is the district's; previews and summaries are a street's.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=Kind.DIGEST, street__isnull=True)
                    | (~models.Q(kind=Kind.DIGEST) & models.Q(street__isnull=False))
                ),
                name="publication_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="publication_month_first_day"
            ),
            # One publication per (kind, scope, month), however often the job runs.
            models.UniqueConstraint(
                fields=["kind", "street", "month"],
                condition=models.Q(street__isnull=False),
                name="publication_once_per_street_month",
                violation_error_message=_("这个街道这个月的这一期已经有了。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "district", "month"],
                condition=models.Q(street__isnull=True),
                name="publication_once_per_district_month",
                violation_error_message=_("这个月的红色专递已经有了。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="publication_due")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.pk])

    @property
    def title(self) -> str:
        scope = self.street.name if self.street_id else self.district.name
        return f"{scope}{self.month.year}年{self.month.month}月{self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS and self.status == PublicationStatus.PUBLISHED

    def get_public_url(self):
        """The residents' page (previews and summaries only)."""
        return reverse("publications_public:detail", args=[self.pk])


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff see every delivery (the failures page); nobody else does."""
        if user.is_authenticated and user.scope.is_district_business:
            return self.all()
        return self.none()


class Delivery(models.Model):
    """One publication to one recipient through one channel. `key` names the recipient
    ("user:12", "street:3" for its WeCom group, "sub:45" for an SMS subscription); the database
    keeps one row per (publication, channel, key). Retrying is a new attempt on the same row."""

    Channel = Channel
    Status = DeliveryStatus

    publication = models.ForeignKey(
        Publication, verbose_name=_("刊物"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    key = models.CharField(_("收件方"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # Set by the worker that claims the row for an attempt (conditional UPDATE), cleared after.
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "channel", "key"], name="delivery_once"),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.publication} → {self.key} ({self.channel})"


class StreetChannel(models.Model):
    """A street's WeCom group robot: the webhook URL is stored encrypted (publications/wecom.py)
    and shown masked; every change is audited."""

    street = models.OneToOneField(
        Street, verbose_name=_("街道"), on_delete=models.CASCADE, related_name="channel"
    )
    webhook_encrypted = models.TextField(_("企业微信群机器人地址(密文)"), blank=True)
    webhook_hint = models.CharField(_("地址(掩码)"), max_length=80, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("街道企业微信群")
        verbose_name_plural = _("街道企业微信群")

    def __str__(self):
        return f"{self.street} {self.webhook_hint}"


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """A resident's SMS subscription to their street's publications, with recorded consent; the
    token in each message's 退订 link ends it in one step."""

    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.CASCADE, related_name="+"
    )
    phone = PhoneField(_("手机号码"))
    phone_hash = models.CharField(max_length=64, editable=False, db_index=True)
    consent_version = models.CharField(_("告知书版本"), max_length=20)
    consented_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    token = models.CharField(max_length=40, unique=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("短信订阅")
        verbose_name_plural = _("短信订阅")
        constraints = [
            models.UniqueConstraint(
                fields=["street", "phone_hash"],
                condition=models.Q(unsubscribed_at__isnull=True),
                name="subscription_once_per_street",
                violation_error_message=_("这个号码已经订阅了本街道的月度晾晒。"),
            )
        ]

    def __str__(self):
        return f"{self.street} {self.phone}"


class PublicationSettings(models.Model):
    """The district's choice: previews and summaries wait for the street's sign-off (default), or
    publish themselves at `auto_publish_hour` on their due day if nobody signed them off."""

    district = models.OneToOneField(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="+"
    )
    auto_publish = models.BooleanField(_("到期未签发时自动发布"), default=False)
    auto_publish_hour = models.PositiveSmallIntegerField(
        _("自动发布时刻(时)"), default=10, help_text=_("0 至 23,北京时间")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("月度晾晒设置")
        verbose_name_plural = _("月度晾晒设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(auto_publish_hour__lte=23), name="publication_hour_valid"
            )
        ]

    def __str__(self):
        return f"{self.district} 月度晾晒设置"

    @classmethod
    def for_district(cls, district) -> "PublicationSettings":
        return cls.objects.filter(district=district).first() or cls(district=district)
