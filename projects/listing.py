"""The project list for those who manage many projects (the street's 组长, district staff): its
filters, its two orders, the step of the seven-step method each status stands for, and the pickers
of the filter form. The list page and its Excel export (projects/export.py) both read these, so an
export holds exactly the rows the page shows, in the same order."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Community, Street
from core.templatetags.portal import days_since

from .models import ProjectClass, Status


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    statuses: tuple


# Where a project stands in the seven-step method, read from its status alone. Steps 1 and 2
# (needs, partners) have no status of their own: a project is created at steps 3–4.
STEPS = (
    Step("plan", "第3–4步 定好计划/制定方案", (Status.DRAFT, Status.RETURNED)),
    Step("review", "审核中", (Status.SUBMITTED,)),
    Step("announce", "待发布预告", (Status.APPROVED,)),
    Step("announced", "第5步 发布预告", (Status.ANNOUNCED,)),
    Step("implement", "第6步 组织实施", (Status.IN_PROGRESS,)),
    Step("retrospect", "第7步 复盘评估", (Status.RETROSPECTED,)),
)
STEP_OF_STATUS = {status: step for step in STEPS for status in step.statuses}
STEP_BY_KEY = {step.key: step for step in STEPS}

# Both orders walk the same partial indexes (project_recent, project_community_recent,
# project_status_recent): "waiting" reads them backwards, longest in its status first.
SORTS = {
    "": ("最近变更", ("-status_changed_at", "-id")),
    "waiting": ("等待最久", ("status_changed_at", "id")),
}
SORT_CHOICES = [(key, label) for key, (label, _) in SORTS.items()]

# Filter name → the lookup it narrows by (the step filter maps to statuses below).
LOOKUPS = {
    "status": "status",
    "q": "title__icontains",
    "street": "community__street_id",
    "community": "community_id",
    "theme": "theme",
    "kind": "compound__kind",
    "project_class": "project_class_id",
}
FILTERS = (*LOOKUPS, "step")


def narrow(projects, **filters):
    """Projects matching the list's filters; an empty filter leaves the list as it is. Scope is
    the caller's: these only ever narrow a queryset that started from visible_to(user)."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown project filters: {sorted(unknown)}")
    conditions = Q()
    for name, lookup in LOOKUPS.items():
        if filters.get(name) not in (None, ""):
            conditions &= Q(**{lookup: filters[name]})
    if step := filters.get("step"):
        conditions &= Q(status__in=STEP_BY_KEY[step].statuses)
    return projects.filter(conditions)


def ordered(projects, sort: str = ""):
    """The list's order: most recent change first, or (sort="waiting") longest waiting first."""
    return projects.order_by(*SORTS.get(sort, SORTS[""])[1])


def step_of(project) -> Step:
    return STEP_OF_STATUS[project.status]


def waited_days(project) -> int:
    """Whole days the project has been in its current status (Shanghai dates)."""
    return days_since(project.status_changed_at)


def with_steps(projects) -> list:
    """The rows of a page, each with `.step` and `.waited_days` for the template."""
    projects = list(projects)
    for project in projects:
        project.step = step_of(project)
        project.waited_days = waited_days(project)
    return projects


# --- the pickers: never more than the user's own scope ------------------------------------------
def street_choices(user) -> list[tuple[int, str]]:
    """Streets to pick from: every street for district staff, the scope's streets for someone
    working in several, none otherwise (one street needs no picker)."""
    scope = user.scope
    if scope.is_district_business:
        return list(Street.objects.values_list("id", "name"))
    if len(scope.street_ids()) > 1:
        return list(Street.objects.filter(pk__in=scope.street_ids()).values_list("id", "name"))
    return []


def community_choices(user, street: int | None = None) -> list[tuple[int, str]]:
    """Communities to pick from, within what the user sees. District staff would get every
    community of the district: they pick a street first."""
    communities = Community.objects.visible_to(user)
    if street:
        communities = communities.filter(street_id=street)
    elif user.scope.is_district_business:
        return []
    return list(communities.values_list("id", "name"))


def class_choices() -> list[tuple[int, str]]:
    return list(ProjectClass.objects.values_list("id", "name"))
