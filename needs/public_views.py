"""/p/receipts/: a resident types the receipt code of a suggestion or a questionnaire comment and
reads what became of it: received, under study, adopted by a project (linked to its residents'
page), solved (how) or not adopted (why), and when that last changed. POST only carries the code
(never in a URL, so never in a log); every POST counts against the `receipt_lookup` rate limit per
device, with a high per-address cap (429 past it). A wrong code and a code that does not exist get
the same 422 and the same words, and the code typed stays in the box to correct. No answer is kept
by a browser or a proxy (no-store): a phone passed round a family, or the shared one at the
service counter, shows nothing with the back button."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.ratelimit import rate_limited

from . import selectors, services

NOT_FOUND = "没有找到这个回执码,请核对后重新输入(共12位,字母不区分大小写)。"


# The box holds 20 characters: what was typed is shown back at most that long.
TYPED_MAX = 20


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("receipt_lookup")
def receipt_lookup(request):
    receipt, progress, error, typed = None, None, "", ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        receipt = services.receipt_for(code)
        if receipt is None:
            error = NOT_FOUND
            typed = code.replace("\x00", "").strip()[:TYPED_MAX]
        else:
            progress = selectors.receipt_progress(receipt)
    status = 200 if request.method == "GET" or receipt else 422
    context = {"receipt": receipt, "progress": progress, "error": error, "typed": typed}
    return render(request, "needs/receipt_lookup.html", context, status=status)
