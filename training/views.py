"""The training programme's pages: sessions, the rotation's cohorts and the attendance report.
Mentors, consultations and coaching are in mentor_views.py. Views parse, check the rule, call a
selector or a service; refusals become pages in core/http.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.http import form_page, perform_or_refuse
from core.paging import paginate

from . import selectors, services
from .forms import (
    CohortMoveForm,
    LeaveForm,
    MaterialForm,
    MonthPlanForm,
    MoveForm,
    QuarterlyForm,
    RateForm,
    RecordForm,
    SessionFilterForm,
    SessionForm,
)
from .models import Attendance, Trainee
from .workflow import ATTENDANCE_WORKFLOW, SESSION_WORKFLOW


def _posted(request):
    return request.POST if request.method == "POST" else None


def _district(request):
    district = selectors.district_for(request.user)
    if district is None:
        raise PermissionDenied
    return district


@login_required
@permission_required("training.view_programme", raise_exception=True)
def home(request):
    """Where each person starts: their own classes, mentors and consultations (a secretary),
    their desk (a mentor), and the programme (everybody who plans or follows it)."""
    user = request.user
    district = selectors.district_for(user)
    year = timezone.localdate().year
    context = {
        "mine": selectors.my_training(user),
        "desk": selectors.mentor_desk(user),
        "upcoming": selectors.session_list(user=user, filters={"status": "planned"}).order_by(
            "starts_at", "pk"
        )[:8],
        "cohorts": selectors.cohort_list(district),
        "rate": selectors.district_rate(user=user, year=year)
        if user.has_perm("training.view_report")
        else None,
        "year": year,
    }
    return render(request, "training/home.html", context)


# --- sessions -----------------------------------------------------------------------------------
@login_required
@permission_required("training.view_session", raise_exception=True)
def session_list(request):
    cohorts = selectors.cohort_list(selectors.district_for(request.user))
    form = SessionFilterForm(request.GET or None, cohorts=cohorts)
    page = paginate(request, selectors.session_list(user=request.user, filters=form.filters))
    template = "training/session_list.html"
    return render(
        request, f"{template}#rows" if request.htmx else template, {"page": page, "form": form}
    )


def _session_context(request, session, **forms):
    user = request.user
    full = user.has_perm("training.record_attendance", session)
    page = selectors.session_page(user=user, session=session, full=full)
    mine = page.mine
    can = SESSION_WORKFLOW.available(user, session)
    reply = ATTENDANCE_WORKFLOW.available(user, mine) if mine else {}
    return {
        "session": session,
        "page": page,
        "full": full,
        "can": can,
        "reply": reply,
        "started": session.starts_at <= timezone.now(),
        "move_targets": selectors.move_targets(session)
        if user.has_perm("training.manage_programme") and session.is_class
        else [],
        "leave_form": forms.get("leave_form") or LeaveForm(),
        "rate_form": forms.get("rate_form")
        or RateForm(initial={"rating": mine.rating, "comment": mine.comment} if mine else None),
        "material_form": forms.get("material_form") or MaterialForm(),
    }


def _session_page(request, session, status=200, **forms):
    return render(
        request,
        "training/session_detail.html",
        _session_context(request, session, **forms),
        status=status,
    )


@login_required
@permission_required("training.view_session", raise_exception=True)
def session_detail(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    return _session_page(request, session)


def _attendance_act(request, pk, action: str, done: str, form=None, form_key=""):
    session = selectors.session_get(user=request.user, pk=pk)
    mine = Attendance.objects.filter(session=session, user=request.user).first()
    if mine is None:
        raise PermissionDenied
    forms = {form_key: form} if form is not None else {}
    return perform_or_refuse(
        request,
        lambda data: ATTENDANCE_WORKFLOW.perform(mine, action, by=request.user, data=data),
        page=lambda status: _session_page(
            request, selectors.session_get(user=request.user, pk=pk), status, **forms
        ),
        done=done,
        to=session,
        admit=lambda: ATTENDANCE_WORKFLOW.admit(request.user, mine, action),
        form=form,
        form_shown=bool(form_key),
    )


@login_required
@require_POST
def session_confirm(request, pk):
    return _attendance_act(request, pk, "confirm", "已确认参加,培训前一天会提醒您。")


@login_required
@require_POST
def session_leave(request, pk):
    return _attendance_act(
        request, pk, "leave", "已请假。", form=LeaveForm(request.POST), form_key="leave_form"
    )


@login_required
@require_POST
def session_rate(request, pk):
    return _attendance_act(
        request, pk, "rate", "谢谢您的评价。", form=RateForm(request.POST), form_key="rate_form"
    )


@login_required
@require_POST
def session_cancel(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: SESSION_WORKFLOW.perform(session, "cancel", by=request.user),
        page=lambda status: _session_page(request, session, status),
        done="培训已取消,学员会收到通知。",
        to=session,
        admit=lambda: SESSION_WORKFLOW.admit(request.user, session, "cancel"),
    )


@login_required
@require_POST
def session_material(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    return perform_or_refuse(
        request,
        lambda data: services.material_add(
            by=request.user, session=session, title=data["title"], uploaded_file=data["file"]
        ),
        page=lambda status: _session_page(request, session, status, material_form=form),
        done="材料已上传。",
        to=session,
        admit=lambda: SESSION_WORKFLOW.admit(request.user, session, "add_material"),
        form=form,
        form_shown=True,
    )


@login_required
def session_edit(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    # form_page asks first: 403, or a held session's conflict (back to it; 409 on a post).
    admit = lambda: SESSION_WORKFLOW.admit(request.user, session, "edit")  # noqa: E731

    def perform(data):
        SESSION_WORKFLOW.perform(session, "edit", by=request.user, data=data)
        messages.success(request, "培训安排已保存;时间或地点有变的,学员会收到通知。")
        return redirect(session)

    return form_page(
        request,
        SessionForm(_posted(request), instance=session),
        template="training/session_form.html",
        context={"session": session, "heading": "修改培训安排"},
        perform=perform,
        admit=admit,
        back=session,
    )


@login_required
def session_attendance(request, pk):
    """Tick who came, after the session started."""
    session = selectors.session_get(user=request.user, pk=pk)
    admit = lambda: SESSION_WORKFLOW.admit(request.user, session, "record")  # noqa: E731
    attendances = list(
        session.attendances.select_related("user", "community__street").order_by(
            "community__street__name", "community__name", "id"
        )
    )

    def perform(data):
        SESSION_WORKFLOW.perform(
            session, "record", by=request.user, data={"present": data["present"]}
        )
        messages.success(request, "出勤已登记。")
        return redirect(session)

    return form_page(
        request,
        RecordForm(_posted(request), attendances=attendances),
        template="training/session_attendance.html",
        context={"session": session, "attendances": attendances},
        perform=perform,
        admit=admit,
        back=session,
    )


@login_required
@permission_required("training.manage_programme", raise_exception=True)
def quarterly_create(request):
    district = _district(request)

    def perform(data):
        session = services.quarterly_create(by=request.user, district=district, data=data)
        messages.success(
            request, f"季度专题培训已安排,已通知 {session.attendances.count()} 位学员。"
        )
        return redirect(session)

    return form_page(
        request,
        QuarterlyForm(_posted(request), initial={"title": "季度专题培训"}),
        template="training/session_form.html",
        context={"heading": "安排季度专题培训"},
        perform=perform,
    )


@login_required
@require_POST
def attendee_move(request, pk):
    attendance = Attendance.objects.select_related("session").filter(pk=pk).first()
    if attendance is None or not request.user.has_perm("training.manage_programme"):
        raise PermissionDenied
    session = attendance.session
    form = MoveForm(request.POST, targets=selectors.move_targets(session))
    return perform_or_refuse(
        request,
        lambda data: services.attendee_move(by=request.user, attendance=attendance, to=data["to"]),
        page=lambda status: _session_page(request, session, status),
        done=f"已将{attendance.user}调整到其他班次。",
        to=session,
        form=form,
    )


def _year(request) -> int:
    """?year=, between 2000 and next year; this year without it."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    return min(max(year, 2000), today.year + 1)


