"""Step 2 (链接资源): 幸福家园合伙人, the units and party members who report to a community
(双报到) and adopt its compounds and buildings (双包), recruitment calls (招募令), 战时 call-outs,
practical tasks (实事), resources, yearly excellent partners and Excel imports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Building, Community, Compound
from accounts.roles import Role
from core.links import object_url
from core.models import LabelsMixin, SoftDeleteModel, SoftDeleteQuerySet, Upload
from core.phone import PhoneField

ALIVE = models.Q(deleted_at__isnull=True)
# The version of the privacy notice a person agrees to when applying (partners/recruit_forms.py
# shows its text); a new text gets a new version, and each consent keeps the version it agreed to.
CONSENT_NOTICE_VERSION = "2026-11"


def community_visible(queryset, user, field="community"):
    """Rows of the communities the user's scope holds (the district's business roles: all)."""
    scope = user.scope
    if scope.is_district_business:
        return queryset
    return queryset.filter(scope.community_q(field))


class PartnerCategory(models.TextChoices):
    """The nine categories of the seed article, as the district's table starts; the district may
    add, rename or retire categories (`Category`)."""

    PROPERTY = "property", _("物业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体")
    PARTNER_UNIT = "partner_unit", _("共建单位")
    SOCIAL_ORG = "social_org", _("社会组织")
    MERCHANT = "merchant", _("周边商户")
    PARTY_MEMBER = "party_member", _("在职党员")
    PROFESSIONAL = "professional", _("专业人士")
    VOLUNTEER = "volunteer", _("热心居民")


class Category(models.Model):
    """A partner category, kept by the district (区级) for every community."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("类别名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后不能再选,已有合伙人不受影响")
    )

    class Meta:
        verbose_name = _("合伙人类别")
        verbose_name_plural = _("合伙人类别")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class DutyMode(models.TextChoices):
    PEACE = "peace", _("平时")
    WAR = "war", _("战时")


# The six duties of the recruitment call (招募令), three for ordinary times and three for
# emergencies: (code, name, mode, what it asks).
SEEDED_DUTIES = [
    ("publicity", "政策宣传", DutyMode.PEACE, "宣传政策,传递社区通知和项目信息"),
    ("opinion", "民意收集", DutyMode.PEACE, "收集身边居民的意见建议,反映急难愁盼"),
    ("service", "志愿服务", DutyMode.PEACE, "参与社区活动和项目实施,认领实事"),
    ("standby", "应急值守", DutyMode.WAR, "突发事件时按通知到岗值守、巡查"),
    ("supplies", "物资保障", DutyMode.WAR, "调配、运送应急物资,提供场地车辆"),
    ("order", "秩序维护", DutyMode.WAR, "引导疏散、维护现场秩序、照看老幼"),
]


