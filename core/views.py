from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from .audit import audit
from .forms import AuditSearchForm, NotificationPreferencesForm
from .http import form_page
from .models import AuditEvent, Notification, Upload
from .notifications import notification_mark_read
from .paging import paginate
from .preferences import CHOOSE, notification_preferences_update, preference_rows
from .scope import get_visible_or_404
from .selectors import audit_event_list, notification_list


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means unhealthy
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def inbox(request):
    page = paginate(request, notification_list(user=request.user))
    return render(request, "core/inbox.html", {"page": page})


@require_POST
@login_required
def notification_open(request, pk):
    notification = get_visible_or_404(Notification, request.user, pk=pk)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("core:inbox")


@require_POST
@login_required
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect("core:inbox")


@login_required
@permission_required(CHOOSE, raise_exception=True)
def notification_preferences(request):
    """A staff member chooses, per kind of notification: an e-mail each time, one a day, or none."""
    rows = preference_rows(request.user)
    initial = {row["kind"].key: row["mode"] for row in rows if not row["kind"].locked}
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None, initial=initial
    )

    def perform(data):
        notification_preferences_update(user=request.user, modes=data)
        messages.success(request, "通知方式已保存。")
        return redirect("core:notification_preferences")

    return form_page(
        request,
        form,
        template="core/notification_preferences.html",
        perform=perform,
        context={"locked": [row["kind"] for row in rows if row["kind"].locked]},
    )


@login_required
@permission_required("core.view_auditevent", raise_exception=True)
def audit_log(request):
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.none()
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if form.is_bound else {}
        events = audit_event_list(
            q=data.get("q", ""),
            result=data.get("result", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
    page = paginate(request, events, 50)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "core/audit_log.html", {"form": form, "page": page}, status=status)


@login_required
def file_download(request, uuid):
    """Serve an upload only to someone who can see the object it belongs to."""
    upload = Upload.objects.filter(uuid=uuid).select_related("owner_type").first()
    if upload is None:
        raise Http404
    owner_model = upload.owner_type.model_class() if upload.owner_type else None
    visible = (
        owner_model is not None
        and owner_model._default_manager.visible_to(request.user)
        .filter(pk=upload.owner_id)
        .exists()
    )
    if not visible and upload.uploaded_by_id != request.user.pk:
        audit(
            actor=request.user,
            action="access.denied",
            obj=upload,
            result=AuditEvent.Result.DENIED,
            detail={"status": 404},
        )
        raise Http404
    response = FileResponse(upload.file.open("rb"), content_type=upload.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{upload.uuid}.{upload.file.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
