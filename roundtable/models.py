"""幸福家园圆桌会 on the 17th ("17e"): each community's monthly online deliberation.

A Meeting is one (community, month), created for the 17th by the daily job (roundtable/schedule.py);
verified residents (Participant) post Topics before it and support each other's; on the day every
topic has a thread of Posts that the page polls; the secretary closes the meeting with minutes,
attendance and a Resolution per discussed topic (who does what by when), followed until done. A
topic whose resolutions are all done is solved (the seed's 45). A topic becomes a need in one step
(needs.Need, linked both ways).

Who posts: a Participant is a person in one community's round table: a resident who signed in with
an SMS code and is verified against the household tree, or a partner account of category 物业 or
业委会 (taking part as that organisation). Staff post as the community, or on behalf of a resident
without a phone (`on_behalf_of`).

Moderation: a post or topic with a word of the district's list (SensitiveWord), or any post of a
community that reviews first (CommunitySettings.review_first), is HELD until a moderator publishes
it; a moderator may hide a published one with a stated reason (shown as 已被管理员隐藏).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Building, Community, Compound, District, Household
from core.models import LabelsMixin

# The version of the round table's privacy notice a resident agrees to (roundtable/participants.py
# shows its text); a new text gets a new version, each consent keeps the one it agreed to.
CONSENT_NOTICE_VERSION = "2026-12"
# The day of the month the round table meets ("17e").
MEETING_DAY = 17


def community_visible(queryset, user, field="community"):
    """Rows of the communities the user's scope holds (district business roles: all)."""
    if not user.is_authenticated:
        return queryset.none()
    scope = user.scope
    if scope.is_district_business:
        return queryset
    return queryset.filter(scope.community_q(field))


class ScopedQuerySet(models.QuerySet):
    community_field = "community"

    def visible_to(self, user):
        """Staff rows of the communities in the user's scope (street: its communities; district:
        all). Residents and partners read through the public pages' own querysets instead."""
        return community_visible(self, user, self.community_field)


