"""Reads for the project pages. Every one starts from Project.objects.visible_to(user)."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from core.scope import get_visible_or_404
from needs.models import Need
from partners.models import Partner

from .models import Activity, Project, ProjectEvent, Status
from .workflow import PROJECT_WORKFLOW

# Filled by apps above projects (evaluation) to add their evidence to step 7 without an import here.
STEP_EVIDENCE_HOOKS: list = []


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


def project_list(*, user, status: str = "", q: str = ""):
    projects = (
        Project.objects.visible_to(user)
        .select_related("community__street", "compound")
        .only(*ROW_FIELDS, "community__street__name")
    )
    if status:
        projects = projects.filter(status=status)
    if q:
        projects = projects.filter(title__icontains=q)
    return projects.order_by("-status_changed_at", "-id")


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


def project_get(*, user, pk: int) -> Project:
    # Each relation with just what the page shows: no phone number decrypted, no account loaded
    # whole for a name in the timeline.
    queryset = Project.objects.select_related("community__street", "compound").prefetch_related(
        Prefetch("needs", queryset=Need.objects.only("id", "title", "category", "mentions")),
        Prefetch("partners", queryset=Partner.objects.only("id", "name", "category", "community")),
        Prefetch(
            "events",
            queryset=ProjectEvent.objects.select_related("actor").only(
                "id", "project", "kind", "at", "note", "actor__display_name", "actor__username"
            ),
        ),
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("photo").only(
                *(f.attname for f in Activity._meta.concrete_fields), "photo__uuid"
            ),
        ),
    )
    return get_visible_or_404(queryset, user, pk=pk)


PICKER_SIZE = 20


def partner_matches(project: Project, q: str = "") -> tuple[list[Partner], bool]:
    """Up to PICKER_SIZE partners of the project's community not linked yet, whose name holds
    `q`, in name order (the community's index), and whether there are more."""
    linked = [p.pk for p in project.partners.all()]
    found = (
        Partner.objects.alive()
        .filter(community_id=project.community_id, name__icontains=q.strip())
        .exclude(pk__in=linked)
        .only("id", "name", "category")
        .order_by("name", "id")[: PICKER_SIZE + 1]
    )
    found = list(found)
    return found[:PICKER_SIZE], len(found) > PICKER_SIZE


def project_steps(project: Project) -> list[MethodStep]:
    """The seven steps, each marked done or missing, with the evidence for it."""
    needs = list(project.needs.all())
    partners = list(project.partners.all())
    activities = list(project.activities.all())
    approved = project.status in PROJECT_WORKFLOW.reachable_from(Status.APPROVED)
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
            bool(partners),
            f"链接合伙人 {len(partners)} 位" if partners else "尚未链接合伙人",
            "step-partners",
        ),
        MethodStep(
            3,
            "定好计划",
            project.plan_complete,
            f"{project.start_date} 至 {project.end_date},预算 {project.budget_total} 元"
            if project.plan_complete
            else "目标、起止日期或预算未填写",
            "step-plan",
        ),
        MethodStep(
            4,
            "制定方案",
            project.proposal_complete and approved,
            (f"联席会 {project.joint_meeting_date} 召开;" if project.joint_meeting_date else "")
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
            bool(activities),
            f"活动 {len(activities)} 次,参与 {sum(a.participants for a in activities)} 人次"
            if activities
            else "尚无活动记录",
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
