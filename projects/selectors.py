"""Reads for the project pages. Every one starts from Project.objects.visible_to(user)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.scope import get_visible_or_404
from needs.models import Need
from partners.models import Partner

from . import listing
from .contributions import Resourcing, project_resourcing
from .models import (
    GRANTED_SOURCES,
    Activity,
    ActivityContribution,
    ActivityPhoto,
    ActivitySpending,
    ActivityVolunteer,
    Contribution,
    Decision,
    FundingSource,
    Milestone,
    Project,
    ProjectEvent,
    ReviewComment,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from .workflow import EDITABLE, PROJECT_WORKFLOW

# Filled by apps above projects (evaluation) to add their evidence to step 7 without an import here.
STEP_EVIDENCE_HOOKS: list = []
# Filled by apps above projects (evaluation: residents' grades) to add a part to the structured
# 复盘 card of the project page: a function (project, user) -> HTML already escaped ("" for none).
RETROSPECTIVE_HOOKS: list = []
# Filled by apps above projects (the library) to add a line at the top of the project page without
# an import here: (the paths project_get select_related()s, so the note costs no query; a function
# project -> [(text, url)]).
PROJECT_PAGE_NOTES: list = []
# Filled by apps above projects (training: 一项目一方案) to add a card to the project page's left
# column, under the seven steps: a function (project, user) -> HTML already escaped ("" for none).
PROJECT_PAGE_PANELS: list = []


@dataclass
class MethodStep:
    number: int
    name: str
    done: bool
    evidence: str
    anchor: str


# What a row of a project list shows: never the long texts of the plan, proposal or retrospective.
ROW_FIELDS = (
    "id",
    "title",
    "status",
    "status_changed_at",
    "theme",
    "end_date",
    "deleted_at",
    "community",
    "community__name",
    "community__street_id",
    "compound",
    "compound__name",
)


def project_rows(queryset):
    """A project queryset fetching only what list rows show, community and compound joined."""
    return queryset.select_related("community", "compound").only(*ROW_FIELDS)


def project_list(*, user, sort: str = "", **filters):
    """The projects the user sees, narrowed by the list's filters (listing.FILTERS: status, q,
    street, community, theme, kind, step, project_class) in the list's order (`sort`). The page
    and its Excel export both read this."""
    # A judge's grant opens a round's projects to read from the round, not into their own lists.
    projects = (
        Project.objects.visible_to(user, grants=False)
        .select_related("community__street", "compound", "project_class")
        .only(
            *ROW_FIELDS,
            "community__street__name",
            "compound__kind",
            "project_class",
            "project_class__name",
            "budget_total",
        )
    )
    return listing.ordered(listing.narrow(projects, **filters), sort)


def project_trash(*, user):
    """Soft-deleted projects the user's community can restore, most recently deleted first."""
    return project_rows(Project.objects.visible_to(user, deleted=True)).order_by(
        "-deleted_at", "-id"
    )


def with_actions(user, projects) -> list[Project]:
    """Each project with `.can`: the actions this user may take on it now (for buttons on a
    list). The rules read the project's community, so select_related("community") keeps it at
    no query per row."""
    projects = list(projects)
    for project in projects:
        project.can = PROJECT_WORKFLOW.available(user, project)
    return projects


def project_head(*, user, pk: int) -> Project:
    """The project alone (with its community, street and compound) for a page about one of its
    parts (its sessions): none of the relations the project page prefetches."""
    queryset = Project.objects.select_related("community__street", "compound")
    return get_visible_or_404(queryset, user, pk=pk)


