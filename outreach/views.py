"""Staff pages of step 1's face-to-face sources, under needs/: home visits, residents' meetings,
suggestion boxes (with their QR labels and the paper slips typed in) and the suggestions inbox.
Parse → permission → selector/service → render; refusals become pages in core/http.py.
Residents' pages are in public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from accounts.choice import community_or_choice
from accounts.households import compounds
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.phone import reveal_phone
from core.scope import get_visible_or_404

from . import export, labels, selectors, services
from .forms import (
    BoxEditForm,
    BoxForm,
    CloseForm,
    FileForm,
    FileNewForm,
    MeetingCreateForm,
    MeetingFilterForm,
    MeetingForm,
    SlipForm,
    SuggestionFilterForm,
    VisitCreateForm,
    VisitFilterForm,
    VisitForm,
    search_text,
)
from .models import SuggestionBox
from .services import SUGGESTION_WORKFLOW


def _admit(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _posted(request):
    return request.POST if request.method == "POST" else None


def _picker_options(request, form) -> HttpResponse | None:
    """With htmx and `mentions_q`: only the needs picker's options for the words typed, the
    needs ticked so far (and their counts) kept."""
    if not (getattr(request, "htmx", False) and "mentions_q" in request.GET):
        return None
    widget = form.fields["mentions"].widget
    context = widget.picker_context(
        "mentions",
        request.GET.getlist("mentions"),
        q=search_text(request.GET.get("mentions_q")),
        attrs={"id": form["mentions"].auto_id},
        data=request.GET,
    )
    return render(request, "outreach/widgets/need_picker.html#options", {"picker": context})


def _record_page(request, *, heading, template, make_form, create, done, context=None):
    """The create page of a visit or a meeting: the community (accounts.choice), the form with
    its needs picker searching on the same page, the service called once."""
    community = community_or_choice(request, "outreach.add_record", heading=heading)
    if isinstance(community, HttpResponse):
        return community
    form = make_form(community)
    form.set_search_url(request.get_full_path())
    if (answer := _picker_options(request, form)) is not None:
        return answer

    def perform(data):
        mentions, new_needs = form.needs_input()
        made = create(community, form.record_data(), mentions, new_needs)
        messages.success(request, done(made))
        return redirect(made)

    return form_page(
        request,
        form,
        template=template,
        context={"community": community, "heading": heading, **(context or {})},
        perform=perform,
    )


# --- 入户走访 --------------------------------------------------------------------------------
@login_required
@permission_required("outreach.view_outreach", raise_exception=True)
def visit_list(request):
    compounds = selectors.visible_compounds(request.user)
    form = VisitFilterForm(request.GET or None, compounds=compounds)
    data = form.filters() if form.is_bound else {}
    visits = selectors.visit_list(
        user=request.user,
        compound=data.get("compound"),
        building_id=data.get("building"),
        month=data.get("month"),
    )
    context = {
        "page": paginate(request, visits),
        "form": form,
        "coverage": selectors.year_coverage(user=request.user),
        "can_add": request.user.has_perm("outreach.add_record", None),
    }
    return render(request, "outreach/visit_list.html", context)


@login_required
@permission_required("outreach.add_record", raise_exception=True)
def visit_create(request):
    back = reverse("outreach:visit_create")
    return _record_page(
        request,
        heading="记录入户走访",
        template="outreach/visit_form.html",
        make_form=lambda community: VisitCreateForm(
            _posted(request),
            community=community,
            user=request.user,
            back=back,
            initial={"household": request.GET.get("household"), "visited_on": timezone.localdate()},
        ),
        create=lambda community, data, mentions, new_needs: services.visit_create(
            by=request.user,
            community=community,
            data=data,
            mentions=[need for need, _ in mentions],
            new_needs=new_needs,
        ),
        done=lambda visit: f"已记录对 {visit.household} 的走访。",
    )


def _visit_page(request, visit, status=200):
    context = {
        "visit": visit,
        "needs": selectors.linked_needs(visit),
        "can_change": request.user.has_perm("outreach.change_record", visit),
    }
    return render(request, "outreach/visit_detail.html", context, status=status)


@login_required
def visit_detail(request, pk):
    return _visit_page(request, selectors.visit_get(user=request.user, pk=pk))


@login_required
def visit_edit(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "outreach.change_record", visit)  # noqa: E731
    admit()
    back = reverse("outreach:visit_edit", args=[visit.pk])
    initial = {
        "household": request.GET.get("household") or visit.household_id,
        "visited_on": visit.visited_on,
        "visitors": visit.visitors,
        "raised": visit.raised,
    }
    form = VisitForm(
        _posted(request), community=visit.community, user=request.user, back=back, initial=initial
    )
    form.set_search_url(request.get_full_path())
    if (answer := _picker_options(request, form)) is not None:
        return answer

    def perform(data):
        mentions, new_needs = form.needs_input()
        services.visit_update(
            visit=visit,
            by=request.user,
            data=form.record_data(),
            mentions=[need for need, _ in mentions],
            new_needs=new_needs,
        )
        messages.success(request, "走访记录已保存。")
        return redirect(visit)

    return form_page(
        request,
        form,
        template="outreach/visit_form.html",
        context={"object": visit, "community": visit.community, "heading": "修改走访记录"},
        perform=perform,
        admit=admit,
        back=visit,
    )


@require_POST
@login_required
def visit_delete(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.visit_delete(visit=visit, by=request.user),
        admit=lambda: _admit(request.user, "outreach.change_record", visit),
        page=lambda status: _visit_page(request, visit, status),
        done="走访记录已删除。",
        to="outreach:visit_list",
    )


@login_required
def visit_compound(request, pk):
    """One compound's buildings: households visited this year, the last visit, the visits."""
    compound = get_visible_or_404(
        compounds().select_related("community__street"), request.user, pk=pk
    )
    buildings = selectors.visited_buildings(compound)
    visits = selectors.visit_list(user=request.user, compound=compound)
    context = {
        "compound": compound,
        "buildings": buildings,
        "page": paginate(request, visits),
        "visited": sum(1 for b in buildings if b["n_visited"]),
    }
    return render(request, "outreach/visit_compound.html", context)


