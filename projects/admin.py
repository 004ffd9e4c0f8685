"""The district's lists for plans and 研判, kept by district staff in the admin site (audited):
the kinds of outdoor public space, the twelve outdoor project categories and the ten project
classes."""

from django.contrib import admin

from accounts.admin import RoleAdmin, portal_admin

from .models import NoticePolicy, OutdoorCategory, ProjectClass, PublicSpaceKind


class DistrictListAdmin(RoleAdmin):
    permission = "projects.manage_lists"
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(PublicSpaceKind, site=portal_admin)
class PublicSpaceKindAdmin(DistrictListAdmin):
    pass


@admin.register(OutdoorCategory, site=portal_admin)
class OutdoorCategoryAdmin(DistrictListAdmin):
    list_display = ["name", "description", "order"]


@admin.register(ProjectClass, site=portal_admin)
class ProjectClassAdmin(DistrictListAdmin):
    list_display = ["name", "description", "order"]


@admin.register(NoticePolicy, site=portal_admin)
class NoticePolicyAdmin(RoleAdmin):
    """The district's 公示 rule: one row (NoticePolicy.current()), changed, never added twice."""

    permission = "projects.manage_notice_policy"
    list_display = ["__str__", "amount_threshold", "working_days"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not NoticePolicy.objects.exists()

    def changelist_view(self, request, extra_context=None):
        NoticePolicy.current()  # the one row exists before anyone looks for it
        return super().changelist_view(request, extra_context)
