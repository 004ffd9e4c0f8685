"""Step 1 (摸清需求): the categorised needs list of a community, where every need came from (its
sources with counts), its status as residents read it, and the receipts residents hold.

Questionnaires (surveys/) and visits, meetings and suggestion boxes (outreach/) sit a layer above:
they create needs and mentions through needs.services and register merge hooks (needs.hooks), so
this app never imports them, nor projects (a project links needs; an adoption reaches this app
through needs.hooks, never an import)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Compound
from core.links import object_url
from core.models import LabelsMixin, SoftDeleteModel, SoftDeleteQuerySet


class SeededCategory(models.TextChoices):
    """The six categories in use when the list became the district's to keep (Category): migration
    0004 seeds them, and demo data and tests name them by these codes."""

    ENVIRONMENT = "environment", _("环境整治")
    CONVENIENCE = "convenience", _("便民服务")
    ELDERLY_CHILDREN = "elderly_children", _("一老一小")
    FACILITIES = "facilities", _("设施改造")
    CULTURE = "culture", _("文体活动")
    NEIGHBOURHOOD = "neighbourhood", _("邻里关系")


# The name the six had before the district kept the list (demo/library.py still reads it).
NeedCategory = SeededCategory


class Category(models.Model):
    """A need category, kept by the district (区级) for every community."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("类别名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后不能再选,已有需求不受影响")
    )

    class Meta:
        verbose_name = _("需求类别")
        verbose_name_plural = _("需求类别")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


def ensure_categories(using: str = "default") -> None:
    """Put the six seeded categories back in a flushed database (the demo, transactional and
    browser tests), as migration 0004 made them; categories the district added are kept."""
    for order, choice in enumerate(SeededCategory, start=1):
        Category.objects.using(using).get_or_create(
            code=choice.value, defaults={"name": str(choice.label), "order": order}
        )


class NeedSource(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    HOME_VISIT = "home_visit", _("入户走访")
    OWNERS_MEETING = "owners_meeting", _("居民会议")
    SUGGESTION_BOX = "suggestion_box", _("楼道意见箱")
    ONLINE = "online", _("线上留言")
    ROUND_TABLE = "round_table", _("圆桌会")
    OTHER = "other", _("其他")


class NeedStatus(models.TextChoices):
    COLLECTED = "collected", _("已收集")
    STUDYING = "studying", _("研究中")
    ADOPTED = "adopted", _("已纳入项目")
    SOLVED = "solved", _("已解决")
    DECLINED = "declined", _("暂不采纳")


class NeedQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        return user.scope.within(self.alive())


class Need(SoftDeleteModel):
    Source = NeedSource
    Status = NeedStatus

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
    # The column keeps its name and its codes; the list of categories is the district's table.
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        to_field="code",
        db_column="category",
        related_name="needs",
    )
    # Where the need was first heard; every source since, with counts, is in `sources`.
    source = models.CharField(_("首次来源"), max_length=20, choices=Source.choices)
    # The sum of its sources' counts (kept by needs.services with every mention).
    mentions = models.PositiveIntegerField(
        _("反映人次"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("有多少居民反映了这条需求"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.COLLECTED
    )
    # What residents read with the status: why it is not adopted, how it was solved.
    status_note = models.TextField(_("答复居民"), max_length=1000, blank=True)
    status_changed_at = models.DateTimeField(_("状态更新时间"), default=timezone.now)
    # A duplicate merged into another need: soft-deleted, pointing at the need that kept it all.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并到"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]
        # The list's order, for the district (all), a community, a category and a status.
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
                (["community", "status"], "community_status"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=NeedSource.values), name="need_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NeedStatus.values), name="need_status_valid"
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


class NeedMention(LabelsMixin, models.Model):
    """Residents raising a need through one source: a questionnaire, a visit, a meeting, a box…

    A need's `mentions` is the sum of its rows' counts; merging moves the rows to the kept need."""

    Source = NeedSource

    need = models.ForeignKey(
        Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="sources"
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    count = models.PositiveIntegerField(_("反映人次"), default=1, validators=[MinValueValidator(1)])
    noted_on = models.DateField(_("日期"), default=timezone.localdate)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The record it came from, as "<app>.<model>:<id>" (a visit, a meeting, a suggestion, an
    # answer), read by the app that made it; needs never follows it.
    origin = models.CharField(max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("需求来源")
        verbose_name_plural = _("需求来源")
        ordering = ["noted_on", "id"]
        indexes = [models.Index(fields=["source", "need"], name="needmention_source_need")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=NeedSource.values), name="needmention_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(count__gte=1), name="needmention_count_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} ×{self.count}"


class ReceiptKind(models.TextChoices):
    SUGGESTION = "suggestion", _("意见建议")
    SURVEY = "survey", _("问卷留言")


class Receipt(LabelsMixin, models.Model):
    """What a resident holds after leaving a suggestion or a questionnaire comment: an unguessable
    code (only its keyed hash is kept) to look up on /p/receipts/ what became of it."""

    Kind = ReceiptKind

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # The first words of what the resident wrote, so the lookup page can say which one it was.
    excerpt = models.CharField(_("内容摘要"), max_length=80)
    need = models.ForeignKey(
        Need,
        verbose_name=_("对应需求"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
    )
    # Closed without a need (not within the community's remit, a duplicate of nothing…): why.
    declined_reason = models.TextField(_("不予采纳的理由"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回执")
        verbose_name_plural = _("回执")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReceiptKind.values), name="receipt_kind_valid"
            ),
        ]

    def __str__(self):
        return self.excerpt


class NeedEvent(models.Model):
    """One line of a need's history: a status change (with what residents were told), an edit,
    a mention added by hand, a merge. Written by the need's workflow (needs/workflow.py) and by
    the merge; the need's page reads them, newest first."""

    need = models.ForeignKey(
        Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20)
    label = models.CharField(_("说明"), max_length=40)
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=NeedStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=NeedStatus.choices, blank=True)
    note = models.TextField(_("备注"), max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("需求记录")
        verbose_name_plural = _("需求记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["need", "-at", "-id"], name="needevent_need_recent")]

    def __str__(self):
        return f"{self.label} {self.at:%Y-%m-%d}"
