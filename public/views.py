"""Pages residents open without logging in."""

from django.shortcuts import get_object_or_404, render

from core.paging import paginate
from projects.models import Project


def home(request):
    announcements = (
        Project.objects.published()
        .select_related("community__street", "compound")
        .order_by("-announced_at", "-id")
    )
    page = paginate(request, announcements, 12)
    return render(request, "public/home.html", {"page": page})


def announcement_detail(request, pk):
    project = get_object_or_404(
        Project.objects.published().select_related("community__street", "compound"), pk=pk
    )
    activities = project.activities.order_by("-date")[:10]
    return render(
        request, "public/announcement_detail.html", {"project": project, "activities": activities}
    )
