"""Questionnaires (问卷调查), step 1's widest net.

A community, a street or the district builds a questionnaire. A street's or the district's is a
template: when it opens, each community below it gets its own copy (`Survey.template`), with its
own dates, short link, poster and counts of copies handed out, but the template's questions. An
answer always points at the template's question, so the results of every copy roll up to the
level that made it in one aggregate, and a community's copy reads only its own answers.

Residents answer on /p/ without an account; a device answers once unless the copy allows more.
Paper copies are typed in by workers and marked as paper. A comment left with an answer gets a
receipt (needs.Receipt) the resident can look up.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, District, Street
from core.links import object_url
from core.models import LabelsMixin, SoftDeleteModel, SoftDeleteQuerySet
from needs.models import Need, Receipt


class SurveyLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("已发布")
    CLOSED = "closed", _("已结束")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上扫码")
    PAPER = "paper", _("纸质问卷")
    VISIT = "visit", _("入户代填")


class SurveyQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user):
        """A community's questionnaires and copies to its staff and the levels above; a street's
        templates to its street and the district; the district's to district staff."""
        scope = user.scope
        if scope.is_district_business:
            return self.alive()
        q = scope.community_q("community")
        if streets := scope.street_ids():
            q |= models.Q(level=SurveyLevel.STREET, street_id__in=streets)
        return self.alive().filter(q)


class Survey(SoftDeleteModel):
    Level = SurveyLevel
    Status = SurveyStatus

    title = models.CharField(_("问卷标题"), max_length=100)
    intro = models.TextField(_("致居民的话"), max_length=1000, blank=True)
    level = models.CharField(_("发起层级"), max_length=10, choices=Level.choices)
    # Exactly one owner, by level; a community's copy of a template has level community.
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    template = models.ForeignKey(
        "self",
        verbose_name=_("上级问卷"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    allow_repeat = models.BooleanField(
        _("允许同一手机多次填写"), default=False, help_text=_("如一户多人分别填写")
    )
    # The short link /p/q/<code>/ printed under the poster's QR code.
    short_code = models.CharField(max_length=8, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["community", "-starts_on"], name="survey_community_recent"),
            models.Index(fields=["template"], name="survey_template"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=SurveyLevel.values), name="survey_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SurveyStatus.values), name="survey_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="survey_dates_ordered",
                violation_error_message=_("截止日期不能早于开始日期。"),
            ),
            # One copy per community of a template.
            models.UniqueConstraint(
                fields=["template", "community"],
                condition=models.Q(template__isnull=False),
                name="survey_one_copy_per_community",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("surveys:detail", self.pk)

    @property
    def question_source_id(self) -> int:
        """The survey whose questions this one asks (the template's, for a copy)."""
        return self.template_id or self.pk


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    RATING = "rating", _("打分")
    TEXT = "text", _("文字")


class Question(LabelsMixin, models.Model):
    Kind = QuestionKind

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("题目"), max_length=200)
    required = models.BooleanField(_("必答"), default=True)
    # Choice questions: the options, in order (an answer keeps the option's index).
    options = models.JSONField(_("选项"), default=list, blank=True)
    # Rating questions: 1..rating_max (stars).
    rating_max = models.PositiveSmallIntegerField(
        _("最高分"), default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
        ]

    def __str__(self):
        return self.text


class Distribution(LabelsMixin, models.Model):
    """Copies handed out through one channel (entered by workers: 发放登记)."""

    Channel = Channel

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="distributions"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    copies = models.PositiveIntegerField(_("发放份数"), validators=[MinValueValidator(1)])
    handed_out_on = models.DateField(_("发放日期"), default=timezone.localdate)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("发放登记")
        verbose_name_plural = _("发放登记")
        ordering = ["handed_out_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="distribution_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(copies__gte=1), name="distribution_copies_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.copies}"


class Response(LabelsMixin, models.Model):
    """One returned copy: answered online by a resident, or typed in from paper by a worker."""

    Channel = Channel

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="responses"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    # A keyed hash of the device cookie (online answers), for one answer per device.
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The number written on a paper copy, if any (so a copy typed twice can be found).
    paper_no = models.CharField(_("纸质问卷编号"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("其他意见建议"), max_length=1000, blank=True)
    receipt = models.OneToOneField(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The need a worker filed the comment under.
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The comment's triage: filed under a need, or declined with a reason (for a comment typed
    # in from paper there is no receipt to carry the reason).
    comment_handled_at = models.DateTimeField(_("意见处理时间"), null=True, blank=True)
    comment_decline_reason = models.TextField(_("不予采纳的理由"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["survey", "channel"], name="response_survey_channel"),
            models.Index(fields=["survey", "-submitted_at"], name="response_survey_recent"),
            # The results page's comments, newest first.
            models.Index(
                fields=["survey", "-submitted_at", "-id"],
                condition=~models.Q(comment=""),
                name="response_survey_comments",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="response_channel_valid"
            ),
            # One online answer per device and copy, unless the copy allows more (the service
            # stores no device hash then).
            models.UniqueConstraint(
                fields=["survey", "device_hash"],
                condition=~models.Q(device_hash=""),
                name="response_one_per_device",
            ),
        ]

    def __str__(self):
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One answer to one question: a chosen option (one row per option of a multiple choice), a
    rating, or text. It points at the template's question, so copies roll up."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(max_length=1000, blank=True)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option")]

    def __str__(self):
        return f"{self.question_id}: {self.option if self.option is not None else self.rating}"
