"""Steps 3–6 and the community's own 复盘 (step 7) of a 领办治理服务项目."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Compound
from core.dates import sane_date_q, validate_sane_date
from core.links import object_url
from core.models import LabelsMixin, SoftDeleteModel, SoftDeleteQuerySet, Upload
from needs.models import Need
from partners.models import Partner


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待街道审核")
    RETURNED = "returned", _("已退回修改")
    APPROVED = "approved", _("已批准")
    ANNOUNCED = "announced", _("已发布预告")
    IN_PROGRESS = "in_progress", _("实施中")
    RETROSPECTED = "retrospected", _("已复盘")


# Residents see a project from its announcement on: what may happen in each status is the
# workflow table's (projects/workflow.py); this is only who may look.
PUBLIC_STATUSES = frozenset({Status.ANNOUNCED, Status.IN_PROGRESS, Status.RETROSPECTED})


class ProjectQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user, *, deleted: bool = False):
        """The projects this user may open: their community's, street's, or the whole district's.

        With deleted=True, the soft-deleted ones of the same scope (the community's trash).
        """
        records = self.deleted() if deleted else self.alive()
        return user.scope.within(records)

    def published(self):
        """Announced projects, open to residents without logging in."""
        return self.alive().filter(status__in=PUBLIC_STATUSES)


class Theme(models.TextChoices):
    """美 / 学 / 乐 / 健: the four kinds the street shows projects in (晾晒机制)."""

    BEAUTY = "beauty", _("美")
    LEARNING = "learning", _("学")
    JOY = "joy", _("乐")
    HEALTH = "health", _("健")


class Project(SoftDeleteModel):
    Theme = Theme

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="projects"
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("项目面向的小区;面向全社区可不选"),
    )
    title = models.CharField(_("项目名称"), max_length=100)
    summary = models.TextField(_("项目简介"), max_length=2000, blank=True)
    theme = models.CharField(
        _("类型(美/学/乐/健)"),
        max_length=10,
        choices=Theme.choices,
        default=Theme.JOY,
        help_text=_("街道按美、学、乐、健四种类型集中展示项目"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now, db_index=True)
    needs = models.ManyToManyField(Need, verbose_name=_("回应的需求"), blank=True, related_name="+")
    partners = models.ManyToManyField(
        Partner, verbose_name=_("链接的合伙人"), blank=True, related_name="+"
    )
    # Step 3: plan
    goal = models.TextField(_("项目目标"), max_length=2000, blank=True)
    start_date = models.DateField(
        _("开始日期"), null=True, blank=True, validators=[validate_sane_date]
    )
    end_date = models.DateField(
        _("结束日期"), null=True, blank=True, validators=[validate_sane_date]
    )
    budget_total = models.DecimalField(
        _("预算总额(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    target_groups = models.CharField(_("服务对象"), max_length=200, blank=True)
    # Step 4: proposal from the joint meeting
    joint_meeting_date = models.DateField(
        _("联席会日期"), null=True, blank=True, validators=[validate_sane_date]
    )
    joint_meeting_attendees = models.CharField(
        _("联席会参会方"),
        max_length=300,
        blank=True,
        help_text=_("如:小区党支部、业委会、物业、居民代表、相关部门"),
    )
    feasibility = models.TextField(_("可行性分析"), max_length=4000, blank=True)
    proposal = models.TextField(_("实施方案"), max_length=8000, blank=True)
    # Step 5: announcement
    announcement = models.TextField(_("项目预告"), max_length=4000, blank=True)
    announced_at = models.DateTimeField(_("预告发布时间"), null=True, blank=True)
    # Step 7: the community's own retrospective (复盘); the street's 审核 is "review"
    retrospective = models.TextField(_("复盘总结"), max_length=8000, blank=True)
    retrospected_at = models.DateTimeField(_("复盘时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("领办项目")
        verbose_name_plural = _("领办项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(theme__in=Theme.values), name="project_theme_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            *(
                models.CheckConstraint(
                    condition=sane_date_q(name),
                    name=f"project_{name}_sane",
                    violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
                )
                for name in ("start_date", "end_date", "joint_meeting_date")
            ),
            models.CheckConstraint(
                condition=models.Q(budget_total__isnull=True) | models.Q(budget_total__gte=0),
                name="project_budget_not_negative",
                violation_error_message=_("预算不能为负数。"),
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["status", "status_changed_at"]),
            # The list's order, for the district (all), a community and a status.
            *(
                models.Index(
                    fields=[*lead, "-status_changed_at", "-id"],
                    condition=models.Q(deleted_at__isnull=True),
                    name=f"project_{name}",
                )
                for lead, name in (
                    ([], "recent"),
                    (["community"], "community_recent"),
                    (["status"], "status_recent"),
                )
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("projects:detail", self.pk)

    @property
    def plan_complete(self) -> bool:
        return bool(
            self.goal and self.start_date and self.end_date and self.budget_total is not None
        )

    @property
    def proposal_complete(self) -> bool:
        return bool(self.proposal and self.joint_meeting_date and self.joint_meeting_attendees)


class ProjectEvent(LabelsMixin, models.Model):
    """One entry of a project's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("创建项目")
        UPDATED = "updated", _("修改内容")
        PARTNER_LINKED = "partner_linked", _("链接合伙人")
        PARTNER_UNLINKED = "partner_unlinked", _("移除合伙人")
        SUBMITTED = "submitted", _("提交审核")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("批准")
        ANNOUNCED = "announced", _("发布预告")
        STARTED = "started", _("开始实施")
        ACTIVITY = "activity", _("记录活动")
        RETROSPECTED = "retrospected", _("完成复盘")
        COMMENTED = "commented", _("审核意见")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("项目动态")
        verbose_name_plural = _("项目动态")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class Activity(models.Model):
    """Step 6: one activity session of a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="activities"
    )
    date = models.DateField(_("活动日期"), validators=[validate_sane_date])
    place = models.CharField(_("活动地点"), max_length=100)
    participants = models.PositiveIntegerField(_("参与人数"))
    volunteers = models.PositiveIntegerField(_("志愿者人数"), default=0)
    spending = models.DecimalField(
        _("支出(元)"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("活动记录"), max_length=2000, blank=True)
    photo = models.ForeignKey(
        Upload,
        verbose_name=_("活动照片"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(spending__gte=0),
                name="activity_spending_not_negative",
                violation_error_message=_("支出不能为负数。"),
            ),
            models.CheckConstraint(
                condition=sane_date_q("date", nullable=False),
                name="activity_date_sane",
                violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.place}"

    @property
    def community(self):
        return self.project.community
