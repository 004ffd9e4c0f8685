from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rules.contrib.views import permission_required

from accounts.choice import create_page
from core.paging import paginate
from core.scope import get_visible_or_404

from .forms import PartnerFilterForm, PartnerForm
from .models import Partner
from .services import partner_create


@login_required
def partner_list(request):
    form = PartnerFilterForm(request.GET or None)
    partners = Partner.objects.visible_to(request.user).select_related("community")
    if form.is_valid() and form.cleaned_data["category"]:
        partners = partners.filter(category=form.cleaned_data["category"])
    page = paginate(request, partners)
    return render(request, "partners/partner_list.html", {"page": page, "form": form})


@login_required
@permission_required("partners.add_partner", raise_exception=True)
def partner_create_view(request):
    return create_page(
        request,
        permission="partners.add_partner",
        heading="登记合伙人",
        form=lambda data, community: PartnerForm(data),
        template="partners/partner_form.html",
        create=lambda community, data: partner_create(
            by=request.user, community=community, data=data
        ),
        done="合伙人已登记。",
    )


@login_required
def partner_detail(request, pk):
    partner = get_visible_or_404(Partner.objects.select_related("community"), request.user, pk=pk)
    return render(request, "partners/partner_detail.html", {"partner": partner})
