"""Residents' pages under /p/: the year-end 擂台比武 whose results the district published. No
account is needed; nothing unpublished exists here (404)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.paging import paginate

from . import selectors


@require_GET
def competition_list(request):
    page = paginate(request, selectors.published_competitions())
    return render(request, "scoring/public_competition_list.html", {"page": page})


@require_GET
def competition_detail(request, pk):
    competition = selectors.public_competition_get(user=request.user, pk=pk)
    context = {
        "round": competition,
        "rows": selectors.round_ranking(competition),
        "criteria": list(competition.rubric.criteria.all()),
    }
    return render(request, "scoring/public_competition.html", context)
