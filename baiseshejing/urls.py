from django.conf import settings
from django.urls import include, path

from accounts.admin import portal_admin
from core.views import healthz

urlpatterns = [
    path("", include("dashboards.urls")),
    path("accounts/", include("accounts.urls")),
    # Step 1's sources before needs/ itself: questionnaires, visits, meetings and boxes live under
    # needs/ for staff and p/ for residents.
    path("", include("surveys.urls")),
    path("", include("outreach.urls")),
    path("needs/", include("needs.urls")),
    path("partners/", include("partners.urls")),
    path("projects/", include("projects.urls")),
    path("streetwork/", include("streetwork.urls")),
    # 头雁工程: the rotation's classes, quarterly sessions, mentors and 一项目一方案.
    path("training/", include("training.urls")),
    path("p/", include("needs.public_urls")),
    path("p/", include("partners.public_urls")),
    path("p/", include("public.urls")),
    # Step 7 and the district's side: staff pages under library/ and evaluation/, residents' under p/.
    path("", include("library.urls")),
    path("", include("evaluation.urls")),
    path("", include("scoring.urls")),
    path("", include("reports.urls")),
    # The monthly rhythm: residents read previews and summaries under p/publications/ (and
    # publications/ sends them there), staff sign them off and read the 红色专递 under
    # publications/manage/.
    path("", include("publications.public_urls")),
    path("publications/", include("publications.urls")),
    # 幸福家园圆桌会: staff pages under roundtable/, residents' under p/roundtable/.
    path("roundtable/", include("roundtable.urls")),
    path("", include("roundtable.public_urls")),
    # The seed's figures, the charts and the fill-once reports under figures/; each community's
    # 幸福账单 under p/bills/.
    path("figures/", include("figures.urls")),
    path("p/", include("figures.public_urls")),
    # Sign-ups: residents' pages under p/, staff pages under signups/.
    path("", include("signups.urls")),
    # Compound scenes and 幸福责任田: staff pages under scenes/, residents' under p/.
    path("", include("scenes.urls")),
    path("", include("core.urls")),
    path("admin/", portal_admin.urls),
    path("healthz", healthz, name="healthz"),
]

if settings.BENCH:
    # The baseline list pages `make bench` compares with (dashboards/bench_admin.py).
    from dashboards.bench_admin import bench_admin

    urlpatterns.append(path("bench-admin/", bench_admin.urls))

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
