from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agency, IncidentType, InterventionType, Membership, Policy, Resource, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(User)
class PeerSupportUserAdmin(UserAdmin):
    pass


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "preset", "time_zone", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["preset", "created_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        # A new agency needs its policy from a preset: `manage.py createagency`.
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["agency", "program_name", "checkin_interval_years", "updated_at"]
    readonly_fields = ["agency", "sources"]

    def has_add_permission(self, request):
        return False


@admin.register(IncidentType, InterventionType)
class ListItemAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "agency", "active"]
    list_filter = ["agency", "active"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency"]
    list_filter = ["agency", "kind"]
