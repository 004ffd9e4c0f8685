"""Staff pages of the 公示 objections: the project's list, one objection with its actions, and the
street's queue of undecided ones. What each status allows is OBJECTION_WORKFLOW's (notice.py)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.http import perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404

from . import notice
from .models import Project
from .notice import OBJECTION_WORKFLOW


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="公开答复",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="答复会显示在居民页面上,请不要写居民的姓名和电话。",
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label="屏蔽理由",
        max_length=200,
        help_text="例如:含辱骂或他人隐私。理由记入审计日志,工作人员可见。",
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="街道决定",
        choices=[("dismissed", "异议不成立"), ("upheld", "异议成立(项目退回方案修改)")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="决定意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _objection_page(request, objection, *, status=200, reveal=None, **forms_):
    context = {
        "objection": objection,
        "project": objection.project,
        "can": OBJECTION_WORKFLOW.available(request.user, objection),
        "can_reveal": request.user.has_perm("projects.reveal_objection_phone", objection),
        **(reveal or {}),
        "answer_form": forms_.get("answer_form") or AnswerForm(),
        "hide_form": forms_.get("hide_form") or HideForm(),
        "decide_form": forms_.get("decide_form") or DecideForm(),
    }
    return render(request, "projects/notice_objection.html", context, status=status)


@login_required
def objection_detail(request, pk):
    return _objection_page(request, notice.objection_get(user=request.user, pk=pk))


def _act(request, pk, action: str, form_class, call, done: str, form_key: str):
    objection = notice.objection_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    return perform_or_refuse(
        request,
        lambda data: call(objection, data),
        page=lambda status: _objection_page(
            request,
            notice.objection_get(user=request.user, pk=pk),
            status=status,
            **{form_key: form},
        ),
        done=done,
        to=objection,
        admit=lambda: OBJECTION_WORKFLOW.admit(request.user, objection, action),
        form=form,
        form_shown=True,
    )


@require_POST
@login_required
def objection_answer(request, pk):
    return _act(
        request,
        pk,
        "answer",
        AnswerForm,
        lambda o, d: notice.objection_answer(objection=o, by=request.user, answer=d["answer"]),
        "答复已公开,并已通知街道决定。",
        "answer_form",
    )


@require_POST
@login_required
def objection_hide(request, pk):
    return _act(
        request,
        pk,
        "hide",
        HideForm,
        lambda o, d: notice.objection_hide(objection=o, by=request.user, reason=d["reason"]),
        "该异议已从居民页面屏蔽。",
        "hide_form",
    )


@require_POST
@login_required
def objection_decide(request, pk):
    # Both decisions need the same permission and status; the admit asks for the one posted.
    action = "uphold" if request.POST.get("decision") == "upheld" else "dismiss"
    return _act(
        request,
        pk,
        action,
        DecideForm,
        lambda o, d: notice.objection_decide(
            objection=o, by=request.user, upheld=d["decision"] == "upheld", note=d["note"]
        ),
        "街道决定已记录,并已通知社区。",
        "decide_form",
    )


@login_required
def project_objections(request, pk):
    project = get_visible_or_404(
        Project.objects.select_related("community__street"), request.user, pk=pk
    )
    page = paginate(request, notice.project_objections(project))
    return render(
        request,
        "projects/notice_objection_list.html",
        {"project": project, "page": page, "today": timezone.localdate()},
    )


@login_required
@permission_required("projects.view_objections", raise_exception=True)
def objection_queue(request):
    page = paginate(request, notice.objection_queue(user=request.user))
    return render(request, "projects/notice_queue.html", {"page": page})


@require_POST
@login_required
def objection_phone(request, pk):
    """The full number the resident left, for the community staff who call back (the public form
    promises it); audited. With htmx only the number comes back."""
    objection = notice.objection_get(user=request.user, pk=pk)
    reveal, status = {}, 200
    try:
        reveal["number"] = notice.objection_phone_reveal(objection=objection, by=request.user)
    except ValidationError as exc:  # no number was left
        reveal["reveal_error"], status = " ".join(exc.messages), 422
    if request.htmx:
        context = {"objection": objection, "can_reveal": True, **reveal}
        return render(request, "projects/notice_objection.html#phone", context, status=status)
    return _objection_page(request, objection, status=status, reveal=reveal)
