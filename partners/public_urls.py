"""Public pages of step 2, under p/: recruitment calls and applications, the partners' SMS sign-in,
the practical tasks' notice (公示) and the excellent partners."""

from . import recruit_views, resource_views, staff_views, task_views, unit_views

app_name = "partners_public"

urlpatterns = [
    *recruit_views.public_urls,
    *staff_views.public_urls,
    *unit_views.public_urls,
    *task_views.public_urls,
    *resource_views.public_urls,
]
