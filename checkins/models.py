"""RSMo 590.192 check-ins: who provides them, when each officer is due, and the appointments.

What an officer says in a check-in is never stored, and there is no field to write it in: an
appointment is only a time, a place, and whether it was completed or missed."""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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


class Program(TenantModel):
    """The agency's check-in program: when it started (due dates of a whole force are spread
    from then) and its on-duty hours, the only hours an appointment may take."""

    started_on = models.DateField()
    duty_starts = models.TimeField(default=time(8))
    duty_ends = models.TimeField(default=time(17))
    duty_weekdays = models.JSONField(default=list, blank=True)  # empty: Monday to Friday
    # The interval the due dates were last computed with; the policy changing it recomputes.
    interval_years = models.PositiveSmallIntegerField(default=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency"], name="one_checkin_program")]

    def __str__(self) -> str:
        return f"Check-in program of agency {self.agency_id}"

    def weekdays(self) -> set[int]:
        return set(self.duty_weekdays) if self.duty_weekdays else {0, 1, 2, 3, 4}


class DueDate(TenantModel):
    """When one officer must next check in. Derived: recomputed from the last completion, the
    hire date and the policy's interval, never edited by hand."""

    person = models.OneToOneField(
        "roster.Person", on_delete=models.CASCADE, related_name="checkin_due"
    )
    due_on = models.DateField()
    last_completed_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "due_on"])]

    def __str__(self) -> str:
        return f"Person {self.person_id} due {self.due_on}"


class RunState(models.TextChoices):
    DRAFT = "draft", "Waiting for review"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"
    EMPTY = "empty", "Nothing to publish"  # the run placed nobody: there is nothing to review


class ScheduleRun(TenantModel):
    """One pass of the scheduler. Its appointments are proposals until the coordinator
    publishes the run; discarding it removes them."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    horizon_end = models.DateField()
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    unplaced = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Scheduler run {self.pk}"


class AppointmentState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"
    RESCHEDULED = "rescheduled", "Moved to a new date"
    CANCELLED = "cancelled", "Cancelled"


# An officer has at most one of these at a time.
OPEN_STATES = [AppointmentState.PROPOSED, AppointmentState.SCHEDULED]


class Appointment(TenantModel):
    person = models.ForeignKey(
        "roster.Person", on_delete=models.CASCADE, related_name="checkin_appointments"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=AppointmentState.choices, default=AppointmentState.SCHEDULED
    )
    run = models.ForeignKey(
        ScheduleRun, null=True, blank=True, on_delete=models.CASCADE, related_name="appointments"
    )
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    noticed_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state__in=OPEN_STATES),
                name="one_open_appointment_per_officer",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "state", "starts_at"]),
            models.Index(fields=["provider", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


class NoticeKind(models.TextChoices):
    NOTICE = "notice", "Appointment notice"
    REMINDER = "reminder", "Reminder"


class AppointmentNotice(TenantModel):
    """That a notice or a reminder went to the outbox for one appointment: the key that makes
    each one go exactly once, however often the daily sweep runs."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    days_before = models.PositiveSmallIntegerField()
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "days_before"], name="notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for appointment {self.appointment_id}"


class RequestState(models.TextChoices):
    PENDING = "pending", "Waiting for the coordinator"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class RescheduleRequest(TenantModel):
    """The officer's To/From asking for a new date: a scheduling conflict, in their words."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="reschedule_requests"
    )
    reason = models.CharField(max_length=500)
    state = models.CharField(
        max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(state="pending"),
                name="one_pending_reschedule",
            )
        ]

    def __str__(self) -> str:
        return f"Reschedule request {self.pk}"


class MissedCheckin(TenantModel):
    """A missed appointment: the officer's To/From explaining it (to the coordinator, a copy to
    the chief) and the coordinator's finding of just cause."""

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="missed")
    explanation = models.TextField(blank=True, max_length=2000)
    explained_at = models.DateTimeField(null=True, blank=True)
    just_cause = models.BooleanField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Missed check-in {self.pk}"
