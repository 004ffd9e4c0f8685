"""Needs taken up by projects (纳入项目), seen from the needs side through needs.hooks: needs never
imports projects (tests/test_layers.py), so this module fills its hook lists in
ProjectsConfig.ready():

- ADOPTIONS: the projects that link each need (one query for any number of needs), for the need's
  page and the residents' receipt page;
- MERGE_HOOKS: when two needs merge, the projects of the old one link the kept one instead;
- NEED_PAGE_ACTIONS: on a need's page, "纳入已有项目" (this module's page: pick one of the
  community's projects still open to change) and "以此需求新建项目" (the create page, the need ticked).

Whenever a project gains a need (created with it, its basics edited, or this page) the need moves
to adopted through needs.services.need_adopt (projects/services.py, projects/workflow.py).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core.http import perform_or_refuse
from core.scope import get_visible_or_404
from core.workflow import Conflict
from needs import hooks
from needs.models import Need
from needs.services import need_adopt
from needs.workflow import OPEN

from .models import PUBLIC_STATUSES, Project
from .workflow import EDITABLE, PROJECT_WORKFLOW

# A community rarely has more projects open to change at once; the page says when there are more.
PICK_LIMIT = 50


def _links():
    return Project.needs.through.objects


# --- the hooks ----------------------------------------------------------------------------------
def adoptions(need_ids) -> dict[int, list[hooks.Adoption]]:
    """need id → the (live) projects linking it, oldest first: one query."""
    rows = (
        _links()
        .filter(need_id__in=list(need_ids), project__deleted_at__isnull=True)
        .select_related("project")
        .only("need_id", "project__id", "project__title", "project__status")
        .order_by("project__created_at", "project_id")
    )
    found: dict[int, list[hooks.Adoption]] = {}
    for link in rows:
        project = link.project
        public = (
            reverse("public:announcement", args=[project.pk])
            if project.status in PUBLIC_STATUSES
            else ""
        )
        found.setdefault(link.need_id, []).append(
            hooks.Adoption(project.title, project.get_absolute_url(), public)
        )
    return found


def repoint(old: Need, new: Need, by) -> None:
    """Two needs merged: every project of the old one links the kept one (once), and the kept one
    is adopted if a project now links it."""
    have = set(_links().filter(need_id=new.pk).values_list("project_id", flat=True))
    _links().filter(need_id=old.pk).exclude(project_id__in=have).update(need_id=new.pk)
    _links().filter(need_id=old.pk).delete()
    if have or _links().filter(need_id=new.pk).exists():
        need_adopt(need=new, by=by)


def page_actions(request, need: Need) -> list[tuple[str, str]]:
    """纳入已有项目 / 以此需求新建项目, for the need's community while the need is still open."""
    user = request.user
    if need.status not in OPEN or need.deleted_at is not None:
        return []
    if not user.has_perm("projects.add_project", need.community):
        return []
    query = urlencode({"community": need.community_id, "need": need.pk})
    return [
        ("纳入已有项目", reverse("projects:adopt_need", args=[need.pk])),
        ("以此需求新建项目", f"{reverse('projects:create')}?{query}"),
    ]


def register() -> None:
    """Called once from ProjectsConfig.ready()."""
    for hook_list, fn in (
        (hooks.ADOPTIONS, adoptions),
        (hooks.MERGE_HOOKS, repoint),
        (hooks.NEED_PAGE_ACTIONS, page_actions),
    ):
        if fn not in hook_list:
            hook_list.append(fn)


# --- the service and the page -------------------------------------------------------------------
def project_adopt_need(*, project: Project, need: Need, by) -> Project:
    """Link a need to a project still open to change (the project's `edit`, which moves the need
    to adopted): permission 403, the project's status 409, another community's need 422."""
    needs = [*project.needs.all(), need]
    return PROJECT_WORKFLOW.perform(project, "edit", by=by, data={"needs": needs}).obj


def open_projects(user, need: Need):
    """The need's community's projects still open to change (the workflow's editable statuses)
    that do not link it yet."""
    return (
        Project.objects.visible_to(user, grants=False)
        .filter(community_id=need.community_id, status__in=EDITABLE)
        .exclude(pk__in=_links().filter(need_id=need.pk).values("project_id"))
        .order_by("-status_changed_at", "-id")
    )


@login_required
def adopt_need_view(request, pk):
    """纳入已有项目: pick one of the community's projects open to change for this need."""
    need = get_visible_or_404(Need.objects.select_related("community"), request.user, pk=pk)
    if not request.user.has_perm("needs.adopt_need", need):
        raise PermissionDenied
    projects = list(open_projects(request.user, need)[: PICK_LIMIT + 1])
    context = {
        "need": need,
        "projects": projects[:PICK_LIMIT],
        "more": len(projects) > PICK_LIMIT,
        "open": need.status in OPEN,
        "create_url": f"{reverse('projects:create')}?"
        + urlencode({"community": need.community_id, "need": need.pk}),
    }
    if request.method != "POST":
        return render(request, "projects/adopt_need.html", context)
    chosen = next((p for p in projects if str(p.pk) == request.POST.get("project", "")), None)

    def call(_data):
        if chosen is None:
            raise ValidationError("请从列表中选择一个项目(只能选本社区还在编写中的项目)。")
        if not context["open"]:
            raise Conflict(f"该需求当前状态为“{need.get_status_display()}”,不能再纳入项目。")
        project_adopt_need(project=chosen, need=need, by=request.user)

    return perform_or_refuse(
        request,
        call,
        page=lambda status: render(request, "projects/adopt_need.html", context, status=status),
        done=f"需求已纳入项目“{chosen.title}”。" if chosen else "",
        to=need,
    )
