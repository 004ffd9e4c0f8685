"""Residents grade projects (居民批卷子): one grade per household per project, whatever the channel.

Three channels feed one result: a worker enters grades collected on home visits (走访入户评), a
resident grades on site from a session's QR poster (邀请现场评), or online with the household code
printed on a slip (线上投票评). A grade without a household (on site, no code) is kept as
unverified and shown apart, never mixed into the verified rate.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Building, Community, Compound, Household
from core.models import LabelsMixin
from projects.models import Activity, Project


class Channel(models.TextChoices):
    VISIT = "visit", _("走访入户评")
    ONSITE = "onsite", _("邀请现场评")
    ONLINE = "online", _("线上投票评")


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


# The satisfaction rate counts these (满意 + 基本满意).
SATISFIED_VERDICTS = (Verdict.SATISFIED, Verdict.BASIC)


class GradeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Grades of the projects of this user's own scope: a read-only grant (a judge's scoring
        round) opens a project's page, never its residents' grades and comments."""
        return self.filter(project__in=Project.objects.visible_to(user, grants=False))

    def verified(self):
        return self.exclude(household=None)

    def unverified(self):
        return self.filter(household=None)


class Grade(LabelsMixin, models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="grades"
    )
    # None: given on site without a household code (unverified, shown apart).
    household = models.ForeignKey(
        Household,
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("评价渠道"), max_length=10, choices=Channel.choices)
    verdict = models.CharField(_("评价"), max_length=15, choices=Verdict.choices)
    comment = models.TextField(_("意见"), max_length=500, blank=True)
    # On site: the session whose poster the resident scanned.
    session = models.ForeignKey(
        Activity,
        verbose_name=_("活动场次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Home visits: the worker who entered it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A keyed hash of the device cookie (never the cookie): one unverified grade per device.
    device = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now, db_index=True)

    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民评价")
        verbose_name_plural = _("居民评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One household counts once per project, whatever the channel (QUALITY.md item 20).
            models.UniqueConstraint(
                fields=["project", "household"],
                condition=Q(household__isnull=False),
                name="grade_one_per_household",
            ),
            models.UniqueConstraint(
                fields=["project", "device"],
                condition=Q(household__isnull=True) & ~Q(device=""),
                name="grade_one_unverified_per_device",
            ),
        ]
        indexes = [models.Index(fields=["project", "channel", "verdict"], name="grade_result")]

    def __str__(self):
        return f"{self.project} · {self.get_verdict_display()}"


def new_batch_key() -> str:
    return secrets.token_urlsafe(16)


class CodeBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The batches of the communities this user works in (the district sees all)."""
        return user.scope.within(self)


class CodeBatch(LabelsMixin, models.Model):
    """One printing of household code slips for a compound or one building (a PDF made by a
    background task). Voiding it gives its households new codes; grades already given stay."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("生成中")
        READY = "ready", _("可下载")
        FAILED = "failed", _("生成失败")
        VOIDED = "voided", _("已作废")

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    # None: every building of the compound.
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    households = models.PositiveIntegerField(_("户数"), default=0)
    # The slips hold household codes: a random name, served only through a scoped view, and
    # deleted when the batch is voided.
    pdf = models.FileField(_("户码条 PDF"), upload_to="slips/", blank=True)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("替换的批次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = CodeBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("户码条批次")
        verbose_name_plural = _("户码条批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        where = (
            f"{self.compound} {self.building.number}" if self.building_id else str(self.compound)
        )
        return f"{where} 户码条({self.created_at:%Y-%m-%d})"
