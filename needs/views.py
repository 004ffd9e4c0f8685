from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from rules.contrib.views import permission_required

from accounts.choice import create_page
from core.paging import paginate
from core.scope import get_visible_or_404

from .forms import NeedFilterForm, NeedForm
from .models import Category, Need
from .services import need_create


@login_required
def need_list(request):
    form = NeedFilterForm(request.GET or None)
    needs = Need.objects.visible_to(request.user).select_related(
        "community", "compound", "category"
    )
    if form.is_valid() and form.cleaned_data["category"]:
        needs = needs.filter(category=form.cleaned_data["category"])
    by_category = dict(
        Need.objects.visible_to(request.user)
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    categories = [(c.name, by_category.get(c.code, 0)) for c in Category.objects.all()]
    page = paginate(request, needs)
    return render(
        request, "needs/need_list.html", {"page": page, "form": form, "categories": categories}
    )


@login_required
@permission_required("needs.add_need", raise_exception=True)
def need_create_view(request):
    return create_page(
        request,
        permission="needs.add_need",
        heading="记录需求",
        form=lambda data, community: NeedForm(data, community=community),
        template="needs/need_form.html",
        create=lambda community, data: need_create(by=request.user, community=community, data=data),
        done="需求已记入需求清单。",
    )


@login_required
def need_detail(request, pk):
    need = get_visible_or_404(
        Need.objects.select_related("community", "compound", "created_by", "category"),
        request.user,
        pk=pk,
    )
    return render(request, "needs/need_detail.html", {"need": need})
