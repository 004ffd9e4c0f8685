"""/p/receipts/: a resident types the receipt code of a suggestion or a questionnaire comment and
reads what became of it. POST only carries the code (never in a URL, so never in a log); every POST
counts against the `receipt_lookup` rate limit per device, with a high per-address cap."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.ratelimit import rate_limited

from . import services


@require_http_methods(["GET", "POST"])
@rate_limited("receipt_lookup")
def receipt_lookup(request):
    receipt, error = None, ""
    if request.method == "POST":
        receipt = services.receipt_for(request.POST.get("code", ""))
        if receipt is None:
            error = "没有找到这个回执码,请核对后重新输入(共12位,字母不区分大小写)。"
    status = 200 if request.method == "GET" or receipt else 422
    return render(
        request, "needs/receipt_lookup.html", {"receipt": receipt, "error": error}, status=status
    )