def project_get(*, user, pk: int) -> Project:
    # Each relation with just what the page shows: no phone number decrypted, no account loaded
    # whole for a name in the timeline.
    queryset = Project.objects.select_related("community__street", "compound").prefetch_related(
        Prefetch(
            "needs",
            queryset=Need.objects.select_related("category").only(
                "id", "title", "category__name", "mentions"
            ),
        ),
        Prefetch(
            "partners",
            queryset=Partner.objects.select_related("category").only(
                "id", "name", "category__name", "community"
            ),
        ),
        # Step 2: what each linked partner contributes (projects/contributions.py sums it).
        Prefetch(
            "contributions",
            queryset=Contribution.objects.select_related("partner", "resource").only(
                "id",
                "project",
                "partner__id",
                "partner__name",
                "resource__id",
                "resource__description",
                "kind",
                "description",
                "quantity",
                "unit",
            ),
        ),
        Prefetch(
            "events",
            queryset=ProjectEvent.objects.select_related("actor").only(
                "id", "project", "kind", "at", "note", "actor__display_name", "actor__username"
            ),
        ),
        "compounds",
        # Each milestone with its sessions counted (step 6's progress); the sessions themselves
        # are read capped by programme(), never all of them.
        Prefetch(
            "milestones",
            queryset=Milestone.objects.annotate(
                sessions_held=Count("sessions", filter=Q(sessions__status=Activity.Status.HELD)),
                sessions_planned=Count(
                    "sessions", filter=Q(sessions__status=Activity.Status.SCHEDULED)
                ),
            ).order_by("date", "id"),
        ),
        "budget_lines",
        "grants",
        Prefetch(
            "rounds",
            queryset=ReviewRound.objects.defer("snapshot").order_by("number"),
        ),
        Prefetch("conditions", queryset=ReviewCondition.objects.select_related("evidence_file")),
        Prefetch(
            "supervisions",
            queryset=Supervision.objects.only(
                "id", "project", "question", "due_date", "status", "raised_at", "replied_at"
            ),
        ),
    )
    queryset = queryset.select_related(
        "public_space",
        "outdoor_category",
        "project_class",
        "meeting__minutes",
        *(path for paths, _ in PROJECT_PAGE_NOTES for path in paths),
    )
    return get_visible_or_404(queryset.prefetch_related("meeting__attendances"), user, pk=pk)


# Buttons other apps add to the project page's 下一步 card: each function takes the user and the
# project (as project_get fetched it) and returns (label, url) pairs; a higher app registers it in
# its AppConfig.ready() (the library's 推荐入库), so projects never imports it.
PROJECT_PAGE_ACTIONS: list = []


def page_actions(user, project: Project) -> list[tuple[str, str]]:
    """(label, url) buttons other apps offer this user on the project page."""
    return [action for actions in PROJECT_PAGE_ACTIONS for action in actions(user, project)]


def page_notes(project: Project) -> list[tuple[str, str]]:
    """(text, url) lines other apps add to the top of the project page (PROJECT_PAGE_NOTES)."""
    return [note for _, notes in PROJECT_PAGE_NOTES for note in notes(project)]


def page_panels(project: Project, user) -> list:
    """The cards other apps add to the project page (PROJECT_PAGE_PANELS)."""
    return [mark_safe(part) for hook in PROJECT_PAGE_PANELS if (part := hook(project, user))]  # noqa: S308 - hooks render templates


def project_meeting(project: Project):
    """The project's joint meeting (fetched with the project by project_get), or None."""
    from .models import JointMeeting

    try:
        return project.meeting
    except JointMeeting.DoesNotExist:
        return None


@dataclass
class Funding:
    source: str
    label: str
    requested: Decimal
    granted: Decimal | None  # None: this source is not granted by anyone (partner, self-raised)
    spent: Decimal

    @property
    def overspent(self) -> bool:
        return self.granted is not None and self.spent > self.granted


def funding(project: Project) -> tuple[list[Funding], Decimal]:
    """Requested (budget lines) and granted per source from the prefetched rows, spent by the
    held sessions (one query); and the spending no source was named for."""
    requested = {}
    for line in project.budget_lines.all():
        requested[line.source] = requested.get(line.source, Decimal(0)) + line.amount
    spent = spent_by_source(project)
    granted = {g.source: g.amount for g in project.grants.all()}
    rows = [
        Funding(
            source.value,
            source.label,
            requested.get(source.value, Decimal(0)),
            granted.get(source.value) if source in GRANTED_SOURCES else None,
            spent.get(source.value, Decimal(0)),
        )
        for source in FundingSource
    ]
    return rows, spent.get("", Decimal(0))


def round_get(*, user, project_pk: int, number: int) -> ReviewRound:
    """One review round of a project the user may see, with its comments and conditions."""
    from django.http import Http404

    project = get_visible_or_404(
        Project.objects.select_related("community__street"), user, pk=project_pk
    )
    review = (
        ReviewRound.objects.filter(project=project, number=number)
        .select_related("submitted_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=ReviewComment.objects.select_related("author").only(
                    "id",
                    "round",
                    "text",
                    "recommendation",
                    "at",
                    "author__display_name",
                    "author__username",
                ),
            ),
            "conditions",
        )
        .first()
    )
    if review is None:
        raise Http404
    review.project = project
    return review


