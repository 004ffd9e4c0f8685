"""The organisation tree 区 → 街道 → 社区 → 小区 → 楼栋 → 户, users and their scoped roles."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import memo
from core.dates import sane_date_q, validate_sane_date
from core.models import LabelsMixin
from core.phone import Phone, PhoneField, phone_hash

from .roles import (
    COMMUNITY_SCOPED,
    DISTRICT_SCOPED,
    INSTALLATION_SCOPED,
    SECADMINS,
    SEPARATED_ADMINS,
    STREET_DEPUTIES,
    STREET_SCOPED,
    SYSADMINS,
    Role,
)
from .scope import Scope


class District(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")

    def __str__(self):
        return self.name


class StreetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff see every street; the leading group its own."""
        scope = user.scope
        if scope.is_district_business:
            return self.all()
        return self.filter(pk__in=scope.street_ids())


class Street(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="streets"
    )
    name = models.CharField(_("名称"), max_length=60)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_unique_name")
        ]

    def __str__(self):
        return self.name


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = user.scope
        if scope.is_district_business:
            return self.all()
        return self.filter(Q(pk__in=scope.community_ids()) | Q(street_id__in=scope.street_ids()))


class Community(models.Model):
    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("名称"), max_length=60)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name")
        ]

    def __str__(self):
        return self.name


class Compound(LabelsMixin, models.Model):
    class Kind(models.TextChoices):
        OLD = "old", _("老旧小区")
        RESETTLEMENT = "resettlement", _("安置小区")
        COMMERCIAL = "commercial", _("商住小区")

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="compounds"
    )
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    party_branch = models.CharField(
        _("小区党支部"), max_length=80, blank=True, help_text=_("例如:悦海花园小区党支部")
    )

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=["old", "resettlement", "commercial"]),
                name="compound_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name


class Building(models.Model):
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    number = models.CharField(_("楼号"), max_length=20, help_text=_("例如:3号楼"))

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["compound", "number"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_unique_number")
        ]

    def __str__(self):
        return f"{self.compound.name}{self.number}"


