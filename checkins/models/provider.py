"""The provider side of RSMo 590.192 check-ins: who provides them, where and when they meet
officers, and how full each slot is. A provider may serve several agencies, so most of these rows
belong to no agency; an agency reaches them through its `ProviderContract`."""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from agencies.models import TenantModel


class Provider(models.Model):
    """A program service provider (an EAP, an area practice). It may serve several agencies,
    so it belongs to none; each agency's contract with it is a `ProviderContract`."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="checkin_providers",
        help_text="Provider users who see and mark this provider's appointments.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProviderContract(TenantModel):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contracts")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "provider"], name="contract_once")]

    def __str__(self) -> str:
        return f"{self.provider} for agency {self.agency_id}"


class LocationQuerySet(models.QuerySet):
    def usable_by(self, agency) -> "LocationQuerySet":
        """The one rule of where this agency's officers may meet a provider: a location of a
        provider the agency holds an active contract with, and either the provider's own office
        or a station of this agency (never another agency's station)."""
        contracted = ProviderContract.objects.for_agency(agency).filter(active=True)
        return self.filter(
            Q(station_of__isnull=True) | Q(station_of=agency),
            provider_id__in=contracted.values("provider_id"),
        )


class Location(models.Model):
    """Where a provider meets officers: its own office, or an agency's station."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=200, blank=True)
    station_of = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Set for a station: only that agency's officers meet there.",
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One weekly block of a location, cut into slots of `slot_minutes`, each taking up to
    `capacity` officers at once (a practice with three clinicians takes three)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField(default=time(9))
    closes = models.TimeField(default=time(16))
    slot_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M} to {self.closes:%H:%M}"

    def clean(self) -> None:
        # Hours that hold no whole slot would silently offer the scheduler nothing.
        if self.opens is None or self.closes is None or not self.slot_minutes:
            return
        minutes = (self.closes.hour * 60 + self.closes.minute) - (
            self.opens.hour * 60 + self.opens.minute
        )
        if minutes <= 0:
            raise ValidationError({"closes": "Closing time must be after opening time."})
        if minutes < self.slot_minutes:
            raise ValidationError(
                {"slot_minutes": f"These hours hold no {self.slot_minutes}-minute slot."}
            )


class Booking(models.Model):
    """How many officers, of any agency, one slot of a location holds: a provider serves several
    agencies, so its capacity is counted here, apart from any agency's rows."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    taken = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "starts_at"], name="booking_once")
        ]

    def __str__(self) -> str:
        return f"{self.location_id} at {self.starts_at}: {self.taken}"


class ClosedDate(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="closed_dates")
    date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "date"], name="closed_date_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} closed {self.date}"
