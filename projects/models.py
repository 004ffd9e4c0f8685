"""Steps 3–6 and the community's own 复盘 (step 7) of a 领办治理服务项目."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Compound
from core.dates import sane_date_q, validate_sane_date
from core.links import object_url
from core.models import LabelsMixin, SoftDeleteModel, SoftDeleteQuerySet, Upload
from core.phone import PhoneField
from needs.models import Need
from partners.models import Partner, Resource, ResourceKind


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


# Read-only grants beyond a person's place in the tree: each function takes a user and returns
# the ids of the projects it opens to them today (a judge's scoring round). Apps above projects
# register them (scoring/apps.py); projects never imports them. Rules stay role × object, so a
# grant opens a project to read, never to act on.
READ_GRANTS: list = []


def granted_project_ids(user) -> frozenset:
    """The ids READ_GRANTS open to this user, worked out once per request (kept on the user)."""
    granted = getattr(user, "_granted_project_ids", None)
    if granted is None:
        granted = frozenset()
        if user.is_authenticated and user.is_active:
            granted = granted.union(*(grant(user) for grant in READ_GRANTS))
        user._granted_project_ids = granted
    return granted


class ProjectQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user, *, deleted: bool = False, grants: bool = True):
        """The projects this user may open: their community's, street's, or the whole district's,
        and those a read-only grant opens to them (READ_GRANTS).

        With deleted=True, the soft-deleted ones of the same scope (the community's trash); with
        grants=False, the user's own scope alone: lists, dashboards and counts (a judge finds the
        round's projects on the round's pages), residents' grades, sign-ups and objections.
        """
        records = self.deleted() if deleted else self.alive()
        scope = user.scope
        if deleted or not grants or scope.is_district_business:
            return scope.within(records)
        granted = granted_project_ids(user)
        if not granted:
            return scope.within(records)
        return records.filter(scope.community_q() | models.Q(pk__in=granted))

    def published(self):
        """Announced projects, open to residents without logging in."""
        return self.alive().filter(status__in=PUBLIC_STATUSES)


class Theme(models.TextChoices):
    """美 / 学 / 乐 / 健: the four kinds the street shows projects in (晾晒机制)."""

    BEAUTY = "beauty", _("美")
    LEARNING = "learning", _("学")
    JOY = "joy", _("乐")
    HEALTH = "health", _("健")


class MicroKind(models.TextChoices):
    """五微不至: the micro-projects of the compounds."""

    POST = "post", _("微阵地")
    RENEWAL = "renewal", _("微更新")
    DELIBERATION = "deliberation", _("微议事")
    PLOT = "plot", _("幸福责任田")


class FundingSource(models.TextChoices):
    STREET = "street", _("街道")
    DISTRICT = "district", _("区级")
    PARTNER = "partner", _("合伙人")
    SELF = "self", _("自筹")


# Who grants what: the street's 组长 the street's money, district staff the district's.
GRANTED_SOURCES = (FundingSource.STREET, FundingSource.DISTRICT)


class PublicSpaceKind(models.Model):
    """The kinds of outdoor public space the district lists (步道旁, 凉亭下, 广场内 …)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("户外公共空间类型")
        verbose_name_plural = _("户外公共空间类型")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class OutdoorCategory(models.Model):
    """The twelve kinds of outdoor project the district's 10-article guide encourages (跳蚤市场 …);
    a plan held in a public space chooses one."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("户外项目类别")
        verbose_name_plural = _("户外项目类别")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class ProjectClass(models.Model):
    """The district's ten classes of governance-service projects (研判 classes them; not the
    library's ten activity items)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


