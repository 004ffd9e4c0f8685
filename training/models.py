"""提能提质: the 头雁工程's training of community secretaries.

- Three cohorts (Cohort): every secretary is a member (Trainee) of one, so that each month one
  third of them train and each attends once a quarter. A cohort's month is split into small
  classes (Session of kind `class`, at most MAX_CLASS people each); once a quarter the district
  holds a themed session for everybody (kind `quarterly`) with materials (Material, uploads).
- Attendance: one row per person invited to a session: their reply before (确认参加 / 请假), the
  district's record after (出席 / 缺席), and their rating and comment.
- The mentor panel (Mentor, 导师队伍): people with an account and an assignment, not a role.
  A secretary is paired with a mentor (Pairing) and asks them in a consultation thread
  (Consultation, ConsultationMessage), visible to the two and to the district.
- 一项目一方案 (Coaching): a mentor or trainer attached to a project that needs help, with their
  notes (CoachingNote) and the plan they write; it sits on the project's page and timeline.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, District
from core.links import object_url
from core.models import LabelsMixin, Upload
from projects.models import Project

# A class holds at most this many secretaries (小班化).
MAX_CLASS = 12
# Secretaries rotate in this many cohorts: each month one of them trains.
COHORTS = 3


def cohort_number_for(month: datetime.date) -> int:
    """The cohort that trains in this month: 1 in January, April, July, October; 2 the month
    after; 3 the month after that."""
    return (month.month - 1) % COHORTS + 1


class Cohort(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(
        _("期别"), validators=[MinValueValidator(1), MaxValueValidator(COHORTS)]
    )
    name = models.CharField(_("名称"), max_length=30)

    class Meta:
        verbose_name = _("轮训分组")
        verbose_name_plural = _("轮训分组")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "number"], name="cohort_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=COHORTS), name="cohort_number_range"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("training:cohort", self.pk)

    @property
    def months_label(self) -> str:
        """ "1月、4月、7月、10月" for the first cohort."""
        return "、".join(f"{m}月" for m in range(self.number, 13, COHORTS))

    def trains_in(self, month: datetime.date) -> bool:
        return cohort_number_for(month) == self.number


class Trainee(models.Model):
    """A secretary's place in the rotation (学员): one cohort each."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("轮训分组"), on_delete=models.PROTECT, related_name="trainees"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.PROTECT,
        related_name="trainee",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["community__street__name", "community__name", "id"]

    def __str__(self):
        return f"{self.user} · {self.community.name}"


class Kind(models.TextChoices):
    CLASS = "class", _("小班实训")
    QUARTERLY = "quarterly", _("季度专题培训")


