"""Platform services every app uses: audit log, notifications, uploads, soft delete."""

import uuid
from functools import lru_cache

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=2048)
def _choice_label(field, value) -> str:
    return str(dict(field.flatchoices).get(value, value))


class LabelsMixin:
    """get_<field>_display() from a per-process cache: Django rebuilds the field's choices as a
    dictionary and translates its labels on every call, which lists do for every row. The portal
    speaks one language, so a label once translated stays right."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return _choice_label(field, value)
        except TypeError:  # an unhashable value: Django's own way
            return super()._get_FIELD_display(field)


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class SoftDeleteModel(LabelsMixin, models.Model):
    """Business records are never removed: `deleted_at` hides them from visible_to()."""

    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AuditQuerySet(models.QuerySet):
    """Every ORM path that would change or remove rows refuses (the database refuses too)."""

    def update(self, **kwargs):
        raise TypeError("audit events are append-only")

    def _update(self, values):
        raise TypeError("audit events are append-only")

    def delete(self):
        raise TypeError("audit events are append-only")

    def _raw_delete(self, using):
        raise TypeError("audit events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise TypeError("audit events are append-only")


class AuditEvent(LabelsMixin, models.Model):
    """Append-only record of who did what. Ids and masked values only, never personal data.

    The database refuses UPDATE and DELETE (trigger in migration 0002).
    """

    class Result(models.TextChoices):
        OK = "ok", _("成功")
        DENIED = "denied", _("拒绝")
        FAILED = "failed", _("失败")

    at = models.DateTimeField(_("时间(UTC)"), default=timezone.now, db_index=True)
    # No FK constraint: the row must outlive anything it mentions and never be rewritten.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("账号"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=40, blank=True)
    ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.OK)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        # Django's internal paths (related deletes, refresh) use the base manager: the same refusals.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["result", "-at"]), models.Index(fields=["actor", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__in=["ok", "denied", "failed"]), name="audit_result_valid"
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.result}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def visible_to(self, user):
        """A notification exists only for its recipient."""
        return self.filter(recipient_id=user.pk) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("事件"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class Upload(models.Model):
    """A stored file. Its name on disk is random; it is served only by core:file after a scope check
    on the object it belongs to."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("图片")
        DOCUMENT = "document", _("文档")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("MIME类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # The object the file belongs to decides who may read it.
    owner_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["image", "document"]), name="upload_kind_valid"
            )
        ]

    def __str__(self):
        return self.original_name


class FormSubmission(models.Model):
    """A form that created something, by the one-time token it carried (core/once.py): a second
    post of the same form finds its row and is sent where the first went."""

    nonce = models.CharField(_("表单令牌"), max_length=64, unique=True)
    result_url = models.CharField(_("结果页面"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.result_url}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a statutory holiday (法定节假日) on a weekday, or a
    working Saturday or Sunday (调休上班). The district keeps them; core/workdays.py counts
    working days from them for every date rule (公示 periods, publications, the round table)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日(休息)")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=30, help_text=_("例如:春节、国庆节调休"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}({self.get_kind_display()})"


class PhoneCode(models.Model):
    """A one-time code sent by SMS to prove a resident holds a phone (core/sms.py). Only the
    number's keyed hash and the code's hash are kept."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(_("用途"), max_length=40)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone_hash", "purpose", "-created_at"], name="phonecode_recent")
        ]

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """A staff member's choice of how one kind of notification reaches them by e-mail
    (core/preferences.py). Only a choice other than the default, an e-mail each time, has a row."""

    class Mode(models.TextChoices):
        DAILY = "daily", _("每日汇总一封")
        NONE = "none", _("只在站内通知")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("通知类别"), max_length=30)
    mode = models.CharField(_("邮件方式"), max_length=10, choices=Mode.choices)
    # The daily digest gathers what arrived since this choice: nothing held back before it.
    chosen_at = models.DateTimeField(_("选择时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知方式")
        verbose_name_plural = _("通知方式")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=models.Q(mode__in=["daily", "none"]),
                name="notification_preference_mode_valid",
            ),
        ]
        indexes = [models.Index(fields=["mode", "user"], name="notification_pref_mode")]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.mode}"


class EmailDigest(models.Model):
    """One person's daily digest e-mail (core/notifications.py: email_digests_send). The row is
    claimed before the e-mail goes and is unique per (user, day), so a second run or a second
    worker sends nothing; it lists the notifications it gathers, so a retry sends the same."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="email_digests",
    )
    day = models.DateField(_("日期"))
    notification_ids = models.JSONField(_("通知"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The run that holds the row, and since when: a run that died leaves it for the next one.
    claim = models.CharField(_("发送批次"), max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日通知汇总邮件")
        verbose_name_plural = _("每日通知汇总邮件")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="email_digest_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]),
                name="email_digest_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="email_digest_due")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.user_id} {self.status}"
