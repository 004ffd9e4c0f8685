"""A resident raises an objection during a project's 公示 period, without an account."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from core.http import form_page
from core.once import OnceForm
from core.phone import PhoneFormField
from core.ratelimit import rate_limited
from projects.models import Project
from projects.notice import notice_is_open, objection_raise


class ObjectionForm(OnceForm):
    text = forms.CharField(
        label="您的意见",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请写明您对这个项目有什么不同意见,最多 1000 字。意见和社区的答复会公开显示。",
    )
    phone = PhoneFormField(
        label="手机号码(选填)",
        required=False,
        help_text="留下号码,社区可以电话回复您;号码不会公开。",
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("请填写您的意见。")
        return text


@rate_limited("public_form")
def objection_create(request, pk):
    project = get_object_or_404(
        Project.objects.published().select_related("community__street", "compound"), pk=pk
    )
    form = ObjectionForm(request.POST if request.method == "POST" else None)

    def perform(data):
        objection_raise(project=project, text=data["text"], phone=data["phone"])
        messages.success(
            request, "您的意见已提交,列在本页“项目公示”的居民意见里。社区答复后也会显示在那里。"
        )
        # No "#notice": the page opens at its top, where the message is (a jump to the section
        # would land below it, and a resident on a phone would never see it).
        return redirect("public:announcement", project.pk)

    if request.method == "POST" and not notice_is_open(project):
        # The period ended (or never ran) while the page was open: say so, keep what was typed.
        form.is_valid()
        form.add_error(None, "该项目当前不在公示期内,不能提出异议。")
        return render(
            request,
            "public/notice_objection.html",
            {"project": project, "objection_form": form},
            status=422,
        )
    return form_page(
        request,
        form,
        template="public/notice_objection.html",
        perform=perform,
        context={"project": project, "objection_form": form},
    )
