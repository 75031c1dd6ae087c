"""The usage form: that a peer supported someone, when, how long, and what kind of contact it was.

Nothing here can hold who was helped: no free text, no person, no place. The choice fields are
short codes from fixed lists; a test fails if a text field is ever added."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from agencies.models import TenantModel

MAX_MINUTES = 12 * 60


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIRTUAL = "virtual", "Video or text"


class UsageReport(TenantModel):
    peer = models.ForeignKey("roster.Peer", on_delete=models.PROTECT, related_name="usage_reports")
    served_at = models.DateTimeField("date and time of service")
    # Duration, mode and duty are asked only where the agency's policy lets the form hold them
    # (Policy.usage_*): Joplin's holds none of them (SOG 2-13 IV.D.2).
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)],
    )
    incident_type = models.ForeignKey(
        "agencies.IncidentType", on_delete=models.PROTECT, related_name="+"
    )
    intervention_type = models.ForeignKey(
        "agencies.InterventionType", on_delete=models.PROTECT, related_name="+"
    )
    contact_mode = models.CharField(max_length=10, choices=ContactMode.choices, blank=True)
    on_duty = models.BooleanField("the peer was on duty", null=True, blank=True)
    activation = models.ForeignKey(
        "activations.Activation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_reports",
    )
    # KCPD III.D.2: an off-duty consult earns overtime only when the Manager approves it; one
    # the Manager declines leaves the list of consults awaiting a decision.
    compensation_approved = models.BooleanField(default=False)
    compensation_declined = models.BooleanField(default=False, db_default=False)
    filed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-served_at"]
        indexes = [
            # The statistics read one period of one agency and group by these columns: on
            # PostgreSQL the index covers them, so a year of forms is an index-only scan.
            models.Index(
                fields=["agency", "served_at"],
                include=[
                    "incident_type",
                    "intervention_type",
                    "contact_mode",
                    "on_duty",
                    "peer",
                    "duration_minutes",
                ],
                name="usage_period_covering",
            ),
            models.Index(fields=["peer", "served_at"], name="usage_peer_served"),
        ]

    def __str__(self) -> str:
        return f"Usage form {self.pk}"


class DayOff(TenantModel):
    """A day off a team member took under a yearly allowance (SLMPD Team Activities 8: two days
    off per year). Only the date: not why, nor what the peer did with it."""

    peer = models.ForeignKey("roster.Peer", on_delete=models.CASCADE, related_name="days_off")
    taken_on = models.DateField("day taken")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "taken_on"], name="one_day_off_per_date")
        ]

    def __str__(self) -> str:
        return f"Day off {self.taken_on}"