# --- 居民会议 --------------------------------------------------------------------------------
@login_required
@permission_required("outreach.view_outreach", raise_exception=True)
def meeting_list(request):
    compounds = selectors.visible_compounds(request.user)
    form = MeetingFilterForm(request.GET or None, compounds=compounds)
    data = form.filters() if form.is_bound else {}
    meetings = selectors.meeting_list(
        user=request.user,
        kind=data.get("kind", ""),
        compound=data.get("compound"),
        month=data.get("month"),
    )
    context = {
        "page": paginate(request, meetings),
        "form": form,
        "can_add": request.user.has_perm("outreach.add_record", None),
    }
    return render(request, "outreach/meeting_list.html", context)


def _files(request):
    return request.FILES if request.method == "POST" else None


@login_required
@permission_required("outreach.add_record", raise_exception=True)
def meeting_create(request):
    return _record_page(
        request,
        heading="记录居民会议",
        template="outreach/meeting_form.html",
        make_form=lambda community: MeetingCreateForm(
            _posted(request),
            _files(request),
            community=community,
            initial={"held_on": timezone.localdate()},
        ),
        create=lambda community, data, mentions, new_needs: services.meeting_create(
            by=request.user,
            community=community,
            data=data,
            mentions=mentions,
            new_needs=new_needs,
        ),
        done=lambda meeting: f"已记录“{meeting.title}”。",
    )


