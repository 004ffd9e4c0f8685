"""What evaluation adds to step 7 of the project page (projects never imports evaluation: it calls
the hooks registered in apps.py). The result is read once per page and kept on the project."""

from django.template.loader import render_to_string

from .selectors import Result, grade_results
from .services import GRADEABLE_STATUSES, gradeable_reason

RESULT_ATTRIBUTE = "_evaluation_result"


def project_result(project):
    """The project's grade result, read once per project object."""
    result = getattr(project, RESULT_ATTRIBUTE, None)
    if result is None:
        # Grades exist only from implementation on: a project before it costs no query.
        ids = [] if project.status not in GRADEABLE_STATUSES else [project.pk]
        result = grade_results(ids).get(project.pk) or Result(project.pk)
        setattr(project, RESULT_ATTRIBUTE, result)
    return result


def grades_evidence(project, steps) -> None:
    """STEP_EVIDENCE_HOOKS: step 7's evidence names the verified grades and their rate."""
    result = project_result(project)
    if not result.overall.total and not result.unverified.total:
        return
    step = next(s for s in steps if s.number == 7)
    line = f"居民评价 {result.overall.total} 户,满意率 {result.overall.percent}"
    if result.unverified.total:
        line += f"(另有未核实 {result.unverified.total} 条)"
    step.evidence = f"{step.evidence};{line}"


def _own_scope(user, project) -> bool:
    """The project is of the user's own scope (not opened by a read-only grant: a judge sees
    the rate here, never the grades page). No query: the scope is kept on the user."""
    scope = user.scope
    return (
        scope.is_district_business
        or project.community_id in scope.community_ids()
        or project.community.street_id in scope.street_ids()
    )


def grades_section(project, user) -> str:
    """RETROSPECTIVE_HOOKS: the residents' grades part of the 复盘 card."""
    return render_to_string(
        "evaluation/_project_grades.html",
        {
            "project": project,
            "result": project_result(project),
            "can_view": user.has_perm("evaluation.view_grades", project)
            and _own_scope(user, project),
            "can_visit": not gradeable_reason(project)
            and user.has_perm("evaluation.grade_visit", project),
        },
    )
