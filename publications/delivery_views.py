"""Staff pages of the delivery area: the district's failures page with a retry button, and a
street's WeCom group robot. Views parse, check, call deliveries.py / wecom.py and render;
refusals are core/http.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.models import Street
from core.http import perform_or_refuse, refusal_status
from core.paging import paginate
from core.scope import get_visible_or_404

from . import deliveries, wecom
from .delivery_forms import DeliveryFilterForm, WebhookForm
from .models import StreetChannel


def _list_page(request, status=200):
    form = DeliveryFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    rows = deliveries.delivery_list(user=request.user, **filters)
    context = {"page": paginate(request, rows), "form": form}
    return render(request, "publications/delivery_list.html", context, status=status)


@login_required
@permission_required("publications.view_deliveries", raise_exception=True)
def delivery_list(request):
    return _list_page(request)


@require_POST
@login_required
def delivery_retry(request, pk):
    delivery = deliveries.delivery_get(user=request.user, pk=pk)
    back = reverse("publications:deliveries")
    if query := request.GET.urlencode():
        back = f"{back}?{query}"
    return perform_or_refuse(
        request,
        lambda data: deliveries.delivery_retry(delivery=delivery, by=request.user),
        admit=lambda: deliveries.DELIVERY_WORKFLOW.admit(request.user, delivery, "retry"),
        page=lambda status: _list_page(request, status),
        done="已重新发送。几分钟后刷新本页查看结果;仍失败的会继续按间隔自动重试。",
        to=back,
    )


def _wecom_page(request, street, form=None, status=200):
    channel = StreetChannel.objects.select_related("updated_by").filter(street=street).first()
    context = {"street": street, "channel": channel, "form": form or WebhookForm()}
    return render(request, "publications/delivery_wecom.html", context, status=status)


@login_required
def wecom_page(request, pk):
    """The street's group robot: shown masked, set or replaced, removed, tested."""
    street = get_visible_or_404(Street.objects.all(), request.user, pk=pk)
    if not request.user.has_perm("publications.manage_wecom", street):
        raise PermissionDenied
    if request.method != "POST":
        return _wecom_page(request, street)
    action = request.POST.get("action", "save")
    form = WebhookForm(request.POST if action == "save" else None)
    try:
        if action == "remove":
            removed = wecom.street_channel_remove(street=street, by=request.user)
            done = "已删除企业微信群机器人。" if removed else "本街道没有设置企业微信群机器人。"
        elif action == "test":
            wecom.street_channel_test(street=street, by=request.user)
            done = "测试消息已发送,请在企业微信群中查看。"
        elif action == "save":
            if not form.is_valid():
                return _wecom_page(request, street, form, status=422)
            wecom.street_channel_set(street=street, by=request.user, url=form.cleaned_data["url"])
            done = "已保存。以后本街道的月初预告和月末总结(以及区里的红色专递)会发到这个群。"
        else:
            messages.error(request, "无法识别的操作。")
            return _wecom_page(request, street, status=422)
    except ValidationError as exc:
        if action == "save":
            form.add_error("url", ValidationError(exc.messages))
        else:
            for message in exc.messages:
                messages.error(request, message)
        return _wecom_page(request, street, form if action == "save" else None, refusal_status(exc))
    messages.success(request, done)
    return redirect("publications:wecom", pk=street.pk)


urls = [
    path("deliveries/", delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/retry/", delivery_retry, name="delivery_retry"),
    # <pk>: the street's.
    path("manage/wecom/<int:pk>/", wecom_page, name="wecom"),
]
