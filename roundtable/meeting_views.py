"""Staff pages of the round table's meetings under /roundtable/ (namespace `roundtable`): the list
of meetings in scope, one meeting (its topics, attendance and minutes, and the forms that move,
close and record it), and the community's round-table settings.

Views parse, check the rule, call a selector (roundtable/selectors_meetings.py) or a service
(roundtable/meetings.py); refusals become pages in core/http.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Community
from core.http import form_page, perform_or_refuse
from core.once import new_token
from core.paging import paginate
from core.scope import get_visible_or_404

from . import meetings, selectors_meetings
from .access import settings_of
from .meeting_forms import (
    AttendanceForm,
    AttendanceRemoveForm,
    CloseForm,
    MeetingFilterForm,
    RescheduleForm,
    SettingsForm,
)
from .meetings import MEETING_WORKFLOW

TOPICS_PER_PAGE = 30
ATTENDANCE_SHOWN = 300
POSTERS_SHOWN = 20


@login_required
def meeting_index(request):
    user = request.user
    if not user.has_perm("roundtable.view_meetings"):
        raise PermissionDenied
    form = MeetingFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    context = {
        "form": form,
        "page": paginate(request, selectors_meetings.meeting_list(user=user, **filters)),
        "current": selectors_meetings.current_meetings(user=user),
        "today": timezone.localdate(),
    }
    template = "roundtable/meetings/index.html"
    return render(request, f"{template}#rows" if request.htmx else template, context)


def _get(request, pk):
    meeting = selectors_meetings.meeting_get(user=request.user, pk=pk)
    if not request.user.has_perm("roundtable.view_meetings"):
        raise PermissionDenied
    return meeting


def _meeting_page(request, meeting, status=200, **forms):
    user, today = request.user, timezone.localdate()
    can = MEETING_WORKFLOW.available(user, meeting)
    open_for_attendance = can["attendance_add"] and meetings.attendance_open(meeting)
    reschedule = forms.get("reschedule") or RescheduleForm(initial={"date": meeting.date})
    context = {
        "meeting": meeting,
        "today": today,
        "phase": meeting.phase(today),
        "moved": meetings.moved_label(meeting),
        "can": can,
        "can_raise_topic": meeting.status == meetings.SCHEDULED
        and user.has_perm("roundtable.add_topic", meeting),
        "can_moderate": user.has_perm("roundtable.view_moderation"),
        "attendance_open": open_for_attendance,
        "topics": paginate(request, selectors_meetings.meeting_topics(meeting), TOPICS_PER_PAGE),
        "unresolved": (
            list(meetings.unresolved_topics(meeting)[: meetings.NAMED_TOPICS])
            if can["close"]
            else []
        ),
        "attendance": list(selectors_meetings.meeting_attendance(meeting)[:ATTENDANCE_SHOWN]),
        "posters": _with_tokens(
            meetings.posters_of_the_day(meeting)[:POSTERS_SHOWN] if open_for_attendance else []
        ),
        "reschedule_form": reschedule,
        "reschedule_date": (
            reschedule.data.get("date", "") if reschedule.is_bound else meeting.date.isoformat()
        ),
        "close_form": forms.get("close") or CloseForm(),
        "attendance_form": forms.get("attendance") or AttendanceForm(meeting=meeting),
    }
    return render(request, "roundtable/meetings/meeting.html", context, status=status)


def _with_tokens(participants) -> list:
    """Each quick-add button of a participant who posted today is a form of its own: its own
    one-time token, so pressing two in a row records both."""
    rows = list(participants)
    for row in rows:
        row.once = new_token()
    return rows


@login_required
def meeting_detail(request, pk):
    return _meeting_page(request, _get(request, pk))


def _act(request, meeting, *, action, form, call, done, shown=None):
    """A form on the meeting's page: admitted by the workflow table, refused back onto the page."""
    pk = meeting.pk
    return perform_or_refuse(
        request,
        lambda data: call(meeting, data),
        admit=lambda: MEETING_WORKFLOW.admit(request.user, meeting, action),
        form=form,
        form_shown=shown is not None,
        page=lambda status: _meeting_page(
            request, _get(request, pk), status, **({shown: form} if shown else {})
        ),
        done=done,
        to=reverse("roundtable:meeting", args=[pk]),
    )


@require_POST
@login_required
def meeting_reschedule(request, pk):
    return _act(
        request,
        _get(request, pk),
        action="reschedule",
        form=RescheduleForm(request.POST),
        call=lambda meeting, data: meetings.meeting_reschedule(
            meeting=meeting, by=request.user, date=data["date"], reason=data["reason"]
        ),
        done="已改期,关注本社区圆桌会的居民会收到短信通知。",
        shown="reschedule",
    )


@require_POST
@login_required
def meeting_close(request, pk):
    return _act(
        request,
        _get(request, pk),
        action="close",
        form=CloseForm(request.POST),
        call=lambda meeting, data: meetings.meeting_close(
            meeting=meeting, by=request.user, minutes=data["minutes"]
        ),
        done="已闭会:会议纪要已保存,当天线上发言的参与人已登记出席。",
        shown="close",
    )


@require_POST
@login_required
def attendance_add(request, pk):
    meeting = _get(request, pk)
    return _act(
        request,
        meeting,
        action="attendance_add",
        form=AttendanceForm(request.POST, meeting=meeting),
        call=lambda meeting, data: meetings.attendance_add(
            meeting=meeting,
            by=request.user,
            participant=data.get("participant"),
            name=data.get("name", ""),
            capacity=data.get("capacity", ""),
            online=data.get("online", False),
        ),
        done="已登记出席。",
        shown="attendance",
    )


@require_POST
@login_required
def attendance_remove(request, pk):
    return _act(
        request,
        _get(request, pk),
        action="attendance_remove",
        form=AttendanceRemoveForm(request.POST),
        call=lambda meeting, data: meetings.attendance_remove(
            meeting=meeting, by=request.user, attendance_id=data["attendance"]
        ),
        done="已删除这条出席记录。",
    )


@login_required
def community_settings(request, pk):
    user = request.user
    community = get_visible_or_404(Community.objects.select_related("street"), user, pk=pk)
    if not user.has_perm("roundtable.view_settings", community):
        raise PermissionDenied
    can_change = user.has_perm("roundtable.change_settings", community)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    current = settings_of(community)
    initial = {
        "holiday_shift": current.holiday_shift,
        "review_first": current.review_first,
        "starts_at": current.starts_at,
        "place": current.place,
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True

    def perform(data):
        meetings.settings_update(community=community, by=user, **data)
        messages.success(request, "圆桌会设置已保存,已同步到本社区尚未召开的圆桌会。")
        return redirect("roundtable:settings", pk=community.pk)

    return form_page(
        request,
        form,
        template="roundtable/meetings/settings.html",
        context={"community": community, "current": current, "can_change": can_change},
        perform=perform,
    )


urls = [
    path("", meeting_index, name="index"),
    path("<int:pk>/", meeting_detail, name="meeting"),
    path("<int:pk>/reschedule/", meeting_reschedule, name="meeting_reschedule"),
    path("<int:pk>/close/", meeting_close, name="meeting_close"),
    path("<int:pk>/attendance/add/", attendance_add, name="attendance_add"),
    path("<int:pk>/attendance/remove/", attendance_remove, name="attendance_remove"),
    path("settings/<int:pk>/", community_settings, name="settings"),
]
