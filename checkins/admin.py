"""The platform administrator keeps the providers: their locations, weekly hours with capacity,
closed dates, staff, and which agencies they serve. Appointments are not edited here: the
product's pages and services keep their rules and notices."""

from django.contrib import admin, messages

from . import selectors
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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not ClosedDate:
            return
        # A closed day does not move what is already booked on it: say so, with the count,
        # so the agencies' coordinators can move those appointments.
        for day in {closed.date for closed in formset.new_objects + formset.changed_objects}:
            booked = selectors.booked_on(provider=form.instance, day=day)
            if booked:
                count = sum(booked.values())
                these = "1 appointment is" if count == 1 else f"{count} appointments are"
                messages.warning(
                    request,
                    f"{these} already booked on {day:%B %-d, %Y} ("
                    + ", ".join(f"{name}: {n}" for name, n in sorted(booked.items()))
                    + "). The agencies' coordinators must give them new dates.",
                )


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "station_of"]
    list_select_related = ["provider", "station_of"]
    search_fields = ["name", "provider__name"]
    inlines = [OpeningHoursInline]