def previous_snapshot(review: ReviewRound):
    """The snapshot of the round before this one (None for the first)."""
    if review.number <= 1:
        return None
    return (
        ReviewRound.objects.filter(project_id=review.project_id, number=review.number - 1)
        .values_list("snapshot", flat=True)
        .first()
    )


def review_queue(*, user, overdue_only: bool = False):
    """Rounds waiting for a decision that the user may see, longest waiting first."""
    rounds = (
        ReviewRound.objects.visible_to(user)
        .waiting()
        .select_related("project__community__street")
        .only(
            "id",
            "number",
            "submitted_at",
            "comments_due",
            "decision",
            "project__id",
            "project__title",
            "project__theme",
            "project__community__name",
            "project__community__street__name",
        )
        .order_by("submitted_at", "id")
    )
    if overdue_only:
        cutoff = timezone.now() - timedelta(days=settings.REVIEW_OVERDUE_DAYS)
        rounds = rounds.filter(submitted_at__lte=cutoff)
    return rounds


def filings(*, user, month=None, street=None):
    """Approvals filed with the district (备案): rounds decided approve (with or without
    conditions), per street and month, and the rows of one month."""
    approved = ReviewRound.objects.visible_to(user).filter(
        decision__in=[Decision.APPROVED, Decision.CONDITIONAL]
    )
    if street:
        approved = approved.filter(project__community__street_id=street)
    table = (
        approved.annotate(month=TruncMonth("decided_at"))
        .values("month", "project__community__street_id", "project__community__street__name")
        .annotate(count=Count("id"))
        .order_by("-month", "project__community__street__name")
    )
    rows = None
    if month is not None:
        rows = (
            approved.filter(decided_at__year=month.year, decided_at__month=month.month)
            .select_related("project__community__street", "decided_by")
            .only(
                "id",
                "number",
                "decision",
                "decided_at",
                "project__id",
                "project__title",
                "project__community__name",
                "project__community__street__name",
                "decided_by__display_name",
                "decided_by__username",
            )
            .order_by("project__community__street__name", "decided_at", "id")
        )
    return table, rows


def supervision_list(*, user, status: str = "", overdue: bool = False):
    items = (
        Supervision.objects.visible_to(user)
        .select_related("project__community__street")
        .only(
            "id",
            "question",
            "due_date",
            "status",
            "raised_at",
            "replied_at",
            "project__id",
            "project__title",
            "project__community__name",
            "project__community__street__name",
        )
    )
    if status:
        items = items.filter(status=status)
    if overdue:
        items = items.overdue()
    return items.order_by("status", "due_date", "id")


def supervision_get(*, user, pk: int) -> Supervision:
    queryset = Supervision.objects.select_related(
        "project__community__street", "raised_by", "replied_by"
    )
    return get_visible_or_404(queryset, user, pk=pk)


PICKER_SIZE = 20


def partner_matches(project: Project, q: str = "") -> tuple[list[Partner], bool]:
    """Up to PICKER_SIZE active partners of the project's community not linked yet, whose name
    holds `q`, in name order (the community's index), and whether there are more."""
    linked = [p.pk for p in project.partners.all()]
    found = (
        Partner.objects.alive()
        .active()
        .filter(community_id=project.community_id, name__icontains=q.strip())
        .exclude(pk__in=linked)
        .select_related("category")
        .only("id", "name", "category__name")
        .order_by("name", "id")[: PICKER_SIZE + 1]
    )
    found = list(found)
    return found[:PICKER_SIZE], len(found) > PICKER_SIZE


