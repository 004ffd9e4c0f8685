"""Step 1 (摸清需求): the categorised needs list of a community."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Compound
from core.links import object_url
from core.models import SoftDeleteModel, SoftDeleteQuerySet


class NeedQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        return user.scope.within(self.alive())


class NeedCategory(models.TextChoices):
    ENVIRONMENT = "environment", _("环境整治")
    CONVENIENCE = "convenience", _("便民服务")
    ELDERLY_CHILDREN = "elderly_children", _("一老一小")
    FACILITIES = "facilities", _("设施改造")
    CULTURE = "culture", _("文体活动")
    NEIGHBOURHOOD = "neighbourhood", _("邻里关系")


class NeedSource(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    HOME_VISIT = "home_visit", _("入户走访")
    OWNERS_MEETING = "owners_meeting", _("业主大会")
    SUGGESTION_BOX = "suggestion_box", _("楼道意见箱")
    ONLINE = "online", _("线上留言")


class Need(SoftDeleteModel):
    Category = NeedCategory
    Source = NeedSource

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="needs"
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    title = models.CharField(_("需求"), max_length=100)
    description = models.TextField(_("详细说明"), blank=True, max_length=2000)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    mentions = models.PositiveIntegerField(
        _("反映人次"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("有多少居民反映了这条需求"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]
        # The list's order, for the district (all), a community and a category.
        indexes = [
            models.Index(
                fields=[*lead, "-created_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name=f"need_{name}",
            )
            for lead, name in (
                ([], "recent"),
                (["community"], "community_recent"),
                (["category"], "category_recent"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=NeedCategory.values), name="need_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=NeedSource.values), name="need_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mentions__gte=1),
                name="need_mentions_positive",
                violation_error_message=_("反映人次至少为1。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("needs:detail", self.pk)
