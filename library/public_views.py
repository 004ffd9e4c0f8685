"""The 百社百景库 for residents under /p/library/: the tree, an item's library projects, each
library project with its 典型案例, and the year's excellent projects. No account, no script:
plain links that work in WeChat's built-in browser."""

from django.shortcuts import render
from django.utils import timezone

from core.paging import paginate

from . import selectors
from .forms import YearForm


def tree(request):
    return render(request, "library/public_tree.html", {"classes": selectors.tree()})


def item(request, pk):
    found = selectors.item_get(pk=pk)
    page = paginate(request, selectors.item_entries(found), 12)
    return render(request, "library/public_item.html", {"item": found, "page": page})


def entry(request, pk):
    found = selectors.entry_get(pk=pk)
    context = {"entry": found, "project": found.project, "stats": selectors.entry_stats(found)}
    return render(request, "library/public_entry.html", context)


def excellent(request):
    """The year's excellent projects: those selected into the library that year."""
    years = selectors.entry_years()
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    if year is None:
        year = years[0] if years else timezone.localdate().year
    page = paginate(request, selectors.excellent(year), 12)
    context = {"years": years, "year": year, "page": page}
    return render(request, "library/public_excellent.html", context)
