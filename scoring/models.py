"""Judges score projects by rubric (评审打分), and the year-end 擂台比武.

The district defines rubrics (评分细则) of weighted criteria, opens a scoring round (评审轮次)
with its projects and assigns judges (评委): district staff or experts, people with an assignment,
not a role. A judge fills one score sheet (评分表) per project; a submitted sheet is locked. A
competition (擂台比武) is a round of kind `competition` whose entrants, one per community, are
chosen by the street's 组长. The ranking (排名) is computed by `selectors.round_ranking`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community
from core.dates import validate_sane_date
from core.links import object_url
from core.models import LabelsMixin
from projects.models import Project

# Every rubric's criteria add up to this many points.
FULL_MARKS = 100
MAX_CRITERIA = 8


class Rubric(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.TextField(_("说明"), max_length=1000, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
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
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("scoring:rubric", self.pk)


class Criterion(models.Model):
    """One line of a rubric: its full marks are its weight (the criteria add up to 100)."""

    rubric = models.ForeignKey(
        Rubric, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    name = models.CharField(_("评分项"), max_length=30)
    description = models.CharField(_("评分说明"), max_length=300, blank=True)
    points = models.PositiveSmallIntegerField(
        _("满分(权重)"),
        validators=[MinValueValidator(1), MaxValueValidator(FULL_MARKS)],
        help_text=_("各评分项满分之和须为100分"),
    )

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(points__gte=1) & Q(points__lte=FULL_MARKS), name="criterion_points"
            ),
        ]

    def __str__(self):
        return f"{self.name}({self.points}分)"


class RoundKind(models.TextChoices):
    REVIEW = "review", _("评审轮次")
    COMPETITION = "competition", _("擂台比武")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("评分中")
    CLOSED = "closed", _("评分结束")
    PUBLISHED = "published", _("结果已公布")


class TieBreak(models.TextChoices):
    """How two projects with the same score are ordered (the round states it)."""

    SATISFACTION = (
        "satisfaction",
        _("得分相同时,居民满意率高者居前;仍相同时,评委总分中位数高者居前"),
    )
    MEDIAN = "median", _("得分相同时,评委总分中位数高者居前;仍相同时,居民满意率高者居前")


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff: every round. A judge: the rounds they are assigned to. A street's
        组长: also every competition (they choose their communities' entrants)."""
        if not user.is_authenticated:
            return self.none()
        if user.scope.is_district_business:
            return self
        from accounts.roles import STREET_DECIDERS

        from .access import judge_round_ids

        q = Q(pk__in=judge_round_ids(user))
        if user.scope.street_ids(STREET_DECIDERS):
            q |= Q(kind=RoundKind.COMPETITION)
        return self.filter(q)

    def published(self):
        """Competitions whose results the district published: the residents' pages."""
        return self.filter(kind=RoundKind.COMPETITION, status=RoundStatus.PUBLISHED)


class Round(LabelsMixin, models.Model):
    Kind = RoundKind
    Status = RoundStatus

    kind = models.CharField(
        _("类型"), max_length=12, choices=RoundKind.choices, default=RoundKind.REVIEW
    )
    name = models.CharField(_("名称"), max_length=60)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("评分细则"), on_delete=models.PROTECT, related_name="rounds"
    )
    opens_on = models.DateField(_("开始评分日期"), validators=[validate_sane_date])
    closes_on = models.DateField(_("截止评分日期"), validators=[validate_sane_date])
    tie_break = models.CharField(
        _("同分规则"), max_length=12, choices=TieBreak.choices, default=TieBreak.SATISFACTION
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["-year", "-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="round_kind_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("scoring:round", self.pk)

    @property
    def is_competition(self) -> bool:
        return self.kind == RoundKind.COMPETITION

    def accepting_on(self, day=None) -> bool:
        """Judges score while the round is open and today is within its dates (computed from
        the dates: no job flips it)."""
        day = day or timezone.localdate()
        return self.status == RoundStatus.OPEN and self.opens_on <= day <= self.closes_on


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The entries of the rounds this user may open."""
        return self.filter(round__in=Round.objects.visible_to(user))


class Entry(models.Model):
    """A project in a round; in a competition, its community's entrant (one per community)."""

    round = models.ForeignKey(
        Round, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="entries"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the round's kind: the database keeps one entrant per community in a competition.
    competition = models.BooleanField(_("擂台比武参赛项目"), default=False, editable=False)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("选定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("参评项目")
        verbose_name_plural = _("参评项目")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="entry_once_per_round"),
            models.UniqueConstraint(
                fields=["round", "community"],
                condition=Q(competition=True),
                name="entry_one_per_community",
            ),
        ]

    def __str__(self):
        return str(self.project)


class Judge(models.Model):
    """A person assigned to judge a round (评委): district staff or an expert; not a role."""

    round = models.ForeignKey(
        Round, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="judges"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评委"),
        on_delete=models.PROTECT,
        related_name="judging",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指派人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("指派时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="judge_once_per_round"),
        ]

    def __str__(self):
        return str(self.user)


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class ScoreSheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff: every sheet; a judge: their own."""
        if not user.is_authenticated:
            return self.none()
        if user.scope.is_district_business:
            return self
        return self.filter(judge_id=user.pk)


class ScoreSheet(LabelsMixin, models.Model):
    """One judge's sheet for one project of a round: unique (round, project, judge)."""

    Status = SheetStatus

    round = models.ForeignKey(
        Round, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="sheets"
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("参评项目"), on_delete=models.CASCADE, related_name="sheets"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    total = models.DecimalField(
        _("总分"), max_digits=4, decimal_places=1, default=Decimal("0"), editable=False
    )
    comment = models.TextField(_("评语"), max_length=1000, blank=True)
    reopen_reason = models.CharField(_("退回重评原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="sheet_once_per_judge"),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=FULL_MARKS), name="sheet_total_bounds"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="sheet_round_status"),
            models.Index(fields=["round", "judge"], name="sheet_round_judge"),
        ]

    def __str__(self):
        return f"{self.entry} · {self.judge}"

    def get_absolute_url(self):
        return object_url("scoring:sheet_detail", self.pk)


class Score(models.Model):
    """The points a sheet gives one criterion (0 to the criterion's full marks)."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(
        _("得分"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_item"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"