# --- the rotation -------------------------------------------------------------------------------
@login_required
@permission_required("training.manage_programme", raise_exception=True)
def cohort_list(request):
    district = _district(request)
    cohorts = selectors.cohort_list(district)
    return render(
        request,
        "training/cohort_list.html",
        {
            "cohorts": cohorts,
            "unplaced": selectors.unplaced_secretaries(district) if cohorts else 0,
            "month": timezone.localdate().replace(day=1),
        },
    )


@login_required
@require_POST
@permission_required("training.manage_programme", raise_exception=True)
def cohort_setup(request):
    district = _district(request)
    cohorts = services.cohorts_create(by=request.user, district=district)
    messages.success(request, f"已建立{len(cohorts)}个轮训分组,未分组的社区书记已编入。")
    return redirect("training:cohort_list")


@login_required
@permission_required("training.manage_programme", raise_exception=True)
def cohort_detail(request, pk):
    return _cohort_page(request, selectors.cohort_get(pk))


def _cohort_page(request, cohort, status=200):
    year = _year(request)
    return render(
        request,
        "training/cohort_detail.html",
        {
            "cohort": cohort,
            "trainees": list(selectors.cohort_trainees(cohort)),
            "sessions": list(selectors.cohort_sessions(cohort, year)),
            "move_form": CohortMoveForm(district=cohort.district),
            "year": year,
        },
        status=status,
    )


@login_required
@permission_required("training.manage_programme", raise_exception=True)
def cohort_plan(request, pk):
    cohort = selectors.cohort_get(pk)

    def perform(data):
        sessions = services.month_plan(by=request.user, cohort=cohort, data=data)
        messages.success(request, f"已编为 {len(sessions)} 个班,学员已收到通知。")
        # January's classes are planned in December: show the year they are in.
        return redirect(f"{cohort.get_absolute_url()}?year={sessions[0].month.year}")

    return form_page(
        request,
        MonthPlanForm(
            _posted(request),
            cohort=cohort,
            initial={"title": f"头雁工程实训营·{cohort.name}", "trainer": ""},
        ),
        template="training/session_form.html",
        context={"cohort": cohort, "heading": f"{cohort.name}编班"},
        perform=perform,
        back=cohort,
    )


@login_required
@require_POST
@permission_required("training.manage_programme", raise_exception=True)
def trainee_move(request, pk):
    trainee = Trainee.objects.select_related("cohort", "user").filter(pk=pk).first()
    if trainee is None:
        raise Http404
    form = CohortMoveForm(request.POST, district=trainee.cohort.district)
    cohort = trainee.cohort
    return perform_or_refuse(
        request,
        lambda data: services.trainee_move(by=request.user, trainee=trainee, cohort=data["cohort"]),
        page=lambda status: _cohort_page(request, cohort, status),
        done=f"已调整{trainee.user}的轮训分组。",
        to=cohort,
        form=form,
    )


# --- the attendance report ----------------------------------------------------------------------
@login_required
@permission_required("training.view_report", raise_exception=True)
def attendance_report(request):
    today = timezone.localdate()
    report = selectors.attendance_report(user=request.user, year=_year(request))
    return render(
        request,
        "training/attendance_report.html",
        {"report": report, "years": range(today.year, today.year - 4, -1)},
    )
