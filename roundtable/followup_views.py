"""Staff pages of the round table's follow-up (namespace `roundtable`): the follow-up list, and
the buttons and small forms of the topic page's follow-up panel (add a resolution, mark one done,
correct one, set a topic aside, turn it into a need).

Each POST answers with a redirect to the topic page and a message; a refused form comes back on
this area's own small form page (roundtable/followup/form_page.html) with the errors beside its
fields and 422 (409 when the topic or the resolution moved on meanwhile). Views parse, fetch
through visible_to (404, audited, outside the scope), call roundtable/followup.py and let
core/http.py turn refusals into pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.models import Community
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404

from . import followup
from .followup import RESOLUTION_WORKFLOW, TOPIC_FOLLOWUP
from .followup_forms import (
    ResolutionDoneForm,
    ResolutionEditForm,
    ResolutionFilterForm,
    ResolutionForm,
    SetAsideForm,
    ToNeedForm,
)
from .models import Resolution, Topic

FORM_PAGE = "roundtable/followup/form_page.html"


def _topic(request, pk):
    return get_visible_or_404(
        Topic.objects.select_related("meeting", "community"), request.user, pk=pk
    )


def _resolution(request, pk):
    return get_visible_or_404(
        Resolution.objects.select_related("topic__meeting", "topic__community"),
        request.user,
        pk=pk,
    )


def _form_page(request, *, form, topic, title, action, submit, resolution=None):
    """The refused panel form again (or the edit form), with its topic and a way back."""

    def page(status: int):
        context = {
            "form": form,
            "topic": topic,
            "resolution": resolution,
            "title": title,
            "action": action,
            "submit": submit,
        }
        return render(request, FORM_PAGE, context, status=status)

    return page


@login_required
@permission_required("roundtable.view_resolutions", raise_exception=True)
def resolution_list(request):
    communities = list(
        Community.objects.visible_to(request.user)
        .select_related("street")
        .only("id", "name", "street__id", "street__name")
        .order_by("street__name", "name", "pk")
    )
    form = ResolutionFilterForm(request.GET or None, communities=communities)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = followup.resolution_list(
        request.user,
        state=filters.get("state", ""),
        community=filters.get("community"),
        street=filters.get("street"),
    )
    context = {
        "form": form,
        "page": paginate(request, rows),
        "solved": followup.solved_counts(request.user),
        "district_wide": request.user.scope.is_district_business,
        "today": timezone.localdate(),
    }
    template = "roundtable/followup/resolution_list.html"
    return render(request, f"{template}#rows" if request.htmx else template, context)


@require_POST
@login_required
def resolution_add(request, pk):
    topic = _topic(request, pk)
    form = ResolutionForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: followup.resolution_add(topic=topic, by=request.user, **data),
        admit=lambda: TOPIC_FOLLOWUP.admit(request.user, topic, "resolution_add"),
        form=form,
        form_shown=True,
        page=_form_page(
            request,
            form=form,
            topic=topic,
            title="记录决议",
            action=request.path,
            submit="保存决议",
        ),
        done="决议已记录。",
        to=topic.get_absolute_url() + "#followup",
    )


@require_POST
@login_required
def resolution_done(request, pk):
    resolution = _resolution(request, pk)
    form = ResolutionDoneForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: followup.resolution_done(
            resolution=resolution, by=request.user, note=data["note"]
        ),
        admit=lambda: RESOLUTION_WORKFLOW.admit(request.user, resolution, "done"),
        form=form,
        form_shown=True,
        page=_form_page(
            request,
            form=form,
            topic=resolution.topic,
            resolution=resolution,
            title="登记办结",
            action=request.path,
            submit="确认办结",
        ),
        done="已登记办结。",
        to=resolution.topic.get_absolute_url() + "#followup",
    )


@login_required
def resolution_edit(request, pk):
    resolution = _resolution(request, pk)
    initial = {
        "responsible": resolution.responsible,
        "action": resolution.action,
        "due_on": resolution.due_on,
    }
    form = ResolutionEditForm(request.POST if request.method == "POST" else None, initial=initial)

    def perform(data):
        followup.resolution_edit(resolution=resolution, by=request.user, **data)
        messages.success(request, "决议已修改,修改理由已记录。")
        return redirect(resolution.topic.get_absolute_url() + "#followup")

    return form_page(
        request,
        form,
        template=FORM_PAGE,
        context={
            "topic": resolution.topic,
            "resolution": resolution,
            "title": "修改决议",
            "action": request.path,
            "submit": "保存修改",
        },
        admit=lambda: RESOLUTION_WORKFLOW.admit(request.user, resolution, "edit"),
        back=resolution.topic.get_absolute_url(),
        perform=perform,
    )


@require_POST
@login_required
def topic_set_aside(request, pk):
    topic = _topic(request, pk)
    form = SetAsideForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: followup.topic_set_aside(topic=topic, by=request.user, reason=data["reason"]),
        admit=lambda: TOPIC_FOLLOWUP.admit(request.user, topic, "set_aside"),
        form=form,
        form_shown=True,
        page=_form_page(
            request,
            form=form,
            topic=topic,
            title="暂不讨论",
            action=request.path,
            submit="确认暂不讨论",
        ),
        done="议题已标记为暂不讨论。",
        to=topic.get_absolute_url() + "#followup",
    )


@require_POST
@login_required
def topic_to_need(request, pk):
    topic = _topic(request, pk)
    form = ToNeedForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: followup.topic_to_need(
            topic=topic, by=request.user, category=data.get("category")
        ),
        admit=lambda: TOPIC_FOLLOWUP.admit(request.user, topic, "to_need"),
        form=form,
        form_shown=True,
        page=_form_page(
            request,
            form=form,
            topic=topic,
            title="转为需求",
            action=request.path,
            submit="转为需求",
        ),
        done="已转入本社区的需求清单,议题页和需求页互相链接。",
        to=topic.get_absolute_url() + "#followup",
    )


urls = [
    path("resolutions/", resolution_list, name="resolutions"),
    path("topics/<int:pk>/resolutions/new/", resolution_add, name="resolution_add"),
    path("resolutions/<int:pk>/done/", resolution_done, name="resolution_done"),
    path("resolutions/<int:pk>/edit/", resolution_edit, name="resolution_edit"),
    path("topics/<int:pk>/set-aside/", topic_set_aside, name="topic_set_aside"),
    path("topics/<int:pk>/to-need/", topic_to_need, name="topic_to_need"),
]
