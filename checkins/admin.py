"""The platform administrator keeps the providers: their locations, weekly hours with capacity,
closed dates, staff, and which agencies they serve. Appointments are not edited here: the
product's pages and services keep their rules and notices."""

from django.contrib import admin

from .models import ClosedDate, Location, OpeningHours, Provider, ProviderContract


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    autocomplete_fields = ["station_of"]


class ClosedDateInline(admin.TabularInline):
    model = ClosedDate
    extra = 1


class ContractInline(admin.TabularInline):
    model = ProviderContract
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]
    search_fields = ["name"]
    filter_horizontal = ["staff"]
    inlines = [LocationInline, ContractInline, ClosedDateInline]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "station_of"]
    list_select_related = ["provider", "station_of"]
    search_fields = ["name", "provider__name"]
    inlines = [OpeningHoursInline]