# The district's lists as the seed article names them, created by migration 0006; the district
# changes them in the admin site. `ensure_district_lists()` puts back any that are missing (the
# demo after a flushed test database, say).
DEFAULT_PROJECT_CLASSES = [
    ("环境整治", "楼道、绿化、卫生、停车等环境问题"),
    ("物业管理", "物业服务、维修基金、业委会建设"),
    ("便民服务", "家门口的日常服务"),
    ("为老服务", "老年人助餐、助医、陪伴"),
    ("一老一小", "儿童托管、四点半课堂、亲子活动"),
    ("邻里互助", "邻里节、百家宴等增进邻里关系的活动"),
    ("文化体育", "文艺、读书、健身"),
    ("平安建设", "矛盾纠纷化解、安全隐患排查"),
    ("协商议事", "圆桌会、微议事等居民自治"),
    ("志愿服务", "志愿队伍建设与服务"),
]
DEFAULT_PUBLIC_SPACES = ["步道旁", "凉亭下", "广场内", "小区花园", "楼宇架空层"]
DEFAULT_OUTDOOR_CATEGORIES = [
    ("跳蚤市场", "闲置物品交换、义卖"),
    ("便民集市", "义诊、义剪、家电维修等便民服务摆摊"),
    ("露天电影", "夏夜广场、凉亭下放映"),
    ("文艺展演", "广场舞、合唱、戏曲等居民展演"),
    ("亲子游园", "儿童游戏、亲子手工"),
    ("邻里宴席", "百家宴、邻里节聚餐"),
    ("户外读书角", "步道旁、凉亭下的共享书架与读书会"),
    ("全民健身", "健步走、社区运动会、健身打卡"),
    ("手工市集", "居民手工作品展示与交换"),
    ("科普宣传", "垃圾分类、防诈骗、消防安全宣传"),
    ("议事广场", "户外协商议事、听证"),
    ("节庆活动", "春节、中秋、重阳等节日活动"),
]


