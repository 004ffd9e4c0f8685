"""The street's own work: 研判 (assessing candidate projects) and 实地调研 (field visits).

Both belong to a community (its street is the street that does the work) and are written by the
street's leading group; the community's staff and district staff read them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Compound
from core.dates import sane_date_q, validate_sane_date
from core.links import object_url
from core.models import SoftDeleteModel, SoftDeleteQuerySet
from needs.models import Need
from projects.models import Project, ProjectClass


class StreetWorkQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        """The community's staff, the street's leading group, the whole district."""
        return user.scope.within(self.alive())


class Source(models.TextChoices):
    """Where a candidate project came from."""

    COMMUNITY = "community", _("社区提议")
    NEED = "need", _("居民需求")
    LIBRARY = "library", _("百社百景库")
    OTHER = "other", _("其他")


class Verdict(models.TextChoices):
    ADOPT = "adopt", _("采纳")
    LATER = "later", _("暂缓")
    REJECT = "reject", _("不采纳")


def _recent_indexes(prefix: str, date_field: str) -> list[models.Index]:
    """The lists' order, for the district (all) and for a community."""
    return [
        models.Index(
            fields=[*lead, f"-{date_field}", "-id"],
            condition=models.Q(deleted_at__isnull=True),
            name=f"{prefix}_{name}",
        )
        for lead, name in (([], "recent"), (["community"], "community_recent"))
    ]


class Assessment(SoftDeleteModel):
    """The street's 研判 of one candidate project of a community: its class, the kind of compound
    it serves, and the verdict with the reason."""

    Source = Source
    Verdict = Verdict

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(_("项目名称"), max_length=100)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    need = models.ForeignKey(
        Need,
        verbose_name=_("对应需求"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("本社区需求清单中的一条(可不选)"),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("形成的领办项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("采纳后社区据此建立的项目(可不选)"),
    )
    project_class = models.ForeignKey(
        ProjectClass,
        verbose_name=_("项目类别"),
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("区里规定的十类治理服务项目之一"),
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("选了小区,小区类型按小区填写"),
    )
    compound_kind = models.CharField(_("小区类型"), max_length=20, choices=Compound.Kind.choices)
    verdict = models.CharField(_("研判结论"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("研判理由"), max_length=2000)
    assessed_on = models.DateField(
        _("研判日期"), default=timezone.localdate, validators=[validate_sane_date]
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = StreetWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("研判")
        verbose_name_plural = _("研判")
        ordering = ["-assessed_on", "-id"]
        indexes = _recent_indexes("assessment", "assessed_on")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values), name="assessment_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=Verdict.values), name="assessment_verdict_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(compound_kind__in=Compound.Kind.values),
                name="assessment_compound_kind_valid",
            ),
            models.CheckConstraint(
                condition=sane_date_q("assessed_on", nullable=False),
                name="assessment_assessed_on_sane",
                violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("streetwork:assessment_detail", self.pk)


class FieldVisit(SoftDeleteModel):
    """One visit of the street's leading group to a community: who went, what they found, what
    follows, and the projects it concerned."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="field_visits"
    )
    date = models.DateField(_("调研日期"), validators=[validate_sane_date])
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("参加的领导小组成员"),
        related_name="+",
        help_text=_("本街道领导小组中参加调研的人"),
    )
    others = models.CharField(
        _("其他参加人员"),
        max_length=300,
        blank=True,
        help_text=_("如:社区书记、小区党支部书记、物业经理"),
    )
    findings = models.TextField(_("调研发现"), max_length=4000)
    follow_ups = models.TextField(_("后续事项"), max_length=2000, blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("涉及的项目"), blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = StreetWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("实地调研")
        verbose_name_plural = _("实地调研")
        ordering = ["-date", "-id"]
        indexes = _recent_indexes("field_visit", "date")
        constraints = [
            models.CheckConstraint(
                condition=sane_date_q("date", nullable=False),
                name="field_visit_date_sane",
                violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} 实地调研"

    def get_absolute_url(self):
        return object_url("streetwork:visit_detail", self.pk)
