"""半年述职 and 年度考核: the street reports one level up every half year, and the district
records its yearly assessment of each street's programme.

A half-year report (HalfYearReport) is drafted by the portal from the street's data for the
period: the figures are a snapshot (JSON, reports/figures.py) taken when drafted and refreshed on
request while the report is a draft or returned; the street's leading group writes the text
sections and the 组长 submits; district staff return it with a comment or accept it
(reports/workflow.py). A yearly assessment (YearlyAssessment) is the district's grade of one
street's programme for one year, with the year's figures beside it, editable until finalised.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Street
from core.models import LabelsMixin

# Reports and assessments start with the programme; nothing is drafted for a far future.
FIRST_YEAR = 2020
LAST_YEAR = 2100


class Half(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")


class Period:
    """A half year: 2026 上半年 is 1 January to 30 June 2026. Its key in URLs is "2026-1"."""

    def __init__(self, year: int, half: int):
        self.year, self.half = int(year), int(half)

    @classmethod
    def of(cls, day: datetime.date) -> "Period":
        return cls(day.year, Half.FIRST if day.month <= 6 else Half.SECOND)

    @classmethod
    def current(cls) -> "Period":
        return cls.of(timezone.localdate())

    @classmethod
    def parse(cls, key) -> "Period | None":
        """ "2026-1" → Period(2026, 1); anything else (or a period not begun) → None."""
        year, _sep, half = str(key or "").partition("-")
        if not (year.isascii() and year.isdigit() and half in ("1", "2") and len(year) == 4):
            return None
        period = cls(int(year), int(half))
        if period.year < FIRST_YEAR or period.start > timezone.localdate():
            return None
        return period

    @property
    def key(self) -> str:
        return f"{self.year}-{self.half}"

    @property
    def label(self) -> str:
        return f"{self.year}年{Half(self.half).label}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == Half.FIRST else 7, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == Half.FIRST else self.year_end

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def previous(self) -> "Period":
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def recent(self, n: int) -> list["Period"]:
        """This period and the n - 1 before it, newest first."""
        periods = [self]
        while len(periods) < n:
            periods.append(periods[-1].previous())
        return [p for p in periods if p.year >= FIRST_YEAR]

    def __eq__(self, other):
        return isinstance(other, Period) and (self.year, self.half) == (other.year, other.half)

    def __hash__(self):
        return hash((self.year, self.half))

    def __str__(self):
        return self.label


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回修改")
    ACCEPTED = "accepted", _("已通过")


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The street's leading group reads its own street's reports, drafts included; district
        staff read every street's once it has been submitted. A draft is the street's working
        copy: until it goes up, the district knows only that the street has not submitted (the
        side-by-side page says so), never its text or figures. A report leaves 起草中 only by
        being submitted and never goes back to it, so a returned report stays readable."""
        scope = user.scope
        own = scope.street_ids()
        if not scope.is_district_business:
            return self.filter(street_id__in=own)
        sent = ~models.Q(status=ReportStatus.DRAFT)
        return self.filter(sent | models.Q(street_id__in=own)) if own else self.filter(sent)


# The text sections of a report, in the order the report prints them: (field, heading).
SECTIONS = (
    ("practices", "主要做法"),
    ("achievements", "工作成效"),
    ("problems", "存在问题"),
    ("next_steps", "下步打算"),
)
# A report goes up only with these written.
REQUIRED_SECTIONS = ("achievements", "problems", "next_steps")
SECTION_MAX = 4000


class HalfYearReport(LabelsMixin, models.Model):
    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="half_year_reports"
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    half = models.PositiveSmallIntegerField(_("半年"), choices=Half.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    figures = models.JSONField(_("数据快照"), default=dict, blank=True, editable=False)
    figures_at = models.DateTimeField(_("数据取数时间"), default=timezone.now)
    practices = models.TextField(_("主要做法"), max_length=SECTION_MAX, blank=True)
    achievements = models.TextField(_("工作成效"), max_length=SECTION_MAX, blank=True)
    problems = models.TextField(_("存在问题"), max_length=SECTION_MAX, blank=True)
    next_steps = models.TextField(_("下步打算"), max_length=SECTION_MAX, blank=True)
    # The district's latest word: why it was returned, or a note on accepting it.
    review_comment = models.TextField(_("区级意见"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审阅人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("半年述职")
        verbose_name_plural = _("半年述职")
        ordering = ["-year", "-half", "street__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "year", "half"], name="report_one_per_street_period"
            ),
            models.CheckConstraint(
                condition=models.Q(half__in=Half.values), name="report_half_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="report_year_sane",
            ),
        ]
        indexes = [models.Index(fields=["year", "half", "street"], name="report_period")]

    def __str__(self):
        return f"{self.street} {self.period.label}述职"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.year, self.half)

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) of each section, in print order."""
        return [(heading, getattr(self, name)) for name, heading in SECTIONS]


class ReportEvent(LabelsMixin, models.Model):
    """The report's timeline: drafted, refreshed, submitted, returned with the comment, accepted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("起草")
        EDITED = "edited", _("修改")
        REFRESHED = "refreshed", _("刷新数据")
        SUBMITTED = "submitted", _("提交")
        RETURNED = "returned", _("退回")
        ACCEPTED = "accepted", _("通过")

    report = models.ForeignKey(HalfYearReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("述职记录")
        verbose_name_plural = _("述职记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("考核中")
    FINAL = "final", _("已定稿")


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", _("好")
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff read every street's, drafts included; the street's leading group reads
        its own once finalised (the district's deliberation stays its own until then)."""
        scope = user.scope
        if scope.is_district_business:
            return self.all()
        return self.filter(street_id__in=scope.street_ids(), status=AssessmentStatus.FINAL)


class YearlyAssessment(LabelsMixin, models.Model):
    """年度考核: the district's assessment of one street's programme for one year (the programme
    is one of the street party secretary's yearly key tasks)."""

    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="yearly_assessments"
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    grade = models.CharField(_("考核等次"), max_length=10, choices=AssessmentGrade.choices)
    score = models.DecimalField(
        _("考核得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("百分制,可不填"),
    )
    comment = models.TextField(_("考核意见"), max_length=2000)
    figures = models.JSONField(_("年度数据"), default=dict, blank=True, editable=False)
    figures_at = models.DateTimeField(_("数据取数时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定稿人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "street__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "year"], name="assessment_one_per_street_year"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=AssessmentGrade.values), name="assessment_grade_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssessmentStatus.values),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="assessment_score_range",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="assessment_year_sane",
            ),
        ]

    def __str__(self):
        return f"{self.street} {self.year}年度考核"

    def get_absolute_url(self):
        return reverse("reports:assessment_detail", args=[self.pk])
