from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from agencies.models import IncidentType, TenantModel
from roster.models import Peer


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Request declined"


class Activation(TenantModel):
    """The team called out after a critical incident. What could identify the people affected is
    kept to a count. The exact location and the free-text briefing are shown on the call-out page
    to the peers called, never put in a message, and erased on close; a message says only the
    incident type and the general `area`, chosen from the agency's list."""

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    incident_type = models.ForeignKey(IncidentType, on_delete=models.PROTECT)
    occurred_at = models.DateTimeField()
    area = models.CharField(
        "General area",
        max_length=80,
        blank=True,
        help_text="One of the agency's general areas: all a call-out message says of where.",
    )
    # Required to open; blank once the activation is closed or declined (erased with the briefing).
    location = models.CharField(
        max_length=120,
        blank=True,
        help_text="General location only, e.g. 'I-70 near Blue Ridge Cutoff'.",
    )
    members_affected = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    briefing = models.TextField(max_length=1000, blank=True)
    consent_confirmed = models.BooleanField(default=False)
    peers_needed = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    limit_override_reason = models.CharField(max_length=300, blank=True)
    # An incident type the policy does not list as triggering activation (KCPD's "Personal or
    # professional crisis", say) opens only on the lead's explicit override, with a reason.
    trigger_override_reason = models.CharField(max_length=300, blank=True)
    trigger_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    limit_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    involved_peers = models.ManyToManyField(Peer, blank=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_wave_at = models.DateTimeField(null=True, blank=True)
    exhausted_at = models.DateTimeField(null=True, blank=True)
    external_team_activated_at = models.DateTimeField(null=True, blank=True)
    external_team_consulted = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"Activation {self.pk}"


class CallState(models.TextChoices):
    CALLED = "called", "Called"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class CallOut(TenantModel):
    """One peer called for one activation. `agency` is the activation's; a partner agency's
    peer called through an approved request carries that request."""

    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="callouts")
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="callouts")
    wave = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=CallState.choices, default=CallState.CALLED)
    on_call = models.BooleanField(default=False)
    # Called although already on another open activation's assignment: nobody else was left.
    busy_elsewhere = models.BooleanField(default=False)
    called_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    assistance = models.ForeignKey(
        "activations.AssistanceRequest", null=True, blank=True, on_delete=models.CASCADE
    )
    # What the peer texts back with Y or N ("Y 4821"): unique among the peer's open call-outs,
    # so a reply names one of them; free again once the call-out ends. Blank on call-outs made
    # before replies by text (they are answered by the link only).
    reply_code = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["called_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activation", "peer"], name="callout_once_per_peer"),
            # Also the index a reply is looked up by: its code among the open call-outs.
            models.UniqueConstraint(
                fields=["reply_code", "peer"],
                condition=Q(state="called") & ~Q(reply_code=""),
                name="callout_reply_code_open",
            ),
        ]
        indexes = [models.Index(fields=["reply_code", "called_at"], name="callout_reply_recent")]

    def __str__(self) -> str:
        return f"Call-out {self.pk}"


class TimeEntry(TenantModel):
    """What an accepted call-out earns under the agency's compensation rule."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="time_entries")
    callout = models.OneToOneField(CallOut, on_delete=models.CASCADE, related_name="time_entry")
    kind = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Time entry {self.pk}"


class AssistanceState(models.TextChoices):
    REQUESTED = "requested", "Awaiting the partner's approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class AssistanceRequest(models.Model):
    """One agency asking a partner for peers for an activation: a record both sides see."""

    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="requests")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    peers_requested = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    state = models.CharField(
        max_length=10, choices=AssistanceState.choices, default=AssistanceState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_as = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Assistance request {self.pk}"


class OutreachCount(TenantModel):
    """Outreach leaves only this: how many contact cards went out for a reason in a month."""

    month = models.DateField(help_text="The first day of the month.")
    reason = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "month", "reason"], name="outreach_month")
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.month:%Y-%m}: {self.count}"
