"""The district's 百社百景库: one tree of 3 activity classes → 10 activity items → the projects
selected into the library (入库), the district's guidance (指导意见 and the 10-article outdoor guide),
the streets' nominations (推荐) and the origin of projects started from the library."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Compound
from core.links import object_url
from core.models import Upload
from projects.models import ActivityPhoto, OutdoorCategory, Project, PublicSpaceKind

KIND_LABELS = dict(Compound.Kind.choices)


class LibraryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The library is one tree every community reads: community staff, the street's group
        and district staff see all of it; everybody else nothing (residents read /p/library/)."""
        if user.is_authenticated and user.has_perm("library.view_library"):
            return self
        return self.none()


class ActivityClass(models.Model):
    """One of the three classes of the library (便民服务, 群众活动, 节日节庆)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("活动类别")
        verbose_name_plural = _("活动类别")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class ActivityItem(models.Model):
    """One of the library's ten activity items (not the ten 研判 project classes): a kind of
    project a community can start, with the compound kinds it suits best."""

    activity_class = models.ForeignKey(
        ActivityClass, verbose_name=_("活动类别"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.TextField(_("说明"), max_length=2000)
    # Values of accounts.Compound.Kind (老旧小区, 安置小区, 商住小区).
    compound_kinds = models.JSONField(
        _("适合的小区类型"), default=list, blank=True, help_text=_("老旧小区、安置小区、商住小区")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动项目")
        verbose_name_plural = _("活动项目")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("library:item", self.pk)

    @property
    def kind_labels(self) -> list[str]:
        return [str(KIND_LABELS[k]) for k in self.compound_kinds if k in KIND_LABELS]

    def suits(self, kinds) -> bool:
        return bool(set(self.compound_kinds) & set(kinds))


# The tree as the district first lists it (migration 0002 seeds it; the district edits it in the
# admin site). ensure_library_tree() puts back what a flushed database lost (demo, browser tests).
OLD, RES, COM = Compound.Kind.OLD, Compound.Kind.RESETTLEMENT, Compound.Kind.COMMERCIAL
DEFAULT_TREE = [
    (
        "便民服务",
        "把服务送到居民家门口,解决急难愁盼的小事",
        [
            (
                "家门口便民集市",
                "义诊、义剪、磨刀配钥匙、家电维修等服务定期摆到小区门口和广场上,"
                "由合伙人和周边商户轮流出摊,居民不出小区办成小事。",
                [OLD, RES],
            ),
            (
                "维修服务进小区",
                "楼道照明、充电车棚、外墙保温、屋面防水等老旧小区的实事,"
                "由社区党组织牵头、物业和共建单位出力,先解决居民最着急的问题。",
                [OLD],
            ),
            (
                "一老一小照护",
                "老年助餐、健康义诊、四点半课堂、暑期托管和幼儿陪护,"
                "让安置小区里的老人和孩子在家门口有人照看。",
                [RES, OLD],
            ),
        ],
    ),
    (
        "群众活动",
        "以活动凝聚邻里,让居民从旁观者变成组织者",
        [
            (
                "邻里节",
                "美食分享、楼栋才艺展示、邻里互助集市,让住在同一栋楼的人从“面熟”到“相知”。",
                [COM, RES],
            ),
            (
                "百家宴",
                "每家带一道拿手菜,长桌摆在小区广场,新老居民围坐一起聊小区的大事小情。",
                [COM],
            ),
            (
                "社区运动会",
                "趣味项目、亲子项目和健步走,以家庭和楼栋为单位参赛,在运动中熟络起来。",
                [COM, RES],
            ),
            (
                "读书会",
                "步道旁、凉亭下的共享书架,亲子阅读和银龄读书分享,让书香进小区。",
                [COM, OLD],
            ),
        ],
    ),
    (
        "节日节庆",
        "借传统节日和纪念日,把居民请出家门",
        [
            (
                "传统节日",
                "春节写春联、元宵猜灯谜、端午包粽子、中秋团圆、重阳敬老,节日里的邻里互助。",
                [OLD, RES, COM],
            ),
            (
                "红色纪念日",
                "七一、国庆等纪念日的主题党日、老党员讲故事和小区升旗仪式。",
                [OLD, RES],
            ),
            (
                "社区文化节",
                "合唱、书画、广场舞和手工市集的居民展演,一年一届,由居民文艺骨干自己组织。",
                [COM, RES],
            ),
        ],
    ),
]


def ensure_library_tree() -> None:
    """The three classes and ten items, where a flushed database lost them."""
    order = 0
    for class_order, (name, description, items) in enumerate(DEFAULT_TREE, 1):
        activity_class, _created = ActivityClass.objects.get_or_create(
            name=name, defaults={"description": description, "order": class_order}
        )
        for item_name, item_description, kinds in items:
            order += 1
            ActivityItem.objects.get_or_create(
                name=item_name,
                defaults={
                    "activity_class": activity_class,
                    "description": item_description,
                    "compound_kinds": [str(k) for k in kinds],
                    "order": order,
                },
            )


class Guidance(models.Model):
    """A document of the district: its 指导意见 or the 10-article 拓展社区服务场景工作指南, as a
    page with attachments, linked to the public-space kinds and outdoor categories it covers."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("指导意见")
        GUIDE = "guide", _("工作指南")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=100)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    body = models.TextField(
        _("正文"), max_length=20000, help_text=_("每段一行;条款可写成“第一条 ……”")
    )
    public_spaces = models.ManyToManyField(
        PublicSpaceKind, verbose_name=_("户外公共空间类型"), blank=True, related_name="+"
    )
    outdoor_categories = models.ManyToManyField(
        OutdoorCategory, verbose_name=_("户外项目类别"), blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("指导文件")
        verbose_name_plural = _("指导文件")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["opinion", "guide"]), name="guidance_kind_valid"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("library:guidance", self.pk)

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class GuidanceAttachment(models.Model):
    """A file of a guidance page (the signed PDF, a Word version, a form to fill in)."""

    guidance = models.ForeignKey(Guidance, on_delete=models.CASCADE, related_name="attachments")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("附件名称"), max_length=100)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self):
        return self.title