def project_steps(project: Project, meeting=None, sessions=None) -> list[MethodStep]:
    """The seven steps, each marked done or missing, with the evidence for it (`sessions`: the
    project's programme(), read when not given)."""
    needs = list(project.needs.all())
    partners = list(project.partners.all())
    sessions = sessions if sessions is not None else programme(project)
    # Approved, and not sent back since (an upheld 公示 objection returns it to be edited).
    approved = project.status in PROJECT_WORKFLOW.reachable_from(Status.APPROVED, avoiding=EDITABLE)
    steps = [
        MethodStep(
            1,
            "摸清需求",
            bool(needs),
            f"回应需求 {len(needs)} 条" if needs else "尚未关联需求",
            "step-needs",
        ),
        MethodStep(
            2,
            "链接资源",
            bool(partners) or bool(project.no_partner_reason.strip()),
            f"链接合伙人 {len(partners)} 位"
            + (f",登记贡献 {n} 项" if (n := len(project.contributions.all())) else "")
            if partners
            else (
                f"无需链接资源:{project.no_partner_reason[:30]}"
                if project.no_partner_reason.strip()
                else "尚未链接合伙人"
            ),
            "step-partners",
        ),
        MethodStep(
            3,
            "定好计划",
            project.plan_complete,
            f"{project.start_date} 至 {project.end_date},预算 {project.budget_total} 元,"
            f"节点 {len(project.milestones.all())} 个"
            if project.plan_complete
            else "目标、起止日期或预算明细未填写",
            "step-plan",
        ),
        MethodStep(
            4,
            "制定方案",
            meeting is not None and bool(project.proposal) and approved,
            (f"联席会 {meeting.date} 召开;" if meeting is not None else "尚未记录联席会;")
            + ("街道已批准" if approved else "待街道批准"),
            "step-proposal",
        ),
        MethodStep(
            5,
            "发布预告",
            project.announced_at is not None,
            f"{timezone.localtime(project.announced_at):%Y-%m-%d} 发布"
            if project.announced_at
            else "尚未发布",
            "step-announcement",
        ),
        MethodStep(
            6,
            "组织实施",
            bool(sessions.held),
            f"活动 {sessions.held} 次,参与 {sessions.participants} 人次"
            + (f",另有 {sessions.scheduled} 场已安排" if sessions.scheduled else "")
            if sessions.held
            else (f"已安排 {sessions.scheduled} 场活动" if sessions.scheduled else "尚无活动记录"),
            "step-activities",
        ),
        MethodStep(
            7,
            "复盘评估",
            project.retrospected_at is not None,
            f"{timezone.localtime(project.retrospected_at):%Y-%m-%d} 完成复盘"
            if project.retrospected_at
            else "尚未复盘",
            "step-retrospective",
        ),
    ]
    for hook in STEP_EVIDENCE_HOOKS:
        hook(project, steps)
    return steps


# --- step 6: the project's programme of sessions (projects/sessions.py) ---------------------------
SECTION_SIZE = 5  # sessions of each kind the project page shows; the rest on the sessions page


def session_get(*, user, pk: int) -> Activity:
    """One session of a project the user may open, with what its page and rules read."""
    queryset = Activity.objects.select_related(
        "project__community__street", "project__project_class", "series", "milestone"
    ).prefetch_related(
        Prefetch("photos", queryset=ActivityPhoto.objects.select_related("upload", "consent_by")),
        Prefetch("volunteer_rows", queryset=ActivityVolunteer.objects.select_related("partner")),
        Prefetch("spending_rows", queryset=ActivitySpending.objects.select_related("budget_line")),
        Prefetch(
            "contribution_rows",
            queryset=ActivityContribution.objects.select_related("partner", "resource"),
        ),
    )
    return get_visible_or_404(queryset, user, pk=pk)


SESSION_ROW_FIELDS = (
    "id",
    "project",
    "title",
    "status",
    "date",
    "starts_at",
    "ends_at",
    "place",
    "signup_capacity",
    "participants",
    "volunteers",
    "spending",
    "cancel_reason",
    "series",
    "milestone",
)


def session_list(project: Project):
    """All sessions of a project (the project came through visible_to), the next first, then
    the past ones, newest first."""
    today = timezone.localdate()
    upcoming = Q(status=Activity.Status.SCHEDULED, date__gte=today)
    return (
        Activity.objects.filter(project=project)
        .only(*SESSION_ROW_FIELDS)
        .annotate(
            soon=Case(When(upcoming, then=Value(0)), default=Value(1)),
            soon_date=Case(When(upcoming, then=F("date")), default=None),
        )
        .order_by("soon", "soon_date", "-date", "-id")
    )


