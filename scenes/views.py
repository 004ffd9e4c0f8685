"""Scene and micro-project pages: parse, check the rule, call a selector or a service. Refusals
become pages in core/http.py. Residents' pages are in scenes/public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.choice import create_page
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from outreach.selectors import visited_buildings

from . import selectors, services
from .forms import (
    MicroFilterForm,
    MicroProjectCreateForm,
    MicroProjectForm,
    PhotoConsentForm,
    ReleaseForm,
    SceneCreateForm,
    SceneFilterForm,
    SceneForm,
    ScenePhotoForm,
)
from .models import SceneKind
from .workflow import MICRO_WORKFLOW


def _admit(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


# --- 小区场景 --------------------------------------------------------------------------------
@login_required
@permission_required("scenes.view_scene", raise_exception=True)
def scene_list(request):
    form = SceneFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = paginate(request, selectors.scene_list(user=request.user, kind=kind))
    counts = selectors.scene_counts(user=request.user)
    labels = dict(SceneKind.choices)
    for row in counts["by_kind"]:
        row["label"] = labels.get(row["kind"], row["kind"])
    return render(request, "scenes/scene_list.html", {"page": page, "form": form, "counts": counts})


@login_required
@permission_required("scenes.add_scene", raise_exception=True)
def scene_create(request):
    return create_page(
        request,
        permission="scenes.add_scene",
        heading="登记小区场景",
        form=lambda data, community: SceneCreateForm(data, community=community),
        template="scenes/scene_form.html",
        create=lambda community, data: services.scene_create(
            by=request.user, community=community, data=data
        ),
        done="小区场景已登记。",
    )


def _scene_page(request, scene, status=200):
    photos = list(scene.photos.select_related("upload").order_by("id")[:30])
    context = {
        "scene": scene,
        "photos": photos,
        "projects": list(scene.projects.alive().only("id", "title", "status")[:30]),
        "can_change": request.user.has_perm("scenes.change_scene", scene),
        "photo_form": ScenePhotoForm(),
    }
    return render(request, "scenes/scene_detail.html", context, status=status)


@login_required
def scene_detail(request, pk):
    return _scene_page(request, selectors.scene_get(user=request.user, pk=pk))


@login_required
def scene_edit(request, pk):
    scene = selectors.scene_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "scenes.change_scene", scene)  # noqa: E731
    admit()
    form = SceneForm(
        request.POST if request.method == "POST" else None,
        instance=scene,
        community=scene.community,
    )

    def perform(data):
        services.scene_update(scene=scene, by=request.user, data=data)
        messages.success(request, "小区场景已保存。")
        return redirect(scene)

    return form_page(
        request,
        form,
        template="scenes/scene_form.html",
        context={"object": scene, "community": scene.community, "heading": "修改小区场景"},
        perform=perform,
        admit=admit,
        back=scene,
    )


@require_POST
@login_required
def scene_delete(request, pk):
    scene = selectors.scene_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.scene_delete(scene=scene, by=request.user),
        admit=lambda: _admit(request.user, "scenes.change_scene", scene),
        page=lambda status: _scene_page(request, scene, status),
        done="小区场景已删除。",
        to="scenes:scene_list",
    )


@require_POST
@login_required
def scene_photo_add(request, pk):
    scene = selectors.scene_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.scene_photo_add(scene=scene, by=request.user, **data),
        admit=lambda: _admit(request.user, "scenes.change_scene", scene),
        form=ScenePhotoForm(request.POST, request.FILES),
        page=lambda status: _scene_page(request, scene, status),
        done="照片已上传。",
        to=scene,
    )


@require_POST
@login_required
def scene_photo_consent(request, pk):
    scene = selectors.scene_get(user=request.user, pk=pk)
    form = PhotoConsentForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: services.scene_photo_consent(
            scene=scene, by=request.user, photo_id=data["photo"], public=data["public"]
        ),
        admit=lambda: _admit(request.user, "scenes.change_scene", scene),
        form=form,
        page=lambda status: _scene_page(request, scene, status),
        done="照片的公开设置已保存。",
        to=scene,
    )


# --- 小区 ------------------------------------------------------------------------------------
@login_required
def compound_detail(request, pk):
    compound = selectors.compound_get(user=request.user, pk=pk)
    context = {
        "compound": compound,
        **selectors.compound_page(compound=compound, user=request.user),
    }
    context["can_add"] = request.user.has_perm("scenes.add_scene", compound.community)
    # Which buildings were visited this year (入户走访), in one aggregate query.
    context["visited_buildings"] = visited_buildings(compound)
    return render(request, "scenes/compound_detail.html", context)


# --- 幸福责任田 and micro-tasks -----------------------------------------------------------------
@login_required
@permission_required("scenes.view_scene", raise_exception=True)
def micro_list(request):
    form = MicroFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    micros = selectors.micro_list(
        user=request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        neglected=filters.get("neglected", False),
    )
    page = paginate(request, micros)
    template = "scenes/micro_list.html"
    return render(
        request, f"{template}#rows" if request.htmx else template, {"page": page, "form": form}
    )


@login_required
@permission_required("scenes.add_microproject", raise_exception=True)
def micro_create(request):
    return create_page(
        request,
        permission="scenes.add_microproject",
        heading="发布微项目",
        form=lambda data, community: MicroProjectCreateForm(data, community=community),
        template="scenes/micro_form.html",
        create=lambda community, data: services.micro_create(
            by=request.user, community=community, data=data
        ),
        done="微项目已发布,居民可以在小区页面认领。",
    )


def _micro_page(request, micro, status=200):
    context = {
        "micro": micro,
        "claims": selectors.micro_claims(micro),
        "can": MICRO_WORKFLOW.available(request.user, micro),
        "release_form": ReleaseForm(),
    }
    return render(request, "scenes/micro_detail.html", context, status=status)


@login_required
def micro_detail(request, pk):
    return _micro_page(request, selectors.micro_get(user=request.user, pk=pk))


@login_required
def micro_edit(request, pk):
    micro = selectors.micro_get(user=request.user, pk=pk)
    admit = lambda: MICRO_WORKFLOW.admit(request.user, micro, "edit")  # noqa: E731
    admit()
    form = MicroProjectForm(
        request.POST if request.method == "POST" else None,
        instance=micro,
        community=micro.community,
    )

    def perform(data):
        services.micro_update(micro=micro, by=request.user, data=data)
        messages.success(request, "微项目已保存。")
        return redirect(micro)

    return form_page(
        request,
        form,
        template="scenes/micro_form.html",
        context={"object": micro, "community": micro.community, "heading": "修改微项目"},
        perform=perform,
        admit=admit,
        back=micro,
    )


def _micro_step(request, pk, action: str, done: str, call, form=None):
    micro = selectors.micro_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: call(micro, data),
        admit=lambda: MICRO_WORKFLOW.admit(request.user, micro, action),
        form=form,
        page=lambda status: _micro_page(request, micro, status),
        done=done,
        to=micro,
    )


@require_POST
@login_required
def micro_release(request, pk):
    return _micro_step(
        request,
        pk,
        "release",
        "已解除认领,这块责任田重新开放认领。",
        lambda micro, data: services.micro_release(
            micro=micro, by=request.user, reason=data["reason"]
        ),
        form=ReleaseForm(request.POST),
    )


@require_POST
@login_required
def micro_close(request, pk):
    return _micro_step(
        request,
        pk,
        "close",
        "微项目已结束。",
        lambda micro, data: services.micro_close(micro=micro, by=request.user),
    )


@require_POST
@login_required
def micro_reopen(request, pk):
    return _micro_step(
        request,
        pk,
        "reopen",
        "微项目已重新开放认领。",
        lambda micro, data: services.micro_reopen(micro=micro, by=request.user),
    )