class NominationStatus(models.TextChoices):
    PENDING = "pending", _("待区级遴选")
    SELECTED = "selected", _("已入库")
    DECLINED = "declined", _("未入选")


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Nominations of the projects the user's place covers: a street's own, all for the
        district."""
        return user.scope.within(self, "project__community")


class Nomination(models.Model):
    """A street recommends one of its completed projects for the library (推荐); the district
    selects it (入库) or declines it. A project waits in at most one pending nomination."""

    Status = NominationStatus

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ActivityItem, verbose_name=_("活动项目"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("推荐理由"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("推荐时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("遴选人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("遴选时间"), null=True, blank=True)
    decline_reason = models.TextField(_("未入选理由"), max_length=1000, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("入库推荐")
        verbose_name_plural = _("入库推荐")
        ordering = ["-nominated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NominationStatus.values),
                name="nomination_status_valid",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="pending"),
                name="nomination_one_pending_per_project",
                violation_error_message=_("这个项目已经推荐过,正在等待区级遴选。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "-nominated_at"])]

    def __str__(self):
        return f"推荐:{self.project_id}"

    def get_absolute_url(self):
        return object_url("library:nomination", self.pk)


class LibraryEntry(models.Model):
    """A project selected into the library (入库) under one activity item, with the reason and
    its 典型案例 write-up. Selected projects are public."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="library_entry"
    )
    item = models.ForeignKey(
        ActivityItem, verbose_name=_("活动项目"), on_delete=models.PROTECT, related_name="entries"
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("推荐"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
    )
    year = models.PositiveSmallIntegerField(_("入库年度"), db_index=True)
    reason = models.TextField(_("入库理由"), max_length=2000)
    case_study = models.TextField(
        _("典型案例"), max_length=8000, help_text=_("分段写:背景、做法、成效、经验")
    )
    photo = models.ForeignKey(
        ActivityPhoto,
        verbose_name=_("案例照片"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("从项目已公开的活动照片中选一张"),
    )
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("遴选人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    selected_at = models.DateTimeField(_("入库时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("入库项目")
        verbose_name_plural = _("入库项目")
        ordering = ["-selected_at", "-id"]
        indexes = [
            models.Index(fields=["item", "-selected_at", "-id"]),
            models.Index(fields=["year", "-selected_at", "-id"]),
        ]

    def __str__(self):
        return (
            self.project.title if "project" in self._state.fields_cache else f"入库项目 {self.pk}"
        )

    def get_absolute_url(self):
        return object_url("library:entry", self.pk)

    @property
    def case_paragraphs(self) -> list[str]:
        return [line.strip() for line in self.case_study.splitlines() if line.strip()]


class ProjectOrigin(models.Model):
    """Where a project started from the library came from: an item (按此项目开展) or a library
    project it borrows from (借鉴此项目)."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="library_origin"
    )
    item = models.ForeignKey(
        ActivityItem, verbose_name=_("活动项目"), on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey(
        LibraryEntry,
        verbose_name=_("借鉴的入库项目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("项目来源")
        verbose_name_plural = _("项目来源")

    def __str__(self):
        return f"来自百社百景库:{self.item_id}"
