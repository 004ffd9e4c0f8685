"""The library's tree, kept by district staff in the admin site (audited as every RoleAdmin):
the three activity classes and the ten activity items with the compound kinds each suits."""

from django import forms
from django.contrib import admin

from accounts.admin import RoleAdmin, portal_admin
from accounts.models import Compound

from .models import ActivityClass, ActivityItem


class LibraryTreeAdmin(RoleAdmin):
    permission = "library.manage_library"
    search_fields = ["name"]


class ActivityItemForm(forms.ModelForm):
    compound_kinds = forms.MultipleChoiceField(
        label="适合的小区类型",
        choices=Compound.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ActivityItem
        fields = ["activity_class", "name", "description", "compound_kinds", "order"]


@admin.register(ActivityClass, site=portal_admin)
class ActivityClassAdmin(LibraryTreeAdmin):
    list_display = ["name", "description", "order"]
    list_editable = ["order"]
    fields = ["name", "description", "order"]


@admin.register(ActivityItem, site=portal_admin)
class ActivityItemAdmin(LibraryTreeAdmin):
    form = ActivityItemForm
    list_display = ["name", "activity_class", "order"]
    list_editable = ["order"]
    list_filter = ["activity_class"]