class Topic(models.TextChoices):
    MASS_WORK = "mass_work", _("群众工作")
    DISPUTES = "disputes", _("矛盾纠纷化解")
    PROPERTY = "property", _("物业管理")
    MAINTENANCE_FUND = "fund", _("维修基金")
    SELF_GOVERNANCE = "self_gov", _("居民自治")
    PARTY_BUILDING = "party", _("党建引领")
    PROJECTS = "projects", _("项目化运作")
    OTHER = "other", _("其他")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff: every session. Others the quarterly sessions (for every secretary)
        and the classes that concern them: a secretary's own classes, the classes of the
        secretaries of a street's communities for its leading group, and the classes a mentor
        teaches (an assignment, see training/access.py)."""
        if not user.is_authenticated:
            return self.none()
        scope = user.scope
        if scope.is_district_business:
            return self
        from .access import taught_session_ids

        q = Q(pk__in=taught_session_ids(user))
        if scope.community_ids() or scope.street_ids():
            q |= Q(kind=Kind.QUARTERLY)
            mine = Attendance.objects.filter(user_id=user.pk).values("session_id")
            q |= Q(pk__in=mine)
        if streets := scope.street_ids():
            q |= Q(
                pk__in=Attendance.objects.filter(community__street_id__in=streets).values(
                    "session_id"
                )
            )
        return self.filter(q)


class Session(LabelsMixin, models.Model):
    """A class of a cohort's month, or the quarterly session for everybody."""

    Kind = Kind
    Status = SessionStatus

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CLASS)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("轮训分组"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    title = models.CharField(_("标题"), max_length=80)
    topic = models.CharField(_("主题"), max_length=12, choices=Topic.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    online_url = models.URLField(
        _("线上参加链接"), max_length=300, blank=True, help_text=_("线上培训填写会议链接")
    )
    trainer = models.CharField(_("授课人"), max_length=60)
    mentor = models.ForeignKey(
        "Mentor",
        verbose_name=_("授课导师"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("授课人是导师团成员时选择,其可查看本班并登记出勤"),
    )
    description = models.TextField(_("内容简介"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["month", "kind"], name="training_session_month"),
            models.Index(fields=["starts_at"], name="training_session_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="class", cohort__isnull=False)
                | Q(kind="quarterly", cohort__isnull=True),
                name="session_cohort_for_classes",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("training:session", self.pk)

    @property
    def is_class(self) -> bool:
        return self.kind == Kind.CLASS

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()


class Reply(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("确认参加")
    LEAVE = "leave", _("请假")


class AttendanceQuerySet(models.QuerySet):
    def missed(self):
        return self.filter(present=False)


class Attendance(LabelsMixin, models.Model):
    """One person invited to one session: their reply, whether they came, their rating."""

    Reply = Reply

    session = models.ForeignKey(
        Session, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    reply = models.CharField(_("回复"), max_length=10, choices=Reply.choices, default=Reply.PENDING)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    present = models.BooleanField(_("出席"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("意见建议"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["community__street__name", "community__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique_person"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="attendance_rating_range",
            ),
        ]
        indexes = [models.Index(fields=["user", "session"], name="training_att_user")]

    def __str__(self):
        return f"{self.user} · {self.session}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()

    @property
    def presence_label(self) -> str:
        if self.present is None:
            return "未登记"
        return "出席" if self.present else "缺席"


class Material(models.Model):
    """A file handed out with a session (课件, 讲义)."""

    session = models.ForeignKey(
        Session, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("材料名称"), max_length=80)
    upload = models.ForeignKey(
        Upload, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("培训材料")
        verbose_name_plural = _("培训材料")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.title


# --- the mentor panel ---------------------------------------------------------------------------
class MentorKind(models.TextChoices):
    SCHOLAR = "scholar", _("高校专家")
    PROFESSIONAL = "professional", _("专业人士")
    OUTSTANDING = "outstanding", _("优秀社区书记")


class MentorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The panel is open to every staff member who trains or coaches: community staff,
        street staff, district staff and the mentors themselves."""
        if not user.is_authenticated:
            return self.none()
        from .access import may_mentor

        scope = user.scope
        if (
            scope.is_district_business
            or scope.community_ids()
            or scope.street_ids()
            or may_mentor(user)
        ):
            return self
        return self.none()

    def active(self):
        return self.filter(active=True)


class Mentor(LabelsMixin, models.Model):
    """A member of the mentor panel (导师队伍): an account with an assignment, not a role."""

    Kind = MentorKind

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        related_name="mentor",
    )
    kind = models.CharField(_("类别"), max_length=12, choices=MentorKind.choices)
    organisation = models.CharField(_("工作单位"), max_length=80)
    expertise = models.CharField(
        _("擅长领域"), max_length=200, help_text=_("如:物业管理、矛盾纠纷化解、居民自治")
    )
    bio = models.TextField(_("简介"), max_length=1000, blank=True)
    active = models.BooleanField(_("在聘"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师")
        verbose_name_plural = _("导师")
        ordering = ["-active", "kind", "id"]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return object_url("training:mentor", self.pk)


class Pairing(models.Model):
    """A secretary paired with a mentor (结对): the two may open consultation threads."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("导师"), on_delete=models.PROTECT, related_name="pairings"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("社区书记"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("结对日期"), default=timezone.localdate)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导师结对")
        verbose_name_plural = _("导师结对")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(ended_on__isnull=True),
                name="pairing_unique_current",
            )
        ]

    def __str__(self):
        return f"{self.mentor} — {self.mentee}"


class ConsultationStatus(models.TextChoices):
    WAITING = "waiting", _("待导师答复")
    ANSWERED = "answered", _("导师已答复")
    CLOSED = "closed", _("已结束")


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The two in the thread, and district staff."""
        if not user.is_authenticated:
            return self.none()
        if user.scope.is_district_business:
            return self
        return self.filter(Q(asker_id=user.pk) | Q(mentor__user_id=user.pk))

    def open(self):
        return self.exclude(status=ConsultationStatus.CLOSED)


class Consultation(LabelsMixin, models.Model):
    """A secretary's question to their mentor, and the thread that follows (线上咨询)."""

    Status = ConsultationStatus

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("导师"), on_delete=models.PROTECT, related_name="consultations"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提问人"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("咨询事项"), max_length=80)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.WAITING,
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    last_message_at = models.DateTimeField(_("最近留言"), default=timezone.now)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师咨询")
        verbose_name_plural = _("导师咨询")
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["status", "mentor"], name="training_consult_status")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return object_url("training:consultation", self.pk)


class ConsultationMessage(models.Model):
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("留言人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("内容"), max_length=2000)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("咨询留言")
        verbose_name_plural = _("咨询留言")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} {self.created_at:%Y-%m-%d %H:%M}"


# --- 一项目一方案 ---------------------------------------------------------------------------------
class CoachingStatus(models.TextChoices):
    OPEN = "open", _("指导中")
    DONE = "done", _("已结束")


class CoachingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever sees the project (its community, its street, the district), and the mentor
        attached to it."""
        if not user.is_authenticated:
            return self.none()
        if user.scope.is_district_business:
            return self
        q = Q(mentor__user_id=user.pk)
        scope = user.scope
        if scope.community_ids() or scope.street_ids():
            q |= scope.community_q("project__community")
        return self.filter(q)


class Coaching(LabelsMixin, models.Model):
    """A mentor or trainer attached to a project that needs help (定制式滴灌教学): their notes
    and the plan that results (一项目一方案)."""

    Status = CoachingStatus

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="coachings"
    )
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("指导导师"), on_delete=models.PROTECT, related_name="coachings"
    )
    topic = models.CharField(_("指导方向"), max_length=12, choices=Topic.choices)
    problem = models.TextField(
        _("需要帮助的问题"), max_length=1000, help_text=_("项目遇到的难点,如物业管理、居民自治")
    )
    plan = models.TextField(_("指导方案"), max_length=5000, blank=True)
    plan_file = models.ForeignKey(
        Upload,
        verbose_name=_("方案附件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_at = models.DateTimeField(_("方案时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=CoachingStatus.choices, default=CoachingStatus.OPEN
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("安排时间"), default=timezone.now)

    objects = CoachingQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目指导")
        verbose_name_plural = _("项目指导")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "mentor"],
                condition=Q(status="open"),
                name="coaching_unique_open",
            )
        ]

    def __str__(self):
        return f"{self.project.title} · {self.mentor}"

    def get_absolute_url(self):
        return object_url("training:coaching", self.pk)


class CoachingNote(models.Model):
    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下")
        ONLINE = "online", _("线上")

    coaching = models.ForeignKey(
        Coaching, verbose_name=_("项目指导"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("指导日期"))
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    text = models.TextField(_("指导记录"), max_length=2000)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("指导记录")
        verbose_name_plural = _("指导记录")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"
