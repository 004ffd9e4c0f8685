"""Staff pages of household code slips (户码条) and session QR posters (评价海报).

The slips' PDF is served only here, through the batch's scope and permission check, and every
download is audited; it is never a public media URL. No page shows a household code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.choice import community_or_choice
from accounts.models import Compound
from core.http import form_page, perform_or_refuse, refusal_status
from core.paging import paginate
from core.scope import get_visible_or_404
from projects.models import Activity

from . import posters, slips
from .models import CodeBatch
from .slip_forms import BatchForm, VoidForm, parse_id

BATCH_FIELDS = ("community", "compound", "building", "created_by")
# How often a batch being made asks whether it is ready (htmx polling), in seconds.
POLL_SECONDS = 3


def _batches(user):
    return CodeBatch.objects.visible_to(user).select_related(*BATCH_FIELDS)


def _batch(request, pk) -> CodeBatch:
    return get_visible_or_404(CodeBatch.objects.select_related(*BATCH_FIELDS), request.user, pk=pk)


def _rows(user, batches) -> list:
    """Each batch with what its buttons may do (no query beyond the page's)."""
    return [(b, slips.SLIP_WORKFLOW.available(user, b), slips.where_label(b)) for b in batches]


def _list_page(request, *, status=200):
    page = paginate(request, _batches(request.user), 25)
    context = {
        "page": page,
        "rows": _rows(request.user, page),
        "poll": POLL_SECONDS,
        "link": slips.grade_link(),
    }
    return render(request, "evaluation/slips_list.html", context, status=status)


@login_required
@require_GET
def slip_list(request):
    """The community's batches of household code slips, newest first; a batch being made asks
    every few seconds whether it is ready."""
    if not request.user.has_perm("evaluation.print_slips"):
        raise PermissionDenied
    return _list_page(request)


@login_required
@require_GET
def slip_row(request, pk):
    """One batch's row (htmx polls it while the PDF is being made)."""
    batch = _batch(request, pk)
    if not request.user.has_perm("evaluation.print_slips", batch):
        raise PermissionDenied
    row = _rows(request.user, [batch])[0]
    return render(request, "evaluation/slips_list.html#row", {"row": row, "poll": POLL_SECONDS})


@login_required
def slip_create(request):
    """Print the slips of a compound or one of its buildings: the PDF is made in the
    background, the list shows it 生成中 until it is ready."""
    community = community_or_choice(request, "evaluation.print_slips", heading="打印户码条")
    if isinstance(community, HttpResponse):
        return community
    if request.method == "GET" and request.htmx and "compound" in request.GET:
        compound_id = None
        if request.GET["compound"]:  # "请选择小区": every building of the community
            compound_id = parse_id(request.GET["compound"])
            if (
                compound_id is None
                or not Compound.objects.filter(pk=compound_id, community=community).exists()
            ):
                raise Http404("没有这个小区。")
        form = BatchForm(None, community, compound_id=compound_id)
        return render(request, "evaluation/slips_form.html#building", {"form": form})

    def perform(data):
        batch = slips.batch_create(community=community, by=request.user, **data)
        messages.success(
            request, f"已开始生成{slips.where_label(batch)}的户码条,共 {batch.households} 户。"
        )
        return redirect(reverse("evaluation:slips") + f"#batch-{batch.pk}")

    return form_page(
        request,
        BatchForm(request.POST if request.method == "POST" else None, community),
        template="evaluation/slips_form.html",
        context={"community": community, "link": slips.grade_link()},
        perform=perform,
    )


@login_required
@require_GET
@never_cache
def slip_download(request, pk):
    """The batch's PDF, streamed through the scope check; each download is audited. A batch
    whose file is missing is made again by the task: the list then shows it 生成中."""
    batch = _batch(request, pk)
    try:
        batch = slips.batch_download(batch=batch, by=request.user)
    except ValidationError as exc:  # Conflict: voided, or not ready yet
        for message in exc.messages:
            messages.error(request, message)
        return _list_page(request, status=refusal_status(exc))
    if batch.status == CodeBatch.Status.PREPARING:  # its file was missing: the task makes it
        messages.info(
            request,
            f"{slips.where_label(batch)}的户码条文件正在生成(生成中),完成后这一行会出现"
            "“下载 PDF”按钮,不用刷新页面。",
        )
        return redirect(reverse("evaluation:slips") + f"#batch-{batch.pk}")
    try:
        handle = batch.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"户码条-{slips.where_label(batch)}-{batch.pk}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def slip_void(request, pk):
    """Void a batch with a reason: its households get new codes, the PDF is deleted and a new
    batch for the same households starts."""
    batch = _batch(request, pk)

    def perform(data):
        new = slips.batch_void(batch=batch, reason=data["reason"], by=request.user)
        messages.success(
            request,
            f"已作废,{batch.households} 户的户码已全部换新;新的户码条正在生成。已有的评价仍然有效。",
        )
        return redirect(reverse("evaluation:slips") + f"#batch-{new.pk}")

    return form_page(
        request,
        VoidForm(request.POST if request.method == "POST" else None),
        template="evaluation/slips_void.html",
        context={"batch": batch, "where": slips.where_label(batch)},
        perform=perform,
        admit=lambda: slips.SLIP_WORKFLOW.admit(request.user, batch, "void"),
        back=reverse("evaluation:slips"),
    )


@login_required
@require_POST
def slip_retry(request, pk):
    """Make a failed batch's PDF again."""
    batch = _batch(request, pk)
    return perform_or_refuse(
        request,
        lambda data: slips.batch_retry(batch=batch, by=request.user),
        page=lambda status: _list_page(request, status=status),
        done="已重新开始生成。",
        to=reverse("evaluation:slips") + f"#batch-{batch.pk}",
        admit=lambda: slips.SLIP_WORKFLOW.admit(request.user, batch, "retry"),
    )


# --- session posters ----------------------------------------------------------------------
def _session(request, pk) -> Activity:
    session = get_visible_or_404(
        Activity.objects.select_related("project__community"), request.user, pk=pk
    )
    if not request.user.has_perm("evaluation.print_poster", session):
        raise PermissionDenied
    return session


@login_required
@require_GET
def session_poster(request, pk):
    """A printable A4 poster for one session: the project, when and where, and a big QR code
    of the session's grading page with "扫码评价"."""
    session = _session(request, pk)
    return render(request, "evaluation/poster.html", posters.poster_context(session))


@login_required
@require_GET
def session_poster_png(request, pk):
    """The poster's QR code alone, as a PNG download."""
    session = _session(request, pk)
    response = HttpResponse(posters.poster_png(session), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="grade-qr-session-{session.pk}.png"'
    return response
