"""The street's work pages: parse, check the rule, call a selector or a service. Refusals become
pages in core/http.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.choice import community_or_choice, create_page
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from projects.models import ProjectClass

from . import selectors, services
from .forms import (
    AssessmentCreateForm,
    AssessmentFilterForm,
    AssessmentForm,
    FieldVisitCreateForm,
    FieldVisitForm,
    VisitFilterForm,
)


def _admit(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _posted(request):
    return request.POST if request.method == "POST" else None


def _with_search(request, form):
    form.set_search_url(request.get_full_path())
    return form


def _picker_options(request, form) -> HttpResponse | None:
    """With htmx and `<name>_q` for one of the form's search pickers: only its options, for the
    words typed, the rows ticked so far kept ticked."""
    if not request.htmx:
        return None
    for name in form.fields:
        field = form.picker(name)
        if field is None or f"{name}_q" not in request.GET:
            continue
        widget = field.widget
        value = (
            request.GET.getlist(name) if widget.allow_multiple_selected else request.GET.get(name)
        )
        context = widget.picker_context(
            name, value, q=request.GET.get(f"{name}_q", ""), attrs={"id": form[name].auto_id}
        )
        return render(request, "streetwork/widgets/picker.html#options", {"picker": context})
    return None


def _create(request, *, permission, heading, form_class, template, create, done, initial=None):
    """A create page of a record of one of the street's communities (accounts.choice), whose
    pickers search on the same page."""
    if request.htmx and any(k.endswith("_q") for k in request.GET):
        community = community_or_choice(request, permission, heading=heading)
        if isinstance(community, HttpResponse):
            return community
        answer = _picker_options(request, form_class(None, community=community))
        if answer is not None:
            return answer
    return create_page(
        request,
        permission=permission,
        heading=heading,
        form=lambda data, community: _with_search(
            request, form_class(data, community=community, initial=initial)
        ),
        template=template,
        create=create,
        done=done,
    )


def _edit(request, obj, *, permission, form_class, template, heading, update, done):
    """The edit page of a record: the rule first (403), its pickers searching on the same page."""
    admit = lambda: _admit(request.user, permission, obj)  # noqa: E731
    admit()
    form = _with_search(
        request, form_class(_posted(request), instance=obj, community=obj.community)
    )
    if (answer := _picker_options(request, form)) is not None:
        return answer

    def perform(data):
        update(data)
        messages.success(request, done)
        return redirect(obj)

    return form_page(
        request,
        form,
        template=template,
        context={"object": obj, "community": obj.community, "heading": heading},
        perform=perform,
        admit=admit,
        back=obj,
    )


# --- 研判 -------------------------------------------------------------------------------------
@login_required
@permission_required("streetwork.view_assessment", raise_exception=True)
def assessment_list(request):
    classes = list(ProjectClass.objects.only("id", "name"))
    form = AssessmentFilterForm(
        request.GET or None,
        communities=selectors.communities_for_filters(request.user),
        classes=classes,
    )
    page = paginate(request, selectors.assessment_list(user=request.user, filters=form.filters))
    template = "streetwork/assessment_list.html"
    return render(
        request, f"{template}#rows" if request.htmx else template, {"page": page, "form": form}
    )


@login_required
@permission_required("streetwork.follow_streetwork", raise_exception=True)
def assessment_summary(request):
    summary = selectors.assessment_summary(user=request.user)
    return render(request, "streetwork/assessment_summary.html", {"summary": summary})


@login_required
@permission_required("streetwork.add_assessment", raise_exception=True)
def assessment_create(request):
    return _create(
        request,
        permission="streetwork.add_assessment",
        heading="记录研判",
        form_class=AssessmentCreateForm,
        template="streetwork/assessment_form.html",
        create=lambda community, data: services.assessment_create(
            by=request.user, community=community, data=data
        ),
        done="研判已记录。",
    )


def _assessment_page(request, pk, status=200):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    can = {
        "change": request.user.has_perm("streetwork.change_assessment", assessment),
        "delete": request.user.has_perm("streetwork.delete_assessment", assessment),
    }
    return render(
        request,
        "streetwork/assessment_detail.html",
        {"assessment": assessment, "can": can},
        status=status,
    )


@login_required
def assessment_detail(request, pk):
    return _assessment_page(request, pk)


@login_required
def assessment_edit(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return _edit(
        request,
        assessment,
        permission="streetwork.change_assessment",
        form_class=AssessmentForm,
        template="streetwork/assessment_form.html",
        heading="修改研判",
        update=lambda data: services.assessment_update(
            assessment=assessment, by=request.user, data=data
        ),
        done="研判已保存。",
    )


@require_POST
@login_required
def assessment_delete(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.assessment_delete(assessment=assessment, by=request.user),
        page=lambda status: _assessment_page(request, pk, status),
        done=f"研判“{assessment.title}”已删除。",
        to="streetwork:assessment_list",
        admit=lambda: _admit(request.user, "streetwork.delete_assessment", assessment),
    )


# --- 实地调研 ------------------------------------------------------------------------------------
@login_required
@permission_required("streetwork.view_fieldvisit", raise_exception=True)
def visit_list(request):
    form = VisitFilterForm(
        request.GET or None, communities=selectors.communities_for_filters(request.user)
    )
    page = paginate(request, selectors.visit_list(user=request.user, filters=form.filters))
    template = "streetwork/fieldvisit_list.html"
    return render(
        request, f"{template}#rows" if request.htmx else template, {"page": page, "form": form}
    )


@login_required
@permission_required("streetwork.add_fieldvisit", raise_exception=True)
def visit_create(request):
    return _create(
        request,
        permission="streetwork.add_fieldvisit",
        heading="记录实地调研",
        form_class=FieldVisitCreateForm,
        template="streetwork/fieldvisit_form.html",
        create=lambda community, data: services.visit_create(
            by=request.user, community=community, data=data
        ),
        done="实地调研已记录。",
        initial={"members": [request.user.pk], "date": timezone.localdate()},
    )


def _visit_page(request, pk, status=200):
    visit = selectors.visit_get(user=request.user, pk=pk)
    can = {
        "change": request.user.has_perm("streetwork.change_fieldvisit", visit),
        "delete": request.user.has_perm("streetwork.delete_fieldvisit", visit),
    }
    return render(
        request, "streetwork/fieldvisit_detail.html", {"visit": visit, "can": can}, status=status
    )


@login_required
def visit_detail(request, pk):
    return _visit_page(request, pk)


@login_required
def visit_edit(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return _edit(
        request,
        visit,
        permission="streetwork.change_fieldvisit",
        form_class=FieldVisitForm,
        template="streetwork/fieldvisit_form.html",
        heading="修改实地调研",
        update=lambda data: services.visit_update(visit=visit, by=request.user, data=data),
        done="实地调研已保存。",
    )


@require_POST
@login_required
def visit_delete(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.visit_delete(visit=visit, by=request.user),
        page=lambda status: _visit_page(request, pk, status),
        done="实地调研记录已删除。",
        to="streetwork:visit_list",
        admit=lambda: _admit(request.user, "streetwork.delete_fieldvisit", visit),
    )