class Duty(models.Model):
    """One of the duties a partner takes on, for ordinary times (平时) or emergencies (战时)."""

    Mode = DutyMode

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("职责"), max_length=20, unique=True)
    mode = models.CharField(_("平时/战时"), max_length=5, choices=DutyMode.choices)
    description = models.CharField(_("说明"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("合伙人职责")
        verbose_name_plural = _("合伙人职责")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=DutyMode.values), name="duty_mode_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name}({self.get_mode_display()})"


def ensure_catalogues(using: str = "default") -> None:
    """Put the nine categories and six duties back in a flushed database (the demo, transactional
    and browser tests), as migration 0003 made them; rows the district added are kept."""
    for order, choice in enumerate(PartnerCategory, start=1):
        Category.objects.using(using).get_or_create(
            code=choice.value, defaults={"name": str(choice.label), "order": order}
        )
    for order, (code, name, mode, description) in enumerate(SEEDED_DUTIES, start=1):
        Duty.objects.using(using).get_or_create(
            code=code,
            defaults={"name": name, "mode": mode, "description": description, "order": order},
        )


class Availability(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", _("工作日白天")
    WEEKDAY_EVENING = "weekday_evening", _("工作日晚上")
    WEEKEND = "weekend", _("周末")
    ON_CALL = "on_call", _("随叫随到")


class PartnerKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位或组织")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    INACTIVE = "inactive", _("已停用")
    LEFT = "left", _("已退出")


PARTNER_ONE_PHONE = "partner_one_phone_per_community"


def is_partner_phone_clash(exc: Exception) -> bool:
    """Whether an IntegrityError is PARTNER_ONE_PHONE's: PostgreSQL names the constraint,
    SQLite the columns of its unique index."""
    text = str(exc)
    return PARTNER_ONE_PHONE in text or "partners_partner.phone_hash" in text


class PartnerQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        scope = user.scope
        if scope.is_district_business:
            return self.alive()
        visible = scope.community_q("community")
        # A partner's own profiles; only asked of partners, so that staff's pages keep to the
        # community-by-name index (an OR on user_id would stop PostgreSQL from using it).
        if user.is_authenticated and scope.has(Role.PARTNER):
            visible |= models.Q(user_id=user.pk)
        return self.alive().filter(visible)

    def active(self):
        return self.filter(status=PartnerStatus.ACTIVE)


class Partner(SoftDeleteModel):
    Category = PartnerCategory
    Kind = PartnerKind
    Status = PartnerStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="partners"
    )
    kind = models.CharField(
        _("个人或单位"), max_length=12, choices=PartnerKind.choices, default=PartnerKind.PERSON
    )
    name = models.CharField(_("名称或姓名"), max_length=80)
    # The column keeps its name and its codes; the list of categories is the district's table.
    category = models.ForeignKey(
        "partners.Category",
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        to_field="code",
        db_column="category",
        related_name="partners",
    )
    duties = models.ManyToManyField(Duty, verbose_name=_("职责"), blank=True, related_name="+")
    # Availability codes (Availability), as a list.
    availability = models.JSONField(_("可服务时间"), default=list, blank=True)
    skills = models.CharField(_("能提供的资源或服务"), max_length=200, blank=True)
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("所在小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = PhoneField(_("联系电话"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    status_reason = models.CharField(_("停用或退出原因"), max_length=200, blank=True)
    # 双报到: a unit's party organisation and what it offers; a serving party member's employer and
    # the building they live in.
    party_org = models.CharField(_("单位党组织"), max_length=100, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    home_building = models.ForeignKey(
        Building,
        verbose_name=_("居住楼栋"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("双报到时间"), null=True, blank=True)
    # Consent to the privacy notice (self-registered partners; staff-registered ones have none).
    consent_version = models.CharField(_("同意的告知版本"), max_length=20, blank=True)
    consented_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("撤回同意时间"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_profiles",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("合伙人")
        verbose_name_plural = _("幸福家园合伙人")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PartnerStatus.values), name="partner_status_valid"
            ),
            # One phone, one partner of a community. Rows in the trash count too, so that
            # restoring one can never make a second partner of a number; a partner who left has
            # no number (blank hash) and holds none.
            models.UniqueConstraint(
                fields=["community", "phone_hash"],
                condition=~models.Q(phone_hash=""),
                name=PARTNER_ONE_PHONE,
            ),
        ]
        # The list's order, for the district (all), a community and a category: each page is an
        # index range, never a sort of the whole table.
        indexes = [
            models.Index(fields=[*lead, "name", "id"], condition=ALIVE, name=f"partner_{name}")
            for lead, name in (
                ([], "by_name"),
                (["community"], "community_by_name"),
                (["category"], "category_by_name"),
                (["status"], "status_by_name"),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("partners:detail", self.pk)

    @property
    def is_unit(self) -> bool:
        return self.kind == PartnerKind.ORGANISATION


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("场地")
    MONEY = "money", _("资金")
    MATERIALS = "materials", _("物资")
    SERVICES = "services", _("专业服务")
    HOURS = "hours", _("志愿时长")


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(partner__in=Partner.objects.visible_to(user))


class Resource(LabelsMixin, models.Model):
    """Something a partner or unit offers a community: a venue, money, materials, a service or
    volunteer hours. Projects link it with what it contributes (projects/)."""

    Kind = ResourceKind

    partner = models.ForeignKey(
        Partner, verbose_name=_("合伙人"), on_delete=models.PROTECT, related_name="resources"
    )
    kind = models.CharField(_("资源类型"), max_length=10, choices=ResourceKind.choices)
    description = models.CharField(_("资源说明"), max_length=200)
    # How much is on offer, where it can be counted (元, 小时, 平方米, 件 …).
    quantity = models.DecimalField(
        _("数量"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    active = models.BooleanField(_("可用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        ordering = ["partner", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ResourceKind.values), name="resource_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.description}"


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("招募中")
    CLOSED = "closed", _("已结束")


class CommunityRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        return community_visible(self, user)


class RecruitmentCall(LabelsMixin, models.Model):
    """A community's 招募令: the duties for 平时 and 战时 and whom it is looking for."""

    Status = CallStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("招募说明"), max_length=3000)
    looking_for = models.CharField(_("重点招募"), max_length=200, blank=True)
    duties = models.ManyToManyField(Duty, verbose_name=_("职责"), related_name="+")
    categories = models.ManyToManyField(
        Category, verbose_name=_("招募类别"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    opened_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = CommunityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("招募令")
        verbose_name_plural = _("招募令")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CallStatus.values), name="call_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="call_community_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("partners:call_detail", self.pk)


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    DECLINED = "declined", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Application(LabelsMixin, models.Model):
    """A person's or organisation's application to become a community's partner, from the public
    page. A repeat application (same phone, same community) updates the pending one."""

    Status = ApplicationStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    call = models.ForeignKey(
        RecruitmentCall,
        verbose_name=_("招募令"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    kind = models.CharField(
        _("个人或单位"), max_length=12, choices=PartnerKind.choices, default=PartnerKind.PERSON
    )
    name = models.CharField(_("名称或姓名"), max_length=80)
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        to_field="code",
        related_name="+",
    )
    duties = models.ManyToManyField(Duty, verbose_name=_("愿意承担的职责"), related_name="+")
    availability = models.JSONField(_("可服务时间"), default=list, blank=True)
    skills = models.CharField(_("能提供的资源或服务"), max_length=200, blank=True)
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("所在小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    party_org = models.CharField(_("单位党组织"), max_length=100, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    home_building = models.ForeignKey(
        Building,
        verbose_name=_("居住楼栋"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = PhoneField(_("联系电话"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    consent_version = models.CharField(_("同意的告知版本"), max_length=20)
    consented_at = models.DateTimeField(_("同意时间"))
    consent_withdrawn_at = models.DateTimeField(_("撤回同意时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    # How many times this person applied while the application waited (a repeat is one row).
    times = models.PositiveSmallIntegerField(_("提交次数"), default=1)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合伙人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decline_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = CommunityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("合伙人申请")
        verbose_name_plural = _("合伙人申请")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ApplicationStatus.values),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PartnerKind.values), name="application_kind_valid"
            ),
            # One waiting application per phone and community: a repeat updates it.
            models.UniqueConstraint(
                fields=["community", "phone_hash"],
                condition=models.Q(status="pending"),
                name="application_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-updated_at"], name="application_queue")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("partners:application_detail", self.pk)


class AdoptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return community_visible(self, user, "partner__community")

    def current(self):
        return self.filter(ended_at__isnull=True)


class CompoundAdoption(models.Model):
    """单位包小区: a co-building unit adopts one of the community's compounds."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("共建单位"),
        on_delete=models.PROTECT,
        related_name="compound_adoptions",
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="adoptions"
    )
    note = models.CharField(_("包联内容"), max_length=200, blank=True)
    started_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位包小区")
        verbose_name_plural = _("单位包小区")
        ordering = ["compound", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "compound"],
                condition=models.Q(ended_at__isnull=True),
                name="compound_adoption_once",
            ),
        ]

    def __str__(self):
        return f"{self.partner} 包 {self.compound}"


class BuildingAdoption(models.Model):
    """党员包楼栋: a serving party member covers a building."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("在职党员"),
        on_delete=models.PROTECT,
        related_name="building_adoptions",
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="adoptions"
    )
    note = models.CharField(_("包联内容"), max_length=200, blank=True)
    started_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员包楼栋")
        verbose_name_plural = _("党员包楼栋")
        ordering = ["building", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "building"],
                condition=models.Q(ended_at__isnull=True),
                name="building_adoption_once",
            ),
        ]

    def __str__(self):
        return f"{self.partner} 包 {self.building}"


class EmergencyStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Emergency(LabelsMixin, models.Model):
    """A 战时 call-out: the community calls the partners with a 战时 duty in chosen compounds."""

    Status = EmergencyStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("事件"), max_length=80)
    description = models.TextField(_("情况和需要"), max_length=2000)
    compounds = models.ManyToManyField(Compound, verbose_name=_("涉及小区"), related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=EmergencyStatus.choices, default=EmergencyStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    report = models.TextField(_("处置情况"), max_length=2000, blank=True)

    objects = CommunityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("战时响应")
        verbose_name_plural = _("战时响应")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EmergencyStatus.values),
                name="emergency_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("partners:emergency_detail", self.pk)


class AlertAnswer(models.TextChoices):
    NONE = "", _("未回复")
    AVAILABLE = "available", _("可以到岗")
    UNAVAILABLE = "unavailable", _("无法到岗")


class Alert(models.Model):
    """One partner called out by one emergency: one row, one message, whatever the retries."""

    Answer = AlertAnswer

    emergency = models.ForeignKey(
        Emergency, verbose_name=_("战时响应"), on_delete=models.PROTECT, related_name="alerts"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("合伙人"), on_delete=models.PROTECT, related_name="alerts"
    )
    created_at = models.DateTimeField(_("通知时间"), default=timezone.now)
    # Set once the text message went to the gateway (the idempotent task's mark).
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    answer = models.CharField(
        _("回复"), max_length=12, choices=AlertAnswer.choices, default="", blank=True
    )
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("战时通知")
        verbose_name_plural = _("战时通知")
        ordering = ["emergency", "partner__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["emergency", "partner"], name="alert_once"),
            models.CheckConstraint(
                condition=models.Q(answer__in=AlertAnswer.values), name="alert_answer_valid"
            ),
        ]

    def __str__(self):
        return f"{self.emergency} → {self.partner}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class TaskKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("法律援助")
    HEALTH = "health", _("义诊健康")
    REPAIR = "repair", _("家电维修")
    HAIRCUT = "haircut", _("爱心理发")
    ELDERLY = "elderly", _("助老助残")
    CHILDREN = "children", _("四点半课堂")
    CLEANUP = "cleanup", _("环境整治")
    OTHER = "other", _("其他")


class PracticalTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their communities' tasks; a partner sees their communities' open tasks and
        the ones they claimed."""
        scope = user.scope
        if scope.is_district_business:
            return self
        own = models.Q(pk__in=[])
        if user.is_authenticated:
            communities = (
                Partner.objects.alive()
                .filter(user_id=user.pk, status=PartnerStatus.ACTIVE)
                .values("community_id")
            )
            own = models.Q(claimed_by__user_id=user.pk) | models.Q(
                community_id__in=communities, status=TaskStatus.OPEN
            )
        return self.filter(scope.community_q("community") | own)

    def claimed(self):
        """Tasks a partner or unit claimed (认领), done or not: the seed's 659."""
        return self.filter(status__in=[TaskStatus.CLAIMED, TaskStatus.DONE])


class PracticalTask(LabelsMixin, models.Model):
    """A practical task (实事) a community publishes for units and partners to claim (认领)."""

    Status = TaskStatus
    Kind = TaskKind

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("实事"), max_length=80)
    kind = models.CharField(_("类别"), max_length=12, choices=TaskKind.choices)
    description = models.TextField(_("内容和要求"), max_length=2000, blank=True)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    claimed_by = models.ForeignKey(
        Partner,
        verbose_name=_("认领人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    result = models.TextField(_("完成情况"), max_length=1000, blank=True)
    hours = models.DecimalField(
        _("服务时长(小时)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    photo = models.ForeignKey(
        Upload,
        verbose_name=_("照片"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = PracticalTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("实事")
        verbose_name_plural = _("实事")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=TaskKind.values), name="task_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-date"], name="task_community_status"),
            # The public notice page: done tasks, newest first.
            models.Index(
                fields=["-done_at", "-id"], condition=models.Q(status="done"), name="task_done"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("partners:task_detail", self.pk)


class ExcellentStatus(models.TextChoices):
    NOMINATED = "nominated", _("社区已推荐")
    APPROVED = "approved", _("街道已审核")
    DECLINED = "declined", _("未通过")
    PUBLISHED = "published", _("区级已公布")


class ExcellentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return community_visible(self, user, "partner__community")


class Excellent(LabelsMixin, models.Model):
    """A yearly 优秀幸福家园合伙人: the community nominates, the street approves, the district
    publishes the year's list."""

    Status = ExcellentStatus

    partner = models.ForeignKey(
        Partner, verbose_name=_("合伙人"), on_delete=models.PROTECT, related_name="excellent"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.TextField(_("推荐理由"), max_length=1000)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ExcellentStatus.choices,
        default=ExcellentStatus.NOMINATED,
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("推荐时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("街道审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = ExcellentQuerySet.as_manager()

    class Meta:
        verbose_name = _("优秀合伙人")
        verbose_name_plural = _("优秀合伙人")
        ordering = ["-year", "partner__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year"], name="excellent_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(status__in=ExcellentStatus.values),
                name="excellent_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="excellent_year_status")]

    def __str__(self):
        return f"{self.year} {self.partner}"

    def get_absolute_url(self):
        return object_url("partners:excellent_detail", self.pk)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已导入")
    REFUSED = "refused", _("未导入")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        return community_visible(self, user)


class ImportJob(LabelsMixin, models.Model):
    """An Excel file of partners imported into a community: all its rows or none."""

    Status = ImportStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    upload = models.ForeignKey(
        Upload, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    checked = models.PositiveIntegerField(_("已检查行数"), default=0)
    created = models.PositiveIntegerField(_("新增合伙人"), default=0)
    # The bad rows: [{"row": 7, "errors": ["手机号不正确"]}, …], or the file's own problem.
    report = models.JSONField(_("检查报告"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("合伙人导入")
        verbose_name_plural = _("合伙人导入")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="import_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.community} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return object_url("partners:import_detail", self.pk)
