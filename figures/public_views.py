"""The residents' 幸福账单 under /p/bills/: pick a community (the one remembered on the device comes
first), read its year on a phone in large text, print it (a print stylesheet) or download it as a
PDF. No login; no personal data (figures/bill.py). The figures are cached per community and year
(five minutes), the page and the PDF are rate-limited per device and address, and the PDF of one
computation is made once and kept with it."""

from urllib.parse import quote

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Community
from core.ratelimit import rate_limited
from publications.public_views import in_wechat, remembered_community

from . import bill as bills
from .selectors import FRESH


def _year(raw: int) -> int:
    if raw not in bills.years():
        raise Http404("没有这一年的幸福账单。")
    return raw


def _community(pk: int) -> Community:
    return get_object_or_404(Community.objects.select_related("street"), pk=pk)


@require_GET
@rate_limited("bill", methods=("GET",))
def index(request):
    """Every community by street, the remembered one first, each linking its bill of this year."""
    communities = list(
        Community.objects.select_related("street").order_by("street__name", "name", "pk")
    )
    streets: dict = {}
    for community in communities:
        streets.setdefault(community.street.name, []).append(community)
    context = {
        "mine": remembered_community(request),
        "streets": list(streets.items()),
        "year": timezone.localdate().year,
    }
    return render(request, "figures/public/bill_index.html", context)


@require_GET
@rate_limited("bill", methods=("GET",))
def bill(request, pk, year):
    community, year = _community(pk), _year(year)
    entry = bills.bill_for(community, year)
    context = {
        "bill": entry.value,
        "community": community,
        "year": year,
        "years": bills.years(),
        "computed_at": entry.computed_at,
        "wechat": in_wechat(request),
    }
    return render(request, "figures/public/bill.html", context)


def _link(community: Community, year: int) -> str:
    path_ = reverse("figures_public:bill", args=[community.pk, year])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path_


def pdf_bytes(community: Community, year: int, entry) -> bytes:
    """The bill as an A4 PDF in Chinese with a QR code of its page (WeasyPrint; nothing fetched
    from the network: the QR code is a data: URI, the bill has no other image)."""
    from weasyprint import HTML  # imported on use: Pango loads only where a PDF is made

    link = _link(community, year)
    html = render_to_string(
        "figures/public/bill_pdf.html",
        {
            "bill": entry.value,
            "computed_at": entry.computed_at,
            "link": link,
            "qr": segno.make(link, error="m").svg_data_uri(scale=4, border=1),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_data_only()).write_pdf()


def _data_only():
    """A fetcher of data: URIs only: a PDF made for anyone on the internet reaches nothing else."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"not fetched for a PDF: {url[:80]}")

    return DataOnly(allowed_protocols=("data",))


@require_GET
@rate_limited("bill_pdf", methods=("GET",))
def bill_pdf(request, pk, year):
    community, year = _community(pk), _year(year)
    entry = bills.bill_for(community, year)
    # One PDF per computation of the figures: kept as long as they are fresh.
    key = f"figures:bill-pdf:{community.pk}:{year}:{entry.computed:.0f}"
    body = cache.get(key)
    if body is None:
        body = pdf_bytes(community, year, entry)
        cache.set(key, body, FRESH + 60)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"{community.name}{year}年幸福账单.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    return quote(name)
