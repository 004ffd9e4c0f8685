"""Step 6 pages for community staff: plan sessions and series, a session's page with its
buttons, hold / correct / cancel it, make its photos public. Parse → permission → service; the
refusals become pages in core/http.py; what each status allows is SESSION_WORKFLOW's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import form_page, perform_or_refuse
from core.paging import paginate

from . import selectors, sessions
from .session_forms import (
    CancelForm,
    HoldForm,
    PhotoConsentForm,
    SeriesForm,
    SessionFields,
    SessionForm,
)
from .sessions import SESSION_WORKFLOW


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _plan_page(request, project, form, template, perform):
    return form_page(
        request,
        form,
        template=template,
        context={"project": project, "community": project.community},
        perform=perform,
        admit=lambda: sessions.admit_planning(request.user, project),
        back=project,
    )


@login_required
def session_create(request, pk):
    project = selectors.project_head(user=request.user, pk=pk)
    form = SessionForm(_posted(request)[0], project=project)

    def perform(data):
        milestone = data.pop("milestone", None)
        session = sessions.session_schedule(
            project=project, by=request.user, data=data, milestone=milestone
        )
        messages.success(request, f"已安排 {session.date:%Y-%m-%d} 的活动。")
        return redirect(session)

    return _plan_page(request, project, form, "projects/session_form.html", perform)


@login_required
def series_create(request, pk):
    project = selectors.project_head(user=request.user, pk=pk)
    form = SeriesForm(_posted(request)[0])

    def perform(data):
        series = sessions.series_create(project=project, by=request.user, data=data)
        made = series.sessions.count()
        why = sessions.series_cut_short(series, timezone.localdate())
        messages.success(request, f"系列活动“{series.title}”已安排 {made} 场。{why}")
        return redirect("projects:sessions", pk=project.pk)

    return _plan_page(request, project, form, "projects/session_series_form.html", perform)


@login_required
def session_list(request, pk):
    project = selectors.project_head(user=request.user, pk=pk)
    page = paginate(request, selectors.session_list(project))
    return render(
        request,
        "projects/session_list.html",
        {
            "project": project,
            "page": page,
            "may_plan": sessions.may_plan(request.user, project),
        },
    )


def _detail(request, session, *, status=200, cancel_form=None):
    context = {
        "session": session,
        "project": session.project,
        "can": SESSION_WORKFLOW.available(request.user, session),
        "photos": list(session.photos.all()),
        "volunteer_rows": list(session.volunteer_rows.all()),
        "spending_rows": list(session.spending_rows.all()),
        "contribution_rows": list(session.contribution_rows.all()),
        "children": sessions.serves_children(session.project),
        "cancel_form": cancel_form or CancelForm(),
    }
    return render(request, "projects/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk):
    return _detail(request, selectors.session_get(user=request.user, pk=pk))


@login_required
def session_edit(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    form = SessionFields(_posted(request)[0], instance=session, project=session.project)

    def perform(data):
        sessions.session_edit(session=session, by=request.user, data=data)
        messages.success(request, "活动安排已调整。")
        return redirect(session)

    return form_page(
        request,
        form,
        template="projects/session_form.html",
        context={"project": session.project, "session": session},
        perform=perform,
        admit=lambda: SESSION_WORKFLOW.admit(request.user, session, "edit"),
        back=session,
    )


@login_required
def session_hold(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    action = "hold" if session.status == session.Status.SCHEDULED else "correct"
    # A search for partners (the page's 查找, by htmx or as a plain GET) keeps what was typed.
    form = HoldForm(*_posted(request), session=session, query=request.GET)
    searching = request.method != "POST" and "partner_q" in request.GET

    def perform(data):
        sessions.session_hold(
            session=session,
            by=request.user,
            data=data,
            volunteers=data.pop("volunteer_rows"),
            spending=data.pop("spending_rows"),
            contributions=data.pop("contribution_rows"),
            photos=data.pop("photo") or [],
        )
        messages.success(request, "活动记录已保存。照片默认不公开,可在本页确认同意后公开。")
        return redirect(session)

    return form_page(
        request,
        form,
        template="projects/session_hold.html",
        context={"project": session.project, "session": session, "action": action},
        perform=perform,
        admit=lambda: SESSION_WORKFLOW.admit(request.user, session, action),
        back=session,
        partial="partner-rows" if searching else None,
    )


def _act(request, session, action, call, *, form, done):
    return perform_or_refuse(
        request,
        call,
        page=lambda status: _detail(
            request,
            selectors.session_get(user=request.user, pk=session.pk),
            status=status,
            cancel_form=form if action == "cancel" else None,
        ),
        done=done,
        to=session,
        admit=lambda: SESSION_WORKFLOW.admit(request.user, session, action),
        form=form,
        form_shown=action == "cancel",
    )


@require_POST
@login_required
def session_cancel(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    return _act(
        request,
        session,
        "cancel",
        lambda data: sessions.session_cancel(
            session=session, by=request.user, reason=data["reason"]
        ),
        form=CancelForm(request.POST),
        done="活动已取消。",
    )


@require_POST
@login_required
def photo_publish(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    return _act(
        request,
        session,
        "publish_photo",
        lambda data: sessions.photo_publish(
            session=session,
            photo=data["photo_id"],
            by=request.user,
            consent=data["consent"],
            guardian_consent=data["guardian_consent"],
        ),
        form=PhotoConsentForm(request.POST, session=session),
        done="照片已公开,居民页面上可以看到。",
    )


@require_POST
@login_required
def photo_withdraw(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    return _act(
        request,
        session,
        "withdraw_photo",
        lambda data: sessions.photo_withdraw(
            session=session, photo=data["photo_id"], by=request.user
        ),
        form=PhotoConsentForm(request.POST, session=session),
        done="照片已撤回公开。",
    )