@dataclass
class Programme:
    """The project page's step 6: what is coming, what happened, and the totals."""

    upcoming: list
    past: list
    scheduled: int
    held: int
    cancelled: int
    participants: int
    volunteers: int = 0

    @property
    def more(self) -> bool:
        return len(self.upcoming) + len(self.past) < self.scheduled + self.held + self.cancelled

    @property
    def due(self):
        """The session whose record is due next: today's, else the latest one past its date and
        still only scheduled (from the lists already loaded: no query)."""
        today = timezone.localdate()
        today_s = next((s for s in self.upcoming if s.date == today), None)
        return today_s or next(
            (s for s in self.past if s.status == Activity.Status.SCHEDULED), None
        )


def programme(project: Project) -> Programme:
    """Two capped lists and one aggregate: the same queries however many sessions there are."""
    today = timezone.localdate()
    rows = Activity.objects.filter(project=project).only(*SESSION_ROW_FIELDS)
    upcoming = list(
        rows.filter(status=Activity.Status.SCHEDULED, date__gte=today).order_by("date", "id")[
            :SECTION_SIZE
        ]
    )
    past = list(
        rows.exclude(status=Activity.Status.SCHEDULED, date__gte=today).order_by("-date", "-id")[
            :SECTION_SIZE
        ]
    )
    held = Q(status=Activity.Status.HELD)
    totals = Activity.objects.filter(project=project).aggregate(
        scheduled=Count("id", filter=Q(status=Activity.Status.SCHEDULED)),
        held=Count("id", filter=held),
        cancelled=Count("id", filter=Q(status=Activity.Status.CANCELLED)),
        participants=Sum("participants", filter=held),
        volunteers=Sum("volunteers", filter=held),
    )
    return Programme(upcoming, past, **{k: v or 0 for k, v in totals.items()})


@dataclass
class Retrospective:
    """Step 7's structured 复盘 as the project page shows it: the three written parts (on the
    project), money spent against the budget and participation (from the held sessions), and
    the parts apps above add (residents' grades, through RETROSPECTIVE_HOOKS)."""

    budget: Decimal
    spent: Decimal
    sessions_held: int
    participants: int
    volunteers: int
    parts: list
    # Step 2's figures: partners' volunteer hours and contributions (projects/contributions.py).
    resourcing: Resourcing | None = None

    @property
    def overspent(self) -> bool:
        return self.spent > self.budget

    @property
    def spent_share(self) -> str:
        """Spent as a share of the budget ("85%"), "—" without a budget."""
        return f"{self.spent / self.budget * 100:.0f}%" if self.budget else "—"


def retrospective(
    project: Project, money: list, unassigned: Decimal, sessions, user, resourcing=None
):
    """The 复盘's figures from what the project page read already (funding(), programme(),
    project_resourcing()): no query here but the hooks' own, and step 2's figures when they
    were not given."""
    return Retrospective(
        resourcing=resourcing if resourcing is not None else project_resourcing(project),
        budget=project.budget_total or Decimal(0),
        spent=sum((row.spent for row in money), unassigned),
        sessions_held=sessions.held,
        participants=sessions.participants,
        volunteers=sessions.volunteers,
        parts=[mark_safe(part) for hook in RETROSPECTIVE_HOOKS if (part := hook(project, user))],  # noqa: S308 - hooks render templates
    )


def spent_by_source(project: Project) -> dict[str, Decimal]:
    """Money spent by held sessions per funding source ("" for none named): the spending rows
    by their budget line's source, and a session recorded without rows by its own source."""
    rows = ActivitySpending.objects.filter(
        activity__project=project, activity__status=Activity.Status.HELD
    )
    without_rows = (
        Activity.objects.filter(project=project, status=Activity.Status.HELD)
        .exclude(spending=0)
        .exclude(Exists(ActivitySpending.objects.filter(activity=OuterRef("pk"))))
    )
    spent: dict[str, Decimal] = {}
    for source, amount in (
        rows.values_list("budget_line__source")
        .annotate(total=Sum("amount"))
        .order_by()
        .union(
            without_rows.values_list("funding_source").annotate(total=Sum("spending")).order_by(),
            all=True,
        )
    ):
        spent[source] = spent.get(source, Decimal(0)) + (amount or Decimal(0))
    return spent
