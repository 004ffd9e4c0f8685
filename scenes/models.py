"""Compound scenes (小区场景) and claimable micro-projects (幸福责任田, 微心愿/微任务).

A scene is a place in a compound that a project created or uses; a micro-project is a plot or a
small task a community publishes for a partner or a resident to claim and tend. Both belong to a
community through their compound; `visible_to(user)` reads the community scope.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Compound
from core.dates import validate_sane_date
from core.models import SoftDeleteModel, SoftDeleteQuerySet, Upload
from core.phone import PhoneField
from partners.models import Partner
from projects.models import Project, PublicSpaceKind

ALIVE = models.Q(deleted_at__isnull=True)


class ScopedQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        """The records of the communities this user works in (district staff: all)."""
        return user.scope.within(self.alive())


class SceneKind(models.TextChoices):
    """五微不至's compound scenes, and the outdoor public spaces services move into."""

    POST = "post", _("小区微阵地")
    RENEWAL = "renewal", _("环境微更新")
    DELIBERATION = "deliberation", _("协商微议事")
    PUBLIC_SPACE = "public_space", _("户外公共空间")


class Scene(SoftDeleteModel):
    Kind = SceneKind

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="scenes"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="scenes"
    )
    kind = models.CharField(_("场景类型"), max_length=20, choices=SceneKind.choices)
    public_space = models.ForeignKey(
        PublicSpaceKind,
        verbose_name=_("户外公共空间类型"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("场景类型为户外公共空间时选择:步道旁、凉亭下、广场内等"),
    )
    name = models.CharField(_("场景名称"), max_length=60, help_text=_("例如:3号楼架空层议事角"))
    location = models.CharField(_("位置"), max_length=120, help_text=_("例如:3号楼东侧凉亭"))
    opening_hours = models.CharField(
        _("开放时间"), max_length=80, blank=True, help_text=_("例如:每天 8:00–20:00")
    )
    description = models.TextField(_("简介"), max_length=1000, blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("关联项目"), blank=True, related_name="scenes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小区场景")
        verbose_name_plural = _("小区场景")
        ordering = ["compound_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SceneKind.values), name="scene_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="public_space") | models.Q(public_space__isnull=True),
                name="scene_public_space_only_outdoors",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "kind"], condition=ALIVE, name="scene_community"),
            models.Index(fields=["compound", "name"], condition=ALIVE, name="scene_compound"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scenes:scene_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        if self.kind == SceneKind.PUBLIC_SPACE and self.public_space_id:
            return f"{self.get_kind_display()} · {self.public_space.name}"
        return self.get_kind_display()


class ScenePhoto(models.Model):
    """A photo of a scene, shown to residents only when staff confirm the people in it agreed."""

    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="photos")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    public = models.BooleanField(_("可公开"), default=False)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认同意人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("场景照片")
        verbose_name_plural = _("场景照片")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(public=False) | models.Q(consent_by__isnull=False),
                name="scene_photo_public_needs_consent",
                violation_error_message=_("公开照片前须确认照片中的人已同意。"),
            ),
        ]

    def __str__(self):
        return self.caption or f"照片 {self.pk}"


class MicroKind(models.TextChoices):
    PLOT = "plot", _("幸福责任田")
    TASK = "task", _("微心愿/微任务")


class MicroStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    CLOSED = "closed", _("已结束")


class MicroProjectQuerySet(ScopedQuerySet):
    def neglected(self, today=None):
        """Claimed, and not cared for within the community's number of days (care_due_on)."""
        return self.filter(
            status=MicroStatus.CLAIMED, care_due_on__lt=today or timezone.localdate()
        )

    def with_neglect(self, today=None):
        """Each row with `is_neglected`, computed from its dates in the query."""
        return self.annotate(
            is_neglected=models.Case(
                models.When(
                    status=MicroStatus.CLAIMED,
                    care_due_on__lt=today or timezone.localdate(),
                    then=models.Value(True),
                ),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class MicroProject(SoftDeleteModel):
    """A 幸福责任田 plot or a micro-task a community publishes for someone to claim and tend."""

    Kind = MicroKind
    Status = MicroStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="micro_projects"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="micro_projects"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=MicroKind.choices)
    title = models.CharField(_("名称"), max_length=60, help_text=_("例如:5号楼前责任田A块"))
    description = models.TextField(_("说明"), max_length=1000, blank=True)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    neglect_days = models.PositiveSmallIntegerField(
        _("照料间隔(天)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("认领后超过这么多天没有照料记录,标记为撂荒"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MicroStatus.choices, default=MicroStatus.OPEN
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    # The last day care may come before the plot counts as neglected: the claim's day or the
    # latest care record, plus neglect_days; kept by the workflow (scenes/workflow.py).
    care_due_on = models.DateField(_("最迟照料日期"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    objects = MicroProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("微项目")
        verbose_name_plural = _("微项目")
        ordering = ["compound_id", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MicroKind.values), name="micro_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MicroStatus.values), name="micro_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"], condition=ALIVE, name="micro_community"),
            models.Index(fields=["compound", "title"], condition=ALIVE, name="micro_compound"),
            models.Index(fields=["status", "care_due_on"], condition=ALIVE, name="micro_neglect"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("scenes:micro_detail", args=[self.pk])

    def due_after(self, day):
        """The last day of care before the plot counts as neglected, counted from `day`."""
        return day + timedelta(days=self.neglect_days)


# The version of the personal-information notice a resident agrees to when claiming; change it
# whenever the notice's text changes, so each claim records which text was agreed to.
CONSENT_NOTICE_VERSION = "2026-1"


class ClaimQuerySet(models.QuerySet):
    def live(self):
        return self.filter(released_at__isnull=True)


class Claim(models.Model):
    """Who tends a micro-project: a partner (logged in) or a resident who proved their phone."""

    micro_project = models.ForeignKey(
        MicroProject, verbose_name=_("微项目"), on_delete=models.PROTECT, related_name="claims"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合伙人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    name = models.CharField(_("认领人"), max_length=40, blank=True)
    phone = PhoneField(_("手机号"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    consent_at = models.DateTimeField(
        _("同意个人信息告知时间"), null=True, blank=True, help_text=_("居民认领时勾选同意")
    )
    consent_version = models.CharField(_("告知版本"), max_length=10, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), default=timezone.now)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    release_reason = models.CharField(_("解除原因"), max_length=200, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("认领")
        verbose_name_plural = _("认领")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["micro_project"],
                condition=models.Q(released_at__isnull=True),
                name="claim_one_live_per_micro_project",
                violation_error_message=_("这块责任田已经有人认领了。"),
            ),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=False) | ~models.Q(phone_hash=""),
                name="claim_by_partner_or_phone",
            ),
        ]

    def __str__(self):
        return self.claimant

    @property
    def claimant(self) -> str:
        """The partner's name, or the resident's name with the masked phone."""
        if self.partner_id:
            return self.partner.name
        return f"{self.name}({self.phone})"


class CareRecord(models.Model):
    """One day's care of a claimed micro-project."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("认领"), on_delete=models.PROTECT, related_name="care_records"
    )
    date = models.DateField(_("照料日期"), validators=[validate_sane_date])
    done = models.CharField(_("做了什么"), max_length=200, help_text=_("例如:浇水、除草、松土"))
    photo = models.ForeignKey(
        Upload,
        verbose_name=_("照片"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("照料记录")
        verbose_name_plural = _("照料记录")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.done}"
