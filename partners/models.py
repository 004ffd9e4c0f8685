"""Step 2 (链接资源): 幸福家园合伙人 and the units that work with a community."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community
from core.links import object_url
from core.models import SoftDeleteModel, SoftDeleteQuerySet
from core.phone import PhoneField

ALIVE = models.Q(deleted_at__isnull=True)


class PartnerQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        scope = user.scope
        if scope.is_district_business:
            return self.alive()
        mine = models.Q(user_id=user.pk) if user.is_authenticated else models.Q(pk__in=[])
        return self.alive().filter(scope.community_q("community") | mine)


class PartnerCategory(models.TextChoices):
    PROPERTY = "property", _("物业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体")
    PARTNER_UNIT = "partner_unit", _("共建单位")
    SOCIAL_ORG = "social_org", _("社会组织")
    MERCHANT = "merchant", _("周边商户")
    PARTY_MEMBER = "party_member", _("在职党员")
    PROFESSIONAL = "professional", _("专业人士")
    VOLUNTEER = "volunteer", _("热心居民")


class Partner(SoftDeleteModel):
    Category = PartnerCategory

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("名称或姓名"), max_length=80)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    skills = models.CharField(_("能提供的资源或服务"), max_length=200, blank=True)
    phone = PhoneField(_("联系电话"))
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
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
                condition=models.Q(category__in=PartnerCategory.values),
                name="partner_category_valid",
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
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("partners:detail", self.pk)
