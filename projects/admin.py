"""The district's lists for plans and 研判, kept by district staff in the admin site (audited):
the kinds of outdoor public space and the ten project classes."""

from django.contrib import admin

from accounts.admin import RoleAdmin, portal_admin

from .models import ProjectClass, PublicSpaceKind


class DistrictListAdmin(RoleAdmin):
    permission = "projects.manage_lists"
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(PublicSpaceKind, site=portal_admin)
class PublicSpaceKindAdmin(DistrictListAdmin):
    pass


@admin.register(ProjectClass, site=portal_admin)
class ProjectClassAdmin(DistrictListAdmin):
    list_display = ["name", "description", "order"]