def new_household_code() -> str:
    """An 8-character code a household uses to grade projects; no ambiguous characters."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Household(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="households"
    )
    unit = models.CharField(_("单元"), max_length=10)
    room = models.CharField(_("房号"), max_length=10)
    code = models.CharField(_("户码"), max_length=12, unique=True, default=new_household_code)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"], name="household_unique_room"
            )
        ]

    def __str__(self):
        return f"{self.building} {self.unit}-{self.room}"


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People whose records this user may look at: admins and district staff see all,
        street and community staff see the people of their part of the tree."""
        scope = user.scope
        if scope.is_district_business or scope.has(*SYSADMINS, *SECADMINS):
            return self.all()
        communities, streets = scope.community_ids(), scope.street_ids()
        q = Q(pk=user.pk)
        if communities:
            q |= Q(role_assignments__community_id__in=communities)
            q |= Q(household__building__compound__community_id__in=communities)
        if streets:
            q |= Q(role_assignments__community__street_id__in=streets) | Q(
                role_assignments__street_id__in=streets
            )
            q |= Q(household__building__compound__community__street_id__in=streets)
        return self.filter(pk__in=self.filter(q).values("pk"))


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person with an account. Business roles come from RoleAssignment, never from is_superuser."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = PhoneField(_("手机号"))
    phone_hash = models.CharField(
        _("手机号索引"), max_length=64, blank=True, editable=False, db_index=True
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("所在户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    # Set by an approved reset or a new account (accounts/changes.py): the next page is the
    # password form, whatever the role.
    password_temporary = models.BooleanField(_("临时密码"), default=False)
    email_notifications = models.BooleanField(
        _("接收邮件通知"),
        default=True,
        help_text=_("关闭后,通知只出现在站内消息中心,不再发送邮件。"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~Q(phone_hash=""), name="user_unique_phone"
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    def clean(self):
        super().clean()
        # phone_hash is no form field, so the unique constraint on it is never checked by a form.
        number = self.phone.full if isinstance(self.phone, Phone) else self.phone
        if number:
            taken = User.objects.filter(phone_hash=phone_hash(number)).exclude(pk=self.pk)
            if taken.exists():
                raise ValidationError({"phone": _("该手机号已被其他账号使用。")})

    @cached_property
    def scope(self) -> Scope:
        """What this person may see and act on: their role assignments, kept in the cache between
        requests (accounts/signals.py forgets them when roles, the account or the password
        change) and on the request's user object within one."""
        if not self.is_authenticated or not self.is_active:
            return Scope.empty()
        rows = memo.remembered(
            "scope",
            self.pk,
            lambda: list(
                self.role_assignments.values_list(
                    "role", "district_id", "street_id", "community_id"
                )
            ),
        )
        return Scope.from_assignments(rows)

    @cached_property
    def delegated_street_ids(self) -> frozenset:
        """Streets where this person decides today for the 组长 (an active Delegation to a member
        of that street's group). Kept on the request's user object: one query per request at
        most, none for someone who is no member of a leading group."""
        streets = self.scope.street_ids(STREET_DEPUTIES)
        if not streets:
            return frozenset()
        active = Delegation.objects.active_on(timezone.localdate())
        return frozenset(
            active.filter(delegate=self, street_id__in=streets).values_list("street_id", flat=True)
        )

    @property
    def primary_role(self) -> str:
        return self.scope.primary_role

    @property
    def primary_role_label(self) -> str:
        return Role(self.scope.primary_role).label if self.scope.primary_role else ""


class RoleAssignment(models.Model):
    """One role of one person, over the part of the tree that role works in."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, null=True, blank=True
    )
    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, null=True, blank=True
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("授予时间"), default=timezone.now)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_valid"),
            # The scope column must match the kind of role, and only that one is set.
            models.CheckConstraint(
                name="role_scope_matches",
                violation_error_message=_(
                    "角色与范围不匹配:社区角色只选社区,街道角色只选街道,区级角色只选区,系统/安全管理员都不选。"
                ),
                condition=(
                    Q(
                        role__in=COMMUNITY_SCOPED.values,
                        community__isnull=False,
                        street__isnull=True,
                        district__isnull=True,
                    )
                    | Q(
                        role__in=STREET_SCOPED.values,
                        street__isnull=False,
                        community__isnull=True,
                        district__isnull=True,
                    )
                    | Q(
                        role__in=DISTRICT_SCOPED.values,
                        district__isnull=False,
                        street__isnull=True,
                        community__isnull=True,
                    )
                    | Q(
                        role__in=INSTALLATION_SCOPED.values,
                        district__isnull=True,
                        street__isnull=True,
                        community__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=SEPARATED_ADMINS.values),
                name="role_separation_of_duties",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "community"],
                condition=Q(community__isnull=False),
                name="role_unique_community",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "street"],
                condition=Q(street__isnull=False),
                name="role_unique_street",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(district__isnull=False),
                name="role_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(role__in=INSTALLATION_SCOPED.values),
                name="role_unique_installation",
            ),
        ]

    def __str__(self):
        where = self.community or self.street or self.district or _("全系统")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def get_absolute_url(self):
        return reverse("admin:accounts_roleassignment_change", args=[self.pk])


class UserSession(models.Model):
    """Which sessions belong to whom, so that locking, deactivating an account or changing its
    password can end them (the session store itself keeps no user index)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(_("会话"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class TOTPDevice(models.Model):
    """A person's authenticator app (RFC 6238), its secret encrypted at rest."""

    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="totp"
    )
    secret_sealed = models.CharField(_("密钥(加密)"), max_length=300)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    # The last 30-second step a code was accepted for: a code works once.
    last_counter = models.BigIntegerField(_("最近使用的时间步"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("动态口令")
        verbose_name_plural = _("动态口令")

    def __str__(self):
        return f"{self.user} {'已启用' if self.confirmed_at else '待确认'}"


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost; only its keyed hash is kept."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(_("恢复码(散列)"), max_length=64)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]

    def __str__(self):
        return f"{self.user} {'已用' if self.used_at else '未用'}"


class AccountChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The three separated roles see every proposal (the auditor to read); nobody else any."""
        if user.is_authenticated and user.has_perm("accounts.view_account_change"):
            return self.all()
        return self.none()


class AccountChange(models.Model):
    """A change to an account, proposed by the system admin and approved (or not) by the security
    admin: 三员分立 means no one person both decides and does it (accounts/changes.py)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("新建账号")
        DEACTIVATE = "deactivate", _("停用账号")
        REACTIVATE = "reactivate", _("恢复账号")
        RESET_PASSWORD = "reset_password", _("重置密码")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待安全管理员审批")
        APPROVED = "approved", _("已批准并执行")
        REJECTED = "rejected", _("已驳回")

    kind = models.CharField(_("变更"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    target = models.ForeignKey(
        User,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_changes",
    )
    # For a new account: what it will be.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    reason = models.CharField(_("理由"), max_length=200)
    proposed_by = models.ForeignKey(
        User, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    objects = AccountChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("账号变更")
        verbose_name_plural = _("账号变更")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["create", "deactivate", "reactivate", "reset_password"]),
                name="account_change_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "approved", "rejected"]),
                name="account_change_status_valid",
            ),
            # A new account names its username (and gets its account once approved); every other
            # change names its account.
            models.CheckConstraint(
                condition=Q(kind="create") & ~Q(username="")
                | ~Q(kind="create") & Q(target__isnull=False),
                name="account_change_has_its_subject",
            ),
        ]

    def __str__(self):
        who = self.target or self.username
        return f"{self.get_kind_display()} {who} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("accounts:change_detail", args=[self.pk])


# --- the street's leading group (街道治理服务项目认领工作领导小组) ---------------------------------------
class StreetRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The street's own leading group reads its records; district staff read every street's."""
        scope = user.scope
        if scope.is_district_business:
            return self.all()
        return self.filter(street_id__in=scope.street_ids())


class WorkingGroup(models.Model):
    """A named working group of a street's leading group (资源协调组, 专家顾问团 …); its members
    are people of that leading group (accounts/leading_group.py checks it)."""

    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="working_groups"
    )
    name = models.CharField(_("名称"), max_length=40, help_text=_("例如:资源协调组"))
    description = models.CharField(
        _("职责"), max_length=300, blank=True, help_text=_("这个小组负责什么,一两句话即可")
    )
    members = models.ManyToManyField(
        User, verbose_name=_("成员"), related_name="working_groups", blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = StreetRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作小组")
        verbose_name_plural = _("工作小组")
        ordering = ["street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="working_group_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:leading_group_street", args=[self.street_id])


class DelegationQuerySet(StreetRecordQuerySet):
    def live(self):
        """Not revoked (it may have ended)."""
        return self.filter(revoked_at__isnull=True)

    def active_on(self, day):
        """In force on `day`: not revoked, and the day within its dates."""
        return self.live().filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, starts_on, ends_on):
        """Not revoked and sharing at least one day with the period."""
        return self.live().filter(starts_on__lte=ends_on, ends_on__gte=starts_on)


class Delegation(models.Model):
    """The 组长 lets a member of the leading group (副组长) decide (批准 / 退回) for a period. In
    force is computed from the dates, never flipped by a job; at most one per street at a time."""

    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="delegations"
    )
    delegate = models.ForeignKey(
        User, verbose_name=_("副组长"), on_delete=models.PROTECT, related_name="delegations"
    )
    starts_on = models.DateField(_("开始日期"), validators=[validate_sane_date])
    ends_on = models.DateField(
        _("结束日期"), validators=[validate_sane_date], help_text=_("含当天;最长一年")
    )
    reason = models.CharField(_("事由"), max_length=200, help_text=_("例如:组长外出学习两周"))
    created_by = models.ForeignKey(
        User, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("委托时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("委托代行审批")
        verbose_name_plural = _("委托代行审批")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["delegate", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=sane_date_q("starts_on", nullable=False)
                & sane_date_q("ends_on", nullable=False),
                name="delegation_dates_sane",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="delegation_revoked_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.delegate} 代行审批 {self.starts_on:%Y-%m-%d} 至 {self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("accounts:leading_group_street", args=[self.street_id])

    def in_force_on(self, day) -> bool:
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on
