"""The agency side of RSMo 590.192 check-ins: the agency's program, when each officer is due, the
scheduler's runs and the appointments with their notices, requests and misses.

What an officer says in a check-in is never stored, and there is no field to write it in: an
appointment is only a time, a place, and whether it was completed or missed."""

from datetime import date, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q

from agencies.choices import MemberClass
from agencies.models import TenantModel, TenantQuerySet

from .provider import Location, Provider

# RSMo 590.192 binds peace officers: the licensed members, sworn or reserve. Dispatchers,
# detention and civilian staff are not peace officers.
PEACE_OFFICERS = [MemberClass.SWORN, MemberClass.RESERVE]

# "Due soon" on the compliance page: on time, and due within this many days.
DUE_SOON_DAYS = 90


def covered(prefix: str = "") -> Q:
    """The one rule of who must check in: a peace officer still employed. `prefix` reaches the
    person through a relation ("person__")."""
    return Q(**{f"{prefix}employed": True, f"{prefix}member_class__in": PEACE_OFFICERS})


def overdue(today: date) -> Q:
    """The one rule of "overdue": due before `today`, the agency's own today (agencies/clock.py).
    An officer due today is on time all that day, and overdue from the agency's next midnight."""
    return Q(due_on__lt=today)


def due_soon(today: date) -> Q:
    return ~overdue(today) & Q(due_on__lte=today + timedelta(days=DUE_SOON_DAYS))


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


class DueDateQuerySet(TenantQuerySet):
    def covered(self) -> "DueDateQuerySet":
        return self.filter(covered("person__"))

    def overdue(self, today: date) -> "DueDateQuerySet":
        return self.filter(overdue(today))

    def due_by(self, day: date) -> "DueDateQuerySet":
        """Due on or before `day`: the officers a scheduler run with that horizon must place."""
        return self.filter(due_on__lte=day)

    def with_standing(self, today: date) -> "DueDateQuerySet":
        """Each row's `overdue`, by the one rule, for the pages, the export and the officer's
        own page to read instead of comparing dates themselves."""
        return self.annotate(overdue=ExpressionWrapper(overdue(today), output_field=BooleanField()))


class DueDate(TenantModel):
    """When one officer must next check in. Derived: recomputed from the last completion, the
    hire date and the policy's interval, never edited by hand."""

    person = models.OneToOneField(
        "roster.Person", on_delete=models.CASCADE, related_name="checkin_due"
    )
    due_on = models.DateField()
    last_completed_on = models.DateField(null=True, blank=True)

    objects = DueDateQuerySet.as_manager()

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
            # A run's proposals, which its publishing or discarding reads: a few rows of one run,
            # where the run index and the open-appointment one would each match many.
            models.Index(
                fields=["run"],
                condition=models.Q(state=AppointmentState.PROPOSED),
                name="proposals_of_run",
            ),
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