def _meeting_page(request, meeting, status=200):
    context = {
        "meeting": meeting,
        "needs": selectors.linked_needs(meeting),
        "can_change": request.user.has_perm("outreach.change_record", meeting),
    }
    return render(request, "outreach/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request, pk):
    return _meeting_page(request, selectors.meeting_get(user=request.user, pk=pk))


@login_required
def meeting_edit(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "outreach.change_record", meeting)  # noqa: E731
    admit()
    initial = {
        "kind": meeting.kind,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "compound": meeting.compound_id,
        "attendance": meeting.attendance,
        "summary": meeting.summary,
    }
    form = MeetingForm(
        _posted(request), _files(request), community=meeting.community, initial=initial
    )
    form.set_search_url(request.get_full_path())
    if (answer := _picker_options(request, form)) is not None:
        return answer

    def perform(data):
        mentions, new_needs = form.needs_input()
        services.meeting_update(
            meeting=meeting,
            by=request.user,
            data=form.record_data(),
            mentions=mentions,
            new_needs=new_needs,
        )
        messages.success(request, "会议记录已保存。")
        return redirect(meeting)

    return form_page(
        request,
        form,
        template="outreach/meeting_form.html",
        context={"object": meeting, "community": meeting.community, "heading": "修改会议记录"},
        perform=perform,
        admit=admit,
        back=meeting,
    )


@require_POST
@login_required
def meeting_delete(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.meeting_delete(meeting=meeting, by=request.user),
        admit=lambda: _admit(request.user, "outreach.change_record", meeting),
        page=lambda status: _meeting_page(request, meeting, status),
        done="会议记录已删除。",
        to="outreach:meeting_list",
    )


# --- 楼道意见箱 ------------------------------------------------------------------------------
@login_required
@permission_required("outreach.view_outreach", raise_exception=True)
def box_list(request):
    compounds = selectors.visible_compounds(request.user)
    compound = None
    wanted = request.GET.get("compound", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) < 10:
        compound = compounds.filter(pk=int(wanted)).first()
    boxes = selectors.box_list(user=request.user, compound=compound)
    context = {
        "page": paginate(request, boxes, 50),
        "compounds": compounds,
        "compound": compound,
        "can_add": request.user.has_perm("outreach.add_record", None),
    }
    return render(request, "outreach/box_list.html", context)


@login_required
@permission_required("outreach.add_record", raise_exception=True)
def box_create(request):
    heading = "登记楼道意见箱"
    community = community_or_choice(request, "outreach.add_record", heading=heading)
    if isinstance(community, HttpResponse):
        return community
    form = BoxForm(
        _posted(request), community=community, taken=selectors.taken_stairwells(community)
    )

    def perform(data):
        box = services.box_create(by=request.user, community=community, data=form.box_data())
        messages.success(request, f"已登记 {box} 的意见箱,可以打印二维码标签了。")
        return redirect(box)

    return form_page(
        request,
        form,
        template="outreach/box_form.html",
        context={"community": community, "heading": heading},
        perform=perform,
    )


def _box_page(request, box, status=200):
    context = {
        "box": box,
        "link": labels.box_link(box),
        "recent": list(
            box.suggestions.order_by("-submitted_at", "-id").only(
                "id", "text", "status", "channel", "submitted_at", "box_id"
            )[:10]
        ),
        "can_change": request.user.has_perm("outreach.change_record", box),
    }
    return render(request, "outreach/box_detail.html", context, status=status)


@login_required
def box_detail(request, pk):
    return _box_page(request, selectors.box_get(user=request.user, pk=pk))


@login_required
def box_edit(request, pk):
    """The box's location note; the stairwell and the label stay."""
    box = selectors.box_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "outreach.change_record", box)  # noqa: E731
    form = BoxEditForm(_posted(request), initial={"location": box.location})

    def perform(data):
        services.box_update(box=box, by=request.user, data=data)
        messages.success(request, "意见箱的位置说明已保存。")
        return redirect(box)

    return form_page(
        request,
        form,
        template="outreach/box_edit.html",
        context={"box": box},
        perform=perform,
        admit=admit,
        back=box,
    )


