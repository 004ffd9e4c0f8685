"""The mentor panel, consultations and 一项目一方案 coaching."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404
from projects.models import Project

from . import selectors, services
from .forms import (
    CoachingForm,
    CoachingNoteForm,
    CoachingPlanForm,
    ConsultationForm,
    MentorCreateForm,
    MentorForm,
    MessageForm,
    PairingForm,
)
from .models import CoachingStatus, ConsultationStatus, Pairing
from .workflow import COACHING_WORKFLOW, CONSULTATION_WORKFLOW


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- the panel ----------------------------------------------------------------------------------
@login_required
@permission_required("training.view_mentors", raise_exception=True)
def mentor_list(request):
    show_inactive = request.GET.get("all") == "1" and request.user.has_perm(
        "training.manage_mentors"
    )
    mentors = selectors.mentor_list(user=request.user, show_inactive=show_inactive)
    return render(
        request,
        "training/mentor_list.html",
        {"page": paginate(request, mentors), "show_inactive": show_inactive},
    )


@login_required
@permission_required("training.view_mentors", raise_exception=True)
def mentor_detail(request, pk, pairing_form=None, status=200):
    mentor = selectors.mentor_get(user=request.user, pk=pk)
    manage = request.user.has_perm("training.manage_mentors")
    sees_pairs = manage or mentor.user_id == request.user.pk
    return render(
        request,
        "training/mentor_detail.html",
        {
            "mentor": mentor,
            "manage": manage,
            "pairings": list(selectors.mentor_pairings(mentor)) if sees_pairs else [],
            "coachings": list(selectors.mentor_coachings(mentor, request.user)),
            "pairing_form": pairing_form or (PairingForm(mentor=mentor) if manage else None),
        },
        status=status,
    )


@login_required
@permission_required("training.manage_mentors", raise_exception=True)
def mentor_create(request):
    district = selectors.district_for(request.user)
    if district is None:
        raise PermissionDenied

    def perform(data):
        user = data.pop("user")
        mentor = services.mentor_add(by=request.user, district=district, user=user, data=data)
        messages.success(request, f"{mentor}已加入导师团。")
        return redirect(mentor)

    return form_page(
        request,
        MentorCreateForm(_posted(request)),
        template="training/mentor_form.html",
        context={"heading": "添加导师"},
        perform=perform,
    )


@login_required
@permission_required("training.manage_mentors", raise_exception=True)
def mentor_edit(request, pk):
    mentor = selectors.mentor_get(user=request.user, pk=pk)

    def perform(data):
        services.mentor_update(by=request.user, mentor=mentor, data=data)
        messages.success(request, "导师信息已保存。")
        return redirect(mentor)

    return form_page(
        request,
        MentorForm(_posted(request), instance=mentor),
        template="training/mentor_form.html",
        context={"heading": f"修改导师信息:{mentor}", "mentor": mentor},
        perform=perform,
        back=mentor,
    )


@login_required
@require_POST
@permission_required("training.manage_mentors", raise_exception=True)
def pairing_create(request, pk):
    mentor = selectors.mentor_get(user=request.user, pk=pk)
    form = PairingForm(request.POST, mentor=mentor)
    return perform_or_refuse(
        request,
        lambda data: services.pairing_create(
            by=request.user, mentor=mentor, secretary=data["mentee"]
        ),
        page=lambda status: mentor_detail(request, pk, pairing_form=form, status=status),
        done="已结对,双方都会收到通知。",
        to=mentor,
        form=form,
        form_shown=True,
    )


@login_required
@require_POST
@permission_required("training.manage_mentors", raise_exception=True)
def pairing_end(request, pk):
    pairing = Pairing.objects.select_related("mentor").filter(pk=pk).first()
    if pairing is None:
        raise Http404
    return perform_or_refuse(
        request,
        lambda data: services.pairing_end(by=request.user, pairing=pairing),
        page=lambda status: mentor_detail(request, pairing.mentor_id, status=status),
        done="结对已结束。",
        to=pairing.mentor,
    )


# --- consultations ------------------------------------------------------------------------------
@login_required
@permission_required("training.view_consultations", raise_exception=True)
def consultation_list(request):
    status = request.GET.get("status", "")
    if status not in ("", "open", *ConsultationStatus.values):
        status = ""
    rows = selectors.consultation_list(user=request.user, status=status)
    return render(
        request,
        "training/consultation_list.html",
        {
            "page": paginate(request, rows),
            "status": status,
            "statuses": ConsultationStatus.choices,
            "may_ask": request.user.has_perm("training.ask_mentor"),
        },
    )


@login_required
@permission_required("training.ask_mentor", raise_exception=True)
def consultation_create(request):
    mentors = list(services.paired_mentors(request.user))

    def perform(data):
        consultation = services.consultation_open(
            by=request.user, mentor=data["mentor"], subject=data["subject"], text=data["text"]
        )
        messages.success(request, "咨询已发给导师,导师答复后您会收到通知。")
        return redirect(consultation)

    initial = {}
    if (wanted := request.GET.get("mentor", "")).isdigit():
        initial["mentor"] = int(wanted)
    return form_page(
        request,
        ConsultationForm(_posted(request), mentors=mentors, initial=initial),
        template="training/consultation_form.html",
        context={"mentors": mentors},
        perform=perform,
    )


def _thread(request, consultation, form=None, status=200):
    can = CONSULTATION_WORKFLOW.available(request.user, consultation)
    return render(
        request,
        "training/consultation_detail.html",
        {
            "consultation": consultation,
            "can": can,
            "form": form or MessageForm(),
        },
        status=status,
    )


@login_required
@permission_required("training.view_consultations", raise_exception=True)
def consultation_detail(request, pk):
    return _thread(request, selectors.consultation_get(user=request.user, pk=pk))


@login_required
@require_POST
def consultation_reply(request, pk):
    """The mentor answers, the asker follows up: the same form, the action by who writes."""
    consultation = selectors.consultation_get(user=request.user, pk=pk)
    action = "answer" if consultation.asker_id != request.user.pk else "follow_up"
    form = MessageForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: CONSULTATION_WORKFLOW.perform(
            consultation, action, by=request.user, data=data
        ),
        page=lambda status: _thread(
            request, selectors.consultation_get(user=request.user, pk=pk), form, status
        ),
        done="留言已发送。",
        to=consultation,
        admit=lambda: CONSULTATION_WORKFLOW.admit(request.user, consultation, action),
        form=form,
        form_shown=True,
    )


@login_required
@require_POST
def consultation_close(request, pk):
    consultation = selectors.consultation_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: CONSULTATION_WORKFLOW.perform(consultation, "close", by=request.user),
        page=lambda status: _thread(request, consultation, status=status),
        done="咨询已结束。",
        to=consultation,
        admit=lambda: CONSULTATION_WORKFLOW.admit(request.user, consultation, "close"),
    )


# --- 一项目一方案 ---------------------------------------------------------------------------------
@login_required
@permission_required("training.view_coachings", raise_exception=True)
def coaching_list(request):
    status = request.GET.get("status", "")
    if status not in ("", *CoachingStatus.values):
        status = ""
    rows = selectors.coaching_list(user=request.user, status=status)
    return render(
        request,
        "training/coaching_list.html",
        {"page": paginate(request, rows), "status": status, "statuses": CoachingStatus.choices},
    )


@login_required
def coaching_create(request):
    """Attach a mentor to a project (?project=<id>, a project the user sees)."""
    raw = request.GET.get("project", "")
    if not raw.isdigit():
        raise Http404
    # Read grants (a judge's, a mentor's own coaching) show a project, never let one act on it.
    project = get_visible_or_404(
        Project.objects.select_related("community__street"),
        request.user,
        visible_kwargs={"grants": False},
        pk=int(raw),
    )
    admit = lambda: _require(request.user, "training.attach_coach", project)  # noqa: E731
    admit()

    def perform(data):
        mentor = data.pop("mentor")
        coaching = services.coaching_attach(
            by=request.user, project=project, mentor=mentor, data=data
        )
        messages.success(request, f"已安排{mentor}指导该项目,导师和社区都会收到通知。")
        return redirect(coaching)

    return form_page(
        request,
        CoachingForm(_posted(request)),
        template="training/coaching_form.html",
        context={"project": project},
        perform=perform,
        admit=admit,
        back=project,
    )


def _require(user, permission, obj):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _coaching_page(request, coaching, status=200, **forms):
    can = COACHING_WORKFLOW.available(request.user, coaching)
    return render(
        request,
        "training/coaching_detail.html",
        {
            "coaching": coaching,
            "can": can,
            "note_form": forms.get("note_form") or CoachingNoteForm(),
            "plan_form": forms.get("plan_form")
            or CoachingPlanForm(initial={"plan": coaching.plan}),
        },
        status=status,
    )


@login_required
@permission_required("training.view_coachings", raise_exception=True)
def coaching_detail(request, pk):
    return _coaching_page(request, selectors.coaching_get(user=request.user, pk=pk))


def _coaching_act(request, pk, action, done, form=None, form_key=""):
    coaching = selectors.coaching_get(user=request.user, pk=pk)
    forms = {form_key: form} if form is not None else {}
    return perform_or_refuse(
        request,
        lambda data: COACHING_WORKFLOW.perform(coaching, action, by=request.user, data=data),
        page=lambda status: _coaching_page(
            request, selectors.coaching_get(user=request.user, pk=pk), status, **forms
        ),
        done=done,
        to=coaching,
        admit=lambda: COACHING_WORKFLOW.admit(request.user, coaching, action),
        form=form,
        form_shown=bool(form_key),
    )


@login_required
@require_POST
def coaching_note(request, pk):
    form = CoachingNoteForm(request.POST)
    return _coaching_act(request, pk, "note", "指导记录已保存。", form, "note_form")


@login_required
@require_POST
def coaching_plan(request, pk):
    form = CoachingPlanForm(request.POST, request.FILES)
    return _coaching_act(request, pk, "plan", "指导方案已保存,社区会收到通知。", form, "plan_form")


@login_required
@require_POST
def coaching_close(request, pk):
    return _coaching_act(request, pk, "close", "项目指导已结束。")
