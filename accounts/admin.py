"""The portal's admin site: business users work in it by role, never as superusers.

District staff keep the organisation tree; the system admin keeps accounts; the security admin
keeps roles (三员分立). Every change is written to the audit log.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError

from core.audit import audit
from core.models import CalendarDay

from . import services
from .models import (
    Building,
    Community,
    Compound,
    District,
    Household,
    RoleAssignment,
    Street,
    User,
)
from .roles import SEPARATED_ADMINS


class PortalAdminSite(admin.AdminSite):
    site_header = "百社百景 管理后台"
    site_title = "百社百景"
    index_title = "管理"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.has_perm("accounts.use_admin_site")


# Each admin role works on its own part (三员分立); the rules in accounts/rules.py decide.
TREE, ACCOUNTS, ROLES = "accounts.manage_tree", "accounts.manage_account", "accounts.assign_role"

portal_admin = PortalAdminSite(name="admin")


class RoleAdmin(admin.ModelAdmin):
    """Access by role instead of Django's model permissions."""

    permission: str = ""
    readonly: bool = False

    def _allowed(self, request):
        return request.user.is_active and request.user.has_perm(self.permission)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request) and not self.readonly

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and not self.readonly

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            detail={"fields": sorted(form.changed_data)},
        )


class TreeAdmin(RoleAdmin):
    permission = TREE


@admin.register(District, site=portal_admin)
class DistrictAdmin(TreeAdmin):
    search_fields = ["name"]


@admin.register(Street, site=portal_admin)
class StreetAdmin(TreeAdmin):
    list_display = ["name", "district"]
    search_fields = ["name"]


@admin.register(Community, site=portal_admin)
class CommunityAdmin(TreeAdmin):
    list_display = ["name", "street"]
    list_filter = ["street"]
    search_fields = ["name"]
    list_select_related = ["street"]


@admin.register(Compound, site=portal_admin)
class CompoundAdmin(TreeAdmin):
    list_display = ["name", "kind", "community", "party_branch"]
    list_filter = ["kind", "community__street"]
    search_fields = ["name", "community__name"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]


@admin.register(Building, site=portal_admin)
class BuildingAdmin(TreeAdmin):
    list_display = ["number", "compound"]
    search_fields = ["number", "compound__name"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]


@admin.register(Household, site=portal_admin)
class HouseholdAdmin(TreeAdmin):
    # A household's code (户码) is printed on its slip and shown nowhere else: not listed, not
    # searchable (a search would tell whether a code exists), not on the change form.
    list_display = ["__str__"]
    search_fields = ["building__compound__name", "building__number", "room"]
    list_select_related = ["building__compound"]
    # The unique index (building, unit, room) serves this order; the model's own ordering would
    # sort a four-table join. One count per page, not two.
    ordering = ["building_id", "unit", "room"]
    show_full_result_count = False
    autocomplete_fields = ["building"]
    exclude = ["code"]


@admin.register(User, site=portal_admin)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "masked_phone", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "display_name"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["display_name", "email", "phone", "household"]}),
        ("状态", {"fields": ["is_active", "last_login", "date_joined", "password_changed_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["username", "display_name", "password1", "password2"]},
        )
    ]
    autocomplete_fields = ["household"]

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return obj.phone.masked

    def _allowed(self, request):
        return request.user.is_active and request.user.has_perm(ACCOUNTS)

    def has_module_permission(self, request):
        return self._allowed(request) or request.user.has_perm(ROLES)

    def has_view_permission(self, request, obj=None):
        # The security admin looks people up to give them roles, but cannot change accounts.
        return self._allowed(request) or request.user.has_perm(ROLES)

    def has_change_permission(self, request, obj=None):
        """The system admin edits a person's details (name, e-mail, phone, household), never their
        own account nor one holding a separated role (三员分立): those, and every creation,
        deactivation and password reset, go through accounts/changes.py."""
        if not self._allowed(request):
            return False
        if obj is None:
            return True
        return obj.pk != request.user.pk and not obj.scope.has(*SEPARATED_ADMINS)

    def has_add_permission(self, request):
        return False  # proposed by the system admin, approved by the security admin

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "username", "is_active"]

    def user_change_password(self, request, id, form_url=""):
        from django.core.exceptions import PermissionDenied

        audit(actor=request.user, action="auth.password_set_by_admin", result="denied")
        raise PermissionDenied  # a reset is proposed and approved (accounts/changes.py)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: audit rows and records keep pointing at the person

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(
            actor=request.user,
            action=f"user.{'update' if change else 'create'}",
            obj=obj,
            detail={
                "fields": sorted(
                    f for f in form.changed_data if f not in ("password", "password1", "password2")
                )
            },
        )


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "district", "street", "community"]

    def clean(self):
        data = super().clean()
        user, role = data.get("user"), data.get("role")
        if user and role and services.separation_conflict(user, role):
            raise ValidationError(services.SEPARATION_MESSAGE)
        return data


@admin.register(RoleAssignment, site=portal_admin)
class RoleAssignmentAdmin(RoleAdmin):
    permission = ROLES
    form = RoleAssignmentForm
    list_display = ["user", "role", "community", "street", "district", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "community", "street", "district"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def save_model(self, request, obj, form, change):
        assignment = services.role_assign(
            user=obj.user,
            role=obj.role,
            by=request.user,
            district=obj.district,
            street=obj.street,
            community=obj.community,
        )
        obj.pk = assignment.pk

    def delete_model(self, request, obj):
        services.role_revoke(assignment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.role_revoke(assignment=obj, by=request.user)


@admin.register(CalendarDay, site=portal_admin)
class CalendarDayAdmin(RoleAdmin):
    """District staff keep the statutory holidays and 调休 working days that every date rule
    counts working days from (core/workdays.py); a wrong entry may be deleted, audited."""

    permission = "core.manage_calendar"
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def delete_model(self, request, obj):
        audit(
            actor=request.user, action="calendarday.delete", obj=obj, detail={"date": str(obj.date)}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