def ensure_district_lists() -> None:
    for order, (name, description) in enumerate(DEFAULT_PROJECT_CLASSES, 1):
        ProjectClass.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
    for order, name in enumerate(DEFAULT_PUBLIC_SPACES, 1):
        PublicSpaceKind.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, description) in enumerate(DEFAULT_OUTDOOR_CATEGORIES, 1):
        OutdoorCategory.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )


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
    # The sum of the budget lines, kept by the services that change them (lists show it).
    budget_total = models.DecimalField(
        _("预算总额(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    target_groups = models.CharField(_("服务对象"), max_length=200, blank=True)
    compounds = models.ManyToManyField(
        Compound,
        verbose_name=_("服务的小区"),
        blank=True,
        related_name="+",
        help_text=_("项目服务的一个或多个小区"),
    )
    public_space = models.ForeignKey(
        "PublicSpaceKind",
        verbose_name=_("户外公共空间"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("在户外开展时选择空间类型;室内可不选"),
    )
    outdoor_category = models.ForeignKey(
        "OutdoorCategory",
        verbose_name=_("户外项目类别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("在户外公共空间开展时,选择区里《拓展社区服务场景工作指南》的十二类项目之一"),
    )
    micro_kind = models.CharField(
        _("五微不至微项目"),
        max_length=20,
        choices=MicroKind.choices,
        blank=True,
        help_text=_("属于“五微不至”微项目时选择类型;不是可不选"),
    )
    project_class = models.ForeignKey(
        "ProjectClass",
        verbose_name=_("项目类别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("区里规定的十类治理服务项目之一(研判时确定)"),
    )
    no_partner_reason = models.TextField(
        _("未链接资源的原因"),
        max_length=1000,
        blank=True,
        help_text=_("没有链接合伙人或资源时,说明原因"),
    )
    # Step 4: the proposal; the joint meeting that agreed it is a JointMeeting
    proposal = models.TextField(_("实施方案"), max_length=8000, blank=True)
    changes_shared_property = models.BooleanField(
        _("涉及共有部分或维修基金"),
        default=False,
        help_text=_("如加装充电桩、外墙保温、动用维修基金:发布预告后须公示"),
    )
    # Step 5: announcement
    announcement = models.TextField(_("项目预告"), max_length=4000, blank=True)
    announced_at = models.DateTimeField(_("预告发布时间"), null=True, blank=True)
    # The 公示 period an announcement opens when the project needs one (NoticePolicy): counted
    # in working days; each re-announcement after an upheld objection starts a new round.
    notice_round = models.PositiveSmallIntegerField(_("公示轮次"), default=0)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    # Step 7: the community's own retrospective (复盘); the street's 审核 is "review"
    retrospective = models.TextField(_("复盘总结"), max_length=8000, blank=True)
    # The structured 复盘: money and participation are computed from the sessions, residents'
    # grades come from evaluation (a hook on the project page), these three are written.
    retro_worked = models.TextField(_("做得好的"), max_length=4000, blank=True)
    retro_missed = models.TextField(_("不足之处"), max_length=4000, blank=True)
    retro_changes = models.TextField(_("下次要改进的"), max_length=4000, blank=True)
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
                for name in ("start_date", "end_date")
            ),
            models.CheckConstraint(
                condition=models.Q(micro_kind__in=["", *MicroKind.values]),
                name="project_micro_kind_valid",
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
        """Goal, dates and at least one budget line (budget_total is their sum)."""
        return bool(self.goal and self.start_date and self.end_date and self.budget_total)


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
        CONDITION_CONFIRMED = "condition_ok", _("确认落实批准条件")
        MEETING = "meeting", _("记录联席会")
        GRANTED = "granted", _("核定经费")
        SUPERVISED = "supervised", _("区级督办")
        SUPERVISION_REPLIED = "supervision_reply", _("回复督办")
        SESSION_PLANNED = "session_planned", _("安排活动")
        SESSION_CHANGED = "session_changed", _("调整活动安排")
        SESSION_CANCELLED = "session_cancelled", _("取消活动")
        PHOTO_CONSENT = "photo_consent", _("照片公开")
        CONTRIBUTION_ADDED = "contribution_add", _("登记合伙人贡献")
        CONTRIBUTION_REMOVED = "contribution_del", _("删除合伙人贡献")
        # 一项目一方案 (training/workflow.py): a mentor attached, their notes, the plan, the end.
        COACHING_ASSIGNED = "coaching_assigned", _("安排导师指导")
        COACHING_NOTE = "coaching_note", _("导师指导")
        COACHING_PLAN = "coaching_plan", _("形成指导方案")
        COACHING_DONE = "coaching_done", _("结束导师指导")

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


# --- step 2: what the linked partners contribute ------------------------------------------------
# Money is counted in 元 wherever it is recorded, so it adds up across partners and sessions.
MONEY_UNIT = "元"


class Contribution(LabelsMixin, models.Model):
    """What one partner linked to a project (Project.partners) contributes to it, at step 2: from
    one of the resources it offers (partners.Resource) or described here."""

    Kind = ResourceKind

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="contributions"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("合伙人"), on_delete=models.PROTECT, related_name="+"
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("对应的资源"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("该合伙人登记过的资源;没有登记过的可不选"),
    )
    kind = models.CharField(_("贡献类型"), max_length=10, choices=ResourceKind.choices)
    description = models.CharField(_("贡献内容"), max_length=200)
    quantity = models.DecimalField(
        _("数量"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("合伙人贡献")
        verbose_name_plural = _("合伙人贡献")
        ordering = ["partner__name", "partner_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ResourceKind.values), name="contribution_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                name="contribution_quantity_not_negative",
                violation_error_message=_("数量不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.description}"

    @property
    def amount_label(self) -> str:
        """The quantity with its unit ("500 元", "2 次"), or "" without one."""
        return quantity_label(self.quantity, self.unit)


def quantity_label(quantity, unit: str) -> str:
    """A quantity as people write it: 500 元, 2.5 小时 (no trailing zeros), "" for none."""
    if quantity is None:
        return ""
    text = f"{quantity:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    YEARLY = "yearly", _("每年")


class ActivitySeries(models.Model):
    """Sessions that recur (每周的课, 每月的百家宴, 每年的邻居节): the series generates its
    sessions, no further than twelve months ahead, each then held or cancelled on its own."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="series"
    )
    title = models.CharField(_("活动名称"), max_length=100)
    place = models.CharField(_("活动地点"), max_length=100)
    recurrence = models.CharField(_("重复"), max_length=10, choices=Recurrence.choices)
    first_date = models.DateField(_("首次日期"), validators=[validate_sane_date])
    until = models.DateField(_("截止日期"), null=True, blank=True, validators=[validate_sane_date])
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.TimeField(_("结束时间"), null=True, blank=True)
    signup_capacity = models.PositiveIntegerField(
        _("报名名额"), null=True, blank=True, help_text=_("不需要报名的活动留空")
    )
    generated_until = models.DateField(_("已排到"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("系列活动")
        verbose_name_plural = _("系列活动")
        ordering = ["first_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recurrence__in=Recurrence.values),
                name="series_recurrence_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True)
                | models.Q(until__gte=models.F("first_date")),
                name="series_dates_ordered",
                violation_error_message=_("截止日期不能早于首次日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.title}({self.get_recurrence_display()})"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sessions of the projects this user may open."""
        return self.filter(project__in=Project.objects.visible_to(user))


class Activity(models.Model):
    """Step 6: one session of a project's programme: scheduled ahead (alone or by a series),
    then held (with participants, volunteers, photos and spending) or cancelled."""

    Status = SessionStatus

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="activities"
    )
    series = models.ForeignKey(
        ActivitySeries,
        verbose_name=_("所属系列"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    milestone = models.ForeignKey(
        "Milestone",
        verbose_name=_("对应计划节点"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    title = models.CharField(_("活动名称"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    date = models.DateField(_("活动日期"), validators=[validate_sane_date])
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.TimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("活动地点"), max_length=100)
    signup_capacity = models.PositiveIntegerField(
        _("报名名额"), null=True, blank=True, help_text=_("不需要报名的活动留空")
    )
    signup_deadline = models.DateTimeField(_("报名截止时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者人数"), default=0)
    spending = models.DecimalField(
        _("支出(元)"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("活动记录"), max_length=2000, blank=True)
    funding_source = models.CharField(
        _("经费来源"),
        max_length=10,
        choices=FundingSource.choices,
        blank=True,
        help_text=_("支出由哪方经费承担"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["date", "status"], name="activity_calendar"),
            models.Index(fields=["project", "date"], name="activity_project_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SessionStatus.values), name="activity_status_valid"
            ),
            # A series generates each date once, however often the daily task runs.
            models.UniqueConstraint(
                fields=["series", "date"],
                condition=models.Q(series__isnull=False),
                name="activity_series_date_once",
                violation_error_message=_("这个系列在这一天已经有一场活动。"),
            ),
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

    def get_absolute_url(self):
        return object_url("projects:session", self.pk)

    @property
    def community(self):
        return self.project.community


class ActivityVolunteer(models.Model):
    """A partner who came to a held session as a volunteer, and their hours."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="volunteer_rows")
    partner = models.ForeignKey(
        Partner, verbose_name=_("合伙人"), on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(
        _("服务时长(小时)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("志愿服务")
        verbose_name_plural = _("志愿服务")
        constraints = [
            models.UniqueConstraint(fields=["activity", "partner"], name="volunteer_once"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0) & models.Q(hours__lte=24),
                name="volunteer_hours_sane",
                violation_error_message=_("服务时长应在 0 到 24 小时之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.partner} {self.hours}h"


class ActivityPhoto(models.Model):
    """A photo of a session. It is shown to residents only when staff confirm the people in it
    agreed (public), and, for children, confirm the guardians' consent explicitly."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    shows_children = models.BooleanField(_("照片中有儿童"), default=False)
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
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(public=False) | models.Q(consent_by__isnull=False),
                name="photo_public_needs_consent",
                violation_error_message=_("公开照片前须确认照片中的人已同意。"),
            ),
        ]

    def __str__(self):
        return self.caption or f"照片 {self.pk}"


class ActivitySpending(models.Model):
    """What a held session spent against one of the plan's budget lines."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="spending_rows")
    budget_line = models.ForeignKey(
        "BudgetLine", verbose_name=_("预算明细"), on_delete=models.PROTECT, related_name="spent"
    )
    amount = models.DecimalField(
        _("金额(元)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("活动支出")
        verbose_name_plural = _("活动支出")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="activity_spending_row_not_negative",
                violation_error_message=_("支出不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.budget_line_id} {self.amount}"


# Volunteer hours are recorded per person on ActivityVolunteer, never as a session's contribution.
SESSION_CONTRIBUTION_KINDS = tuple(k for k in ResourceKind if k != ResourceKind.HOURS)


class ActivityContribution(LabelsMixin, models.Model):
    """What a partner contributed to one held session besides volunteer hours (those are
    ActivityVolunteer rows): a venue, money, materials or a service. Summed per partner and
    per project (projects/contributions.py) and in the partner's history."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="contribution_rows"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("合伙人"), on_delete=models.PROTECT, related_name="+"
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("对应的资源"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("贡献类型"), max_length=10, choices=ResourceKind.choices)
    quantity = models.DecimalField(
        _("数量"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    note = models.CharField(_("内容"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("活动贡献")
        verbose_name_plural = _("活动贡献")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in SESSION_CONTRIBUTION_KINDS]),
                name="activity_contribution_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                name="activity_contribution_quantity_not_negative",
                violation_error_message=_("数量不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {quantity_label(self.quantity, self.unit)}".strip()


# --- step 5: the 公示 period and residents' objections ------------------------------------------
class NoticePolicy(models.Model):
    """The district's rule for which announcements open a 公示 period, and how long it runs.
    One row (pk 1); district staff keep it in the admin site."""

    amount_threshold = models.DecimalField(
        _("公示金额标准(元)"),
        max_digits=12,
        decimal_places=2,
        default=50000,
        help_text=_("街道和区级经费合计超过此金额的项目须公示"),
    )
    working_days = models.PositiveSmallIntegerField(
        _("公示期(工作日)"), default=5, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("公示规则")
        verbose_name_plural = _("公示规则")

    def __str__(self):
        return f"超过 {self.amount_threshold} 元公示 {self.working_days} 个工作日"

    @classmethod
    def current(cls) -> "NoticePolicy":
        return cls.objects.get_or_create(pk=1)[0]


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复,待街道决定")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")
    HIDDEN = "hidden", _("已屏蔽")


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Objections of the projects in the user's own scope (never through a judge's grant:
        they are residents' words, handled by the community and the street)."""
        return self.filter(project__in=Project.objects.visible_to(user, grants=False))

    def shown(self):
        """What residents see on the public page: everything not hidden as abuse."""
        return self.exclude(status=ObjectionStatus.HIDDEN)

    def undecided(self):
        return self.filter(status__in=[ObjectionStatus.OPEN, ObjectionStatus.ANSWERED])


class Objection(LabelsMixin, models.Model):
    """A resident's objection raised on the public page during a 公示 period."""

    Status = ObjectionStatus

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="objections"
    )
    notice_round = models.PositiveSmallIntegerField(_("公示轮次"))
    text = models.TextField(_("异议内容"), max_length=1000)
    phone = PhoneField(_("联系电话"), help_text=_("选填,便于社区回复您"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("社区答复"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision_note = models.TextField(_("街道决定意见"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    hidden_reason = models.CharField(_("屏蔽理由"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ObjectionStatus.values),
                name="objection_status_valid",
            ),
        ]

    def __str__(self):
        return self.text[:30]

    def get_absolute_url(self):
        return object_url("projects:objection", self.pk)

    @property
    def community(self):
        return self.project.community


# --- step 3: the plan's milestones and budget, and the money granted --------------------------
class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("日期"), validators=[validate_sane_date])
    title = models.CharField(_("节点"), max_length=100)
    responsible = models.CharField(_("负责人"), max_length=40)

    class Meta:
        verbose_name = _("计划节点")
        verbose_name_plural = _("计划节点")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=sane_date_q("date", nullable=False),
                name="milestone_date_sane",
                violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"

    @property
    def community(self):
        return self.project.community


class BudgetLine(LabelsMixin, models.Model):
    """One line of the plan's budget: what for, how much, paid from which source (the request)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    item = models.CharField(_("用途"), max_length=100)
    amount = models.DecimalField(
        _("金额(元)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    source = models.CharField(_("经费来源"), max_length=10, choices=FundingSource.choices)

    class Meta:
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="budget_line_amount_positive",
                violation_error_message=_("金额必须大于 0。"),
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=FundingSource.values),
                name="budget_line_source_valid",
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.amount}"


class FundingGrant(LabelsMixin, models.Model):
    """What the street (its 组长) or the district (district staff) grants a project: one per
    source, changed in place (the audit log keeps each change)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="grants"
    )
    source = models.CharField(_("经费来源"), max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField(
        _("核定金额(元)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("核定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("经费核定")
        verbose_name_plural = _("经费核定")
        ordering = ["source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="grant_one_per_source"),
            models.CheckConstraint(
                condition=models.Q(source__in=[s.value for s in GRANTED_SOURCES]),
                name="grant_source_granted",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="grant_amount_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"


# --- step 4: the joint meeting (联席会) that agrees the proposal --------------------------------
class JointMeeting(models.Model):
    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="meeting"
    )
    date = models.DateField(_("会议日期"), validators=[validate_sane_date])
    place = models.CharField(_("地点"), max_length=100, blank=True)
    feasibility = models.TextField(_("可行性分析"), max_length=4000)
    agreed_goal = models.TextField(_("议定的目标"), max_length=2000, blank=True)
    agreed_budget = models.DecimalField(
        _("议定的预算(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    volunteers_needed = models.PositiveIntegerField(_("需要志愿者(人)"), default=0)
    venues_needed = models.CharField(_("需要的场地"), max_length=200, blank=True)
    skills_needed = models.CharField(_("需要的技能"), max_length=200, blank=True)
    decisions = models.TextField(_("会议决定"), max_length=4000)
    minutes = models.ForeignKey(
        Upload,
        verbose_name=_("会议纪要"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("联席会")
        verbose_name_plural = _("联席会")
        constraints = [
            models.CheckConstraint(
                condition=sane_date_q("date", nullable=False),
                name="meeting_date_sane",
                violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
            ),
        ]

    def __str__(self):
        return f"联席会 {self.date}"


class Party(models.TextChoices):
    """Who sits at a joint meeting."""

    BRANCH = "branch", _("小区党支部")
    OWNERS = "owners", _("业委会")
    PROPERTY = "property", _("物业")
    RESIDENTS = "residents", _("居民代表")
    DEPARTMENT = "department", _("相关部门")
    COMMUNITY = "community", _("社区")
    OTHER = "other", _("其他")


class MeetingAttendance(LabelsMixin, models.Model):
    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="attendances")
    party = models.CharField(_("代表"), max_length=12, choices=Party.choices)
    name = models.CharField(_("参会人"), max_length=60)

    class Meta:
        verbose_name = _("联席会参会人")
        verbose_name_plural = _("联席会参会人")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party__in=Party.values), name="attendance_party_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} {self.name}"


# --- step 4: the street's review, round by round ----------------------------------------------
class Decision(models.TextChoices):
    PENDING = "pending", _("待决定")
    APPROVED = "approved", _("批准")
    CONDITIONAL = "conditional", _("附条件批准")
    RETURNED = "returned", _("退回修改")


class ReviewRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        return user.scope.within(self, "project__community")

    def waiting(self):
        return self.filter(decision=Decision.PENDING)


class ReviewRound(LabelsMixin, models.Model):
    """One submission to the street and what became of it. `snapshot` keeps the version that was
    submitted, field by field, so the next round can show what changed."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    comments_due = models.DateField(_("意见截止日期"))
    snapshot = models.JSONField(_("提交的版本"), default=dict)
    decision = models.CharField(
        _("决定"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定意见"), max_length=2000, blank=True)
    # The day reviewers were last reminded: one reminder a day at most.
    reminded_on = models.DateField(null=True, blank=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("审核轮次")
        verbose_name_plural = _("审核轮次")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="round_unique_number"),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(decision="pending"),
                name="round_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=Decision.values), name="round_decision_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(decision="pending"),
                name="round_waiting",
            ),
            models.Index(fields=["decision", "decided_at"], name="round_decided"),
        ]

    def __str__(self):
        return f"第 {self.number} 轮"

    def get_absolute_url(self):
        return reverse("projects:round", kwargs={"pk": self.project_id, "number": self.number})

    @property
    def community(self):
        return self.project.community


class Recommendation(models.TextChoices):
    NONE = "", _("仅提意见")
    APPROVE = "approve", _("建议批准")
    RETURN = "return", _("建议退回")


class ReviewComment(LabelsMixin, models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("意见"), max_length=2000)
    recommendation = models.CharField(
        _("建议"), max_length=10, choices=Recommendation.choices, blank=True
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:20]


class ReviewCondition(models.Model):
    """A condition of an approval: the secretary confirms it, with evidence, before announcing."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conditions")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="conditions")
    text = models.CharField(_("条件"), max_length=300)
    evidence = models.TextField(_("落实情况"), max_length=2000, blank=True)
    evidence_file = models.ForeignKey(
        Upload,
        verbose_name=_("证明材料"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批准条件")
        verbose_name_plural = _("批准条件")
        ordering = ["id"]

    def __str__(self):
        return self.text

    @property
    def community(self):
        return self.project.community


# --- 督办: the district's questions about a project ---------------------------------------------
class SupervisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return user.scope.within(self, "project__community")

    def open(self):
        return self.filter(status=Supervision.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Supervision(LabelsMixin, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待回复")
        ANSWERED = "answered", _("已回复")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="supervisions"
    )
    question = models.TextField(_("督办事项"), max_length=2000)
    due_date = models.DateField(_("回复期限"), validators=[validate_sane_date])
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("督办时间"), default=timezone.now)
    reply = models.TextField(_("回复"), max_length=4000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "answered"]),
                name="supervision_status_valid",
            ),
            models.CheckConstraint(
                condition=sane_date_q("due_date", nullable=False),
                name="supervision_due_sane",
                violation_error_message=_("请输入 2000 年至 2099 年之间的日期。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"], condition=models.Q(status="open"), name="supervision_open"
            ),
        ]

    def __str__(self):
        return self.question[:30]

    def get_absolute_url(self):
        return object_url("projects:supervision", self.pk)

    @property
    def community(self):
        return self.project.community