@require_POST
@login_required
def box_deactivate(request, pk):
    box = selectors.box_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.box_deactivate(box=box, by=request.user),
        admit=lambda: _admit(request.user, "outreach.change_record", box),
        page=lambda status: _box_page(request, box, status),
        done="意见箱已撤下,它的二维码不再能留言。",
        to="outreach:box_list",
    )


@require_GET
@login_required
def box_label(request, pk):
    box = selectors.box_get(user=request.user, pk=pk)
    response = HttpResponse(labels.box_label_png(box), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="box-{box.pk}.png"'
    return response


def _ids(values) -> list[int] | None:
    """Ids from a query string; None if any of them is not one."""
    ids = [v for v in values if v.isascii() and v.isdigit() and len(v) < 12]
    return [int(v) for v in ids] if len(ids) == len(values) else None


@require_GET
@login_required
@permission_required("outreach.view_outreach", raise_exception=True)
def box_labels(request):
    """The labels of a compound's boxes (?compound=<id>) or of the boxes ticked (?box=…), as
    an A4 sheet to print. A compound or a box the user does not see is a 404 (audited), as on
    every object URL."""
    boxes = SuggestionBox.objects.visible_to(request.user).select_related("building__compound")
    wanted, compound = request.GET.getlist("box"), request.GET.get("compound", "")
    if wanted:
        ids = _ids(wanted)
        if ids is None or len(ids) > labels.SHEET_MAX:
            raise Http404
        boxes = list(boxes.filter(pk__in=ids).order_by("building__number", "unit", "id"))
        if len(boxes) != len(set(ids)):
            missing = sorted(set(ids) - {box.pk for box in boxes})
            get_visible_or_404(SuggestionBox, request.user, pk=missing[0])  # audits, 404
            raise Http404
    elif compound:
        ids = _ids([compound])
        if ids is None:
            raise Http404
        found = get_visible_or_404(compounds(), request.user, pk=ids[0])
        boxes = list(
            boxes.filter(building__compound=found).order_by("building__number", "unit", "id")[
                : labels.SHEET_MAX
            ]
        )
    else:
        messages.error(request, "请选择一个小区,或勾选要打印标签的意见箱。")
        return redirect("outreach:box_list")
    if not boxes:
        messages.error(request, "这个小区还没有登记意见箱。")
        return redirect("outreach:box_list")
    response = HttpResponse(labels.box_labels_pdf(boxes), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="suggestion-box-labels.pdf"'
    return response


@login_required
def box_slips(request, pk):
    """纸条录入: type the slips of one box, keyboard only; Enter saves and starts the next."""
    box = selectors.box_get(user=request.user, pk=pk)
    admit = lambda: _admit(request.user, "outreach.add_record", box.community)  # noqa: E731
    admit()
    n = request.GET.get("n", "0")
    n = int(n) if n.isascii() and n.isdigit() and len(n) < 6 else 0
    form = SlipForm(_posted(request))

    def perform(data):
        services.slip_enter(box=box, by=request.user, text=data["text"], phone=data["phone"])
        messages.success(request, f"已保存第 {n + 1} 条,请录入下一条。")
        return redirect(f"{reverse('outreach:box_slips', args=[box.pk])}?n={n + 1}")

    return form_page(
        request,
        form,
        template="outreach/slip_form.html",
        context={"box": box, "n": n},
        perform=perform,
        admit=admit,
        back=box,
    )


# --- suggestions ----------------------------------------------------------------------------
def _suggestion_filters(request):
    compounds = selectors.visible_compounds(request.user)
    form = SuggestionFilterForm(request.GET or None, compounds=compounds)
    data = form.filters() if form.is_bound else {}
    return form, {
        "status": data.get("status", ""),
        "channel": data.get("channel", ""),
        "compound": data.get("compound"),
        "box_id": data.get("box"),
        "month": data.get("month"),
    }


@login_required
@permission_required("outreach.view_outreach", raise_exception=True)
def suggestion_list(request):
    form, filters = _suggestion_filters(request)
    suggestions = selectors.suggestion_list(user=request.user, **filters)
    context = {
        "page": paginate(request, suggestions),
        "form": form,
        "counts": selectors.suggestion_counts(user=request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "outreach/suggestion_list.html", context)


@require_GET
@login_required
@permission_required("outreach.export_suggestions", raise_exception=True)
def suggestion_export(request):
    _, filters = _suggestion_filters(request)
    return export.suggestion_workbook(user=request.user, filters=filters)


def _suggestion_page(request, suggestion, status=200, number="", **forms):
    community = suggestion.community
    context = {
        "suggestion": suggestion,
        "number": number,
        "can": SUGGESTION_WORKFLOW.available(request.user, suggestion),
        "can_reveal": request.user.has_perm("outreach.reveal_suggestion_phone", suggestion),
        "file_form": forms.get("file_form") or FileForm(community=community),
        "new_form": forms.get("new_form") or FileNewForm(),
        "close_form": forms.get("close_form") or CloseForm(),
    }
    if context["can"]["file"]:
        # Only searched needs are listed: the field validates any live need of the community.
        q = search_text(request.GET.get("q"))
        needs = context["file_form"].fields["need"].queryset
        if q:
            needs = needs.filter(title__icontains=q)
        context["needs"] = list(needs.order_by("-pk")[:20])
        context["q"] = q
    return render(request, "outreach/suggestion_detail.html", context, status=status)


@login_required
def suggestion_detail(request, pk):
    return _suggestion_page(request, selectors.suggestion_get(user=request.user, pk=pk))


def _triage(request, pk, *, name, form_class, call, done, form_key):
    suggestion = selectors.suggestion_get(user=request.user, pk=pk)
    kwargs = {"community": suggestion.community} if form_class is FileForm else {}
    form = form_class(request.POST, **kwargs)
    return perform_or_refuse(
        request,
        lambda data: call(suggestion, data),
        admit=lambda: SUGGESTION_WORKFLOW.admit(request.user, suggestion, name),
        form=form,
        form_shown=True,
        page=lambda status: _suggestion_page(request, suggestion, status, **{form_key: form}),
        done=done,
        to=reverse("outreach:suggestion", args=[suggestion.pk]),
    )


@require_POST
@login_required
def suggestion_file(request, pk):
    return _triage(
        request,
        pk,
        name="file",
        form_class=FileForm,
        form_key="file_form",
        call=lambda s, data: services.suggestion_file(
            suggestion=s, need=data["need"], by=request.user
        ),
        done="已记入需求清单。",
    )


@require_POST
@login_required
def suggestion_file_new(request, pk):
    return _triage(
        request,
        pk,
        name="file_new",
        form_class=FileNewForm,
        form_key="new_form",
        call=lambda s, data: services.suggestion_file_new(suggestion=s, by=request.user, data=data),
        done="已新建需求并记入。",
    )


@require_POST
@login_required
def suggestion_close(request, pk):
    return _triage(
        request,
        pk,
        name="close",
        form_class=CloseForm,
        form_key="close_form",
        call=lambda s, data: services.suggestion_close(
            suggestion=s, by=request.user, reason=data["reason"]
        ),
        done="已标记为不予采纳。",
    )


@require_POST
@login_required
def suggestion_phone(request, pk):
    """The full number a resident left, for a call back: audited (core.phone.reveal_phone)."""
    suggestion = selectors.suggestion_get(user=request.user, pk=pk)
    try:
        number = reveal_phone(
            suggestion,
            by=request.user,
            permission="outreach.reveal_suggestion_phone",
            missing="这条意见没有留电话。",
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return _suggestion_page(request, suggestion, 422)
    if getattr(request, "htmx", False):
        context = {"suggestion": suggestion, "number": number, "can_reveal": True}
        return render(request, "outreach/suggestion_detail.html#phone", context)
    return _suggestion_page(request, suggestion, number=number)
