"""What training adds to the apps below it, through their hook lists (never an import the other
way): the project page's 一项目一方案 card (projects.selectors.PROJECT_PAGE_PANELS)."""

from django.template.loader import render_to_string


def project_panel(project, user) -> str:
    """The coaching of a project, for whoever sees the project; with none, only the button for
    whoever may attach a mentor (one query)."""
    from .selectors import project_coachings

    may_attach = user.has_perm("training.attach_coach", project)
    coachings = project_coachings(project)
    if not coachings and not may_attach:
        return ""
    return render_to_string(
        "training/_project_panel.html",
        {"project": project, "coachings": coachings, "may_attach": may_attach},
    )


def register() -> None:
    from projects.selectors import PROJECT_PAGE_PANELS

    if project_panel not in PROJECT_PAGE_PANELS:
        PROJECT_PAGE_PANELS.append(project_panel)
