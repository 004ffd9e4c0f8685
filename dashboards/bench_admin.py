"""The baseline `make bench` measures list pages against (QUALITY.md §25): Django's own admin
changelist, at its default page size, over the same rows. Read-only, for district staff, and
mounted only when BENCH=1 (baiseshejing/urls.py); it is not part of the portal."""

from django.conf import settings
from django.contrib import admin

from needs.models import Need
from partners.models import Partner
from projects.models import Project


class BenchAdminSite(admin.AdminSite):
    site_header = "百社百景 基准对照(仅 make bench)"

    def has_permission(self, request):
        user = request.user
        return settings.BENCH and user.is_active and user.has_perm("dashboards.view_overview")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


bench_admin = BenchAdminSite(name="bench_admin")
for model in (Project, Need, Partner):
    bench_admin.register(model, ReadOnlyAdmin)