# --- settings kept by the community and the district -------------------------------------------
class CommunitySettings(models.Model):
    """How one community runs its round table (one row, made on first use)."""

    community = models.OneToOneField(
        Community, verbose_name=_("社区"), on_delete=models.CASCADE, related_name="+"
    )
    holiday_shift = models.BooleanField(
        _("17日逢节假日顺延"),
        default=False,
        help_text=_(
            "勾选后,17日不是工作日(周末或法定节假日;调休上班的周末照常开会)时,"
            "圆桌会顺延到下一个工作日"
        ),
    )
    review_first = models.BooleanField(
        _("先审后发"),
        default=False,
        help_text=_("勾选后,居民发布的议题和发言须经社区审核后才公开"),
    )
    starts_at = models.TimeField(_("开始时间"), default="19:00")
    place = models.CharField(
        _("线下地点"),
        max_length=100,
        blank=True,
        help_text=_("可选:线上讨论之外同时在社区设线下会场时填写"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("圆桌会设置")
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"{self.community}圆桌会设置"


class SensitiveWordQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.scope.is_district_business:
            return self.none()
        return self.all()


class SensitiveWord(models.Model):
    """A word of the district's list: a topic or post containing it is held for review."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="+"
    )
    word = models.CharField(_("敏感词"), max_length=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    objects = SensitiveWordQuerySet.as_manager()

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = verbose_name
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["district", "word"], name="roundtable_word_unique")
        ]

    def __str__(self):
        return self.word


# --- the meeting --------------------------------------------------------------------------------
class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("筹备中")
    CLOSED = "closed", _("已闭会")


class Phase(models.TextChoices):
    """Where a scheduled meeting stands today (computed from its date, never stored)."""

    COLLECTING = "collecting", _("征集议题")
    DISCUSSING = "discussing", _("正在议事")
    CLOSED = "closed", _("已闭会")


class MeetingQuerySet(ScopedQuerySet):
    pass


class Meeting(LabelsMixin, models.Model):
    Status = MeetingStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    # The first day of the month the meeting belongs to (one per community and month).
    month = models.DateField(_("月份"))
    date = models.DateField(_("会议日期"))
    starts_at = models.TimeField(_("开始时间"), default="19:00")
    place = models.CharField(_("线下地点"), max_length=100, blank=True)
    # Why the date is not the 17th: "holiday" (moved by the community's setting) or the reason
    # staff gave when moving it by hand.
    moved_reason = models.CharField(_("改期原因"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(_("会议纪要"), max_length=5000, blank=True)
    closed_at = models.DateTimeField(_("闭会时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("闭会人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # Set once the 16th's reminders are planned (roundtable/reminders.py), so a day's job that
    # runs twice plans once; each reminder itself is a unique Reminder row.
    reminded_at = models.DateTimeField(_("会前提醒时间"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("圆桌会")
        verbose_name_plural = verbose_name
        ordering = ["-date", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="roundtable_meeting_month")
        ]
        indexes = [models.Index(fields=["date", "status"], name="roundtable_meeting_date")]

    def __str__(self):
        return f"{self.community}{self.date:%Y年%-m月%-d日}圆桌会"

    def get_absolute_url(self):
        return reverse("roundtable:meeting", args=[self.pk])

    def get_public_url(self):
        return reverse("roundtable_public:meeting", args=[self.pk])

    def phase(self, today=None) -> str:
        if self.status == MeetingStatus.CLOSED:
            return Phase.CLOSED
        today = today or timezone.localdate()
        return Phase.COLLECTING if today < self.date else Phase.DISCUSSING

    def phase_label(self, today=None) -> str:
        return Phase(self.phase(today)).label


# --- who takes part -----------------------------------------------------------------------------
class ParticipantKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    PROPERTY = "property", _("物业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")


class ParticipantStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("未通过")
    LEFT = "left", _("已退出")


class ParticipantQuerySet(ScopedQuerySet):
    def verified(self):
        return self.filter(status=ParticipantStatus.VERIFIED)


class Participant(LabelsMixin, models.Model):
    """One person (or a partner organisation's account) in one community's round table."""

    Kind = ParticipantKind
    Status = ParticipantStatus

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roundtable_participations",
    )
    kind = models.CharField(
        _("身份"), max_length=20, choices=ParticipantKind.choices, default=ParticipantKind.RESIDENT
    )
    # A resident's real name (实名, by phone); an organisation's name for 物业 and 业委会.
    name = models.CharField(_("姓名"), max_length=60)
    # What the resident says (the community checks it against the household tree).
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    room = models.CharField(_("房号"), max_length=10, blank=True)
    # Set by the community's verification: the household the resident lives in.
    household = models.ForeignKey(
        Household,
        verbose_name=_("核实的住户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 物业 / 业委会: the partner record the account takes part through.
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("合伙人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.PENDING,
    )
    status_reason = models.CharField(_("说明"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    # Reminders on the 16th (and when the community's round table changes date).
    follows = models.BooleanField(_("关注本社区圆桌会"), default=True)
    consent_version = models.CharField(_("同意的告知版本"), max_length=20, blank=True)
    consented_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("撤回同意时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("圆桌会参与人")
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(user__isnull=False),
                name="roundtable_participant_once",
            )
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="roundtable_participant_st"),
        ]

    def __str__(self):
        return self.public_name

    @property
    def can_post(self) -> bool:
        return self.status == ParticipantStatus.VERIFIED and self.consent_withdrawn_at is None

    @property
    def public_name(self) -> str:
        """How the person appears on the public pages: an organisation by its kind and name, a
        resident by surname only (王** · 3号楼)."""
        if self.kind != ParticipantKind.RESIDENT:
            return f"{self.get_kind_display()} · {self.name}"
        if self.status == ParticipantStatus.LEFT or not self.name:
            return "已退出的居民"
        where = f" · {self.building.number}" if self.building_id and self.building else ""
        return f"{self.name[0]}**{where}"


# --- before and during the meeting --------------------------------------------------------------
class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("待审核")
    HIDDEN = "hidden", _("已隐藏")


class Authored(models.Model):
    """Who wrote a topic or a post, and its moderation."""

    # A resident or partner organisation writing for themselves...
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("发言人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # ...or staff writing as the community, or on behalf of a resident without a phone.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.CharField(
        _("代谁发言"),
        max_length=60,
        blank=True,
        help_text=_("为没有手机的居民代发时填写,例如:3号楼 王大爷"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED
    )
    # Why it was held: the sensitive words it contains, or the community's 先审后发.
    held_reason = models.CharField(_("待审原因"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        abstract = True


class TopicStatus(models.TextChoices):
    """Where a topic stands in deliberation (its moderation is `moderation`)."""

    OPEN = "open", _("待讨论")
    RESOLVED = "resolved", _("已形成决议")
    SOLVED = "solved", _("已解决")
    SET_ASIDE = "set_aside", _("暂不讨论")


class TopicQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(moderation=PostStatus.PUBLISHED)


class Topic(LabelsMixin, models.Model):
    """A question a resident (or the property company, or the community) puts to the meeting."""

    Status = TopicStatus

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("圆桌会"), on_delete=models.PROTECT, related_name="topics"
    )
    # The meeting's community, kept on the row for scope and counts.
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("议题"), max_length=60)
    body = models.TextField(_("情况说明"), max_length=2000)
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.CharField(_("代谁提出"), max_length=60, blank=True)
    moderation = models.CharField(
        _("审核状态"), max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED
    )
    held_reason = models.CharField(_("待审原因"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=TopicStatus.choices, default=TopicStatus.OPEN
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    # Kept on the row: the list sorts by it and the page shows it without counting.
    supports = models.PositiveIntegerField(_("附议人数"), default=0)
    posts_count = models.PositiveIntegerField(_("发言数"), default=0)
    # How many times a moderator has published or hidden one of its posts: each change numbers
    # its post (`Post.change_seq`) under this row's lock, so the live thread's poll asks for the
    # changes after the last it saw and misses none still being committed.
    post_changes = models.PositiveIntegerField(_("发言审核次数"), default=0)
    # Set when the topic became a need (needs.Need's mention keeps "roundtable.topic:<id>").
    need = models.ForeignKey(
        "needs.Need",
        verbose_name=_("转入的需求"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    solved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = verbose_name
        ordering = ["-supports", "created_at"]
        indexes = [
            models.Index(fields=["meeting", "moderation"], name="roundtable_topic_meeting"),
            models.Index(fields=["community", "status"], name="roundtable_topic_status"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roundtable:topic", args=[self.pk])

    def get_public_url(self):
        return reverse("roundtable_public:topic", args=[self.pk])


class Support(models.Model):
    """A participant supports (附议) a topic: once each."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["topic", "participant"], name="roundtable_support_once")
        ]

    def __str__(self):
        return f"附议 {self.topic_id}"


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        return community_visible(self, user, "topic__community")


class Post(LabelsMixin, Authored):
    """One message in a topic's thread."""

    Status = PostStatus

    topic = models.ForeignKey(
        Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(_("发言"), max_length=1000)
    # The topic's `post_changes` when a moderator last published or hid this post (0: never).
    change_seq = models.PositiveIntegerField(_("审核变更序号"), default=0)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("发言")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        indexes = [
            models.Index(fields=["topic", "id"], name="roundtable_post_thread"),
            models.Index(fields=["topic", "change_seq"], name="roundtable_post_change"),
        ]

    def __str__(self):
        return self.body[:30]

    @property
    def community(self):
        """The topic's community (rules and the matrix ask an object for its community)."""
        return self.topic.community


# --- closing and follow-up ----------------------------------------------------------------------
class AttendanceCapacity(models.TextChoices):
    RESIDENT = "resident", _("居民")
    PROPERTY = "property", _("物业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    COMMUNITY = "community", _("社区")
    UNIT = "unit", _("共建单位")
    OTHER = "other", _("其他")


class Attendance(LabelsMixin, models.Model):
    """Who attended a meeting: a participant (online or on site), or a name typed by staff."""

    Capacity = AttendanceCapacity

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("参与人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("姓名或单位"), max_length=60)
    capacity = models.CharField(
        _("身份"),
        max_length=20,
        choices=AttendanceCapacity.choices,
        default=AttendanceCapacity.RESIDENT,
    )
    online = models.BooleanField(_("线上参加"), default=True)

    class Meta:
        verbose_name = _("出席")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"],
                condition=models.Q(participant__isnull=False),
                name="roundtable_attendance_once",
            )
        ]

    def __str__(self):
        return self.name


class ResolutionStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")


class ResolutionQuerySet(ScopedQuerySet):
    community_field = "topic__community"

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=ResolutionStatus.OPEN, due_on__lt=today)


class Resolution(LabelsMixin, models.Model):
    """What the meeting decided on a topic: who does what by when."""

    Status = ResolutionStatus

    topic = models.ForeignKey(
        Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="resolutions"
    )
    action = models.CharField(_("做什么"), max_length=200)
    responsible = models.CharField(
        _("谁来做"), max_length=60, help_text=_("例如:物业公司、社区网格员、业委会")
    )
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ResolutionStatus.choices, default=ResolutionStatus.OPEN
    )
    done_note = models.CharField(_("办结情况"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结登记人"),
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

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = verbose_name
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="roundtable_resolution_due")]

    def __str__(self):
        return f"{self.responsible}:{self.action}"

    def get_absolute_url(self):
        return reverse("roundtable:topic", args=[self.topic_id]) + f"#resolution-{self.pk}"

    @property
    def community(self):
        return self.topic.community

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == ResolutionStatus.OPEN and self.due_on < today


class ReminderKind(models.TextChoices):
    MEETING = "meeting", _("会前提醒")
    DUE = "due", _("决议到期提醒")


class Reminder(models.Model):
    """One reminder to one person: the database refuses a second (exactly once, whatever the
    workers and retries)."""

    Kind = ReminderKind

    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    # "meeting:<id>:<yyyymmdd>" (the day before a meeting moved later is reminded again),
    # "moved:<id>:<yyyymmdd>" (a meeting moved by hand or by the holiday shift), "resolution:<id>"
    key = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("圆桌会提醒")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "user"], name="roundtable_reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"
